"""The hotlist as the matcher holds it: each entry under the policy the police chose for it.

:func:`build_index` compiles the entries in force into a
:class:`safenet.matching.HotlistIndex`, each under its category's match policy narrowed
to the entry's own fuzzy allowance (:func:`effective_policy`); an unknown policy falls
back to ``strict``. Used by the live hotlist (:mod:`safenet.center.hotlist`) and by the
retrospective look-up for the entries it searches.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime

from safenet.center.tables import utc
from safenet.center.types import EntryInfo
from safenet.link.messages import HotlistEntry
from safenet.matching import (
    POLICIES,
    STRICT,
    HotlistIndex,
    HotlistRejection,
    Level,
    MatchPolicy,
)
from safenet.matching import HotlistEntry as MatchEntry

log = logging.getLogger(__name__)


def entry_info(entry: HotlistEntry) -> EntryInfo:
    """The center's view of a link hotlist entry."""
    return EntryInfo(
        entry_id=entry.entry_id,
        plate=entry.plate,
        category=entry.category,
        expires_at=utc(entry.expires_at),
        fuzzy_allowance=entry.fuzzy_allowance,
        vehicle=entry.vehicle,
        policy=entry.policy,
        confirm_before_send=entry.confirm_before_send,
        colour=entry.colour,
        vehicle_type=entry.vehicle_type,
        make=entry.make,
        model=entry.model,
    )


def effective_policy(entry: EntryInfo) -> MatchPolicy:
    """The entry's policy, narrowed to its own fuzzy allowance.

    An unknown policy name falls back to ``strict`` (exact only): matching less is the
    safe side of not knowing what the police meant.
    """
    base = POLICIES.get(entry.policy)
    if base is None:
        log.warning(
            "hotlist: entry %s names unknown policy %r; using strict", entry.entry_id, entry.policy
        )
        base = STRICT
    allowance = min(base.max_edits, max(0.0, entry.fuzzy_allowance))
    if allowance == base.max_edits:
        return base
    levels = base.levels if allowance > 0 else base.levels - {Level.FUZZY}
    return MatchPolicy(
        name=f"{base.name}@{allowance:g}",
        levels=frozenset(levels),
        max_edits=allowance,
        min_score=base.min_score,
        description=f"{base.name} with the entry's fuzzy allowance {allowance:g}",
    )


def build_index(
    entries: Iterable[EntryInfo], version: int, now: datetime
) -> tuple[HotlistIndex, list[HotlistRejection]]:
    """The matcher's index of the entries still in force at ``now``."""
    policies: dict[str, MatchPolicy] = {}
    wanted: list[MatchEntry] = []
    for entry in entries:
        if entry.expired(now):
            continue
        policy = effective_policy(entry)
        policies[policy.name] = policy
        wanted.append(MatchEntry(id=entry.entry_id, plate=entry.plate, policy=policy.name))
    return HotlistIndex.build(wanted, version, policies=policies.values())


def updated_index(
    index: HotlistIndex,
    entries: Mapping[str, EntryInfo],
    changed: Iterable[str],
    removed: Iterable[str],
    version: int,
    now: datetime,
) -> tuple[HotlistIndex, list[HotlistRejection]] | None:
    """``index`` with a delta applied to a copy, without a rebuild (issue 16).

    ``entries`` is the new list and ``changed`` the ids the delta added or changed. The
    copy matches as a full :func:`build_index` of ``entries`` would: each changed entry
    is put in (or left out when expired or refused, its old version gone too) and
    removed entries go. Entries that expired since the last build stay in the index
    until :meth:`~safenet.center.hotlist.Hotlist.refresh_expiry` rebuilds it, as they
    do without a delta: the match stage drops their matches. A delta's few entries
    compile in about a millisecond, where a rebuild compiles the whole list again in
    pure Python, holding the GIL while the pipeline matches (0.05–0.8 s for 2,500–10,000
    entries on a busy machine: a cost the add put on read→alert). None when an entry
    needs a policy the index has no table for: the caller then rebuilds.
    """
    known = index.policies
    # An entry the index left out (expired when it was built, or refused) may be back
    # in force with the same plate (its expiry renewed): the caller does not call that
    # a change, but the index must take it now, as a rebuild would.
    returning = [entry_id for entry_id in entries if entry_id not in index]
    wanted: list[tuple[EntryInfo, MatchEntry]] = []
    lapsed: list[str] = []
    for entry_id in dict.fromkeys([*changed, *returning]):
        entry = entries[entry_id]
        if entry.expired(now):
            lapsed.append(entry_id)
            continue
        policy = effective_policy(entry)
        if known.get(policy.name) != policy:
            return None
        wanted.append((entry, MatchEntry(id=entry.entry_id, plate=entry.plate, policy=policy.name)))
    draft = index.copy()
    draft.version = version
    for entry_id in [*removed, *lapsed]:
        draft.remove(entry_id)
    rejections: list[HotlistRejection] = []
    for entry, match_entry in wanted:
        refused = draft.replace(match_entry)
        if refused is not None:
            draft.remove(entry.entry_id)  # as a rebuild would: the refused entry is gone
            rejections.append(refused)
    return draft, rejections
