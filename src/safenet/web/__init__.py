"""The consoles: the police live map and alert console, and the center operator console.

Each console is mounted into its service's FastAPI app (same origin as the API it
calls) and made of server-sent HTML pages plus plain ES modules and CSS, with Leaflet
from its npm package (``npm ci --prefix src/safenet/web``): no CDN, no build step.
docs/consoles.md describes the pages, settings and keyboard shortcuts.

``safenet.web`` imports no service: a service's app builder hands the console what it
shows (imported lazily, so that loading the settings stays light)::

    from safenet.web import mount_console
    mount_console(app, side="center", site="seocho", points=registry.places,
                  web=settings.web, data_dir=settings.data_dir)

- :func:`mount_console` — a console's pages, scripts, Leaflet, settings and districts;
- :data:`CONSOLE_PAGES` — each side's pages (where a new page is added);
- :class:`ConsoleSetupError` — Leaflet (or a page) is missing: names the command to run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safenet.lazy import lazy_exports

if TYPE_CHECKING:
    from safenet.web.assets import CONSOLE_PAGES, ConsoleSetupError
    from safenet.web.mount import ConsoleState, mount_console
    from safenet.web.settings import WebSettings

__all__ = [
    "CONSOLE_PAGES",
    "ConsoleSetupError",
    "ConsoleState",
    "WebSettings",
    "mount_console",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "safenet.web.assets": ("CONSOLE_PAGES", "ConsoleSetupError"),
        "safenet.web.mount": ("ConsoleState", "mount_console"),
        "safenet.web.settings": ("WebSettings",),
    },
)
