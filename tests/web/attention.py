"""Helpers for the alert-attention browser tests: a page that can be "hidden", a spy on
desktop notifications, the page's language, and what its alert sound was asked to do.

Playwright cannot hide a page for real, so an init script overrides ``document.hidden``
and ``document.visibilityState`` (``window.__setHidden(true)``) and replaces
``window.Notification`` by a spy that records each notification it is asked to show
(``window.__notes``) while reporting the browser's real permission.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.async_api import BrowserContext, Page

SIZES = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}

SPY = """
(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', {
    configurable: true, get: () => hidden });
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  window.__setHidden = (value) => {
    hidden = Boolean(value);
    document.dispatchEvent(new Event('visibilitychange'));
  };
  window.__notes = [];
  const Real = window.Notification;
  class SpyNotification {
    constructor(title, options = {}) {
      this.title = title;
      this.options = options;
      this.onclick = null;
      this.closed = false;
      window.__notes.push({ title, body: options.body || '', tag: options.tag || '' });
      window.__lastNote = this;
    }
    close() { this.closed = true; }
    static get permission() { return Real ? Real.permission : 'denied'; }
    static requestPermission() { return Real.requestPermission(); }
  }
  window.Notification = SpyNotification;
})();
"""


async def prepare(context: BrowserContext, origin: str, language: str, *, allow: bool) -> None:
    """The spy, the language chosen before the page loads, and (when ``allow``) the
    notification permission granted to ``origin``."""
    await context.add_init_script(SPY)
    await context.add_init_script(
        f"localStorage.getItem('safenet.lang') || localStorage.setItem('safenet.lang', "
        f"{json.dumps(language)});"
    )
    if allow:
        await context.grant_permissions(["notifications"], origin=origin)


async def sounds(page: Page) -> dict[str, int]:
    """How often the alert sound was asked to play, played, failed, or was muted."""
    counts: dict[str, Any] = await page.evaluate(
        "() => { const a = document.getElementById('alert-sound');"
        " return a ? { ...a.dataset } : {}; }"
    )
    return {k: int(counts.get(k, 0)) for k in ("requested", "played", "failed", "muted")}


async def wait_title(page: Page, title: str) -> None:
    """Wait until the tab's title is exactly ``title``."""
    await page.wait_for_function("(t) => document.title === t", arg=title, timeout=5000)


async def notes(page: Page) -> list[dict[str, str]]:
    """The desktop notifications the page asked for, oldest first."""
    result: list[dict[str, str]] = await page.evaluate("() => window.__notes")
    return result


async def badge(page: Page) -> tuple[str, str]:
    """The favicon's badge count and the start of its address."""
    found: list[str] = await page.evaluate(
        "() => { const l = document.querySelector('link[rel=\"icon\"]');"
        " return [l.dataset.badge || '', (l.getAttribute('href') || '').slice(0, 22)]; }"
    )
    return found[0], found[1]


REFUSE_AUTOPLAY = """
(() => {
  // As a browser's autoplay policy does: play() is refused until the first interaction.
  let allowed = false;
  for (const name of ['pointerdown', 'keydown']) {
    window.addEventListener(name, () => { allowed = true; }, { capture: true });
  }
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    if (!allowed) return Promise.reject(new DOMException('no interaction yet', 'NotAllowedError'));
    return play.call(this);
  };
})();
"""
