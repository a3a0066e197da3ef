"""Which checkpoints to believe: those whose signature verifies under a key known to be the service's.

The keys a verification trusts are the services' own (their settings, or the key files of the data
directory it reads) and those of the checkpoint files an auditor gives (``--against``): a file kept
since names the keys it was signed with. A checkpoint in the stream that does not verify, or that was
signed by any other key, is a forgery: the stream is BROKEN there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from chudong.audit.findings import Check, Finding, Verdict
from shared.checkpoints import CheckpointFile, SignedCheckpoint, fingerprint
from shared.checkpoints.stream import CHECKPOINT_PREFIX, StoredCheckpoint
from shared.i18n import Message, _


class CheckpointFileError(ValueError):
    """A checkpoint file that cannot be read."""


def read_checkpoint_file(path: Path) -> CheckpointFile:
    try:
        return CheckpointFile.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise CheckpointFileError(f"cannot read {path}: {exc.strerror}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        raise CheckpointFileError(
            f"{path} is not a checkpoint file (`chudong checkpoints export` writes them): {where}: {first['msg']}"
        ) from exc


@dataclass(slots=True)
class Believed:
    """A service's checkpoints that verify, and the first that does not (a forgery) if any."""

    checkpoints: list[SignedCheckpoint] = field(default_factory=list)
    forged: Finding | None = None
    unknown_keys: set[str] = field(default_factory=set)


def believe(stored: Iterable[StoredCheckpoint], trusted: Mapping[str, set[str]]) -> dict[str, Believed]:
    """The stream's checkpoints by service, each checked against the keys ``trusted`` for it."""
    found: dict[str, Believed] = {}
    for item in stored:
        cp = item.checkpoint
        service = cp.service if cp is not None else item.subject.removeprefix(CHECKPOINT_PREFIX + ".")
        believed = found.setdefault(service, Believed())
        if believed.forged is not None:
            continue
        problem = _problem(item, trusted.get(service, set()))
        if problem is None and cp is not None:
            believed.checkpoints.append(cp)
        elif problem == "unknown" and cp is not None:
            believed.unknown_keys.add(cp.public_key)
        elif problem is not None:
            text = _(
                "checkpoint at stream sequence {sequence} is forged: {problem}",
                sequence=item.sequence,
                problem=problem,
            )
            believed.forged = Finding(service, Check.CHECKPOINTS, Verdict.BROKEN, text)
    return found


def _problem(item: StoredCheckpoint, keys: set[str]) -> Message | str | None:
    cp = item.checkpoint
    if cp is None or item.problem:
        return _("not a checkpoint ({detail})", detail=item.problem)
    if not cp.signature_valid():
        return _("its signature does not verify")
    if not keys:
        return "unknown"  # no key to tell: the caller says NOT CHECKED
    if cp.public_key not in keys:
        return _(
            "signed with key {key}, which is not {service}'s ({known})",
            key=fingerprint(cp.public_key),
            service=cp.service,
            known=", ".join(sorted(fingerprint(k) for k in keys)),
        )
    return None
