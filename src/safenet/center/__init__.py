"""The smart-city center service: cameras, read ingest, matching, hit reporting.

Kept light on purpose (the settings tree imports :mod:`.settings` for every command);
import what you need from the modules. docs/center.md describes the whole service.

- :mod:`.service` — :class:`~.service.CenterService`, one center in one object;
  :mod:`.app` its HTTP API; :mod:`.parts` builds database and link from settings.
- :mod:`.pipeline` — the read pipeline, declared once (stages in :mod:`.stages`),
  fed by :mod:`.runner` from :mod:`.ingest` (HTTP, MQTT, replay; format in
  :mod:`.ingest.schema`).
- :mod:`.hotlist` — the police hotlist applied, kept and matched; :mod:`.retro` the
  retrospective look-up of newly added entries.
- :mod:`.hits`, :mod:`.records`, :mod:`.reports` — what a match becomes and what the
  police are told; :mod:`.confirm` the operators' confirmation queue.
- :mod:`.registry` — camera files into the database (parsers in :mod:`.cameras`).
- :mod:`.retention` — the purge; :mod:`.metrics`; :mod:`.errors`; :mod:`.tables`.
"""
