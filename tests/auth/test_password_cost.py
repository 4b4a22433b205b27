"""The production argon2id cost, which the other tests lower (tests/conftest.py)."""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters

from safenet.auth import passwords


@pytest.mark.real_password_cost
def test_the_service_hashes_with_the_rfc_9106_low_memory_profile() -> None:
    params = extract_parameters(passwords.hash_password("correct horse battery"))
    assert (params.type, params.time_cost, params.memory_cost, params.parallelism) == (
        Type.ID,
        3,
        65_536,
        4,
    )
    assert extract_parameters(passwords._DUMMY_HASH) == params  # a refusal costs the same


def test_the_tests_cheap_hashes_still_verify_and_refuse() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert extract_parameters(stored).memory_cost == 1024
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "wrong horse battery")
    assert not passwords.verify_password(None, "correct horse battery")
    assert not passwords.needs_rehash(stored)
