"""The hotlist matcher: every plate a center reads, compared with the emergency hotlist.

Pure: no I/O, no service imports; the hot path of a center. docs/matching.md
describes the levels, the score model, the default threshold and the benchmark.

Public API::

    index, rejections = HotlistIndex.build(entries, version=7)   # refused entries + reasons
    index.add(entry) / index.remove(entry_id) / index.replace(entry)   # no rebuild
    index.version
    index.match(read, min_score=None) -> list[Match]
    index.match_many(reads, min_score=None) -> list[Match]        # the fast batch path

    matcher = Matcher(index)          # what the pipeline holds
    matcher.match_many(reads)         # each batch against one version
    matcher.swap(new_index)           # atomic for readers
    matcher.apply(lambda ix: ix.add(entry))   # copy, change, swap

- :class:`Level`: ``exact`` (the camera's top text is the registered plate; the
  only level that may alert at once), ``equivalent`` (one known misread: a
  look-alike, the dropped class digit, the lost region — or an OCR alternative
  that equals the plate while the top text does not),
  ``fuzzy`` (at most two changes within the policy's weighted edit allowance),
  ``partial`` (a witness pattern). Non-exact levels are candidates for a person
  to confirm.
- :class:`MatchPolicy` and :data:`POLICIES` (``strict``, ``default``,
  ``lenient``): which levels an entry may produce, its edit allowance, its own
  threshold. The police side maps crime categories to policy names.
- :class:`HotlistEntry`, :class:`Read`, :class:`Alternative`: msgspec Structs
  (decode JSON straight into them); :class:`Match` carries the score, the
  explanation, the matched read text, the registered plate and the version;
  :class:`HotlistRejection`: an entry refused at load, with its id and reason.
- :func:`parse_hotlist` and :func:`parse_reads` turn file contents (bytes, no
  file access) into entries and reads, with line-numbered problems.
- :mod:`safenet.matching.decision`: the decision chain that turns matches into
  alerts, candidates, held and dropped ones, weighing the vehicle's description,
  its other reads and its path.
"""

from safenet.matching.compare import Comparison, compare
from safenet.matching.compiled import CompiledEntry, compile_entry
from safenet.matching.index import DELTA_LIMIT, HotlistIndex
from safenet.matching.io import LineProblem, ReadChunk, parse_hotlist, parse_reads
from safenet.matching.matcher import Matcher
from safenet.matching.patterns import MIN_BITS, PatternError, WitnessPattern, parse_pattern
from safenet.matching.policy import DEFAULT, LENIENT, POLICIES, STRICT, MatchPolicy
from safenet.matching.score import DEFAULT_MIN_SCORE
from safenet.matching.types import (
    Alternative,
    HotlistEntry,
    HotlistRejection,
    Level,
    Match,
    Read,
)

__all__ = [
    "DEFAULT",
    "DEFAULT_MIN_SCORE",
    "DELTA_LIMIT",
    "LENIENT",
    "MIN_BITS",
    "POLICIES",
    "STRICT",
    "Alternative",
    "Comparison",
    "CompiledEntry",
    "HotlistEntry",
    "HotlistIndex",
    "HotlistRejection",
    "Level",
    "LineProblem",
    "Match",
    "MatchPolicy",
    "Matcher",
    "PatternError",
    "Read",
    "ReadChunk",
    "WitnessPattern",
    "compare",
    "compile_entry",
    "parse_hotlist",
    "parse_pattern",
    "parse_reads",
]
