"""Verifying a site's audit log against keys and heads from outside its database.

:func:`verify_log` is pure: it takes the records, the checkpoints and pruning anchors
the site's database holds, the heads the *other* side witnessed, and the trusted
public keys (from configuration or a file — never from the database being checked).
It fails when

- a record was changed, removed, inserted or reordered (the hash chain breaks);
- a checkpoint or pruning anchor is not signed by a trusted key (a chain re-chained
  and re-signed with another key), or a checkpointed record no longer matches;
- the other side witnessed a head this log no longer reaches or no longer matches
  (truncation, a rewritten history, a database restored to an older copy), or a
  witnessed checkpoint is missing here (checkpoints deleted);
- records older than ``max_uncovered`` are covered by no checkpoint (a site that
  stopped anchoring, or a tail rewritten after its last checkpoint);
- a pruning anchor deleted records younger than the minimum retention.

What it cannot see: records appended after the last checkpoint the other side
witnessed and deleted, all of them, before ``max_uncovered`` ran out (docs/audit.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from safenet.audit.chain import GENESIS_HASH, AuditRecord, verify_chain
from safenet.audit.checkpoint import Checkpoint, PruneAnchor, signed_by
from safenet.audit.settings import MIN_RETENTION_DAYS

HeadKind = Literal["checkpoint", "prune"]


@dataclass(frozen=True)
class WitnessedHead:
    """A signed head of a site's chain as the other side keeps it."""

    site: str
    kind: HeadKind
    seq: int
    head_hash: str
    ts: str
    signature: str
    public_key: str
    cutoff: str | None = None
    removed: int | None = None

    def statement(self) -> Checkpoint | PruneAnchor:
        """The signed statement this head carries."""
        if self.kind == "prune":
            return PruneAnchor(
                self.site,
                self.seq,
                self.head_hash,
                self.ts,
                self.cutoff or "",
                self.removed or 0,
                self.signature,
                self.public_key,
            )
        return Checkpoint(
            self.site, self.seq, self.head_hash, self.ts, self.signature, self.public_key
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "kind": self.kind,
            "seq": self.seq,
            "head_hash": self.head_hash,
            "ts": self.ts,
            "signature": self.signature,
            "public_key": self.public_key,
            "cutoff": self.cutoff,
            "removed": self.removed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WitnessedHead:
        kind = data.get("kind")
        if kind not in ("checkpoint", "prune"):
            raise ValueError(f"kind: {kind!r} is not checkpoint or prune")
        return cls(
            site=str(data["site"]),
            kind=kind,
            seq=int(data["seq"]),
            head_hash=str(data["head_hash"]),
            ts=str(data["ts"]),
            signature=str(data["signature"]),
            public_key=str(data.get("public_key", "")),
            cutoff=None if data.get("cutoff") is None else str(data["cutoff"]),
            removed=None if data.get("removed") is None else int(data["removed"]),
        )


@dataclass(frozen=True)
class AuditVerdict:
    """What verifying one site's log found."""

    ok: bool
    site: str
    checked: int
    head_seq: int
    head_hash: str
    start_seq: int = 0
    """The chain starts after this record (a pruning anchor); 0 when nothing was pruned."""
    covered_seq: int = 0
    """The newest record a trusted checkpoint or witnessed head covers."""
    checkpoints: int = 0
    witnessed: int = 0
    first_bad_seq: int | None = None
    reason: str | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "site": self.site,
            "checked": self.checked,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "start_seq": self.start_seq,
            "covered_seq": self.covered_seq,
            "checkpoints": self.checkpoints,
            "witnessed": self.witnessed,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
        }


def _when(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[int | None, str]] = []

    def add(self, seq: int | None, text: str) -> None:
        self.items.append((seq, text))


