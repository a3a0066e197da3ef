"""Signed checkpoints (điểm đối chiếu): each service signs its chain head, so a history rewritten and
re-hashed afterwards no longer matches what was signed (ADR 0023).

- :mod:`shared.checkpoints.model`: what a checkpoint says and how its signature is checked, and the
  file an auditor keeps;
- :mod:`shared.checkpoints.keys`: each service's Ed25519 key (its setting, or a file for the owner only);
- :mod:`shared.checkpoints.stream`: the ``CHECKPOINTS`` stream they are published on, and reading it.
"""

from shared.checkpoints.model import (
    CHECKPOINT_FILE_FORMAT,
    CheckpointFile,
    SignedCheckpoint,
    fingerprint,
    sign_head,
)

__all__ = ["CHECKPOINT_FILE_FORMAT", "CheckpointFile", "SignedCheckpoint", "fingerprint", "sign_head"]
