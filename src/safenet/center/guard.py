"""One step over a batch, so that an item the step fails on costs only itself.

The step runs over the whole batch first (one query, one call to the matcher); if it
raises, it runs again item by item, and each item it still fails on is handed to
``failed`` with the error. The live pipeline's stages and the hit checks of the
retrospective look-up both run this way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def run_guarded(
    step: str,
    run: Callable[[list[T]], None],
    items: Sequence[T],
    failed: Callable[[T, Exception], None],
) -> None:
    """Run ``run`` over ``items``; see the module docstring."""
    batch = list(items)
    if not batch:
        return
    try:
        run(batch)
        return
    except Exception:
        log.exception(
            "pipeline: stage %s failed for a batch of %d; retrying one by one", step, len(batch)
        )
    for item in batch:
        try:
            run([item])
        except Exception as exc:
            failed(item, exc)
