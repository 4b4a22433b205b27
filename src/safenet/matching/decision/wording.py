"""The decision's reasons in the operator's words: Korean first, English beside it.

Operators read these in the console (the center turns them into the message
catalogue's sentences later); ``safenet match`` writes them into each line's
``reason``. No developer words: factors are named for what they mean.
"""

from __future__ import annotations

import math

from safenet.matching.decision.evidence import DescriptionFit
from safenet.matching.decision.types import AGREEMENT_RATIO, Features, Rule
from safenet.matching.types import Level, Match
from safenet.vehicles import Description, make_label

_AGREES = math.log(AGREEMENT_RATIO)


def _verdict(log_ratio: float, contradiction: float) -> tuple[str, str]:
    if log_ratio >= _AGREES:
        return "일치", "agrees"
    if log_ratio <= contradiction:
        return "불일치", "contradicts"
    return "비슷함(카메라가 혼동하기 쉬움)", "close (cameras confuse the two)"


def _part_words(
    part: str, seen: tuple[str, str], registered: tuple[str, str], log_ratio: float, cut: float
) -> tuple[str, str]:
    """``seen`` and ``registered`` are (Korean, English) labels."""
    ko_verdict, en_verdict = _verdict(log_ratio, cut)
    return (
        f"{_KO_PART[part]}: 카메라 {seen[0]}, 수배 {registered[0]} ({ko_verdict})",
        f"{part}: camera saw {seen[1]}, registered {registered[1]} ({en_verdict})",
    )


_KO_PART = {"colour": "색상", "type": "차종", "make": "제조사"}
_KO_LEVEL = {
    Level.EXACT: "일치",
    Level.EQUIVALENT: "유사(오인식 가능 문자 차이)",
    Level.FUZZY: "유사(문자 차이)",
    Level.PARTIAL: "부분 일치(목격자 번호)",
}


def factor_words(
    name: str,
    features: Features,
    *,
    match: Match,
    confidence: float,
    seen: Description,
    registered: Description,
    fit: DescriptionFit,
    contradiction: float,
    other_plate: str,
    prior: float = 0.0,
) -> tuple[str, str]:
    """What one factor of a decision means, in Korean and English.

    ``prior`` is how much the look-alike traffic near the entry lowered the base rate.
    """
    if name == "base" and prior < 0:
        n = features.crowd
        return (
            f"기본값(사전 확률): 최근 1시간 이 번호와 한 글자 다른 실제 차량이 {n}번 "
            "확실히 판독되어(기준 교통량보다 많음) 낮춤",
            f"base rate (prior), lowered: real cars one character from this plate were read "
            f"surely {n} time(s) in the last hour, busier than the fitting corpus",
        )
    if name == "base":
        return (
            "기본값(이 목록과 교통량에서의 사전 확률)",
            "base rate (prior for this list and traffic)",
        )
    if name == "plate":
        ko_level = _KO_LEVEL[match.level]
        where = "" if match.rank == 0 else f" (카메라의 {match.rank}번째 대안 판독)"
        return (
            f"번호판 판독: {ko_level}{where} — 판독 {match.text}, 수배 {match.registered}, "
            f"인식 신뢰도 {confidence:.2f}",
            f"plate read: {match.explanation}; read confidence {confidence:.2f}",
        )
    if name == "exact":
        if features.exact:
            return (
                "카메라의 첫 판독이 수배 번호와 같음",
                "the camera's top read is the wanted plate",
            )
        return (
            "카메라의 첫 판독은 수배 번호와 다름",
            "the camera's top read is not the wanted plate",
        )
    if name == "colour" and seen.colour and registered.colour:
        return _part_words(
            name,
            (seen.colour.ko, seen.colour.en),
            (registered.colour.ko, registered.colour.en),
            fit.colour,
            contradiction,
        )
    if name == "type" and seen.body and registered.body:
        return _part_words(
            name,
            (seen.body.ko, seen.body.en),
            (registered.body.ko, registered.body.en),
            fit.body,
            contradiction,
        )
    if name == "make" and seen.make and registered.make:
        return _part_words(
            name,
            (make_label(seen.make, "ko"), make_label(seen.make, "en")),
            (make_label(registered.make, "ko"), make_label(registered.make, "en")),
            fit.make,
            contradiction,
        )
    if name in ("colour", "type", "make"):
        return f"{_KO_PART[name]}: 비교할 정보 없음", f"{name}: nothing to compare"
    if name == "support":
        n = features.support_reads
        if not n:
            return "뒷받침하는 다른 판독 없음", "no other read of this entry within reach"
        return (
            f"이동 가능한 거리의 카메라에서 수배 번호(또는 그 오인식)로 판독된 것 {n}건",
            f"{n} read(s) of the wanted plate (or misreads of it) at cameras reachable in time",
        )
    if name == "against":
        n = features.against_reads
        if not n and features.memory_reads:
            m = features.memory_reads
            return (
                f"유효한 번호 {other_plate}의 실제 차량이 "
                f"앞서 {m}번(카메라 통과 기준) 확실히 판독됨",
                f"a real car with the valid plate {other_plate} was read surely "
                f"{m} earlier time(s) (camera passes)",
            )
        if not n:
            return "다른 번호의 차량이라는 증거 없음", "no sign it is another vehicle"
        if features.pass_against_reads:
            return (
                f"같은 통과 장면 또는 주변에서 다른 유효한 번호로 판독된 것 {n}건",
                f"{n} read(s) in the same pass or within reach show another valid plate",
            )
        if features.exact:
            return (
                f"이동 가능한 거리에서 비슷한 다른 번호로 판독된 것 {n}건",
                f"{n} read(s) of a look-alike valid plate at cameras within reach",
            )
        m = features.memory_reads
        return (
            f"같은 차량이 다른 유효한 번호 {other_plate}(으)로 {n}번 더 판독됨"
            + (f", 그 번호의 실제 차량이 앞서 {m}번 확실히 판독됨" if m else ""),
            f"the same vehicle was read {n} more time(s) as another valid plate {other_plate}"
            + (f", and a real car with that plate was read surely {m} earlier time(s)" * bool(m)),
        )
    raise ValueError(f"no words for factor {name!r}")


