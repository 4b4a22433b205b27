"""Serving a console inside a service's app: pages, scripts, Leaflet, settings, districts.

A console lives under a prefix (``/console``) of the service it belongs to, so its
pages call the service's ``/api/v1`` on the same origin with the officer's or
operator's bearer token; the console's own routes carry nothing secret (pages,
scripts, public district outlines) and need no token. Pages are sent with a
Content-Security-Policy that allows scripts only from the service itself and images
only from it and the configured tile server: a console can never pull code from the
internet.

A console knows nothing of the service it is mounted in: the service's app hands
:func:`mount_console` what the console shows (its side, its site, and where the
cameras it knows stand, for the districts the map draws).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from safenet.link.site_names import SiteNames, default_names
from safenet.web.assets import CONSOLE_PAGES, STATIC_DIR, Side, leaflet_dir, page_text
from safenet.web.basemap_route import BasemapFiles, add_basemap_route
from safenet.web.boundaries import boundaries_for
from safenet.web.settings import WebSettings

log = logging.getLogger(__name__)

PointSource = Callable[[], Iterable[tuple[float, float]]]
SiteSource = Callable[[], list[dict[str, str]]]
"""The sites the console may show, named: ``[{id, name_ko, name_en}, …]``."""

TOKEN_COMMANDS: dict[Side, str] = {
    "police": "safenet police token --subject kim.dispatch --name '김상황' --role dispatcher",
    "center": "safenet center token --subject op-1 --name '이관제' --role operator",
}


class _RevalidatedFiles(StaticFiles):
    """Static files the browser must revalidate, so an upgrade is seen at the next load."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        return response


@dataclass
class ConsoleState:
    """One mounted console: what it is, its settings, and cached district outlines."""

    side: Side
    prefix: str
    site: str | None
    web: WebSettings
    data_dir: Path
    points: PointSource
    pages: Mapping[str, str]
    sites: SiteSource = field(default=list)
    vendor: StaticFiles = field(init=False)
    _outlines: dict[tuple[str, ...], bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.vendor = _RevalidatedFiles(directory=leaflet_dir(self.web))

    def boundary_path(self) -> Path:
        path = Path(self.web.boundary_file)
        return path if path.is_absolute() else self.data_dir / path

    def config(self) -> dict[str, Any]:
        """What the pages need to know (public: no secrets)."""
        web = self.web
        return {
            "side": self.side,
            "site": self.site,
            "sites": self.sites(),
            "prefix": self.prefix,
            "api": "/api/v1",
            "language": web.default_language,
            "time_zone": "Asia/Seoul",
            "tiles": {
                "url": web.tile_url,
                "attribution": web.tile_attribution,
                "max_zoom": web.tile_max_zoom,
            },
            "map": {"center": list(web.map_center), "zoom": web.map_zoom},
            "basemap": f"{self.prefix}/basemap/index.json",
            "refresh_s": web.center_refresh_s,
            "alert_history": web.alert_history,
            "token_command": TOKEN_COMMANDS[self.side],
            "pages": {name or "home": f"{self.prefix}/{name}" for name in self.pages},
        }

    def outlines(self) -> bytes:
        """The districts this console draws, as GeoJSON bytes (worker thread)."""
        source = boundaries_for(self.boundary_path(), self.web.boundary_tolerance_m)
        try:
            points = list(self.points())
        except Exception:  # the map must still come up when the store is busy
            log.exception("consoles: could not list camera points; drawing every district")
            points = []
        selection = source.select(self.web.districts, points)
        key = (
            selection.source,
            *sorted(d.code for d in selection.districts),
            *selection.unknown,
        )
        cached = self._outlines.get(key)
        if cached is None:
            cached = json.dumps(selection.geojson(), ensure_ascii=False).encode()
            if len(self._outlines) > 16:
                self._outlines.clear()
            self._outlines[key] = cached
        return cached

    def csp(self) -> str:
        images = ["'self'", "data:", "blob:"]
        tile_origin = _origin(self.web.tile_url)
        if tile_origin:
            images.append(tile_origin)
        return "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                # Leaflet positions map panes with inline style attributes.
                "style-src 'self' 'unsafe-inline'",
                f"img-src {' '.join(images)}",
                "connect-src 'self'",
                "frame-ancestors 'none'",
                "base-uri 'none'",
                "form-action 'self'",
            ]
        )


