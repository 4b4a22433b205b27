"""The decision chain's state in the center's database: held candidates survive a restart.

:class:`~safenet.center.decide.LiveDecisions` keeps the chain in memory; this store
keeps what it must not forget (migration ``center_0012``):

- ``decision_journal``: each read the chain observed (its observation and its
  matches), kept for the chain's evidence window. The chain is a pure function of
  the stream it is fed, so feeding these rows again rebuilds its evidence, its held
  candidates and its memory of the window: on start (a restart, even after kill -9)
  and, for queue workers, the rows the other workers of the site wrote.
- ``decision_held``: each candidate held for corroboration: the hit draft with its
  read (stored in ``reads`` with the same batch), the entry, the deadline of its hold
  in stream time. The row is the candidate's **claim token**: surfacing deletes it in
  the transaction that writes the hit, and writes the hit only when the delete took
  the row (:meth:`DecisionStore.claim`). A crash before the commit leaves the row
  (and no hit): the candidate is still held and is surfaced after the restart; a
  crash after it leaves the hit and no row: never twice. The expiry deletes the row
  when the hold ran out: never written.
- ``decision_memory``: the neighbour memory's passes per entry (its 24 h reach goes
  far beyond the journal's window), rewritten for the entries a batch touched.
- ``decision_traffic`` (``center_0014``): the look-alike traffic per entry (its hour
  goes beyond the journal's window too: a restart must not forget how busy an entry's
  look-alikes are), each pass one row named by (entry, plate, camera, first frame),
  written again only when the pass changed.

Every row is written in the transaction that stores the batch (the persist stage),
so what the database says was decided is exactly what was stored.

Queue workers: why shared through the database, not a per-site lock. A lock that
serialises one site's decisions would have to span the decide stage and the persist
commit (two stages, retried read by read on failure) and would make the workers of
a site take turns. Instead each worker, before it decides a batch, replays the
journal rows the others committed since it last looked and loads their held rows
(:meth:`LiveDecisions.catch_up`): a read on worker 2 is then weighed against the
held candidate of worker 1, and whichever worker's chain surfaces it first claims
the row; the other finds the row gone and writes nothing. The claim makes surfacing
exactly-once whatever order the workers see the reads in; the replay makes the
corroboration seen by the next batch of either worker. A read that two workers
decide at the same moment is corroborated when either of them next catches up.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from safenet.center.tables import metadata
from safenet.center.types import (
    CameraInfo,
    EntryInfo,
    HitDraft,
    HitState,
    IncomingRead,
    ReadFate,
    ReadItem,
)
from safenet.matching import Match
from safenet.matching.decision import Observation
from safenet.matching.decision.memory import MemoryRow, TrafficRow
from safenet.store import Database
from safenet.tracking import GeoPoint
from safenet.vehicles import BodyType, Colour, Description

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

decision_journal = sa.Table(
    "decision_journal",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("read_key", sa.String(170), nullable=False),
    sa.Column("ts", sa.Float, nullable=False),
    sa.Column("written_at", sa.Float, nullable=False),
    sa.Column("writer", sa.String(40), nullable=False),
    sa.Column("observation", sa.JSON, nullable=False),
    sa.Column("matches", sa.JSON, nullable=False),
)

decision_held = sa.Table(
    "decision_held",
    metadata,
    sa.Column("read_key", sa.String(170), primary_key=True),
    sa.Column("entry_id", sa.String(64), primary_key=True),
    sa.Column("read_seq", _SEQ, nullable=False),
    sa.Column("deadline", sa.Float, nullable=False),
    sa.Column("writer", sa.String(40), nullable=False),
    sa.Column("draft", sa.JSON, nullable=False),
)

decision_memory = sa.Table(
    "decision_memory",
    metadata,
    sa.Column("entry_id", sa.String(64), primary_key=True),
    sa.Column("rank", sa.Integer, primary_key=True),
    sa.Column("plate", sa.String(16), nullable=False),
    sa.Column("camera_id", sa.String(100), nullable=False),
    sa.Column("first_ts", sa.Float, nullable=False),
    sa.Column("last_ts", sa.Float, nullable=False),
    sa.Column("sureness", sa.Float, nullable=False),
)

decision_traffic = sa.Table(
    "decision_traffic",
    metadata,
    sa.Column("entry_id", sa.String(64), primary_key=True),
    sa.Column("plate", sa.String(16), primary_key=True),
    sa.Column("camera_id", sa.String(100), primary_key=True),
    sa.Column("first_ts", sa.Float, primary_key=True),
    sa.Column("last_ts", sa.Float, nullable=False),
    sa.Column("sureness", sa.Float, nullable=False),
    sa.Column("frame", sa.JSON, nullable=False),
    sa.Column("ord", sa.BigInteger, nullable=False),
)

REFRESH_SLACK_S = 60.0
"""A worker looks again at journal rows written this long before its last look.

