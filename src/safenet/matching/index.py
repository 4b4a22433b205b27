"""The hotlist index: every wanted entry compiled for matching, updated in place.

Plates live in two segments of key tables: a large ``main`` one and a small
``delta`` one that takes additions; removals only clear the entry's slot, so a
removed entry can never match again the moment :meth:`HotlistIndex.remove`
returns. When the delta grows past :data:`DELTA_LIMIT` entries it is merged into
the main segment (a linear merge of sorted arrays, not a rebuild). Witness
patterns are few and live in their own small index.

An index is changed in place by its owner. Readers on other threads should go
through :class:`safenet.matching.Matcher`, which applies changes to a copy and
swaps it in atomically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from safenet.matching import score as scoring
from safenet.matching.batch import TextBatch, candidates
from safenet.matching.compare import Comparison, StepKind, compare
from safenet.matching.compiled import CompiledEntry, compile_entry
from safenet.matching.explain import explain
from safenet.matching.keys import Bools
from safenet.matching.pattern_index import PatternIndex
from safenet.matching.patterns import WitnessPattern
from safenet.matching.policy import MatchPolicy, policy_table
from safenet.matching.score import (
    CHEAPEST_LOOKALIKE,
    CHEAPEST_STEP,
    combine,
    exact_score,
    near_score,
    partial_score,
)
from safenet.matching.segment import Segment
from safenet.matching.table import MAX_SLOTS
from safenet.matching.types import HotlistEntry, HotlistRejection, Level, Match, Read

DELTA_LIMIT = 4096
"""Entries added since the last merge before the delta segment joins the main one."""

_SLACK = 1.0 - 1e-9  # gates must never skip a match that reaches the threshold exactly


class HotlistIndex:
    """The compiled hotlist of one center, with its version; matches reads against it."""

    __slots__ = (
        "_alive",
        "_by_id",
        "_delta",
        "_delta_slots",
        "_main",
        "_pattern_of",
        "_patterns",
        "_policies",
        "_policy_counts",
        "_slots",
        "version",
    )

    def __init__(self, *, version: int = 0, policies: Iterable[MatchPolicy] = ()) -> None:
        self.version = version
        self._policies = policy_table(policies)
        self._slots: list[CompiledEntry | None] = []
        self._alive = np.zeros(0, dtype=np.bool_)
        self._by_id: dict[str, int] = {}
        self._main = Segment.empty()
        self._delta = Segment.empty()
        self._delta_slots: list[int] = []
        self._pattern_of: dict[int, WitnessPattern] = {}
        self._patterns = PatternIndex([])
        self._policy_counts: Counter[str] = Counter()

    # -- building and updating -------------------------------------------------

    @classmethod
    def build(
        cls,
        entries: Iterable[HotlistEntry],
        version: int = 0,
        *,
        policies: Iterable[MatchPolicy] = (),
    ) -> tuple[HotlistIndex, list[HotlistRejection]]:
        """An index of ``entries`` at ``version``, and the entries it refused (with reasons)."""
        index = cls(version=version, policies=policies)
        rejections: list[HotlistRejection] = []
        plates: list[CompiledEntry] = []
        for entry in entries:
            compiled = index._compile(entry)
            if isinstance(compiled, HotlistRejection):
                rejections.append(compiled)
                continue
            index._by_id[entry.id] = len(index._slots)
            index._slots.append(compiled)
            index._policy_counts[compiled.policy.name] += 1
            if compiled.pattern is not None:
                index._pattern_of[len(index._slots) - 1] = compiled.pattern
            else:
                plates.append(compiled)
        index._alive = np.ones(len(index._slots), dtype=np.bool_)
        plate_slots = [index._by_id[c.id] for c in plates]
        index._main = Segment.build(plate_slots, plates)
        index._patterns = PatternIndex(list(index._pattern_of.items()))
        return index, rejections

    def _compile(self, entry: HotlistEntry) -> CompiledEntry | HotlistRejection:
        if entry.id in self._by_id:
            return HotlistRejection(entry.id, "duplicate entry id (use replace to change it)")
        return compile_entry(entry, self._policies)

    def add(self, entry: HotlistEntry, *, version: int | None = None) -> HotlistRejection | None:
        """Add one entry without a rebuild; returns the rejection if it is refused."""
        compiled = self._compile(entry)
        if isinstance(compiled, HotlistRejection):
            return compiled
        self._insert(compiled)
        if version is not None:
            self.version = version
        return None

    def remove(self, entry_id: str, *, version: int | None = None) -> bool:
        """Remove an entry; it never matches again. False if the id is not on the hotlist."""
        slot = self._by_id.pop(entry_id, None)
        if version is not None:
            self.version = version
        if slot is None:
            return False
        self._alive[slot] = False
        compiled = self._slots[slot]
        self._slots[slot] = None
        if compiled is not None:
            self._policy_counts[compiled.policy.name] -= 1
        if self._pattern_of.pop(slot, None) is not None:
            self._patterns = PatternIndex(list(self._pattern_of.items()))
        return True

    def replace(
        self, entry: HotlistEntry, *, version: int | None = None
    ) -> HotlistRejection | None:
        """Put ``entry`` in place of the entry with the same id (or add it).

        If the new entry is refused, the old one stays and the rejection is returned.
        """
        if entry.id not in self._by_id:
            return self.add(entry, version=version)
        compiled = compile_entry(entry, self._policies)
        if isinstance(compiled, HotlistRejection):
            return compiled
        self.remove(entry.id)
        self._insert(compiled)
        if version is not None:
            self.version = version
        return None

    def _insert(self, compiled: CompiledEntry) -> None:
        slot = len(self._slots)
        if slot >= MAX_SLOTS:  # checked first, so a refused insert changes nothing
            raise ValueError(f"hotlist index is full ({MAX_SLOTS} slots used): rebuild it")
        if slot >= len(self._alive):
            grown = np.zeros(max(16, 2 * len(self._alive)), dtype=np.bool_)
            grown[: len(self._alive)] = self._alive
            self._alive = grown
        self._slots.append(compiled)
        self._alive[slot] = True
        self._by_id[compiled.id] = slot
        self._policy_counts[compiled.policy.name] += 1
        if compiled.pattern is not None:
            self._pattern_of[slot] = compiled.pattern
            self._patterns = PatternIndex(list(self._pattern_of.items()))
            return
        self._delta = self._delta.merged(Segment.build([slot], [compiled]), self._alive)
        self._delta_slots.append(slot)
        if len(self._delta_slots) > DELTA_LIMIT:
            self.compact()

    def compact(self) -> None:
        """Merge the delta segment into the main one and drop removed entries' keys."""
        self._main = self._main.merged(self._delta, self._alive)
        self._delta = Segment.empty()
        self._delta_slots = []

    def copy(self) -> HotlistIndex:
        """An independent index with the same entries; the key tables are shared (immutable)."""
        other = HotlistIndex.__new__(HotlistIndex)
        other.version = self.version
        other._policies = dict(self._policies)
        other._slots = list(self._slots)
        other._alive = self._alive.copy()
        other._by_id = dict(self._by_id)
        other._main = self._main
        other._delta = self._delta
        other._delta_slots = list(self._delta_slots)
        other._pattern_of = dict(self._pattern_of)
        other._patterns = self._patterns
        other._policy_counts = Counter(self._policy_counts)
        return other

    # -- looking at it ---------------------------------------------------------

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def get(self, entry_id: str) -> HotlistEntry | None:
        """The entry with this id, or None."""
        slot = self._by_id.get(entry_id)
        compiled = None if slot is None else self._slots[slot]
        return None if compiled is None else compiled.entry

    def compiled(self, entry_id: str) -> CompiledEntry | None:
        """The entry as the index holds it (normalized plate, policy), or None."""
        slot = self._by_id.get(entry_id)
        return None if slot is None else self._slots[slot]

    def threshold(self, entry_id: str, min_score: float | None = None) -> float:
        """The score an entry's matches must reach to be reported (``min_score`` overrides)."""
        compiled = self.compiled(entry_id)
        if compiled is None:
            raise KeyError(entry_id)
        return self._threshold(compiled.policy, min_score)

    def entries(self) -> Iterator[HotlistEntry]:
        """Every entry on the hotlist, in the order they were added."""
        for compiled in self._slots:
            if compiled is not None:
                yield compiled.entry

    @property
    def policies(self) -> dict[str, MatchPolicy]:
        """The policies entries may name."""
        return dict(self._policies)

    @property
    def nbytes(self) -> int:
        """Memory held by the key tables (not counting the entries themselves)."""
        return self._main.nbytes + self._delta.nbytes + self._alive.nbytes

    # -- matching --------------------------------------------------------------

    def match(self, read: Read, min_score: float | None = None) -> list[Match]:
        """The matches of one read, strongest first."""
        return self.match_many([read], min_score)

    def match_many(self, reads: Sequence[Read], min_score: float | None = None) -> list[Match]:
        """The matches of a batch of reads, in read order, strongest first within a read.

        ``min_score`` overrides every threshold (each policy's own and the default
        :data:`~safenet.matching.score.DEFAULT_MIN_SCORE`); ``0`` reports every match.
        """
        if not reads or not self._by_id:
            return []
        batch = TextBatch(reads)
        compound, plain = self._gates(batch, min_score)
        segments = [self._main] if not self._delta_slots else [self._main, self._delta]
        text_index, slots = candidates(batch, segments, self._patterns, compound, plain)
        if len(text_index) == 0:
            return []
        keep = self._alive[slots]
        pairs = np.unique(text_index[keep] * len(self._alive) + slots[keep])
        return self._decide(reads, batch, pairs.tolist(), min_score)

    def _threshold(self, policy: MatchPolicy, min_score: float | None) -> float:
        if min_score is not None:
            return min_score
        return scoring.DEFAULT_MIN_SCORE if policy.min_score is None else policy.min_score

    def _gates(self, batch: TextBatch, min_score: float | None) -> tuple[Bools, Bools]:
        """Which texts may still reach a threshold through two misreads, or one plain edit."""
        compound_floor = 2.0
        plain_floor = 2.0
        two_steps = CHEAPEST_LOOKALIKE + CHEAPEST_STEP
        for name, count in self._policy_counts.items():
            policy = self._policies[name]
            if count <= 0 or not policy.fuzzy:
                continue
            threshold = self._threshold(policy, min_score)
            if policy.max_edits >= two_steps:
                compound_floor = min(compound_floor, threshold)
            if policy.max_edits >= 1.0:
                plain_floor = min(plain_floor, threshold)
        reach = batch.near
        compound = reach * scoring.best_two_known() >= compound_floor * _SLACK
        plain = reach * scoring.best_plain() >= plain_floor * _SLACK
        return compound, plain

    def _decide(
        self, reads: Sequence[Read], batch: TextBatch, pairs: list[int], min_score: float | None
    ) -> list[Match]:
        width = len(self._alive)
        found: dict[tuple[int, int], list[tuple[float, Comparison, int, Level]]] = {}
        for pair in pairs:
            text_index, slot = divmod(pair, width)
            compiled = self._slots[slot]
            if compiled is None:
                continue
            text = batch.texts[text_index]
            comparison = compare(text, compiled)
            if comparison is None:
                continue
            level = comparison.level
            listed_rank = int(batch.rank[text_index])
            if level is Level.EXACT and listed_rank > 0 and not _is_top_text(batch, text_index):
                # Only what the camera read can be exact. An alternative equal to the plate
                # is the OCR's own doubt: a candidate for a person to confirm, if allowed.
                if not compiled.policy.allows(Level.EQUIVALENT):
                    continue
                level = Level.EQUIVALENT
            prob = float(batch.prob[text_index])
            if comparison.level is Level.EXACT:
                contribution = exact_score(prob)
            elif comparison.level is Level.PARTIAL:
                assert compiled.pattern is not None
                contribution = partial_score(prob, compiled.pattern.specificity)
            else:
                contribution = near_score(float(batch.near[text_index]), _factors(comparison))
            key = (int(batch.read_of[text_index]), slot)
            found.setdefault(key, []).append((contribution, comparison, text_index, level))
        matches: list[tuple[int, float, Match]] = []
        for (read_index, slot), items in found.items():
            compiled = self._slots[slot]
            assert compiled is not None
            score = combine([c for c, _, _, _ in items])
            if score < self._threshold(compiled.policy, min_score):
                continue
            contribution, comparison, text_index, level = min(
                items, key=lambda item: _preference(batch, item[2], item[3], item[0])
            )
            text = batch.texts[text_index]
            rank = int(batch.rank[text_index])
            entry = compiled.entry
            match = Match(
                read_id=reads[read_index].id,
                entry_id=entry.id,
                level=level,
                score=score,
                explanation=explain(
                    comparison, text, compiled.text, rank, float(batch.prob[text_index]), level
                ),
                text=text,
                registered=compiled.text,
                rank=rank,
                priority=entry.priority,
                version=self.version,
            )
            matches.append((read_index, -score, match))
        matches.sort(key=lambda m: (m[0], m[1], m[2].entry_id))
        return [m for _, _, m in matches]


def _preference(
    batch: TextBatch, text_index: int, level: Level, contribution: float
) -> tuple[int, bool, float]:
    """Which of a read's texts a match names: the smallest key wins.

    The strongest level, then the likeliest text; but an exact match names the top text
    even when an alternative repeating it is listed as likelier, because only the top
    text may alert and the center tells the two apart by rank.
    """
    repeated = level is Level.EXACT and int(batch.rank[text_index]) > 0
    return level.rank, repeated, -contribution


def _is_top_text(batch: TextBatch, text_index: int) -> bool:
    """Whether an alternative repeats its read's top text (both already normalized)."""
    top = int(batch.read_of[text_index])  # a read's top text sits at the read's own index
    return bool(batch.usable[top]) and batch.texts[top] == batch.texts[text_index]


def _factors(comparison: Comparison) -> list[float]:
    return [
        scoring.plain_step() if step.kind in _PLAIN else scoring.known_step(step.cost)
        for step in comparison.steps
    ]


_PLAIN = frozenset({StepKind.SUBSTITUTION, StepKind.INSERTED, StepKind.DELETED})
