"""Site ids: who is who on the link (``police`` and one slug per center, e.g. ``seocho``).

A site id is one token of every subject that site may publish on, so fencing is a
subject permission. It must therefore be a short ASCII slug that can never be read
as a NATS wildcard or subject separator.
"""

from __future__ import annotations

import re

POLICE = "police"
"""The police (WASS) side's site id."""

ALL_CENTERS = "all"
"""The hotlist target meaning every center."""

SITE_PATTERN = r"^[a-z][a-z0-9-]{1,31}$"
"""Lower-case ASCII letters, digits and ``-``, starting with a letter, 2-32 long."""

_SITE_RE = re.compile(SITE_PATTERN)

# Tokens that already mean something in a subject position where a site id goes.
RESERVED = frozenset({POLICE, ALL_CENTERS, "dead"})


def validate_site(site: str, *, field: str = "site") -> str:
    """Return ``site`` if it is a well-formed site id (police or a center); else ValueError."""
    if not isinstance(site, str) or not _SITE_RE.match(site):
        raise ValueError(
            f"{field}: {site!r} is not a site id (2-32 lower-case ASCII letters, digits or '-', "
            "starting with a letter)"
        )
    if site in RESERVED and site != POLICE:
        raise ValueError(f"{field}: {site!r} is reserved and cannot name a site")
    return site


def validate_center(site: str, *, field: str = "site") -> str:
    """Return ``site`` if it names a center (not the police), else raise ValueError."""
    validate_site(site, field=field)
    if site == POLICE:
        raise ValueError(f"{field}: {site!r} is the police, not a center")
    return site