def rule_words(rule: Rule, score: float, threshold: float, hold_s: float) -> tuple[str, str]:
    """Why the chain decided as it did, in Korean and English."""
    s = f"{score:.2f}"
    t = f"{threshold:.2f}"
    hold = f"{hold_s:g}"
    if rule is Rule.EXACT:
        return (
            "번호가 정확히 일치하고 차량 특징이 어긋나지 않음: 즉시 경보",
            "exact read and nothing contradicts it: alert at once",
        )
    if rule is Rule.EXACT_UNSURE:
        return (
            "번호는 일치하나 카메라 인식 신뢰도가 낮고 뒷받침하는 정보가 없음: 후보로 즉시 표시, "
            "육안 확인 필요",
            "exact read, but the camera was unsure and nothing backs it: a candidate at once, "
            "to confirm visually",
        )
    if rule is Rule.EXACT_AMBIGUOUS:
        return (
            "번호는 일치하나 카메라가 다른 유효 번호로도 읽었고 다른 판독이 뒷받침하지 않음: "
            "후보로 즉시 표시, 육안 확인 필요",
            "exact read, but the camera also read it as another valid plate and no other read "
            "backs it: a candidate at once, to confirm visually",
        )
    if rule is Rule.EXACT_CONTRADICTED:
        return (
            "번호는 일치하나 차량 특징(색상·차종)이 수배 내용과 다름: "
            "후보로 즉시 표시, 육안 확인 필요",
            "exact plate, but the description contradicts the entry: a candidate at once, "
            "to confirm visually",
        )
    if rule is Rule.NO_EVIDENCE:
        return (
            "비교할 차량 특징이나 카메라 위치가 없음: 후보로 표시, 육안 확인 필요",
            "no description or camera position to weigh: a candidate to confirm visually",
        )
    if rule is Rule.SURFACED:
        return (
            f"점수 {s}, 표시 기준 {t} 이상: 후보로 표시, 육안 확인 필요",
            f"score {s} at or above the surfacing threshold {t}: a candidate to confirm visually",
        )
    if rule is Rule.HELD:
        return (
            f"점수 {s}, 표시 기준 {t} 미만: 최대 {hold}초 동안 뒷받침하는 판독을 기다림",
            f"score {s} below the surfacing threshold {t}: held up to {hold} s for corroboration",
        )
    if rule is Rule.LOOKALIKES:
        return (
            "한 글자 다른 실제 차량(같은 차량군 등)이 근처에서 확실히 판독되어 번호 일치만으로는 "
            f"수배 차량이라 할 수 없음: 최대 {hold}초 동안 다른 지점의 판독 등 비슷한 차량이 "
            "줄 수 없는 뒷받침을 기다림",
            "real look-alike cars (one character off, e.g. fleet-mates) were read surely "
            "nearby, so even a matching plate is no proof: held up to "
            f"{hold} s for backing a look-alike cannot give (a read at another site)",
        )
    if rule is Rule.EXACT_LOOKALIKE:
        return (
            "번호는 일치하나 한 글자 다른 실제 차량(같은 차량군 등)이 최근 한 시간 안에 확실히 "
            "판독되어 그 차량의 오판독일 수 있음: 후보로 즉시 표시, 육안 확인 필요",
            "exact read, but a real look-alike car (one character off, e.g. a fleet-mate) was "
            "read surely within the hour and could be this vehicle, misread: a candidate at "
            "once, to confirm visually",
        )
    if rule is Rule.EXACT_ELSEWHERE:
        return (
            "번호는 일치하나 같은 번호가 한 차량이 갈 수 없는 거리의 다른 지점에서도 판독됨: "
            "둘 중 하나는 오판독(또는 같은 번호의 다른 차량)이므로 후보로 즉시 표시, "
            "육안 확인 필요",
            "exact read, but the same plate was read where one car could not also have been: "
            "one of the reads is a misread (or another car with the plate), so a candidate at "
            "once, to confirm visually",
        )
    if rule is Rule.CORROBORATED:
        return (
            f"뒤이은 판독으로 점수 {s}, 기준 {t} 이상: 후보로 표시, 육안 확인 필요",
            f"a later read lifted the score to {s}, at or above {t}: a candidate to confirm",
        )
    return (
        f"{hold}초 안에 뒷받침하는 판독 없음(점수 {s}): 표시하지 않음",
        f"not corroborated within {hold} s (score {s}): not surfaced",
    )


