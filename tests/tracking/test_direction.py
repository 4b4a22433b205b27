"""Compass words both ways: bearings to labels, and the CCTV registry's 촬영방면정보 to headings."""

from __future__ import annotations

import math
import unicodedata

import pytest

from safenet.tracking import angle_between_deg, compass_label, heading_from_text


@pytest.mark.parametrize(
    ("bearing", "ko", "en"),
    [
        (0.0, "북", "N"),
        (22.4, "북", "N"),
        (22.5, "북동", "NE"),
        (45.0, "북동", "NE"),
        (90.0, "동", "E"),
        (135.0, "남동", "SE"),
        (180.0, "남", "S"),
        (225.0, "남서", "SW"),
        (270.0, "서", "W"),
        (315.0, "북서", "NW"),
        (337.4, "북서", "NW"),
        (337.5, "북", "N"),
        (359.9, "북", "N"),
        (360.0, "북", "N"),
        (-90.0, "서", "W"),
        (810.0, "동", "E"),
    ],
)
def test_compass_label(bearing: float, ko: str, en: str) -> None:
    assert compass_label(bearing) == ko
    assert compass_label(bearing, lang="ko") == ko
    assert compass_label(bearing, lang="en") == en


def test_compass_label_rejects_nan_and_unknown_language() -> None:
    with pytest.raises(ValueError, match=r"^bearing_deg "):
        compass_label(math.nan)
    with pytest.raises(ValueError, match=r"^lang "):
        compass_label(10.0, lang="fr")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(0, 0, 0), (10, 350, 20), (350, 10, 20), (90, 270, 180), (0, 181, 179), (-45, 45, 90)],
)
def test_angle_between(a: float, b: float, expected: float) -> None:
    assert angle_between_deg(a, b) == pytest.approx(expected)


# Each line lists spellings of one heading, separated by "|".
HEADINGS: dict[float, str] = {
    0.0: "북|북측|북쪽|북편|북향|북방향|북방면|북쪽방향|북쪽 방향|북측방면|북 측|북측 방향"
    "| 북측 |정북|정북쪽|정북 방향|정 북|북\u3000측",
    45.0: "북동|북동측|북동쪽|북동 방향|동북|동북쪽|동북방향|동북쪽 방면",
    90.0: "동|동측|동쪽|동쪽방향|동방면|동향|정동|정동쪽",
    135.0: "남동|남동측|남동쪽 방향|동남|동남쪽|동남방면",
    180.0: "남|남측|남쪽|남쪽방향|남쪽 방면|정남|남향",
    225.0: "남서|남서측|남서쪽|서남|서남쪽방향",
    270.0: "서|서측|서쪽|서쪽 방면|서방향|정서쪽",
    315.0: "북서|북서측|북서쪽방향|서북|서북쪽",
}


@pytest.mark.parametrize(
    ("text", "heading"),
    [(text, heading) for heading, texts in HEADINGS.items() for text in texts.split("|")],
)
def test_heading_from_text_reads_compass_words(text: str, heading: float) -> None:
    assert heading_from_text(text) == heading


def test_heading_from_text_reads_decomposed_hangul() -> None:
    # Files saved on macOS often carry NFD jamo; they must read the same.
    assert heading_from_text(unicodedata.normalize("NFD", "남동쪽방향")) == 135.0


AMBIGUOUS = "|".join(
    [
        # no direction at all
        "|   |-|없음|미상|해당없음",
        # all round
        "360도|360|360도 회전|360도 전방위|전방향|전방위|교차로 전방향|회전형",
        # junctions and several directions
        "사거리|삼거리|교차로|양방향|동서|남북|서동|북남|동서남북|동서방향|남북방향|북측 및 동측",
        "북,동|북 동|남 서쪽|북/남|북측, 남측|동쪽서쪽|북쪽북쪽",
        "북→남|남에서 북|남쪽에서 북쪽으로|북-남",
        # place names, some of which begin with a compass syllable
        "○○초교 방면|서초초교 방면|강남역 방향|서울역 방면|동대문 방면|동작구 방면|남산 방향",
        "북한산 방향|남부순환로 방면|동구|남구 방면|북구청|서구|동면|북면|동문|남문|서문 방향",
        "북측도로|동측 출입구|서측 남부순환로|북측(교차로)|북쪽으로",
        # other ways of pointing that are not compass directions
        "상행|하행|전방|후방|정문|후문|놀이터|주차장 입구|45도|90|북동 45도|북북동|정북동|정동북",
        "N|north",
    ]
).split("|")
assert "" in AMBIGUOUS


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_heading_from_text_never_guesses(text: str) -> None:
    assert heading_from_text(text) is None
