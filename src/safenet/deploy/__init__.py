"""Deployment topologies (``safenet deploy plan``): a police hub cluster and one leaf per center."""