Param = str | int | float | None
"""A value a factor's words are made with (a code, a count, a plate, a confidence)."""


def _verdict_code(log_ratio: float, contradiction: float) -> str:
    if log_ratio >= _AGREES:
        return "agrees"
    if log_ratio <= contradiction:
        return "contradicts"
    return "close"


def factor_code(
    name: str,
    features: Features,
    *,
    match: Match,
    confidence: float,
    seen: Description,
    registered: Description,
    fit: DescriptionFit,
    contradiction: float,
    other_plate: str,
    prior: float = 0.0,
) -> tuple[str, dict[str, Param]]:
    """What one factor says, as a code and the values its words need (consoles word it).

    The same cases as :func:`factor_words`, one code each: ``base``, or ``busy``
    (``n``: look-alike passes in the last hour) when the traffic lowered it; ``plate``
    (``level``, ``rank``, ``text``, ``registered``, ``confidence``); ``exact``:
    ``top_is_wanted`` or ``top_not_wanted``; ``colour``, ``type``, ``make``:
    ``agrees``, ``contradicts``, ``close`` (with the ``seen`` and ``registered``
    vocabulary codes) or ``unknown``; ``support``: ``none`` or ``reads`` (``n``);
    ``against``: ``none``, ``pass`` or ``lookalike`` (``n``), or ``other_plate``
    (``n``, ``plate``).
    """
    if name == "base" and prior < 0:
        return "busy", {"n": features.crowd}
    if name == "base":
        return "base", {}
    if name == "plate":
        return "plate", {
            "level": match.level.value,
            "rank": match.rank,
            "text": match.text,
            "registered": match.registered,
            "confidence": round(confidence, 4),
        }
    if name == "exact":
        return ("top_is_wanted" if features.exact else "top_not_wanted"), {}
    parts: dict[str, tuple[str | None, str | None, float]] = {
        "colour": (
            None if seen.colour is None else seen.colour.value,
            None if registered.colour is None else registered.colour.value,
            fit.colour,
        ),
        "type": (
            None if seen.body is None else seen.body.value,
            None if registered.body is None else registered.body.value,
            fit.body,
        ),
        "make": (seen.make, registered.make, fit.make),
    }
    if name in parts:
        saw, wanted, ratio = parts[name]
        if saw is None or wanted is None:
            return "unknown", {}
        return _verdict_code(ratio, contradiction), {"seen": saw, "registered": wanted}
    if name == "support":
        n = features.support_reads
        return ("reads", {"n": n}) if n else ("none", {})
    if name == "against":
        n = features.against_reads
        if not n and features.memory_reads:
            return "other_plate", {"n": features.memory_reads, "plate": other_plate}
        if not n:
            return "none", {}
        if features.pass_against_reads:
            return "pass", {"n": n}
        if features.exact:
            return "lookalike", {"n": n}
        return "other_plate", {"n": n + features.memory_reads, "plate": other_plate}
    raise ValueError(f"no code for factor {name!r}")