def verify_log(
    records: Iterable[AuditRecord],
    checkpoints: Sequence[Checkpoint],
    prunes: Sequence[PruneAnchor],
    witnessed: Sequence[WitnessedHead] | None,
    *,
    site: str,
    trusted_keys: Sequence[str],
    now: datetime,
    max_uncovered: timedelta,
    min_retention: timedelta = timedelta(days=MIN_RETENTION_DAYS),
) -> AuditVerdict:
    """Verify a site's log; see the module docstring for what fails it.

    ``records`` are those after the newest pruning anchor, in order. ``witnessed`` is
    None when no witness was consulted (then truncation and restores cannot be seen,
    and the verdict says so in its warnings).
    """
    if not trusted_keys:
        raise ValueError(
            f"trusted keys: none given for {site}; the verifier needs the key from "
            "configuration or a file, never from the database it checks"
        )
    problems = _Problems()
    warnings: list[str] = []
    heads = [w for w in (witnessed or []) if w.site == site]

    # Where the chain starts: the newest pruning anchor signed by a trusted key.
    start_seq, start_hash = 0, GENESIS_HASH
    for anchor in sorted(prunes, key=lambda a: a.seq):
        if anchor.site != site or not signed_by(anchor, trusted_keys):
            problems.add(
                anchor.seq,
                f"pruning anchor at record {anchor.seq} is not signed by a trusted key of {site}",
            )
            continue
        signed, cutoff = _when(anchor.ts), _when(anchor.cutoff)
        if signed is None or cutoff is None or cutoff > signed - min_retention:
            problems.add(
                anchor.seq,
                f"pruning anchor at record {anchor.seq} deleted records "
                f"younger than {min_retention.days} days (cutoff {anchor.cutoff})",
            )
        if anchor.seq > start_seq:
            start_seq, start_hash = anchor.seq, anchor.head_hash

    valid_cps: list[Checkpoint] = []
    for cp in checkpoints:
        if cp.site != site or not signed_by(cp, trusted_keys):
            problems.add(
                cp.seq,
                f"checkpoint at record {cp.seq} is not signed by a trusted "
                f"key of {site} (a chain re-signed with another key?)",
            )
        else:
            valid_cps.append(cp)
    valid_heads: list[WitnessedHead] = []
    for head in heads:
        if signed_by(head.statement(), trusted_keys):
            valid_heads.append(head)
        else:
            problems.add(
                head.seq,
                f"the {head.kind} head of record {head.seq} the other side "
                f"witnessed is not signed by a trusted key of {site}",
            )

    covered = max(
        [start_seq]
        + [cp.seq for cp in valid_cps]
        + [h.seq for h in valid_heads if h.kind == "checkpoint"]
    )
    needed = {cp.seq for cp in valid_cps} | {h.seq for h in valid_heads} | {covered + 1}
    seen: dict[int, AuditRecord] = {}

    def tap(items: Iterable[AuditRecord]) -> Iterator[AuditRecord]:
        for rec in items:
            if rec.seq in needed:
                seen[rec.seq] = rec
            yield rec

    chain = verify_chain(tap(records), start_seq, start_hash)
    if not chain.ok:
        problems.add(chain.first_bad_seq, chain.reason or "the chain is broken")
    head_seq = chain.head_seq if chain.ok else max(seen, default=start_seq)

    for cp in valid_cps:
        if cp.seq <= start_seq:
            continue  # pruned since: the anchor vouches for it
        rec = seen.get(cp.seq)
        if rec is None and chain.ok:
            problems.add(
                cp.seq,
                f"record {cp.seq}, signed in a checkpoint, is gone: the log was "
                "truncated or an older copy restored",
            )
        elif rec is not None and rec.hash != cp.head_hash:
            problems.add(cp.seq, f"record {cp.seq} no longer matches its signed checkpoint")

    stored = {cp.seq for cp in checkpoints}
    stored_prunes = {a.seq: a for a in prunes}
    for head in valid_heads:
        if head.kind == "prune":
            mine = stored_prunes.get(head.seq)
            if mine is None and head.seq > start_seq:
                problems.add(
                    head.seq,
                    f"the other side witnessed a pruning anchor at record "
                    f"{head.seq} that this database does not hold (an older copy "
                    "restored?)",
                )
            elif mine is not None and mine.head_hash != head.head_hash:
                problems.add(
                    head.seq,
                    f"pruning anchor {head.seq} differs from the one the other side witnessed",
                )
            continue
        if head.seq <= start_seq:
            continue
        if chain.ok and head.seq > chain.head_seq:
            problems.add(
                head.seq,
                f"the other side witnessed record {head.seq}, but the log "
                f"ends at {chain.head_seq}: records were removed or an older copy "
                "restored",
            )
            continue
        rec = seen.get(head.seq)
        if rec is not None and rec.hash != head.head_hash:
            problems.add(
                head.seq,
                f"record {head.seq} differs from the head the other side "
                "witnessed: the history was rewritten",
            )
        elif head.seq not in stored:
            problems.add(
                head.seq,
                f"checkpoint {head.seq}, witnessed by the other side, is "
                "missing here: checkpoints were deleted",
            )

    if chain.ok and head_seq > covered:
        first = seen.get(covered + 1)
        when = _when(first.ts) if first is not None else None
        if when is not None and now - when > max_uncovered:
            problems.add(
                covered + 1,
                f"records {covered + 1}–{head_seq} (the oldest from "
                f"{first.ts if first else '?'}) are covered by no checkpoint after "
                f"{max_uncovered.total_seconds() / 60:g} minutes",
            )

    if witnessed is None:
        warnings.append(
            "no witnessed heads were consulted: a truncated log or a database "
            "restored to an older copy cannot be told from an intact one"
        )
    elif valid_cps and not valid_heads:
        warnings.append(f"the other side holds no head of {site}'s chain yet")

    ordered = sorted(problems.items, key=lambda p: (p[0] is None, p[0] or 0))
    first_bad = ordered[0][0] if ordered else None
    texts = [text for _, text in ordered]
    return AuditVerdict(
        ok=not texts,
        site=site,
        checked=chain.checked,
        head_seq=head_seq,
        head_hash=chain.head_hash if chain.ok else "",
        start_seq=start_seq,
        covered_seq=covered,
        checkpoints=len(valid_cps),
        witnessed=len(valid_heads),
        first_bad_seq=first_bad,
        reason=texts[0] if texts else None,
        problems=texts,
        warnings=warnings,
    )
