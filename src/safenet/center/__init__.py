"""The smart-city center service: cameras, read ingest, matching, hit reporting.

Kept light on purpose (the settings tree imports :mod:`.settings` for every command);
import what you need from the modules. docs/center.md describes the whole service.

- :mod:`.service` — :class:`~.service.CenterService`, one center's parts wired together
  and their loops (:mod:`.loops`: link, hotlist feed, retrospective worker, purge,
  heartbeat, expiry); :mod:`.app` builds its HTTP API and console from those parts
  (routes in :mod:`.api`, guarded by :class:`~.api.access.CenterAccess`); :mod:`.parts`
  opens database and link from settings.
- :mod:`.pipeline` — the read pipeline, declared once (stages in :mod:`.stages`, the
  hit checks in :mod:`.checks`, failures isolated by :mod:`.guard`), fed by
  :mod:`.runner` from :mod:`.ingest` (HTTP, MQTT, replay; format in :mod:`.ingest.schema`).
- :mod:`.hotlist` — the police hotlist applied and kept (:mod:`.hotlist_index` compiles
  it for the matcher); :mod:`.retro` the retrospective look-up of newly added entries.
- :mod:`.hits`, :mod:`.records`, :mod:`.reports` — what a match becomes and what the
  police are told; :mod:`.confirm` the operators' confirmation queue.
- :mod:`.registry` — camera files into the database (parsers in :mod:`safenet.cctv`);
  :mod:`.cameras` the cameras as the pipeline and the consoles use them.
- :mod:`.status` — health and the status page; :mod:`.retention` — the purge;
  :mod:`.metrics`; :mod:`.errors`; :mod:`.tables`.
"""
