"""Fixtures for the evidence tests."""

from __future__ import annotations

import pytest

from safenet.audit import SigningKey


@pytest.fixture(scope="session")
def center_key() -> SigningKey:
    """The center's Ed25519 key (the one that also signs its audit checkpoints)."""
    return SigningKey.generate()


@pytest.fixture(scope="session")
def trusted(center_key: SigningKey) -> dict[str, str]:
    """What the police hold: the center's public key, configured ahead."""
    return {"seocho": center_key.public_key_b64}
