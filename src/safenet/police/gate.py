"""The lawful-basis gate: what a wanted entry must carry before anyone may look for it.

A vehicle goes on the emergency hotlist only for violent crime or an imminent danger
to life, under a case number, with a stated reason, a description officers can
check with their own eyes, and an expiry no later than the law allows. The gate
checks a draft completely and refuses it with *every* problem at once, each naming
the field and the reason, so the registering officer fixes everything in one go.
It is pure: it stores nothing, so a refusal leaves no trace but the error.

Every problem carries a stable message code and its parameters
(:mod:`safenet.service.codes`), so the registry console words it in the officer's
language; the English reason stays for API users and the logs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from safenet.matching.privacy import PatternPolicy
from safenet.police.categories import CATEGORIES, CategoryPolicy, not_lawful_reason
from safenet.police.errors import GateRefused, Problem
from safenet.police.types import Registration, Renewal, VehicleDescription, WantedDraft
from safenet.vehicles import BodyType, Colour, body_of, colour_of, is_unknown_word

CASE_NUMBER = re.compile(r"^[0-9A-Za-z가-힣][0-9A-Za-z가-힣._/-]{2,63}$")
MAX_REASON = 2000
MAX_LINK_PLATE = 16  # the link's HotlistEntry.plate limit
_PATTERN_CODES = {
    "plate": "pattern.plate",
    "category": "pattern.category",
    "vehicle.colour": "pattern.vehicle.colour",
    "vehicle.type": "pattern.vehicle.type",
}


@dataclass(frozen=True)
class ExpiryLimits:
    """The default and the longest life of a wanted entry."""

    default: timedelta = timedelta(hours=72)
    maximum: timedelta = timedelta(days=30)

    def describe_maximum(self) -> str:
        days = self.maximum / timedelta(days=1)
        if days == int(days):
            return f"{int(days)} days"
        return f"{self.maximum / timedelta(hours=1):g} hours"


def check_registration(
    draft: WantedDraft,
    now: datetime,
    policies: Mapping[str, CategoryPolicy],
    limits: ExpiryLimits = ExpiryLimits(),
    pattern_policy: PatternPolicy | None = None,
) -> Registration:
    """The draft as a :class:`Registration`, or :class:`GateRefused` listing every problem.

    With a ``pattern_policy`` (the service always passes one), a witness pattern is
    judged by how many plates it matches: refused below the floor, allowed with every
    hit held for an operator below the description threshold (colour and type — make
    or model — required, and a category that allows it); the refusal's problems carry
    the codes ``pattern.plate``, ``pattern.category``, ``pattern.vehicle.*`` and the
    pattern's figures.
    """
    problems: list[Problem] = []

    category = (draft.category or "").strip()
    if not category:
        problems.append(
            Problem(
                "category",
                f"is required; allowed: {', '.join(CATEGORIES)}",
                code="registry.required",
                params={"field": "category"},
            )
        )
    elif category not in CATEGORIES:
        problems.append(
            Problem(
                "category",
                not_lawful_reason(category),
                code="registry.category_unknown",
                params={"category": category},
            )
        )
        category = ""

    plate, is_pattern = _check_plate(draft.plate, category, policies.get(category), problems)

    case_number = (draft.case_number or "").strip()
    if not case_number:
        problems.append(_required("case_number", "is required (사건번호)"))
    elif not CASE_NUMBER.match(case_number):
        problems.append(
            Problem(
                "case_number",
                f"{case_number!r} is not a case number (3-64 letters, digits, Hangul, . _ / -)",
                code="registry.case_number",
                params={"case_number": case_number},
            )
        )

    reason = _check_reason(draft.reason, "reason", problems)

    vehicle = draft.vehicle or VehicleDescription()
    if not vehicle.text():
        problems.append(
            Problem(
                "vehicle",
                "describe the vehicle (make, model or colour) so officers can confirm it "
                "with their own eyes",
                code="registry.vehicle_missing",
            )
        )
    for name in ("make", "model", "colour", "type"):
        if len(getattr(vehicle, name)) > 60:
            problems.append(_too_long(f"vehicle.{name}", 60))
    for f, why in vocabulary_problems(vehicle):
        word = vehicle.colour if f == "vehicle.colour" else vehicle.type
        code = "registry.colour_unknown" if f == "vehicle.colour" else "registry.type_unknown"
        problems.append(Problem(f, why, code=code, params={f.split(".")[1]: word.strip()}))

    expires_at = _check_expiry(
        draft.expires_at, draft.expires_in_hours, now, limits, "registration", problems
    )

    hold_hits = False
    figures: dict[str, Any] | None = None
    if pattern_policy is not None and plate is not None and is_pattern:
        decision = pattern_policy.decide(
            (draft.plate or "").strip(),
            category,
            colour=vehicle.colour,
            vehicle_type=vehicle.type.strip() or vehicle.model.strip() or vehicle.make.strip(),
        )
        spec = decision.specificity
        figures = None if spec is None else {"one_in": spec.one_in, "vehicles": spec.vehicles}
        hold_hits = decision.hold_hits
        for p in decision.problems:
            field = p.field
            problems.append(
                Problem(
                    field,
                    f"{spec.describe()}: {p.reason}" if spec is not None else p.reason,
                    code=_PATTERN_CODES.get(p.field, "pattern.plate"),
                    params={**(figures or {}), "floor": pattern_policy.floor_one_in},
                )
            )

    if problems:
        raise GateRefused(problems)
    assert plate is not None
    assert expires_at is not None
    return Registration(
        plate=plate,
        plate_input=(draft.plate or "").strip(),
        is_pattern=is_pattern,
        vehicle=VehicleDescription(
            make=vehicle.make.strip(),
            model=vehicle.model.strip(),
            colour=vehicle.colour.strip(),
            type=vehicle.type.strip(),
        ),
        category=category,
        case_number=case_number,
        reason=reason,
        expires_at=expires_at,
        hold_hits=hold_hits,
        specificity=figures,
    )


def vocabulary_problems(vehicle: VehicleDescription) -> list[tuple[str, str]]:
    """The colour and body type must be words of the controlled vocabulary (or empty).

    The centers compare them with what their cameras report (docs/matching.md,
    "Vehicle description"); a word nobody can compare would be silently ignored.
    """
    out: list[tuple[str, str]] = []
    colour = vehicle.colour.strip()
    if colour and colour_of(colour) is None and not is_unknown_word(colour):
        known = ", ".join(f"{c.ko}/{c.value}" for c in Colour)
        out.append(("vehicle.colour", f"{colour!r} is not a colour of the vocabulary ({known})"))
    body = vehicle.type.strip()
    if body and body_of(body) is None and not is_unknown_word(body):
        known = ", ".join(f"{b.ko}/{b.value}" for b in BodyType)
        out.append(("vehicle.type", f"{body!r} is not a body type of the vocabulary ({known})"))
    return out


def check_renewal(
    renewal: Renewal,
    now: datetime,
    limits: ExpiryLimits = ExpiryLimits(),
) -> tuple[datetime, str]:
    """The new expiry and the reason of a renewal, or :class:`GateRefused`."""
    problems: list[Problem] = []
    reason = _check_reason(renewal.reason, "reason", problems)
    if renewal.expires_at is None and renewal.expires_in_hours is None:
        problems.append(
            Problem("expires_at", "a renewal needs the new expiry", code="registry.expiry_needed")
        )
        expires_at = None
    else:
        expires_at = _check_expiry(
            renewal.expires_at, renewal.expires_in_hours, now, limits, "renewal", problems
        )
    if problems:
        raise GateRefused(problems)
    assert expires_at is not None
    return expires_at, reason


def check_reason(value: str | None, field: str = "reason") -> str:
    """A required free-text reason (cancel, resolve), or :class:`GateRefused`."""
    problems: list[Problem] = []
    reason = _check_reason(value, field, problems)
    if problems:
        raise GateRefused(problems)
    return reason


def _check_reason(value: str | None, field: str, problems: list[Problem]) -> str:
    text = (value or "").strip()
    if not text:
        problems.append(_required(field, "is required: state why, for the record"))
    elif len(text) > MAX_REASON:
        problems.append(_too_long(field, MAX_REASON))
    return text


def _required(field: str, reason: str) -> Problem:
    return Problem(field, reason, code="registry.required", params={"field": field})


def _too_long(field: str, limit: int) -> Problem:
    return Problem(
        field,
        f"at most {limit} characters",
        code="registry.too_long",
        params={"field": field, "max": limit},
    )


def _check_plate(
    value: str | None, category: str, policy: CategoryPolicy | None, problems: list[Problem]
) -> tuple[str | None, bool]:
    from safenet.matching import POLICIES, HotlistEntry, HotlistRejection, compile_entry
    from safenet.matching.patterns import is_pattern

    text = (value or "").strip()
    if not text:
        problems.append(_required("plate", "is required: a full plate or a witness pattern"))
        return None, False
    policy_name = policy.policy if policy is not None else "default"
    compiled = compile_entry(HotlistEntry(id="draft", plate=text, policy=policy_name), POLICIES)
    if isinstance(compiled, HotlistRejection):
        problems.append(_plate_problem(text, category, compiled.reason))
        return None, False
    if len(compiled.text) > MAX_LINK_PLATE:
        problems.append(
            Problem(
                "plate",
                f"at most {MAX_LINK_PLATE} characters once normalized",
                code="registry.plate_too_long",
                params={"plate": text, "max": MAX_LINK_PLATE},
            )
        )
        return None, False
    return compiled.text, is_pattern(text)


def _plate_problem(text: str, category: str, reason: str) -> Problem:
    """The matcher's refusal of a plate, with the grammar's own code and parameters."""
    from safenet.matching.patterns import PatternError, is_pattern, parse_pattern
    from safenet.plates import PlateError, parse

    try:
        if is_pattern(text):
            parse_pattern(text)
        else:
            parse(text)
    except (PlateError, PatternError) as exc:
        return Problem("plate", reason, code=exc.code, params={**exc.params, "plate": text})
    # It parses, so the category's match policy is what refused it: no witness patterns.
    return Problem(
        "plate",
        reason,
        code="pattern.not_allowed",
        params={"plate": text, "category": category},
    )


def _check_expiry(
    expires_at: datetime | None,
    expires_in_hours: float | None,
    now: datetime,
    limits: ExpiryLimits,
    after: str,
    problems: list[Problem],
) -> datetime | None:
    if expires_at is not None and expires_in_hours is not None:
        problems.append(
            Problem(
                "expires_at",
                "give expires_at or expires_in_hours, not both",
                code="registry.expiry_both",
            )
        )
        return None
    too_far = {"maximum_h": round(limits.maximum / timedelta(hours=1), 2)}
    if expires_in_hours is not None:
        if not math.isfinite(expires_in_hours) or expires_in_hours <= 0:
            problems.append(
                Problem(
                    "expires_in_hours",
                    "must be a positive number of hours",
                    code="registry.hours_positive",
                )
            )
            return None
        if expires_in_hours * 3600 > limits.maximum.total_seconds():
            problems.append(
                Problem(
                    "expires_in_hours",
                    f"at most {limits.describe_maximum()} after {after}",
                    code="registry.expiry_too_far",
                    params={"field": "expires_in_hours", **too_far},
                )
            )
            return None
        return now + timedelta(hours=expires_in_hours)
    if expires_at is None:
        return now + limits.default
    if expires_at.tzinfo is None or expires_at.utcoffset() is None:
        problems.append(
            Problem(
                "expires_at",
                "must carry a time zone offset (e.g. +09:00)",
                code="registry.expiry_zone",
            )
        )
        return None
    if expires_at <= now:
        problems.append(Problem("expires_at", "must be in the future", code="registry.expiry_past"))
        return None
    if expires_at - now > limits.maximum:
        problems.append(
            Problem(
                "expires_at",
                f"at most {limits.describe_maximum()} after {after}",
                code="registry.expiry_too_far",
                params={"field": "expires_at", **too_far},
            )
        )
        return None
    return expires_at
