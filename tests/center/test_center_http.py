"""The center's HTTP API: limits, authentication, status, cameras, metrics, real sockets."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import uvicorn

from safenet.auth import Role
from tests.center.conftest import (
    CenterEnv,
    auth,
    center_settings,
    entry,
    read,
    running_center,
)
from tests.support.services import free_port


async def test_too_many_reads_is_422_naming_the_limit_and_too_large_a_body_413(
    sqlite_url: str, tmp_path: Path
) -> None:
    settings = center_settings(max_batch_reads=2, max_body_bytes=4096, max_snapshot_bytes=2048)
    async with running_center(sqlite_url, tmp_path, settings=settings) as center:
        now = center.clock()
        three = [read(f"r{i}", "12가3456", now) for i in range(3)]
        response = await center.post(three)
        assert response.status_code == 422
        answer = response.json()
        assert answer["error"] == "batch_too_large"
        assert answer["field"] == "reads"
        assert answer["details"] == {"limit": 2, "count": 3}
        assert "at most 2" in answer["message"]
        big = await center.post([read("r1", "12가3456", now, snapshot_ref="x" * 5000)])
        assert big.status_code == 413
        assert big.json()["field"] == "body"


async def test_a_body_that_is_not_a_read_batch_is_422(sqlite_center: CenterEnv) -> None:
    center = sqlite_center
    headers = auth(Role.CAMERA)
    for body in (b"not json", b"[1, 2]", b'{"reads": 5}', b'{"reads": [], "extra": 1}'):
        response = await center.client.post(
            "/api/v1/reads", content=body, headers={**headers, "content-type": "application/json"}
        )
        assert response.status_code == 422, body
        assert response.json()["error"] == "invalid"


async def test_every_route_needs_a_token_with_the_right_role(sqlite_center: CenterEnv) -> None:
    center = sqlite_center
    assert (await center.client.get("/api/v1/status")).status_code == 401
    operator = auth(Role.OPERATOR)
    forbidden = await center.post([read("r1", "12가3456", center.clock())], headers=operator)
    assert forbidden.status_code == 403
    camera = auth(Role.CAMERA)
    assert (await center.client.get("/api/v1/candidates", headers=camera)).status_code == 403
    missing = await center.client.get("/api/v1/hits/hit-nothing/snapshot", headers=operator)
    assert missing.status_code == 404
    assert missing.json()["field"] == "hit_id"


async def test_status_cameras_metrics_and_health(sqlite_center: CenterEnv) -> None:
    center = sqlite_center
    await center.snapshot([entry("E1", "12가3456")])
    now = center.clock()
    await center.post(
        [
            read("r1", "12가3456", now),
            read("r2", "12가34!6", now),
            read("r3", "1", now, confidence=2),
        ]
    )
    await center.reports(1)
    headers = auth(Role.AUDITOR)
    status = (await center.client.get("/api/v1/status", headers=headers)).json()
    assert status["site"] == "seocho"
    assert status["hotlist"]["version"] == 1
    assert status["hotlist"]["entries"] == 1
    assert status["hotlist"]["acked_at"] is not None
    assert status["rejected_reads"] == {"plate": 1, "schema": 1}
    assert status["reads_per_second_1m"] > 0
    assert status["link"]["status"] in {"up", "backlog"}
    cameras = (await center.client.get("/api/v1/cameras", headers=headers)).json()
    assert cameras["type"] == "FeatureCollection"
    assert cameras["total"] == 6
    first = cameras["features"][0]
    assert first["geometry"]["type"] == "Point"
    metrics = (await center.client.get("/metrics")).text
    assert 'center_hits_total{level="exact",state="alert"} 1.0' in metrics
    assert 'center_reads_rejected_total{reason="plate"} 1.0' in metrics
    assert "center_pipeline_latency_seconds_bucket" in metrics
    assert "center_outbox_depth" in metrics
    assert "12가3456" not in metrics
    health = await center.client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["ok"] is True
    docs = await center.client.get("/openapi.json")
    assert "/api/v1/reads" in docs.json()["paths"]


async def test_reads_over_a_real_socket(sqlite_center: CenterEnv) -> None:
    center = sqlite_center
    await center.snapshot([entry("E1", "12가3456")])
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(center.app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            response = await client.post(
                "/api/v1/reads",
                json={"reads": [read("s1", "12가3456", center.clock())]},
                headers=auth(Role.CAMERA),
            )
            assert response.json()["accepted"] == ["s1"]
            docs = await client.get("/docs")
            assert docs.status_code == 200
        (report,) = await center.reports(1)
        assert report.entry_id == "E1"
    finally:
        server.should_exit = True
        await task


async def test_a_camera_key_admits_that_cameras_reads_only(sqlite_center: CenterEnv) -> None:
    center = sqlite_center
    cameras = center.app.state.auth.cameras
    key = cameras.issue("SC-01", actor="test")
    now = center.clock()
    mixed = {"reads": [read("k1", "12가3456", now), read("k2", "12가3456", now, camera="SC-05")]}
    posted = await center.client.post("/api/v1/reads", json=mixed, headers={"X-Camera-Key": key})
    body = posted.json()
    assert posted.status_code == 200, body
    assert body["accepted"] == ["k1"]
    assert [(r["id"], r["field"]) for r in body["rejected"]] == [("k2", "camera_id")]
    assert "camera SC-01" in body["rejected"][0]["reason"]
    human = await center.client.get("/api/v1/hits", headers={"X-Camera-Key": key})
    assert human.status_code == 403
    forged = key[:-2] + ("xx" if not key.endswith("xx") else "yy")
    refused = await center.client.post(
        "/api/v1/reads", json=mixed, headers={"X-Camera-Key": forged}
    )
    assert refused.status_code == 401
    cameras.revoke("SC-01", actor="test")
    gone = await center.client.post("/api/v1/reads", json=mixed, headers={"X-Camera-Key": key})
    assert gone.status_code == 401
    # A person, even an admin of this center, may not post a sighting.
    admin = await center.post([read("k3", "12가3456", now)], headers=auth(Role.ADMIN))
    assert admin.status_code == 403
