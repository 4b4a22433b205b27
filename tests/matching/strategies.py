"""Hypothesis strategies for the matcher: plates by format, and reads of them."""

from __future__ import annotations

from hypothesis import strategies as st

from safenet.plates import REGIONS

PRIVATE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"
COMMERCIAL = "바사아자"
RENTAL = "하허호"

serials = st.integers(0, 9999).map(lambda n: f"{n:04d}")
three_digit = st.builds(
    lambda c, u, s: f"{c}{u}{s}", st.integers(100, 699), st.sampled_from(PRIVATE + RENTAL), serials
)
two_digit = st.builds(
    lambda c, u, s: f"{c:02d}{u}{s}", st.integers(1, 69), st.sampled_from(PRIVATE), serials
)
regional = st.builds(
    lambda r, c, u, s: f"{r}{c:02d}{u}{s}",
    st.sampled_from(REGIONS),
    st.integers(1, 99),
    st.sampled_from(COMMERCIAL),
    serials,
)
plates = st.one_of(three_digit, two_digit, regional)
"""Valid plates in the normalized spelling, in the formats a hotlist mostly holds."""

confidences = st.floats(0.0, 1.0, allow_nan=False)