Sequence numbers are handed out before the commit, so a row can become visible
after one with a higher number; rows already replayed are skipped by their read.
"""

HeldKey = tuple[str, str]
"""A held candidate's name: (read key, entry id)."""


@dataclass(frozen=True)
class JournalRow:
    """One observed read as stored: its observation's fields and its matches."""

    read_key: str
    ts: float
    observation: dict[str, Any]
    matches: list[Match]
    written_at: float = 0.0
    seq: int = 0


@dataclass(frozen=True)
class HeldRow:
    """One held candidate as stored."""

    read_key: str
    entry_id: str
    read_seq: int
    deadline: float
    draft: dict[str, Any]


class DecisionStore:
    """The decision chain's rows of one center database; see the module docstring."""

    def __init__(self, db: Database, *, writer: str | None = None) -> None:
        self.db = db
        self.writer = writer or uuid.uuid4().hex[:12]

    # -- in the batch's transaction ----------------------------------------------------------

    def write(
        self,
        conn: Connection,
        journal: Sequence[JournalRow],
        held: Sequence[HeldRow],
        memory: dict[str, list[MemoryRow]],
        dropped: Sequence[HeldKey] = (),
        traffic: Sequence[tuple[str, TrafficRow]] = (),
    ) -> None:
        """The batch's observed reads, its held candidates, the memory it changed, the drops,
        and the look-alike passes (entry id, pass) that are new or changed."""
        now = time.time()
        _delete_keys(conn, dropped)
        if journal:
            conn.execute(
                decision_journal.insert(),
                [
                    {
                        "read_key": j.read_key,
                        "ts": j.ts,
                        "written_at": now,
                        "writer": self.writer,
                        "observation": j.observation,
                        "matches": [msgspec.to_builtins(m) for m in j.matches],
                    }
                    for j in journal
                ],
            )
        if held:
            keys = [(h.read_key, h.entry_id) for h in held]
            _delete_keys(conn, keys)
            conn.execute(
                decision_held.insert(),
                [
                    {
                        "read_key": h.read_key,
                        "entry_id": h.entry_id,
                        "read_seq": h.read_seq,
                        "deadline": h.deadline,
                        "writer": self.writer,
                        "draft": h.draft,
                    }
                    for h in held
                ],
            )
        for entry_id, rows in memory.items():
            conn.execute(decision_memory.delete().where(decision_memory.c.entry_id == entry_id))
            if rows:
                conn.execute(
                    decision_memory.insert(),
                    [
                        {
                            "entry_id": entry_id,
                            "rank": k,
                            "plate": plate,
                            "camera_id": camera_id,
                            "first_ts": first,
                            "last_ts": last,
                            "sureness": sure,
                        }
                        for k, (plate, camera_id, first, last, sure) in enumerate(rows)
                    ],
                )

        if traffic:
            _upsert_traffic(conn, traffic)

    def claim(self, conn: Connection, key: HeldKey) -> bool:
        """Take a held candidate's row to surface it; False when it is gone (surfaced, dropped)."""
        result = conn.execute(
            decision_held.delete().where(
                decision_held.c.read_key == key[0], decision_held.c.entry_id == key[1]
            )
        )
        return bool(result.rowcount == 1)

    # -- on their own ----------------------------------------------------------------------

    def delete_held(self, keys: Iterable[HeldKey]) -> None:
        """Forget held candidates that were dropped (their hold ran out, their entry went)."""
        keys = list(keys)
        if keys:
            with self.db.begin() as conn:
                _delete_keys(conn, keys)

    def held(self, *, others: bool = False) -> list[HeldRow]:
        """Every held candidate stored (``others``: only those other writers wrote)."""
        query = sa.select(decision_held)
        if others:
            query = query.where(decision_held.c.writer != self.writer)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [
            HeldRow(r.read_key, r.entry_id, int(r.read_seq), float(r.deadline), dict(r.draft))
            for r in rows
        ]

    def memory(self) -> dict[str, list[MemoryRow]]:
        """The neighbour memory's passes, per entry, in their order."""
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(decision_memory).order_by(
                    decision_memory.c.entry_id, decision_memory.c.rank
                )
            ).all()
        out: dict[str, list[MemoryRow]] = {}
        for r in rows:
            out.setdefault(r.entry_id, []).append(
                (r.plate, r.camera_id, float(r.first_ts), float(r.last_ts), float(r.sureness))
            )
        return out

    def traffic(self) -> dict[str, list[TrafficRow]]:
        """The look-alike passes kept, per entry, in their log's order."""
        t = decision_traffic.c
        with self.db.read() as conn:
            rows = conn.execute(sa.select(decision_traffic).order_by(t.entry_id, t.ord)).all()
        out: dict[str, list[TrafficRow]] = {}
        for r in rows:
            out.setdefault(r.entry_id, []).append(
                (
                    r.plate,
                    float(r.first_ts),
                    float(r.last_ts),
                    float(r.sureness),
                    frame_of(dict(r.frame)),
                    int(r.ord),
                )
            )
        return out

    def journal(self) -> list[JournalRow]:
        """Every observed read kept, in the order written (for a start)."""
        return self._journal(sa.select(decision_journal).order_by(decision_journal.c.seq))

    def others_since(self, written_since: float, known: Container[str]) -> list[JournalRow]:
        """The observed reads other writers wrote at or after ``written_since``, not ``known``.

        Their names first, then only the rows not known yet: a worker looks at the
        last minute of the others' reads before every batch and decodes each once.
        """
        with self.db.read() as conn:
            names = conn.execute(
                sa.select(decision_journal.c.seq, decision_journal.c.read_key).where(
                    decision_journal.c.written_at >= written_since,
                    decision_journal.c.writer != self.writer,
                )
            ).all()
        fresh = sorted(n.seq for n in names if n.read_key not in known)
        rows: list[JournalRow] = []
        for k in range(0, len(fresh), 500):
            chunk = fresh[k : k + 500]
            rows += self._journal(
                sa.select(decision_journal)
                .where(decision_journal.c.seq.in_(chunk))
                .order_by(decision_journal.c.seq)
            )
        return rows

    def _journal(self, query: sa.Select[Any]) -> list[JournalRow]:
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [
            JournalRow(
                read_key=r.read_key,
                ts=float(r.ts),
                observation=dict(r.observation),
                matches=[msgspec.convert(m, Match) for m in r.matches],
                written_at=float(r.written_at),
                seq=int(r.seq),
            )
            for r in rows
        ]

    def prune(
        self,
        before_ts: float,
        memory_before: float,
        entries: set[str],
        traffic_before: float | None = None,
    ) -> int:
        """Forget observed reads older than ``before_ts``, passes older than ``memory_before``
        and look-alike passes older than ``traffic_before`` (stream times), and the memory
        and traffic of entries no longer listed; how many reads went.

        The journal holds reads of uninvolved cars and the memory real plates near an
        entry: neither is kept longer than the chain itself would keep them.
        """
        with self.db.begin() as conn:
            result = conn.execute(
                decision_journal.delete().where(decision_journal.c.ts < before_ts)
            )
            conn.execute(decision_memory.delete().where(decision_memory.c.last_ts < memory_before))
            listed = conn.execute(sa.select(decision_memory.c.entry_id).distinct()).scalars()
            for entry_id in set(listed) - entries:
                conn.execute(decision_memory.delete().where(decision_memory.c.entry_id == entry_id))
            t = decision_traffic.c
            if traffic_before is not None:
                conn.execute(decision_traffic.delete().where(t.last_ts < traffic_before))
            listed = conn.execute(sa.select(t.entry_id).distinct()).scalars()
            for entry_id in set(listed) - entries:
                conn.execute(decision_traffic.delete().where(t.entry_id == entry_id))
        return int(result.rowcount or 0)


