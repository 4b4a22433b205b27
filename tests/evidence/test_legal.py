"""The lawful bases as the register writes them, and the labels shared with the police."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safenet.evidence import CATEGORY_LABELS, DANGER_TO_LIFE, describe_basis, parse_basis
from safenet.link.messages import PipaBasis, WarrantBasis
from safenet.police import categories


def test_labels_and_danger_to_life_are_the_polices() -> None:
    assert CATEGORY_LABELS == categories.LABELS_KO
    assert DANGER_TO_LIFE == categories.DANGER_TO_LIFE


def test_bases_read_as_the_law_cites_them() -> None:
    assert describe_basis(PipaBasis(item=7)) == "개인정보보호법 제18조제2항제7호"
    assert describe_basis(WarrantBasis(number="2026-12345")) == "영장 2026-12345"


@given(
    st.one_of(
        st.sampled_from([1, 2, 3, 5, 6, 7, 8, 9, 10]).map(lambda i: PipaBasis(item=i)),
        st.text(min_size=1, max_size=64)
        .filter(lambda t: not t[0].isspace() and "\n" not in t and "\r" not in t)
        .map(lambda t: WarrantBasis(number=t)),
    )
)
def test_a_described_basis_parses_back(basis: PipaBasis | WarrantBasis) -> None:
    assert parse_basis(describe_basis(basis)) == basis


@pytest.mark.parametrize("text", ["", "형사소송법 제215조", "개인정보보호법 제18조제2항", "영장"])
def test_other_text_is_not_a_basis(text: str) -> None:
    with pytest.raises(ValueError, match="neither"):
        parse_basis(text)
