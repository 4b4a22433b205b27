"""Stable ids for camera sites, so that importing the same file twice changes nothing.

- A row with a 관리번호 (the 2025–26 layout) is named by it: ``mn-<개방자치단체코드>-<관리번호>``.
  The management number is the publisher's own key for the installation, so the id
  survives edits to the row's address, counts or coordinates.
- Any other row is named by its content: ``h-`` and 16 hex digits of a BLAKE2b hash
  of the fields that describe the installation (agency, both addresses, purpose,
  camera count, resolution, view direction, retention, installation date, and the
  coordinates rounded to 6 decimals, about 0.1 m). The row number, 번호, phone and
  데이터기준일자 are left out, so re-publishing or re-sorting a file keeps the ids.
  When any described field changes, the row is a different site to us.
- When repeated rows are kept, the second and later copies get ``-r2``, ``-r3``…

A camera's id is its site id, ``-`` and its 1-based index within the site.
"""

from __future__ import annotations

import hashlib
import re

_KEY_CHARS = re.compile(r"[0-9A-Za-z]+")
_SEPARATOR = "\x1f"  # unit separator: cannot occur in a cleaned cell


def management_site_id(local_gov_code: str | None, management_no: str) -> str | None:
    """The id of a row the publisher numbered, or ``None`` if the number is unusable."""
    if not _KEY_CHARS.fullmatch(management_no):
        return None
    if local_gov_code and _KEY_CHARS.fullmatch(local_gov_code):
        return f"mn-{local_gov_code}-{management_no}"
    return f"mn-{management_no}"


def is_management_id(site_id: str) -> bool:
    """Whether a site id comes from the publisher's 관리번호 rather than the row's content."""
    return site_id.startswith("mn-")


def content_site_id(
    *,
    agency: str,
    road_address: str | None,
    lot_address: str | None,
    purpose: str | None,
    camera_count: int,
    resolution: int | None,
    view_direction: str | None,
    retention_days: int | None,
    installed: str | None,
    lat: float,
    lon: float,
) -> str:
    """The id of a row without a management number, derived from what it describes."""
    parts = (
        agency,
        road_address,
        lot_address,
        purpose,
        camera_count,
        resolution,
        view_direction,
        retention_days,
        installed,
        f"{lat:.6f}",
        f"{lon:.6f}",
    )
    key = _SEPARATOR.join("" if part is None else str(part) for part in parts)
    return "h-" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def repeated_site_id(site_id: str, occurrence: int) -> str:
    """The id of the ``occurrence``-th copy (2, 3, …) of a row that appears more than once."""
    return f"{site_id}-r{occurrence}"


def camera_id(site_id: str, index: int) -> str:
    """The id of the ``index``-th camera (1-based) of a site."""
    return f"{site_id}-{index}"