def _upsert_traffic(conn: Connection, traffic: Sequence[tuple[str, TrafficRow]]) -> None:
    """Write look-alike passes, each over its earlier state (one statement; two workers of a
    site that both saw a pass write it without a conflict: its latest read and its surest
    frame stay)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(decision_traffic)
    later = stmt.excluded.last_ts >= decision_traffic.c.last_ts
    stmt = stmt.on_conflict_do_update(
        index_elements=["entry_id", "plate", "camera_id", "first_ts"],
        set_={
            "last_ts": sa.case((later, stmt.excluded.last_ts), else_=decision_traffic.c.last_ts),
            "sureness": sa.func.max(stmt.excluded.sureness, decision_traffic.c.sureness)
            if conn.dialect.name == "sqlite"
            else sa.func.greatest(stmt.excluded.sureness, decision_traffic.c.sureness),
            "frame": sa.case(
                (stmt.excluded.sureness > decision_traffic.c.sureness, stmt.excluded.frame),
                else_=decision_traffic.c.frame,
            ),
        },
    )
    conn.execute(
        stmt,
        [
            {
                "entry_id": entry_id,
                "plate": plate,
                "camera_id": frame.camera_id,
                "first_ts": first,
                "last_ts": last,
                "sureness": sure,
                "frame": frame_record(frame),
                "ord": order,
            }
            for entry_id, (plate, first, last, sure, frame, order) in traffic
        ],
    )


def frame_record(obs: Observation) -> dict[str, Any]:
    """A look-alike pass's surest frame as a row keeps it (what the traffic weighs of it)."""
    point = obs.point
    return {
        "read_id": obs.read_id,
        "camera_id": obs.camera_id,
        "ts": obs.ts,
        "text": obs.text,
        "confidence": obs.confidence,
        "point": None if point is None else [point.lat, point.lon],
        "seen": obs.seen.codes(),
        "valid_plate": obs.valid_plate,
    }


