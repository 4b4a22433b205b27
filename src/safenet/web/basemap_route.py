"""``<console>/basemap/…``: the offline street map, served from the service's own var folder.

The files come from :func:`safenet.roads.basemap.ensure_basemap` (built from the road
data on the first request, or beforehand by ``safenet roads prepare``); nothing is
fetched from anywhere else. Only the index and the band files it lists are served,
by exact name, so a request can never name another file.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response

from safenet.roads.basemap import ensure_basemap

log = logging.getLogger(__name__)


class BasemapFiles:
    """The basemap of one console: built once, then its files by name."""

    def __init__(self, data_dir: Path, var_dir: Path) -> None:
        self.data_dir = data_dir
        self.var_dir = var_dir
        self._lock = threading.Lock()
        self._index: Path | None = None
        self._names: frozenset[str] = frozenset()
        self._tried = False

    def index(self) -> Path | None:
        """The index file, built on first use; None without road data (worker thread)."""
        with self._lock:
            if not self._tried:
                self._tried = True
                try:
                    self._index = ensure_basemap(self.data_dir, self.var_dir)
                except Exception:  # the map must come up without streets
                    log.exception("consoles: could not build the basemap")
                    self._index = None
                if self._index is not None:
                    body = json.loads(self._index.read_text(encoding="utf-8"))
                    self._names = frozenset(
                        band["file"]
                        for network in body.get("networks", [])
                        for band in network.get("bands", [])
                    )
            return self._index

    def file(self, name: str) -> bytes | None:
        index = self.index()
        if index is None:
            return None
        if name == "index.json":
            return index.read_bytes()
        if name not in self._names:
            return None
        path = index.parent / name
        return path.read_bytes() if path.is_file() else None


def add_basemap_route(app: FastAPI, prefix: str, files: BasemapFiles) -> None:
    """Serve ``files`` under ``<prefix>/basemap/``."""

    @app.get(f"{prefix}/basemap/{{name}}", include_in_schema=False)
    async def _basemap(name: str) -> Response:
        body = await asyncio.to_thread(files.file, name)
        if body is None:
            return Response(
                b'{"error": "not_found"}', status_code=404, media_type="application/json"
            )
        kind = "application/json" if name == "index.json" else "application/geo+json"
        return Response(body, media_type=kind, headers={"Cache-Control": "no-cache"})
