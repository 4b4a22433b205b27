"""The names a person reads for a site: 강남구 / Gangnam-gu where the link says ``gangnam``.

A site id is an ASCII slug for subjects and permissions; the consoles show the
district's name instead, in the reader's language. A name comes, first found wins, from

1. the settings: a center's ``center.display_name`` / ``display_name_en`` for its own
   site, the police's ``police.center_names`` for the centers they link;
2. the link: a center's heartbeat carries its names (``site_name`` / ``site_name_en``);
3. the default table: the districts the simulator knows
   (:data:`safenet.sim.districts.DEFAULT_DISTRICTS`, whose Korean names match the
   관리기관명 of the national CCTV standard data), with the English name made from the
   site id, which is the district's romanisation (``gangnam`` + 구 → ``Gangnam-gu``);
4. the site id itself (and for English with only a Korean name: the Korean).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

# The English suffix of a Korean local government's kind (Revised Romanisation).
_SUFFIXES = {"구": "gu", "군": "gun", "시": "si"}
NAME_MAX = 40
"""Longest display name accepted, in characters."""


@dataclass(frozen=True, slots=True)
class SiteName:
    """A site's id with the names a person reads for it, in Korean and in English."""

    site: str
    ko: str
    en: str

    def as_json(self) -> dict[str, str]:
        """The form the consoles load (``config.json``'s ``sites``)."""
        return {"id": self.site, "name_ko": self.ko, "name_en": self.en}


def english_name(site: str, ko: str) -> str:
    """The English name of a district whose site id is its romanisation (``Gangnam-gu``).

    When the Korean name does not end in 구, 군 or 시, the id alone, capitalised.
    """
    stem = "-".join(part.capitalize() for part in site.split("-") if part)
    suffix = _SUFFIXES.get(ko[-1:]) if ko else None
    return f"{stem}-{suffix}" if suffix else stem


def check_name(value: str, *, field: str) -> str:
    """``value`` stripped, if it is a usable display name (empty allowed); else ValueError."""
    text = value.strip()
    if len(text) > NAME_MAX:
        raise ValueError(f"{field}: {len(text)} characters; a site name has at most {NAME_MAX}")
    if any(not c.isprintable() for c in text):
        raise ValueError(f"{field}: {text!r} holds a control character")
    return text


@lru_cache(maxsize=1)
def default_names() -> Mapping[str, SiteName]:
    """The default table: the simulator's districts, named in both languages."""
    from safenet.sim.districts import DEFAULT_DISTRICTS

    return {
        d.site: SiteName(d.site, d.name, english_name(d.site, d.name)) for d in DEFAULT_DISTRICTS
    }


class SiteNames:
    """Who a site is, in words: settings, then what the link said, then the default table."""

    def __init__(self, configured: Mapping[str, tuple[str, str]] | None = None) -> None:
        # site -> (ko, en); an empty part falls through to the next source.
        self.configured = dict(configured or {})
        self.heard: dict[str, tuple[str, str]] = {}

    def hear(self, site: str, ko: str, en: str) -> None:
        """Keep the names a center sent over the link (empty ones are ignored)."""
        if ko or en:
            self.heard[site] = (ko, en)

    def name(self, site: str) -> SiteName:
        """The site's names; with none known, the id (English falls back to the Korean)."""
        default = default_names().get(site)
        ko = _first(
            self.configured.get(site, ("", ""))[0],
            self.heard.get(site, ("", ""))[0],
            default.ko if default else "",
        )
        en = _first(
            self.configured.get(site, ("", ""))[1],
            self.heard.get(site, ("", ""))[1],
            default.en if default and ko == default.ko else "",
        )
        # A Korean name with no English one: the Korean, not a guessed romanisation.
        return SiteName(site, ko or site, en or ko or site)

    def listing(self, sites: Iterable[str]) -> list[dict[str, str]]:
        """The named sites, in the order given, each once."""
        return [self.name(site).as_json() for site in dict.fromkeys(sites)]

    def known(self) -> list[str]:
        """Every site some source names, sorted."""
        return sorted({*self.configured, *self.heard, *default_names()})


def _first(*values: str) -> str:
    return next((v for v in values if v), "")
