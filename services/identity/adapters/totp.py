"""The second factor: time-based one-time codes (RFC 6238, pyotp) and the QR code a phone scans (segno)."""

from __future__ import annotations

import io

import pyotp
import segno

STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, login_name: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app takes, from the QR code or typed in."""
    return pyotp.TOTP(secret).provisioning_uri(name=login_name, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The address as a QR code, an SVG image to put in a page."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def matching_step(secret: str, code: str, now: float, after_step: int | None) -> int | None:
    """The time step ``code`` belongs to (the current one, or one either side for a slow clock), if it is
    later than ``after_step`` (a code already used is refused: no replay); None if it matches none."""
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    step = int(now // STEP_SECONDS)
    for candidate in (step, step - 1, step + 1):
        try:
            matches = totp.verify(code.strip(), for_time=candidate * STEP_SECONDS, valid_window=0)
        except (ValueError, TypeError):  # a secret that is not base32 matches nothing
            return None
        if matches and (after_step is None or candidate > after_step):
            return candidate
    return None
