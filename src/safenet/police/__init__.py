"""The police side (WASS): wanted registry, hotlist distribution, location intake, alerts.

docs/police.md describes the gate, the default match policies, distribution, intake,
tracks, the alert stream, the notifications, the HTTP API and every setting.

Public API (imported lazily, so that loading the settings stays light)::

    from safenet.police import PoliceService, PoliceSettings
    from safenet.police.app import build_app
    service = PoliceService(settings.police, db=db, transport=transport)
    app = build_app(service, token_secret=secret)   # the FastAPI app and console
    await service.start(); ...; await service.stop()

- :class:`PoliceService`: everything wired together (registry, distribution,
  intake, tracks, alert hub, notifications); its HTTP routes are in :mod:`.api`.
- :class:`PoliceSettings`, :class:`WebhookSettings`, :class:`CategoryPolicy`:
  the ``[police]`` configuration section.
- :data:`CATEGORIES`, :func:`policy_table`: the lawful bases and their policies.
- :func:`check_registration`: the lawful-basis gate on its own (pure).
- :class:`PoliceClient`: the HTTP client the admin CLI uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safenet.lazy import lazy_exports

if TYPE_CHECKING:
    from safenet.police.categories import CATEGORIES, CategoryPolicy, policy_table
    from safenet.police.client import PoliceApiError, PoliceClient
    from safenet.police.errors import (
        AlertNotFound,
        EntryNotFound,
        GateRefused,
        TwoPersonRule,
        WrongState,
    )
    from safenet.police.gate import check_registration
    from safenet.police.service import PoliceService
    from safenet.police.settings import PoliceSettings, WebhookSettings
    from safenet.police.types import Status, WantedDraft, WantedEntry

__all__ = [
    "CATEGORIES",
    "AlertNotFound",
    "CategoryPolicy",
    "EntryNotFound",
    "GateRefused",
    "PoliceApiError",
    "PoliceClient",
    "PoliceService",
    "PoliceSettings",
    "Status",
    "TwoPersonRule",
    "WantedDraft",
    "WantedEntry",
    "WebhookSettings",
    "WrongState",
    "check_registration",
    "policy_table",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "safenet.police.categories": ("CATEGORIES", "CategoryPolicy", "policy_table"),
        "safenet.police.client": ("PoliceApiError", "PoliceClient"),
        "safenet.police.errors": (
            "AlertNotFound",
            "EntryNotFound",
            "GateRefused",
            "TwoPersonRule",
            "WrongState",
        ),
        "safenet.police.gate": ("check_registration",),
        "safenet.police.service": ("PoliceService",),
        "safenet.police.settings": ("PoliceSettings", "WebhookSettings"),
        "safenet.police.types": ("Status", "WantedDraft", "WantedEntry"),
    },
)
