"""A wanted entry checked and prepared for matching, or the reason it was refused.

Everything that can be wrong with an entry (a plate that is no plate, a pattern that
pins down too little, an unknown policy) is found here, when the hotlist loads,
never while reads are matched.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from safenet.matching.keys import WIDTH
from safenet.matching.patterns import PatternError, WitnessPattern, is_pattern, parse_pattern
from safenet.matching.policy import MatchPolicy
from safenet.matching.types import HotlistEntry, HotlistRejection, Level
from safenet.plates import PlateError, dropped_class_digit, parse, without_region


class CompiledEntry(msgspec.Struct, frozen=True, gc=False):
    """A hotlist entry ready for the index.

    ``text`` is the normalized plate (or the normalized pattern). ``drops_digit``
    says whether readers may drop the plate's first class digit, ``region_length``
    how many characters its region name has (0 for none); both only when the
    policy allows equivalent matches. A million entries stay in memory, so the
    derived texts are computed when asked for rather than stored, and the
    garbage collector never has to look at them (``gc=False``: no cycles here).
    """

    entry: HotlistEntry
    policy: MatchPolicy
    text: str
    pattern: WitnessPattern | None = None
    drops_digit: bool = False
    region_length: int = 0

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def dropped(self) -> str | None:
        """The plate as a reader that drops the first class digit reads it, or None."""
        return self.text[1:] if self.drops_digit else None

    @property
    def unregioned(self) -> str | None:
        """The plate as read without its region name, or None."""
        return self.text[self.region_length :] if self.region_length else None


def compile_entry(
    entry: HotlistEntry, policies: Mapping[str, MatchPolicy]
) -> CompiledEntry | HotlistRejection:
    """The entry prepared for matching, or a rejection naming the entry and the reason."""
    policy = policies.get(entry.policy)
    if policy is None:
        known = ", ".join(sorted(policies))
        return HotlistRejection(entry.id, f"unknown policy {entry.policy!r} (known: {known})")
    if is_pattern(entry.plate):
        if not policy.allows(Level.PARTIAL):
            return HotlistRejection(
                entry.id, f"policy {policy.name!r} does not allow witness patterns"
            )
        try:
            pattern = parse_pattern(entry.plate)
        except PatternError as exc:
            return HotlistRejection(entry.id, f"bad witness pattern: {exc.reason}")
        return CompiledEntry(entry, policy, pattern.text, pattern)
    try:
        plate = parse(entry.plate)
    except PlateError as exc:
        return HotlistRejection(entry.id, f"bad plate {entry.plate!r}: {exc.reason}")
    if len(plate.text) >= WIDTH:  # pragma: no cover - no plate in the grammar is this long
        return HotlistRejection(entry.id, f"plate {plate.text} is too long to index")
    if not policy.allows(Level.EQUIVALENT):
        return CompiledEntry(entry, policy, plate.text)
    unregioned = without_region(plate)
    return CompiledEntry(
        entry,
        policy,
        plate.text,
        None,
        dropped_class_digit(plate) is not None,
        0 if unregioned is None else len(plate.text) - len(unregioned),
    )
