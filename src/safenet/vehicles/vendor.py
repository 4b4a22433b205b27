"""Cameras' and people's words for colours, body types and makes, mapped onto safenet's codes.

Plate readers and the overview cameras beside them report a vehicle's look in their
own words: Korean (``흰색``, ``백색``, ``쥐색``, ``승합``), English (``white``,
``gray``, ``darkBlue``), vendor codes (``SUVMPV``, ``sedan-compact``,
``silver-gray``). :func:`colour_of`, :func:`body_of` and :func:`make_of` turn any
of them into a :class:`~safenet.vehicles.Colour`, :class:`~safenet.vehicles.BodyType`
or make code, or None when the word means "unknown" or is one we do not know
(:func:`is_unknown_word` tells the two apart). A word is compared after folding:
lower case, without spaces, hyphens, underscores and dots.

The word lists gather the colour and type names of common vehicle classifiers
(e.g. the colour set white/grey/yellow/red/green/blue/black/purple/brown and the
types car/bus/truck/van of cloud vehicle-attribute APIs and of OpenVINO's
vehicle-attributes model), the camelCase names of camera vendors' event
payloads (``darkBlue``, ``deepGray``, ``SUVMPV``, ``pickupTruck``), compound
labels (``silver-gray``, ``gold-beige``, ``sedan-standard``, ``van-mini``) and
everyday Korean words. A word that names two of our colours at once
(``silver-gray``) maps to the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from safenet.vehicles.vocabulary import MAKES, BodyType, Colour, Description

_UNKNOWN = frozenset(
    {
        "",
        "unknown",
        "unk",
        "other",
        "others",
        "etc",
        "none",
        "null",
        "na",
        "n/a",
        "기타",
        "미상",
        "알수없음",
        "불명",
        "미확인",
        "없음",
    }
)
"""Words that say the camera could not tell: no evidence either way."""

_COLOUR_WORDS: dict[Colour, str] = {
    Colour.WHITE: (
        "white wht wh pearl pearlwhite ivory 흰색 흰 하양 하얀색 백색 화이트 진주색 펄 "
        "펄화이트 아이보리"
    ),
    Colour.SILVER: "silver slv silvergray silvergrey 은색 은 실버 은회색",
    Colour.GREY: (
        "grey gray gry gy lightgray lightgrey darkgray darkgrey deepgray deepgrey "
        "charcoal gunmetal titanium 회색 쥐색 그레이 진회색 연회색 차콜 건메탈 티타늄"
    ),
    Colour.BLACK: "black blk bk 검정 검정색 검은색 검은 흑색 블랙",
    Colour.NAVY: "navy darkblue deepblue navyblue 남색 감색 감청색 진청색 네이비 진파랑",
    Colour.BLUE: "blue blu bl lightblue skyblue cyan 파랑 파란색 청색 블루 하늘색 하늘 청록색",
    Colour.RED: (
        "red rd maroon burgundy wine pink 빨강 빨간색 적색 레드 자주색 와인색 버건디 분홍 "
        "분홍색 핑크"
    ),
    Colour.BROWN: "brown brn bronze 갈색 브라운 밤색 고동색 청동색",
    Colour.BEIGE: "beige gold goldbeige champagne tan khaki 베이지 베이지색 금색 골드 샴페인 카키",
    Colour.YELLOW: "yellow yel yl 노랑 노란색 황색 옐로우 옐로",
    Colour.GREEN: "green grn gn 초록 초록색 녹색 그린 연두색 국방색",
    Colour.ORANGE: "orange org 주황 주황색 오렌지 오렌지색",
    Colour.PURPLE: "purple violet 보라 보라색 퍼플 자색",
}

_BODY_WORDS: dict[BodyType, str] = {
    BodyType.CAR: (
        "car sedan saloon hatchback coupe coupé wagon estate convertible compact smallcar "
        "minicar passenger passengercar sedancompact sedanstandard sedanwagon sedansports "
        "sedanconvertible 승용 승용차 세단 해치백 쿠페 왜건 경차 소형차 중형차 대형차 "
        "소형 중형 대형승용"
    ),
    BodyType.SUV: (
        "suv suvmpv mpv rv crossover cuv jeep suvcrossover suvstandard 스포츠유틸리티 지프"
    ),
    BodyType.VAN: (
        "van minivan minibus vanmini vanfull 승합 승합차 밴 미니밴 봉고차 소형승합 중형승합"
    ),
    BodyType.PICKUP: "pickup pickuptruck pickup-truck 픽업 픽업트럭",
    BodyType.TRUCK: (
        "truck lorry truckstandard tractortrailer trailer heavytruck lighttruck 화물 "
        "화물차 트럭 탑차 덤프 덤프트럭 트레일러 소형화물 대형화물 카고"
    ),
    BodyType.BUS: (
        "bus coach largebus mediumbus schoolbus 버스 대형버스 중형버스 마을버스 시내버스 "
        "관광버스 대형승합"
    ),
    BodyType.MOTORCYCLE: (
        "motorcycle motorbike moto scooter twowheeler twowheelvehicle 이륜 이륜차 오토바이 스쿠터"
    ),
}

_MAKE_WORDS: dict[str, str] = {
    "hyundai": "hyundai 현대 현대자동차 현대차",
    "kia": "kia 기아 기아자동차 기아차",
    "genesis": "genesis 제네시스",
    "kgm": "kgm kgmobility ssangyong kg모빌리티 쌍용 쌍용자동차",
    "renault": "renault renaultkorea renaultsamsung 르노 르노코리아 르노삼성",
    "chevrolet": "chevrolet chevy gmkorea daewoo 쉐보레 한국gm 대우",
    "bmw": "bmw 비엠더블유",
    "mercedes": "mercedes mercedesbenz benz 벤츠 메르세데스 메르세데스벤츠",
    "audi": "audi 아우디",
    "volkswagen": "volkswagen vw 폭스바겐",
    "volvo": "volvo 볼보",
    "tesla": "tesla 테슬라",
    "toyota": "toyota 토요타 도요타",
    "lexus": "lexus 렉서스",
    "honda": "honda 혼다",
    "ford": "ford 포드",
    "porsche": "porsche 포르쉐",
    "mini": "mini 미니",
    "landrover": "landrover 랜드로버",
    "jeep": "jeepbrand 지프브랜드",
}


_SEPARATORS = str.maketrans("", "", " -_.·/")


def fold(word: str) -> str:
    """A word as compared: lower case, without spaces, hyphens, underscores, dots, slashes."""
    return word.strip().lower().translate(_SEPARATORS)


K = TypeVar("K")


def _index(table: Mapping[K, str]) -> dict[str, K]:
    index: dict[str, K] = {}
    for code, words in table.items():
        for word in words.split():
            key = fold(word)
            if key in index and index[key] != code:
                raise ValueError(f"vendor word {word!r} maps to both {index[key]} and {code}")
            index[key] = code
    return index


_COLOURS = _index(_COLOUR_WORDS)
_BODIES = _index(_BODY_WORDS)
_MAKES = _index(_MAKE_WORDS)
_UNKNOWN_FOLDED = frozenset(fold(w) for w in _UNKNOWN)
assert set(_MAKE_WORDS) <= set(MAKES), "every make alias names a make of the vocabulary"


def is_unknown_word(word: str | None) -> bool:
    """Whether a word means "the camera could not tell" (``unknown``, ``기타``, empty)."""
    return word is None or fold(word) in _UNKNOWN_FOLDED


def colour_of(word: str | None) -> Colour | None:
    """The colour a camera's or person's word names, or None (unknown or not a colour we know)."""
    if word is None:
        return None
    key = fold(word)
    found = _COLOURS.get(key)
    if found is None and key.endswith("색") and len(key) > 1:
        found = _COLOURS.get(key[:-1])  # 흰색/흰, 검정색/검정
    return found


def body_of(word: str | None) -> BodyType | None:
    """The body type a camera's or person's word names, or None."""
    return None if word is None else _BODIES.get(fold(word))


def make_of(word: str | None) -> str | None:
    """The make code for a make name (``현대``, ``Hyundai`` -> ``hyundai``).

    A make we do not know comes back folded, so two spellings of it still compare
    equal; an "unknown" word gives None.
    """
    if word is None or is_unknown_word(word):
        return None
    key = fold(word)
    return _MAKES.get(key, key)


def colour_words() -> dict[Colour, tuple[str, ...]]:
    """Every word mapped onto each colour (for documentation and tests)."""
    return {c: tuple(words.split()) for c, words in _COLOUR_WORDS.items()}


def body_words() -> dict[BodyType, tuple[str, ...]]:
    """Every word mapped onto each body type (for documentation and tests)."""
    return {b: tuple(words.split()) for b, words in _BODY_WORDS.items()}


def describe(
    colour: str | None = None,
    body: str | None = None,
    make: str | None = None,
    model: str | None = None,
) -> tuple[Description, list[str]]:
    """A description from free words, with one problem per word that is not in the vocabulary.

    A word that means "unknown" is no problem; a word we do not know is left out of
    the description (it says nothing we can compare) and named in the problems, as
    ``colour: '분홍빛' is not a colour in the vocabulary``.
    """
    problems: list[str] = []
    found_colour = colour_of(colour)
    if found_colour is None and not is_unknown_word(colour):
        problems.append(f"colour: {colour!r} is not a colour in the vocabulary")
    found_body = body_of(body)
    if found_body is None and not is_unknown_word(body):
        problems.append(f"type: {body!r} is not a vehicle type in the vocabulary")
    shown_model = model.strip() if model and not is_unknown_word(model) else None
    return Description(found_colour, found_body, make_of(make), shown_model), problems
