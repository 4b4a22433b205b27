"""How reads reach a center: HTTP batches, MQTT messages, and replayed files.

All three accept the same read format (:mod:`.schema`) and feed the same pipeline.
"""
