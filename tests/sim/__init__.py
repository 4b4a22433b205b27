"""Tests of the city simulator."""
