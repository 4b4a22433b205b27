"""The police side (WASS): wanted registry, hotlist distribution, location intake, alerts."""
