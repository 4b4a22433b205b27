"""Hotlist and read files as bytes in, entries and reads out, with line-numbered problems.

No file access here: the caller reads the bytes (``safenet match`` streams the read
file in chunks of lines). A bad line never stops the rest: it becomes a
:class:`LineProblem` naming the line, the entry id when known, and the reason.

- Hotlist: CSV with a header ``id,plate,policy`` (``policy``, ``priority`` and
  the vehicle's ``colour``, ``type``, ``make``, ``model`` optional), or JSONL with
  the same fields, one entry per line.
- Reads: JSONL, one :class:`~safenet.matching.Read` per line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import msgspec

from safenet.matching.types import HotlistEntry, Read

_READS = msgspec.json.Decoder(list[Read])
_READ = msgspec.json.Decoder(Read)
_ENTRY = msgspec.json.Decoder(HotlistEntry)
_REQUIRED_COLUMNS = ("id", "plate")
_DESCRIPTION_COLUMNS = ("colour", "type", "make", "model")
_KNOWN_COLUMNS = frozenset({"id", "plate", "policy", "priority", *_DESCRIPTION_COLUMNS})
_MAX_WORD = 40


@dataclass(frozen=True, slots=True)
class LineProblem:
    """A line of an input file that was skipped, and why."""

    line: int
    reason: str
    entry_id: str | None = None

    def __str__(self) -> str:
        who = f" (entry {self.entry_id})" if self.entry_id else ""
        return f"line {self.line}{who}: {self.reason}"


@dataclass(slots=True)
class ReadChunk:
    """The reads decoded from a chunk of lines, and the lines that were skipped."""

    reads: list[Read] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)


def parse_reads(lines: Sequence[bytes], first_line: int = 1) -> ReadChunk:
    """Decode JSONL read lines (without newlines); ``first_line`` numbers the first one.

    The whole chunk is decoded in one call; only when that fails is it decoded line
    by line to name the bad lines. Blank lines are skipped silently.
    """
    if not lines:
        return ReadChunk()
    try:
        return ReadChunk(_READS.decode(b"[" + b",".join(lines) + b"]"))
    except (msgspec.ValidationError, msgspec.DecodeError):
        pass
    chunk = ReadChunk()
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            chunk.reads.append(_READ.decode(line))
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            chunk.problems.append(LineProblem(number, _reason(exc)))
    return chunk


def parse_hotlist(data: bytes | str) -> tuple[list[HotlistEntry], list[LineProblem]]:
    """Entries from a CSV or JSONL hotlist (told apart by the first character)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        return _hotlist_jsonl(text)
    return _hotlist_csv(text)


def _hotlist_jsonl(text: str) -> tuple[list[HotlistEntry], list[LineProblem]]:
    entries: list[HotlistEntry] = []
    problems: list[LineProblem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(_ENTRY.decode(line.encode("utf-8")))
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            problems.append(LineProblem(number, _reason(exc), _id_of(line)))
    return entries, problems


def _hotlist_csv(text: str) -> tuple[list[HotlistEntry], list[LineProblem]]:
    entries: list[HotlistEntry] = []
    problems: list[LineProblem] = []
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            missing = [c for c in _REQUIRED_COLUMNS if c not in header]
            if missing:
                problems.append(LineProblem(number, f"header lacks column(s) {', '.join(missing)}"))
                return entries, problems
            unknown = [c for c in header if c not in _KNOWN_COLUMNS]
            if unknown:
                problems.append(LineProblem(number, f"unknown column(s) {', '.join(unknown)}"))
                return entries, problems
            continue
        if len(row) != len(header):
            problems.append(LineProblem(number, f"expected {len(header)} fields, got {len(row)}"))
            continue
        fields = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
        entry_id = fields.get("id", "")
        if not entry_id:
            problems.append(LineProblem(number, "id is empty"))
            continue
        if not fields.get("plate"):
            problems.append(LineProblem(number, "plate is empty", entry_id))
            continue
        try:
            priority = int(fields.get("priority") or 0)
        except ValueError:
            problems.append(
                LineProblem(
                    number, f"priority must be an integer, got {fields['priority']!r}", entry_id
                )
            )
            continue
        words = {c: fields.get(c) or None for c in _DESCRIPTION_COLUMNS}
        too_long = [c for c, w in words.items() if w is not None and len(w) > _MAX_WORD]
        if too_long:
            problems.append(
                LineProblem(
                    number, f"{too_long[0]} must be at most {_MAX_WORD} characters", entry_id
                )
            )
            continue
        entries.append(
            HotlistEntry(
                id=entry_id,
                plate=fields["plate"],
                policy=fields.get("policy") or "default",
                priority=priority,
                colour=words["colour"],
                vehicle_type=words["type"],
                make=words["make"],
                model=words["model"],
            )
        )
    if header is None:
        problems.append(LineProblem(1, "hotlist is empty (no header line)"))
    return entries, problems


def _reason(exc: Exception) -> str:
    return str(exc).replace("`", "")


def _id_of(line: str) -> str | None:
    """The entry id of a JSONL line that failed to decode, when it can be recovered."""
    try:
        value = msgspec.json.decode(line.encode("utf-8"))
    except msgspec.DecodeError:
        return None
    if isinstance(value, dict):
        found = value.get("id")
        return found if isinstance(found, str) else None
    return None
