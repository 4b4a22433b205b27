"""The characters a Korean plate may carry, as the MOLIT plate notice lists them.

국토교통부고시 「자동차 등록번호판 등의 기준에 관한 고시」: the usage syllables
(용도 기호) by kind, the region names (지역명) of commercial and old regional
plates, and the prefixes of diplomatic plates.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from safenet.plates.types import PlateKind

DIGITS = "0123456789"

PRIVATE_SYLLABLES = (
    "가나다라마"  # ㅏ
    "거너더러머버서어저"  # ㅓ
    "고노도로모보소오조"  # ㅗ
    "구누두루무부수우주"  # ㅜ
)
COMMERCIAL_SYLLABLES = "바사아자"
DELIVERY_SYLLABLES = "배"
RENTAL_SYLLABLES = "하허호"

USAGE_SYLLABLES: Mapping[str, PlateKind] = MappingProxyType(
    {
        **dict.fromkeys(PRIVATE_SYLLABLES, PlateKind.PRIVATE),
        **dict.fromkeys(COMMERCIAL_SYLLABLES, PlateKind.COMMERCIAL),
        **dict.fromkeys(DELIVERY_SYLLABLES, PlateKind.DELIVERY),
        **dict.fromkeys(RENTAL_SYLLABLES, PlateKind.RENTAL),
    }
)
"""Usage syllable -> the kind of use it stands for. No other syllable is issued."""

REGIONS: tuple[str, ...] = (
    "서울",
    "부산",
    "대구",
    "인천",
    "광주",
    "대전",
    "울산",
    "세종",
    "경기",
    "강원",
    "충북",
    "충남",
    "전북",
    "전남",
    "경북",
    "경남",
    "제주",
)
"""The 17 region names printed on commercial and old regional plates."""

DIPLOMATIC_PREFIXES: tuple[str, ...] = ("외교", "영사", "준외", "준영", "국기", "협정", "대표")
"""Prefixes of diplomatic plates (외교용 번호판), each followed by 3 + 3 digits."""

PLATE_CHARS: frozenset[str] = frozenset(
    DIGITS + "".join(USAGE_SYLLABLES) + "".join(REGIONS) + "".join(DIPLOMATIC_PREFIXES)
)
"""Every character that can appear in a normalized plate."""
