"""The police's HTTP routes, one module per area; :mod:`safenet.police.app` puts them together.

- :mod:`.wanted` — the wanted registry (register, approve, renew, cancel, resolve, read);
- :mod:`.alerts` — the live alert stream (SSE), recent alerts, acknowledge, dispatch;
- :mod:`.live` — tracks, centers and the hotlist in force;
- :mod:`.access` — who may call each route (:class:`~.access.PoliceAccess`).
"""