def frame_of(d: dict[str, Any]) -> Observation:
    """The frame :func:`frame_record` kept."""
    point, seen = d.get("point"), d.get("seen") or {}
    colour, body = seen.get("colour"), seen.get("type")
    return Observation(
        read_id=str(d["read_id"]),
        camera_id=str(d["camera_id"]),
        ts=float(d["ts"]),
        text=str(d["text"]),
        confidence=float(d["confidence"]),
        point=None if point is None else GeoPoint(float(point[0]), float(point[1])),
        seen=Description(
            colour=None if colour is None else Colour(colour),
            body=None if body is None else BodyType(body),
            make=seen.get("make"),
            model=seen.get("model"),
        ),
        valid_plate=bool(d.get("valid_plate", True)),
    )


def _delete_keys(conn: Connection, keys: Sequence[HeldKey]) -> None:
    for read_key, entry_id in keys:
        conn.execute(
            decision_held.delete().where(
                decision_held.c.read_key == read_key, decision_held.c.entry_id == entry_id
            )
        )


# -- a held draft and its read, as a row keeps them -------------------------------------------


def draft_record(draft: HitDraft, item: ReadItem) -> dict[str, Any]:
    """What a held draft and its read need to be written as a hit after a restart."""
    read = item.incoming
    return {
        "read": {
            "read_id": read.read_id,
            "camera_id": read.camera_id,
            "ts": read.ts.isoformat(),
            "plate": read.plate,
            "confidence": read.confidence,
            "alternatives": [list(a) for a in read.alternatives],
            "has_snapshot": read.snapshot_jpeg is not None,
            "snapshot_ref": read.snapshot_ref,
            "vehicle_colour": read.vehicle_colour,
            "vehicle_type": read.vehicle_type,
        },
        "received_at": item.received_at.isoformat(),
        "plate": item.plate,
        "alternatives": [list(a) for a in item.alternatives],
        "match": msgspec.to_builtins(draft.match),
        "hit_id": draft.hit_id,
        "alert": draft.alert,
        "held": draft.held,
        "level": draft.level,
        "state": draft.state.value,
        "group_plate": draft.group_plate,
    }


def draft_of(
    record: dict[str, Any], seq: int, entry: EntryInfo, camera: CameraInfo | None
) -> tuple[HitDraft, ReadItem]:
    """The held draft and its (stored) read back from :func:`draft_record`."""
    r = record["read"]
    incoming = IncomingRead(
        read_id=r["read_id"],
        camera_id=r["camera_id"],
        ts=datetime.fromisoformat(r["ts"]),
        plate=r["plate"],
        confidence=float(r["confidence"]),
        alternatives=tuple((str(t), float(c)) for t, c in r["alternatives"]),
        # The picture itself is stored with the read; the hit only says it has one.
        snapshot_jpeg=b"" if r["has_snapshot"] else None,
        snapshot_ref=r["snapshot_ref"],
        vehicle_colour=r["vehicle_colour"],
        vehicle_type=r["vehicle_type"],
    )
    item = ReadItem(
        incoming=incoming,
        ingested_at=time.perf_counter(),
        received_at=datetime.fromisoformat(record["received_at"]),
        fate=ReadFate.ACCEPTED,
        plate=record["plate"],
        alternatives=tuple((str(t), float(c)) for t, c in record["alternatives"]),
        camera=camera,
        seq=seq,
    )
    draft = HitDraft(
        match=msgspec.convert(record["match"], Match),
        entry=entry,
        hit_id=record["hit_id"],
        alert=bool(record["alert"]),
        held=bool(record["held"]),
        level=record["level"],
        state=HitState(record["state"]),
        group_plate=record["group_plate"],
    )
    item.hits = [draft]
    return draft, item


__all__ = [
    "REFRESH_SLACK_S",
    "DecisionStore",
    "HeldKey",
    "HeldRow",
    "JournalRow",
    "decision_held",
    "decision_journal",
    "decision_memory",
    "decision_traffic",
    "draft_of",
    "draft_record",
    "frame_of",
    "frame_record",
]
