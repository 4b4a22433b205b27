"""Hypothesis strategies that write plates from the grammar, with the parts they expect."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from hypothesis import strategies as st

from tests.plates import oracle


@dataclass(frozen=True)
class Expected:
    """A plate as the generator built it: canonical text and parts."""

    text: str
    region: str | None
    class_number: str
    usage: str
    serial: str
    kind: str
    vehicle_type: str


def _vehicle(region: str | None, class_number: str, usage: str, serial: str) -> Expected:
    return Expected(
        text=f"{region or ''}{class_number}{usage}{serial}",
        region=region,
        class_number=class_number,
        usage=usage,
        serial=serial,
        kind=oracle.kind(region, class_number, usage),
        vehicle_type=oracle.vehicle_type(class_number),
    )


serials = st.integers(0, 9999).map(lambda n: f"{n:04d}")
usages = st.sampled_from(oracle.ALL_USAGE)

national_classes = st.one_of(
    st.integers(1, 99).map(lambda n: f"{n:02d}"),
    st.integers(100, 999).map(str),
    st.integers(1, 99).map(lambda n: f"{n:03d}"),  # construction machinery
)
regional_classes = st.one_of(
    st.integers(1, 9).map(str), st.integers(1, 99).map(lambda n: f"{n:02d}")
)

national = st.builds(lambda c, u, s: _vehicle(None, c, u, s), national_classes, usages, serials)
regional = st.builds(_vehicle, st.sampled_from(oracle.REGIONS), regional_classes, usages, serials)
diplomatic = st.builds(
    lambda prefix, first, second: Expected(
        text=f"{prefix}{first}{second}",
        region=None,
        class_number=first,
        usage=prefix,
        serial=second,
        kind="diplomatic",
        vehicle_type="diplomatic",
    ),
    st.sampled_from(oracle.DIPLOMATIC),
    st.integers(0, 999).map(lambda n: f"{n:03d}"),
    st.integers(0, 999).map(lambda n: f"{n:03d}"),
)
plates = st.one_of(national, regional, diplomatic)

SEPARATORS = [" ", "-", ".", "·", "\u3000", "\u00a0", "\u30fb", "\u2013", "\uff0d"]


@st.composite
def spellings(draw: st.DrawFn, expected: Expected) -> str:
    """One way a person or reader might write the plate: separators, full width, NFD.

    At most 16 characters stay after folding, so separators are sprinkled sparingly
    only where the total stays within the raw-input bound.
    """
    out: list[str] = []
    for ch in expected.text:
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
        if ch.isdigit() and draw(st.booleans()):
            ch = chr(0xFF10 + int(ch))
        out.append(ch)
    text = "".join(out)
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    return text
