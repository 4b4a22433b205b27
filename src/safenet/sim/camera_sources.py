"""Which published CCTV file a district's cameras come from, and why.

``<data_dir>/cctv/`` may hold several files that list the same district (Seoul
2018 lists every 자치구; the 강남구 2019 file lists 강남구 again, a year newer
and with more sites). For each district the file with the newest
데이터기준일자 among its rows wins, then the one with more sites; the reason is
kept for the city summary.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from safenet.cctv import CameraFileError, CameraSite, ImportResult, read_standard_file
from safenet.sim.districts import DistrictSpec

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SiteSource:
    """A district's camera sites from one file, with what the alternatives were."""

    file: str
    sites: tuple[CameraSite, ...]
    newest: date | None
    reason: str


class CctvFolder:
    """The national-standard CCTV files in ``<data_dir>/cctv/``, each parsed at most once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files = sorted(p for p in folder.glob("*.csv") if not p.name.startswith("."))
        self._text: dict[Path, str] = {}
        self._parsed: dict[Path, ImportResult | None] = {}

    def _mentions(self, path: Path, name: str) -> bool:
        # A cheap look at the raw text spares parsing Busan's 15,000 rows for a Seoul district.
        if path not in self._text:
            raw = path.read_bytes()
            try:
                self._text[path] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self._text[path] = raw.decode("cp949", errors="replace")
        return name in self._text[path]

    def _parse(self, path: Path) -> ImportResult | None:
        if path not in self._parsed:
            try:
                self._parsed[path] = read_standard_file(path)
            except CameraFileError as exc:
                logger.warning("camera file %s is not usable: %s", path, exc)
                self._parsed[path] = None
        return self._parsed[path]

    def sites_for(self, spec: DistrictSpec) -> SiteSource | None:
        """The district's sites from the best file, or None when no file lists it."""
        options: list[SiteSource] = []
        for path in self._files:
            if not self._mentions(path, spec.name):
                continue
            result = self._parse(path)
            if result is None:
                continue
            sites = tuple(s for s in result.sites if spec.manages(s.agency))
            if sites:
                dates = [s.data_date for s in sites if s.data_date is not None]
                options.append(SiteSource(path.name, sites, max(dates, default=None), ""))
        if not options:
            return None
        options.sort(key=lambda o: (o.newest or date.min, len(o.sites)), reverse=True)
        best = options[0]
        return SiteSource(best.file, best.sites, best.newest, _reason(best, options[1:]))


def _reason(best: SiteSource, others: Sequence[SiteSource]) -> str:
    text = f"{best.file}: {len(best.sites):,} sites, data as of {best.newest or 'unknown'}"
    if others:
        rest = "; ".join(
            f"{o.file} has {len(o.sites):,} as of {o.newest or 'unknown'}" for o in others
        )
        text += f" (newest, preferred over: {rest})"
    return text
