"""The base of every configuration section: unknown keys are an error.

It lives apart from :mod:`safenet.config` so that each service can define its own
section beside its code and the configuration tree can import them all.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A group of settings; a misspelt key is refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")
