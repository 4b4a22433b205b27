"""An independent statement of the plate grammar, for tests to check the package against.

Written from the issue text, not from the package code, so that a slip in one
shows up as a disagreement with the other.
"""

from __future__ import annotations

PRIVATE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"
COMMERCIAL = "바사아자"
DELIVERY = "배"
RENTAL = "하허호"
ALL_USAGE = PRIVATE + COMMERCIAL + DELIVERY + RENTAL

REGIONS = [
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
]
DIPLOMATIC = ["외교", "영사", "준외", "준영", "국기", "협정", "대표"]


def usage_kind(syllable: str) -> str:
    if syllable in PRIVATE:
        return "private"
    if syllable in COMMERCIAL:
        return "commercial"
    if syllable in DELIVERY:
        return "delivery"
    assert syllable in RENTAL
    return "rental"


def vehicle_type(class_number: str) -> str:
    value = int(class_number)
    if len(class_number) == 1:
        table = [(4, "passenger"), (6, "van"), (8, "truck"), (9, "special")]
    elif len(class_number) == 2:
        table = [(69, "passenger"), (79, "van"), (97, "truck"), (99, "special")]
    elif class_number.startswith("0"):
        return "construction"
    else:
        table = [
            (699, "passenger"),
            (799, "van"),
            (979, "truck"),
            (997, "special"),
            (999, "emergency"),
        ]
    return next(name for high, name in table if value <= high)


def kind(region: str | None, class_number: str, usage: str) -> str:
    base = usage_kind(usage)
    if region is not None:
        return base if base in ("commercial", "delivery") else "old-regional"
    if len(class_number) == 3 and class_number.startswith("0"):
        return "construction"
    if class_number in ("998", "999"):
        return "emergency"
    return base
