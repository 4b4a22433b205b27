"""Benchmarks behind ``safenet bench``; each module owns one benchmark."""
