"""The consoles: the police live map and alert console, and the center operator console.

Each console is mounted into its service's FastAPI app (same origin as the API it
calls) and made of server-sent HTML pages plus plain ES modules and CSS, with Leaflet
from its npm package (``npm ci --prefix src/safenet/web``): no CDN, no build step.
docs/consoles.md describes the pages, settings and keyboard shortcuts.

Public API (imported lazily, so that loading the settings stays light)::

    from safenet.web import mount_police_console, mount_center_console, configure_console
    mount_police_console(police.app, police)            # in the police app
    mount_center_console(center.app, center)            # in a center's app
    configure_console(app, web=settings.web, data_dir=settings.data_dir)

- :func:`mount_police_console` — live map, alerts (SSE), wanted registry pages;
- :func:`mount_center_console` — candidate queue, cameras and ingest health;
- :func:`configure_console` — hand a mounted console the installation's ``web``
  settings and data folder;
- :class:`ConsoleSetupError` — Leaflet (or a page) is missing: names the command to run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safenet.lazy import lazy_exports

if TYPE_CHECKING:
    from safenet.web.assets import ConsoleSetupError
    from safenet.web.center import mount_center_console
    from safenet.web.mount import ConsoleState, configure_console
    from safenet.web.police import mount_police_console
    from safenet.web.settings import WebSettings

__all__ = [
    "ConsoleSetupError",
    "ConsoleState",
    "WebSettings",
    "configure_console",
    "mount_center_console",
    "mount_police_console",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "safenet.web.assets": ("ConsoleSetupError",),
        "safenet.web.center": ("mount_center_console",),
        "safenet.web.mount": ("ConsoleState", "configure_console"),
        "safenet.web.police": ("mount_police_console",),
        "safenet.web.settings": ("WebSettings",),
    },
)
