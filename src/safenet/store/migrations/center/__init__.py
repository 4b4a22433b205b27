"""The center database's migration chain (files ``NNNN_slug.py``, applied in order)."""
