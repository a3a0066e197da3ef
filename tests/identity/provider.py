"""A real OpenID provider for the tests: the certified ``oidc-provider`` package run with Node.js.

``make oidc-provider`` installs it into tests/identity/oidc/node_modules (``make test`` does it first);
the fixture never installs anything. Without it the tests that need it skip, except under CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "chudong", "client-secret-of-the-tests-0123456789"


@contextmanager
def openid_provider(tmp_path: Path, redirect_uri: str, accounts: dict[str, dict[str, Any]]) -> Iterator[str]:
    """The provider's issuer URL while it runs, with ``accounts`` (login → claims) and chudong's client."""
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        message = "no oidc-provider for the OpenID tests: run `make oidc-provider` (Node.js and npm)"
        if os.environ.get("CI") == "true":
            raise AssertionError(message)
        pytest.skip(message)
    config = tmp_path / "provider.json"
    config.write_text(
        json.dumps(
            {
                "port": 0,
                "client": {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [redirect_uri],
                },
                "accounts": accounts,
            }
        )
    )
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs"), str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=HERE,
    )
    try:
        assert process.stdout is not None
        ready = process.stdout.readline().strip()
        assert ready.startswith("READY "), f"the OpenID provider did not start: {ready!r}"
        threading.Thread(target=process.stdout.read, daemon=True).start()  # keep its output drained
        yield ready.removeprefix("READY ")
    finally:
        process.terminate()
        process.wait(10)
