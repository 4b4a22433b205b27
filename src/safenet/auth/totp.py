"""The second factor: TOTP enrolment (secret, otpauth URI, QR), codes, recovery codes.

A TOTP code is accepted once: the caller stores the time step of the last accepted
code and a code from that step or an earlier one is refused, so a code read over a
shoulder (or replayed from a captured request) is worthless within its own window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno

_STEP_S = 30
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


@dataclass(frozen=True)
class Enrolment:
    """What a person needs once to set up their authenticator app."""

    secret: str
    uri: str
    qr_svg: str

    def qr_data_uri(self) -> str:
        """The QR as a ``data:`` URI the console can show in an ``<img>``."""
        return segno.make(self.uri, error="m").svg_data_uri(scale=4)


def new_enrolment(account: str, issuer: str) -> Enrolment:
    """A fresh TOTP secret for ``account`` with its otpauth URI and QR (SVG)."""
    secret = pyotp.random_base32(length=32)
    uri = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)
    return Enrolment(secret, uri, _qr_svg(uri))


def enrolment_for(secret: str, account: str, issuer: str) -> Enrolment:
    """The enrolment of an existing secret (to show its QR again while still pending)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)
    return Enrolment(secret, uri, _qr_svg(uri))


def _qr_svg(uri: str) -> str:
    import io

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False)
    return out.getvalue().decode()


def accepted_step(
    secret: str,
    code: str,
    *,
    last_step: int | None,
    window: int = 1,
    now: float | None = None,
) -> int | None:
    """The time step a valid, not yet used ``code`` belongs to; None when refused.

    ``last_step`` is the step of the last code this account used: that step and all
    earlier ones are refused (replay). ``window`` steps either side allow clock skew.
    """
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // _STEP_S)
    for step in range(current - window, current + window + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * _STEP_S), code):
            return step
    return None


def code_at(secret: str, when: float) -> str:
    """The code an authenticator shows at ``when`` (for tests and the demo's helper)."""
    return pyotp.TOTP(secret).at(int(when))


def new_recovery_codes(count: int) -> list[str]:
    """``count`` one-time recovery codes, shown once as ``xxxx-xxxx-xxxx``."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(count)
    ]


def recovery_code_hash(code: str, user_id: str) -> str:
    """How a recovery code is stored: bound to its user, normalised for typing slips."""
    cleaned = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(f"safenet-recovery\0{user_id}\0{cleaned}".encode()).hexdigest()