def _origin(url: str) -> str | None:
    """The CSP source of a tile URL template (``{s}`` subdomains become a wildcard)."""
    if not url or "://" not in url:
        return None
    parts = urlsplit(url.replace("{s}", "tiles-s"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.replace("tiles-s", "*")
    return f"{parts.scheme}://{host}"


class _Vendor:
    """Serves Leaflet from whatever folder the console's settings name right now."""

    def __init__(self, state: ConsoleState) -> None:
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.state.vendor(scope, receive, send)


def mount_console(
    app: FastAPI,
    *,
    side: Side,
    site: str | None,
    points: PointSource,
    web: WebSettings | None = None,
    data_dir: Path | None = None,
    prefix: str = "/console",
    pages: Mapping[str, str] | None = None,
    var_dir: Path | None = None,
    sites: SiteSource | None = None,
) -> ConsoleState:
    """Add a console's routes under ``prefix``.

    ``points`` lists where the cameras the console knows stand (the map draws their
    districts); ``pages`` maps a path to its HTML file (default: the side's
    :data:`~safenet.web.assets.CONSOLE_PAGES`); the offline street map is built from
    ``<data_dir>/roads`` into ``<var_dir>/basemap`` on first use. Raises
    :class:`~safenet.web.assets.ConsoleSetupError` when Leaflet is not installed.
    ``sites`` names the sites the pages show (default: the console's own site and the
    default table of :mod:`safenet.link.site_names`), read at every ``config.json``.
    """
    from safenet.config import DEFAULT_DATA_DIR

    prefix = "/" + prefix.strip("/")
    state = ConsoleState(
        side=side,
        prefix=prefix,
        site=site,
        web=web or WebSettings(),
        data_dir=data_dir if data_dir is not None else DEFAULT_DATA_DIR,
        points=points,
        pages=CONSOLE_PAGES[side] if pages is None else pages,
        sites=sites or _default_sites(site),
    )
    app.state.console = state
    app.mount(f"{prefix}/static", _RevalidatedFiles(directory=STATIC_DIR), name="console-static")
    app.mount(f"{prefix}/vendor/leaflet", _Vendor(state), name="console-leaflet")
    add_basemap_route(app, prefix, BasemapFiles(state.data_dir, var_dir or Path("var")))

    @app.get(prefix, include_in_schema=False)
    async def _bare() -> RedirectResponse:
        return RedirectResponse(f"{prefix}/", status_code=307)

    @app.get(f"{prefix}/config.json", include_in_schema=False)
    async def _config() -> Response:
        config = state.config()
        auth = getattr(app.state, "auth", None)  # the site's sign-in: its CSRF cookie's name
        if auth is not None:
            config["csrf_cookie"] = auth.settings.csrf_cookie_name
        body = json.dumps(config, ensure_ascii=False).encode()
        return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})

    @app.get(f"{prefix}/boundaries.geojson", include_in_schema=False)
    async def _boundaries() -> Response:
        body = await asyncio.to_thread(state.outlines)
        return Response(
            body, media_type="application/geo+json", headers={"Cache-Control": "no-cache"}
        )

    for path, filename in state.pages.items():
        _add_page(app, state, path, filename)
    log.info("consoles: %s console mounted at %s/", side, prefix)
    return state


def _default_sites(site: str | None) -> SiteSource:
    names = SiteNames()
    listed = [*([site] if site else []), *default_names()]
    return lambda: names.listing(listed)


def _add_page(app: FastAPI, state: ConsoleState, path: str, filename: str) -> None:
    url = f"{state.prefix}/{path}"

    async def page() -> Response:
        html = page_text(filename, state.prefix)
        return Response(
            html,
            media_type="text/html; charset=utf-8",
            headers={
                "Cache-Control": "no-store",
                "Content-Security-Policy": state.csp(),
                "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff",
            },
        )

    app.add_api_route(url, page, methods=["GET"], include_in_schema=False)
