"""No export path carries a read that hit nothing (issue 13, "Privacy limits").

A running center takes reads of uninvolved cars beside a wanted one, and a wanted
pattern's look-back. Then everything that leaves the center is searched for the
uninvolved plates: every GET of its HTTP API (with a token holding every role), every
message its outbox holds for the link (and what the police received), its audit log
and its metrics. None may name them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from safenet.audit.store import audit_log
from safenet.auth import Role
from safenet.center.tables import hits
from safenet.link.tables import outbox
from tests.center.conftest import auth, entry, read, running_center, snapshot_b64

UNINVOLVED = ["98버7654", "45모1209", "33로8080", "71수5521"]


async def test_no_export_path_carries_a_read_that_hit_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with running_center(sqlite_url, tmp_path) as center:
        await center.snapshot([entry("E1", "12가3456")])
        now = center.clock()
        await center.post(
            [
                read(f"n{i}", plate, now - timedelta(minutes=10 - i), snapshot_jpeg=snapshot_b64())
                for i, plate in enumerate(UNINVOLVED)
            ]
            + [read("h1", "12가3456", now, snapshot_jpeg=snapshot_b64())]
        )
        await center.reports(1)
        # A pattern none of them fits looks back over them too.
        await center.delta(
            added=[entry("E2", "*0000", category="missing_person", vehicle="흰색 SUV")]
        )
        await center.settle(0.5)

        # Every person's role at once (a camera credential reads nothing).
        headers = auth(*(r for r in Role if r not in (Role.CAMERA, Role.LINK)))
        with center.service.db.read() as conn:
            hit_ids = list(conn.execute(sa.select(hits.c.hit_id)).scalars())
        assert len(hit_ids) == 1
        answers: list[str] = []
        # Every GET the API documents (OpenAPI), and the console's own routes.
        paths = [p for p, ops in center.app.openapi()["paths"].items() if "get" in ops]
        paths += ["/metrics", "/healthz", "/console/config.json"]
        for path in sorted(set(paths)):
            filled = (
                [path.replace("{hit_id}", h) for h in hit_ids] if "{hit_id}" in path else [path]
            )
            # No officer asked for evidence here: an unknown request id (answered 404).
            filled = [u.replace("{request_id}", "ER-none") for u in filled]
            for url in filled:
                assert "{" not in url, f"{url}: a GET with a parameter this test does not fill"
                response = await center.client.get(url, headers=headers)
                answers.append(f"{url} {response.status_code} {response.text}")
        assert any(a.startswith("/api/v1/hits ") for a in answers)
        assert any("12가3456" in a for a in answers)  # the hit is there
        with center.service.db.read() as conn:
            payloads = [
                bytes(p).decode() for p in conn.execute(sa.select(outbox.c.payload)).scalars()
            ]
            records = [str(r.details) for r in conn.execute(sa.select(audit_log))]
        received = [repr(m) for m in center.police.messages]
        metrics = (await center.client.get("/metrics")).text
        for plate in UNINVOLVED:
            for where, texts in {
                "the HTTP API": answers,
                "the link outbox": payloads,
                "the police": received,
                "the audit log": records,
                "/metrics": [metrics],
            }.items():
                assert not [t for t in texts if plate in t], f"{plate} leaves through {where}"
