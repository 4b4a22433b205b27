"""The center's HTTP routes for operators and consoles (ingest lives in ``center.ingest``)."""
