"""Where the consoles' files are: our pages and scripts, and Leaflet from its npm package.

Leaflet is installed at set-up (``npm ci --prefix src/safenet/web``) into
``src/safenet/web/node_modules`` and served from there: no CDN, because the police
network is cut off from the internet, and no bundler, so there is nothing to build.
A console refuses to mount without it, naming the command to run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from safenet.web.settings import WebSettings

Side = Literal["police", "center"]

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
PAGES_DIR = PACKAGE_DIR / "pages"
DEFAULT_LEAFLET_DIR = PACKAGE_DIR / "node_modules" / "leaflet" / "dist"
LEAFLET_FILES = ("leaflet-src.esm.js", "leaflet.css")
INSTALL_COMMAND = "npm ci --prefix src/safenet/web"

CONSOLE_PAGES: Final[dict[Side, dict[str, str]]] = {
    "police": {"": "police-live.html", "wanted": "police-wanted.html"},
    "center": {
        "": "center-queue.html",
        "health": "center-health.html",
        "register": "center-register.html",
    },
}
"""Each console's pages: the path under the console's prefix, and its file in pages/.

- police ``/console/``: the dispatcher's screen: the districts, every active wanted
  vehicle's track (numbered hits with times, the line between them, direction arrows,
  the impossible-journey mark) and the alert list pushed over Server-Sent Events;
- police ``/console/wanted``: register, approve, renew and lift wanted entries, and
  which hotlist version each center runs;
- center ``/console/``: the operator's queue: each candidate's snapshot beside the
  wanted vehicle's description and the match explanation, confirmed or rejected with
  a reason from the keyboard (J/K to move, C or R to decide, Enter to send);
- center ``/console/health``: the camera registry on a map and the ingest figures;
- center ``/console/register``: the provision register (개인영상정보 제공 관리대장)
  with filters and its CSV download.

Every page calls its service's ``/api/v1`` with the officer's or operator's own token;
the server enforces every rule, the pages only show its answers. A new page is an HTML
file in pages/, a line here, and its texts in static/lib/i18n.js.
"""


class ConsoleSetupError(RuntimeError):
    """A console cannot be served: a front-end file or folder it needs is missing."""


def leaflet_dir(settings: WebSettings) -> Path:
    """Leaflet's dist/ folder; :class:`ConsoleSetupError` says how to install it if missing."""
    folder = Path(settings.leaflet_dir) if settings.leaflet_dir else DEFAULT_LEAFLET_DIR
    missing = [name for name in LEAFLET_FILES if not (folder / name).is_file()]
    if missing:
        where = "web.leaflet_dir" if settings.leaflet_dir else "the safenet.web package"
        raise ConsoleSetupError(
            f"web.leaflet_dir: Leaflet is not installed in {folder} ({where}; missing "
            f"{', '.join(missing)}). Run: {INSTALL_COMMAND}   (from the repository root; "
            "'make demo' and 'make test' run it for you)"
        )
    return folder


def page_text(name: str, prefix: str) -> str:
    """One page's HTML with the console's URL prefix filled in."""
    path = PAGES_DIR / name
    if not path.is_file():
        raise ConsoleSetupError(f"console page {path} is missing from the safenet.web package")
    return path.read_text(encoding="utf-8").replace("{{prefix}}", prefix)
