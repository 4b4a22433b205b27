"""Headless Chromium for the browser tests: Debian's package, driven by Playwright.

Playwright's own browser download cannot work on a closed network, so the tests use
the system ``chromium`` (installed by ``scripts/browser.sh``, which this module runs
when the binary is missing) with a fresh profile per test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Page, async_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Two consoles side by side in one browser: the one not in front must not be
    # throttled, or its alerts (and the measured latency) would wait for the front one.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
REFUSAL = re.compile(
    r"Failed to load resource: the server responded with a status of (403|409|422)"
)
# Not Seoul on purpose: the consoles must show Asia/Seoul whatever the machine's zone.
BROWSER_ZONE = "America/New_York"


def chromium_path() -> str:
    """The system Chromium, installed by scripts/browser.sh when it is missing."""
    found = os.environ.get("SAFENET_CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    subprocess.run(["bash", str(ROOT / "scripts" / "browser.sh")], check=True)
    found = shutil.which("chromium")
    if not found:
        raise RuntimeError("chromium is missing; run scripts/browser.sh (as root)")
    return found


@asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[BrowserContext]:
    """A browser context on a fresh profile at the desktop size, in Korean."""
    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=DESKTOP,
            locale="ko-KR",
            timezone_id=BROWSER_ZONE,
        )
        try:
            yield context
        finally:
            await context.close()


def watch_errors(page: Page) -> list[str]:
    """Collects the page's uncaught errors and console errors (a test asserts none)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_console(message: Any) -> None:
        # Refusals the page shows to the user (a gate error, the two-person rule) are
        # logged by the browser as failed loads; they are expected, not faults.
        if message.type == "error" and not REFUSAL.match(message.text):
            errors.append(f"console: {message.text} @ {message.location}")

    page.on("console", on_console)
    return errors


async def ready(page: Page) -> None:
    """Wait until the page's script has loaded its data."""
    await page.wait_for_selector("body[data-ready='1']", state="attached", timeout=15_000)


async def shoot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot under test-artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # A page behind another one has no fresh frame to capture until it is in front.
    await page.bring_to_front()
    await page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


async def overflow(page: Page) -> dict[str, int]:
    """The document's scroll width against the window's inner width."""
    result: dict[str, int] = await page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    return result


async def synthetic_snapshot(page: Page, plate: str, camera: str = "SC-01") -> bytes:
    """A JPEG of a plate drawn by the browser (a stand-in for a camera's snapshot)."""
    import base64

    data_url: str = await page.evaluate(
        """([plate, camera]) => {
          const c = document.createElement('canvas');
          c.width = 640; c.height = 360;
          const g = c.getContext('2d');
          const sky = g.createLinearGradient(0, 0, 0, 360);
          sky.addColorStop(0, '#2b3440'); sky.addColorStop(1, '#11161c');
          g.fillStyle = sky; g.fillRect(0, 0, 640, 360);
          g.fillStyle = '#d9dde3'; g.fillRect(150, 110, 340, 170);
          g.fillStyle = '#1b2027'; g.fillRect(180, 130, 280, 70);
          g.fillStyle = '#f4f4f0'; g.fillRect(225, 222, 190, 44);
          g.strokeStyle = '#111'; g.lineWidth = 3; g.strokeRect(225, 222, 190, 44);
          g.fillStyle = '#111'; g.font = 'bold 30px sans-serif'; g.textAlign = 'center';
          g.fillText(plate, 320, 255);
          g.fillStyle = '#9aa3ad'; g.font = '14px monospace'; g.textAlign = 'left';
          g.fillText('CAM ' + camera + '  ' + new Date().toISOString().slice(0, 19) + 'Z', 12, 24);
          return c.toDataURL('image/jpeg', 0.85);
        }""",
        [plate, camera],
    )
    return base64.b64decode(data_url.split(",", 1)[1])


class Stopwatch:
    """Seconds since it was started."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self.t0
