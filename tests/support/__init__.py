"""Shared test support: real services (PostgreSQL, NATS, Mosquitto) and private servers."""
