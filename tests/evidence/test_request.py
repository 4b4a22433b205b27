"""Whether a request may be answered: live lawful basis, the right center, its own hits."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from safenet.evidence import (
    EntryStatus,
    RequestRefused,
    RouteQuery,
    SnapshotQuery,
    auto_approvable,
    check_request,
    plan_items,
)
from safenet.link.messages import EscapeRoute, PipaBasis, ScenePhotos, VideoRange, WarrantBasis
from tests.evidence.world import ENTRY, HITS, NOW, SITE, make_request


def _refusal(
    request: object, entry: EntryStatus | None = ENTRY, site: str = SITE
) -> RequestRefused:
    with pytest.raises(RequestRefused) as info:
        check_request(request, site=site, entry=entry, hits=HITS, now=NOW)  # type: ignore[arg-type]
    return info.value


def test_a_request_under_a_live_entry_with_its_own_hits_passes() -> None:
    check_request(make_request(), site=SITE, entry=ENTRY, hits=HITS, now=NOW)


def test_a_request_addressed_to_another_center_is_refused() -> None:
    refusal = _refusal(make_request(site="gangnam"))
    assert refusal.code == "wrong_center"
    assert "addressed to gangnam, not to seocho" in str(refusal)
    assert refusal.status == 403


@pytest.mark.parametrize("state", ["cancelled", "expired", "pending", "resolved"])
def test_an_entry_that_is_not_active_is_no_lawful_basis(state: str) -> None:
    refusal = _refusal(make_request(), replace(ENTRY, state=state))
    assert refusal.code == "no_lawful_basis"
    assert f"is {state}, not active" in str(refusal)


def test_an_entry_past_its_expiry_is_no_lawful_basis_even_if_still_marked_active() -> None:
    refusal = _refusal(make_request(), replace(ENTRY, expires_at=NOW - timedelta(seconds=1)))
    assert refusal.code == "no_lawful_basis"
    assert "expired at" in str(refusal)


def test_an_unknown_entry_is_no_lawful_basis() -> None:
    assert _refusal(make_request(), None).code == "no_lawful_basis"
    assert _refusal(make_request(entry_id="entry-9")).problems[0].field == "entry_id"


def test_case_number_and_category_must_be_the_entrys() -> None:
    refusal = _refusal(make_request(case_number="2026-서초-9999", category="robbery"))
    assert {p.field for p in refusal.problems} == {"case_number", "category"}
    # A center knows no case numbers (its hotlist has no case details): not checked there.
    check_request(
        make_request(case_number="2026-서초-9999"),
        site=SITE,
        entry=replace(ENTRY, case_number=None),
        hits=HITS,
        now=NOW,
    )


@pytest.mark.parametrize("item", [1, 5, 6, 8, 9, 10])
def test_bases_that_do_not_carry_a_police_request_are_refused(item: int) -> None:
    refusal = _refusal(make_request(legal_basis=PipaBasis(item=item)))
    assert refusal.code == "no_lawful_basis"
    assert refusal.problems[0].field == "legal_basis.item"
    assert "제7호" in str(refusal)


def test_danger_to_life_fits_item_3_and_a_warrant_fits_any_category() -> None:
    check_request(
        make_request(legal_basis=PipaBasis(item=3)), site=SITE, entry=ENTRY, hits=HITS, now=NOW
    )
    assert "does not fit" in str(
        _refusal(
            make_request(legal_basis=PipaBasis(item=3), category="robbery"),
            replace(ENTRY, category="robbery"),
        )
    )
    check_request(
        make_request(legal_basis=WarrantBasis(number="2026-12345"), category="robbery"),
        site=SITE,
        entry=replace(ENTRY, category="robbery"),
        hits=HITS,
        now=NOW,
    )


def test_a_hit_of_another_entry_or_another_center_is_refused() -> None:
    other_entry = _refusal(make_request(items=[ScenePhotos(hit_id="hit-x")]))
    assert other_entry.code == "unknown_hit"
    assert "another wanted entry" in str(other_entry)
    unknown = _refusal(make_request(items=[EscapeRoute(hit_id="hit-nowhere")]))
    assert unknown.code == "unknown_hit"
    assert unknown.problems[0].field == "items[0].hit_id"
    elsewhere = {**HITS, "hit-g": replace(HITS["hit-1"], hit_id="hit-g", site="gangnam")}
    with pytest.raises(RequestRefused, match="not a hit of seocho"):
        check_request(
            make_request(items=[ScenePhotos(hit_id="hit-g")]),
            site=SITE,
            entry=ENTRY,
            hits=elsewhere,
            now=NOW,
        )


def test_every_problem_of_the_same_kind_is_listed() -> None:
    refusal = _refusal(
        make_request(case_number="x-1", legal_basis=PipaBasis(item=1)),
        replace(ENTRY, state="cancelled"),
    )
    assert {p.field for p in refusal.problems} == {"entry_id", "case_number", "legal_basis.item"}


def test_the_plan_looks_up_the_hits_camera_around_it_and_the_named_camera_in_range() -> None:
    request = make_request()
    plan = plan_items(request, HITS)
    hit = HITS["hit-1"]
    assert plan[0] == SnapshotQuery(
        0,
        "still",
        "cam-7",
        hit.read_at - timedelta(seconds=60),
        hit.read_at + timedelta(seconds=60),
        "hit-1",
    )
    assert plan[1] == RouteQuery(1, "entry-1", "hit-1", hit.read_at)
    video = request.items[2]
    assert isinstance(video, VideoRange)
    assert plan[2] == SnapshotQuery(2, "clip", "cam-9", video.time_from, video.time_to)


def test_the_policy_approves_only_a_hits_own_snapshot_and_only_for_danger_to_life() -> None:
    items = [
        ScenePhotos(hit_id="hit-1", window_s=0),
        ScenePhotos(hit_id="hit-1", window_s=30),
        VideoRange(camera_id="cam-7", time_from=NOW - timedelta(minutes=1), time_to=NOW),
        EscapeRoute(hit_id="hit-1"),
    ]
    missing = make_request(items=items, category="missing_person")
    assert auto_approvable(missing, enabled=True) == {0}
    assert auto_approvable(missing, enabled=False) == set()
    assert auto_approvable(make_request(items=items), enabled=True) == set()  # kidnapping
