"""The smart-city center service: cameras, read ingest, matching, hit reporting."""
