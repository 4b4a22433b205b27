"""The city simulator: cameras, roads, traffic and OCR noise, scenarios."""
