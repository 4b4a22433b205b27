"""The pipeline's cheaper write path keeps every figure and every stored value.

Each test pins one of the per-read costs cut for issue 16 to what it replaced: the
latency histogram observed per batch counts exactly as one observation per read,
committed reads are remembered as one by one, the binary COPY stores every column as
given, and the keys of normalized texts are the keys :func:`read_keys` gives.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Histogram, generate_latest

from safenet.bench.match_corpus import random_plate
from safenet.center.metrics import LATENCY_BUCKETS, observe_many
from safenet.center.recent import RecentPlates
from safenet.center.retro_index import int8_array, keys_of
from safenet.center.retro_keys import normalized_read_keys, read_keys
from safenet.center.tables import hits, reads
from tests.center.conftest import CenterEnv, entry, read
from tests.center.test_center_bulk import statements


def _exposition(values: list[float], batched: bool) -> bytes:
    registry = CollectorRegistry()
    histogram = Histogram("lat", "latency", buckets=LATENCY_BUCKETS, registry=registry)
    if batched:
        observe_many(histogram, values)
    else:
        for value in values:
            histogram.observe(value)
    # the creation time differs between the two registries; the counts must not
    return b"\n".join(
        line for line in generate_latest(registry).splitlines() if b"created" not in line
    )


def test_a_batch_of_latencies_counts_as_one_observation_each() -> None:
    rng = random.Random(4)
    values = [rng.random() ** 3 * 12 for _ in range(2_000)]
    # every bound itself, and just above: a value on a bound counts in that bucket
    values += list(LATENCY_BUCKETS) + [b + 1e-9 for b in LATENCY_BUCKETS] + [0.0, 99.0]
    assert _exposition(values, batched=True) == _exposition(values, batched=False)
    assert _exposition([], batched=True) == _exposition([], batched=False)


def test_committed_reads_are_remembered_as_one_by_one() -> None:
    rng = random.Random(7)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    batch = [
        (
            f"C{rng.randrange(5)}",
            f"id{k}",
            rng.choice(["12가3456", "34나5678"]),
            start + timedelta(seconds=rng.randrange(600)),
        )
        for k in range(300)
    ]
    one, many = (
        RecentPlates(timedelta(seconds=60), max_ids=100),
        RecentPlates(timedelta(seconds=60), max_ids=100),
    )
    for camera, read_id, plate, at in batch:
        one.remember(camera, plate, at)
        one.remember_id(camera, read_id)
    many.remember_committed(batch)
    for camera, _read_id, plate, at in batch:
        assert many.seen_near(camera, plate, at) == one.seen_near(camera, plate, at)
    # The newest read ids are remembered, and no more than the limit.
    assert len(many._ids) <= 100
    assert all(many.id_stored(c, r) for c, r, _, _ in batch[-80:])


def test_keys_of_normalized_texts_are_the_keys_read_keys_gives() -> None:
    rng = random.Random(11)
    for _ in range(500):
        texts = [random_plate(rng) for _ in range(rng.randint(1, 3))]
        assert normalized_read_keys(texts) == read_keys(texts)
        row = {"plate": texts[0], "alternatives": [[t, 0.1] for t in texts[1:]] or None}
        assert keys_of(row, normalized=True) == keys_of(row)
    # too short or too long to key: none, as read_keys
    assert normalized_read_keys(["12가"]) == read_keys(["12가"]) == set()


def test_a_keys_array_is_postgresqls_binary_bigint_array() -> None:
    keys = [1, (1 << 62) + 5, 7, 8, 9, 10]
    packed = int8_array(keys)
    assert packed[:20] == bytes.fromhex("00000001 00000000 00000014 00000006 00000001")
    assert len(packed) == 20 + 12 * 6
    assert int8_array(keys[:2])[12:16] == bytes.fromhex("00000002")


async def test_every_column_of_a_read_is_stored_as_sent(center: CenterEnv) -> None:
    seoul = timezone(timedelta(hours=9))
    at = datetime.now(seoul).replace(microsecond=123456) - timedelta(minutes=3)
    body = read(
        "bin-1",
        "12가3456",
        at,
        alternatives=[{"plate": "12가3458", "confidence": 0.03}],
        vehicle={"colour": "white", "type": "sedan"},
        snapshot_ref="cam1/frame-9",
    )
    plain = read("bin-2", "34나5678", at)
    response = await center.post([body, plain])
    assert response.status_code == 200, response.text
    with center.service.db.read() as conn:
        rows = {r.read_id: r for r in conn.execute(sa.select(reads))}
    assert set(rows) >= {"bin-1", "bin-2"}, (response.text, list(rows))
    first, second = rows["bin-1"], rows["bin-2"]
    assert first.read_at == at.astimezone(UTC)
    assert first.plate == "12가3456"
    assert first.confidence == 0.95
    assert first.alternatives == [["12가3458", 0.03]]
    assert (first.vehicle_colour, first.vehicle_type) == ("white", "sedan")
    assert first.snapshot_ref == "cam1/frame-9"
    assert first.has_snapshot is False
    assert first.is_hit is False
    assert second.alternatives is None
    assert second.vehicle_colour is None
    assert second.snapshot_ref is None
    assert second.received_at.tzinfo is not None
    # Stored as the column's own type stores it, so the database's time ranges find it
    # (on SQLite a time is text: an offset suffix would fall out of every range query).
    with center.service.db.read() as conn:
        found = conn.execute(
            sa.select(reads.c.read_id).where(
                reads.c.read_at >= at - timedelta(seconds=1),
                reads.c.read_at <= at + timedelta(seconds=1),
            )
        ).scalars()
        assert set(found) == {"bin-1", "bin-2"}
    with center.service.db.begin() as conn:
        conn.execute(
            reads.insert(),
            {c.name: getattr(first, c.name) for c in reads.columns if c.name != "seq"}
            | {"read_id": "via-insert"},
        )
        raw = sa.text("SELECT read_id, read_at, received_at FROM reads")
        stored = {r.read_id: (r.read_at, r.received_at) for r in conn.execute(raw)}
    assert type(stored["bin-1"][0]) is type(stored["via-insert"][0])
    assert stored["bin-1"] == stored["via-insert"]


async def test_a_hit_of_the_batchs_own_read_needs_no_update_of_reads(center: CenterEnv) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    now = center.clock()
    with statements(center) as sql:
        response = await center.post([read("h-1", "12가3456", now), read("h-2", "34나5678", now)])
        assert response.status_code == 200, response.text
        await center.reports(1)
    assert not [s for s in sql if s.lower().startswith("update reads")]
    with center.service.db.read() as conn:
        marked = dict(conn.execute(sa.select(reads.c.read_id, reads.c.is_hit)).all())
        (hit,) = conn.execute(sa.select(hits.c.read_id, hits.c.read_seq)).all()
    assert marked == {"h-1": True, "h-2": False}
    assert hit.read_id == "h-1"


async def test_sequence_numbers_come_from_the_reads_sequence_named_once(center: CenterEnv) -> None:
    now = center.clock()
    for k in range(3):
        response = await center.post(
            [read(f"s{k}-{j}", f"{20 + j}가{1000 + k}", now) for j in range(5)]
        )
        assert response.status_code == 200, response.text
    with center.service.db.read() as conn:
        seqs = conn.execute(sa.select(reads.c.seq).order_by(reads.c.seq)).scalars().all()
    assert len(seqs) == len(set(seqs)) == 15
    if center.service.db.engine.dialect.name == "postgresql":
        # The next number the sequence gives is past every stored one: they came from it.
        with center.service.db.begin() as conn:
            following = conn.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('reads', 'seq'))"
            ).scalar_one()
        assert following > max(seqs)
