"""The demo's named people: two police officers for the two-person rule, a dispatcher,
and an operator at every center, each with a password and a TOTP secret.

They are ordinary accounts in each site's own database (``safenet.auth.accounts``),
signed in through the console like anyone else: password, then the 6-digit code of an
authenticator app set up from the printed secret (or the QR the console shows at the
first sign-in). There is no way around the second factor — not even in the demo; the
demo only prints the secrets so a newcomer can add them to an app, and the live view
shows each person's current code (computed from the secret, as an app would).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyotp

from safenet.auth.accounts import Accounts
from safenet.auth.settings import AuthSettings
from safenet.auth.types import Role
from safenet.store import Database

DEMO_PASSWORD = "safenet-demo-2026"
"""Every demo person's password (demo databases only; they are made fresh each run)."""


@dataclass(frozen=True)
class DemoUser:
    """One demo person and how to sign in as them."""

    site: str
    user_id: str
    name: str
    rank: str
    role: Role
    password: str
    totp_secret: str
    console: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.rank} {self.name}"

    def code(self) -> str:
        """The 6-digit code an authenticator app shows right now."""
        return str(pyotp.TOTP(self.totp_secret).now())


POLICE_PEOPLE: tuple[tuple[str, str, str, Role], ...] = (
    ("officer.a", "김민수", "경위", Role.REGISTRAR),
    ("officer.b", "이서연", "경감", Role.APPROVER),
    ("dispatcher", "박지훈", "경사", Role.DISPATCHER),
)


def demo_settings(settings: AuthSettings, site: str) -> AuthSettings:
    """The demo's sign-in settings at ``site``: plain HTTP, one cookie name per site.

    All the demo's services share one host name, and browsers keep cookies per host,
    not per port: without a name of its own, one site's session would overwrite another's.
    """
    return settings.model_copy(
        update={
            "cookie_secure": False,
            "cookie_name": f"safenet_session_{site}",
            "csrf_cookie_name": f"safenet_csrf_{site}",
        }
    )


def add_people(
    db: Database,
    site: str,
    settings: AuthSettings,
    people: tuple[tuple[str, str, str, Role], ...],
    *,
    sites: tuple[str, ...] = (),
    console: str = "",
) -> list[DemoUser]:
    """Create ``people`` at ``site`` (user id, name, rank, role); their sign-in details."""
    accounts = Accounts(db, site, settings)
    made: list[DemoUser] = []
    for user_id, name, rank, role in people:
        creds = accounts.add(
            user_id,
            name=name,
            rank=rank,
            roles=[role],
            sites=sites,
            password=DEMO_PASSWORD,
            actor="demo",
        )
        assert creds.enrolment is not None
        made.append(
            DemoUser(
                site, user_id, name, rank, role, DEMO_PASSWORD, creds.enrolment.secret, console
            )
        )
    return made


def sign_in_lines(users: list[DemoUser]) -> list[str]:
    """How to sign in as each demo person, for the start-up banner."""
    lines = [
        f"sign in at a console with user id, password {DEMO_PASSWORD!r}, then the "
        "authenticator code (add the TOTP secret below to any authenticator app, or scan "
        "the QR the console shows at the first sign-in)"
    ]
    for u in users:
        lines.append(
            f"  {u.site:<10} {u.user_id:<18} {u.display_name:<10} {u.role.value:<10} "
            f"TOTP secret {u.totp_secret}  {u.console}"
        )
    return lines
