"""Whether a request may be answered, what it asks for, and what the policy may approve.

Both sides check a request with the same functions: the police before it leaves (a
refusal is a 4xx and nothing is sent), and the center on receipt (a refusal is an
EvidenceDenial and nothing is released). A request may be answered only when

- it is addressed to this center (``site``);
- its wanted entry is live: approved (``active``) and not past its expiry — a
  cancelled (수배 해제), resolved, expired or not yet approved entry is no basis;
- its case number and category are the entry's (where the side knows them: the
  center's hotlist carries no case details);
- its legal basis fits (:func:`safenet.evidence.legal.basis_problems`);
- every hit it names is this center's and a hit of that entry.

Then :func:`plan_items` turns each item into what the center looks up, and
:func:`auto_approvable` says which items the policy may approve without the operator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from safenet.evidence.errors import Problem, RequestRefused
from safenet.evidence.legal import basis_problems
from safenet.link.messages import (
    EscapeRoute,
    EvidenceRequest,
    ProvisionForm,
    ScenePhotos,
    VideoRange,
)
from safenet.vocabulary import DANGER_TO_LIFE

LIVE = "active"


@dataclass(frozen=True, slots=True)
class EntryStatus:
    """The wanted entry a request is under, as the checking side knows it.

    ``case_number`` is None where the side does not know it (a center's hotlist carries
    no case details); ``state`` is the police registry's (``active``, ``pending``,
    ``cancelled``, ``expired``, ``resolved``); a center knows only live entries.
    """

    entry_id: str
    category: str
    state: str
    expires_at: datetime
    case_number: str | None = None


@dataclass(frozen=True, slots=True)
class HitFacts:
    """A hit a request names: whose, of which entry, where and when."""

    hit_id: str
    site: str
    entry_id: str
    camera_id: str
    read_at: datetime


@dataclass(frozen=True, slots=True)
class SnapshotQuery:
    """Stored snapshots to look up for one item: one camera, a time range (inclusive)."""

    item: int
    form: ProvisionForm
    camera_id: str
    time_from: datetime
    time_to: datetime
    hit_id: str | None = None


@dataclass(frozen=True, slots=True)
class RouteQuery:
    """The escape route to assemble for one item: the entry's hits from ``since`` on."""

    item: int
    entry_id: str
    hit_id: str
    since: datetime


ItemQuery = SnapshotQuery | RouteQuery


def _entry_problems(
    request: EvidenceRequest, entry: EntryStatus | None, now: datetime
) -> list[Problem]:
    if entry is None or entry.entry_id != request.entry_id:
        return [Problem("entry_id", f"{request.entry_id!r} is not a wanted entry known here")]
    problems: list[Problem] = []
    if entry.state != LIVE:
        problems.append(
            Problem(
                "entry_id",
                f"the wanted entry is {entry.state}, not active: there is no live lawful basis",
            )
        )
    elif entry.expires_at <= now:
        problems.append(
            Problem("entry_id", f"the wanted entry expired at {entry.expires_at.isoformat()}")
        )
    if entry.case_number is not None and entry.case_number != request.case_number:
        problems.append(
            Problem("case_number", f"{request.case_number!r} is not the entry's case number")
        )
    if entry.category != request.category:
        problems.append(
            Problem("category", f"{request.category!r} is not the entry's ({entry.category!r})")
        )
    return problems


def _hit_ids(request: EvidenceRequest) -> list[tuple[int, str]]:
    return [
        (i, item.hit_id)
        for i, item in enumerate(request.items)
        if isinstance(item, ScenePhotos | EscapeRoute)
    ]


def _hit_problems(
    request: EvidenceRequest, hits: Mapping[str, HitFacts], site: str
) -> list[Problem]:
    problems: list[Problem] = []
    for i, hit_id in _hit_ids(request):
        hit = hits.get(hit_id)
        where = f"items[{i}].hit_id"
        if hit is None or hit.site != site:
            problems.append(Problem(where, f"{hit_id!r} is not a hit of {site}"))
        elif hit.entry_id != request.entry_id:
            problems.append(
                Problem(
                    where, f"{hit_id!r} is a hit of another wanted entry, not {request.entry_id!r}"
                )
            )
    return problems


def check_request(
    request: EvidenceRequest,
    *,
    site: str,
    entry: EntryStatus | None,
    hits: Mapping[str, HitFacts],
    now: datetime,
) -> None:
    """Refuse the request unless it may be answered here; raises :class:`RequestRefused`.

    The first kind of problem decides the denial code: another center's request
    (``wrong_center``), no live lawful basis (``no_lawful_basis``), a hit that is not
    this center's or not the entry's (``unknown_hit``); every problem is listed.
    """
    if request.site != site:
        raise RequestRefused(
            "wrong_center",
            [Problem("site", f"the request is addressed to {request.site}, not to {site}")],
        )
    lawful = _entry_problems(request, entry, now) + basis_problems(
        request.legal_basis, request.category
    )
    if lawful:
        raise RequestRefused("no_lawful_basis", lawful)
    unknown = _hit_problems(request, hits, site)
    if unknown:
        raise RequestRefused("unknown_hit", unknown)


def plan_items(request: EvidenceRequest, hits: Mapping[str, HitFacts]) -> list[ItemQuery]:
    """What the center looks up for each item (call after :func:`check_request`)."""
    plan: list[ItemQuery] = []
    for i, item in enumerate(request.items):
        if isinstance(item, ScenePhotos):
            hit = hits[item.hit_id]
            window = timedelta(seconds=item.window_s)
            plan.append(
                SnapshotQuery(
                    i,
                    "still",
                    hit.camera_id,
                    hit.read_at - window,
                    hit.read_at + window,
                    hit.hit_id,
                )
            )
        elif isinstance(item, VideoRange):
            plan.append(SnapshotQuery(i, "clip", item.camera_id, item.time_from, item.time_to))
        else:
            hit = hits[item.hit_id]
            plan.append(RouteQuery(i, request.entry_id, hit.hit_id, hit.read_at))
    return plan


def auto_approvable(request: EvidenceRequest, *, enabled: bool) -> frozenset[int]:
    """The items the policy may approve without the operator: never video, never a window.

    With the setting on and a danger-to-life category (a person attempting suicide, a
    missing person), a request for a hit's own snapshot (``scene_photos`` with
    ``window_s`` 0) is approved at once; everything else waits for the operator.
    """
    if not enabled or request.category not in DANGER_TO_LIFE:
        return frozenset()
    return frozenset(
        i
        for i, item in enumerate(request.items)
        if isinstance(item, ScenePhotos) and item.window_s == 0
    )


def queries_by_item(plan: Sequence[ItemQuery]) -> dict[int, ItemQuery]:
    """The plan indexed by item."""
    return {q.item: q for q in plan}
