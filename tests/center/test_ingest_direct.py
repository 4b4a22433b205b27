"""``POST /api/v1/reads`` served directly answers exactly as through the framework.

The direct path (:mod:`safenet.service.direct`) skips FastAPI's routing and dependency
solving for the one hot route. Every answer a camera, an insider or a broken client
can get must be the same on both paths: the same status, the same body (ids and times
aside), the same refusals -- and the direct path must really be the one taken.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from safenet.auth import Role
from safenet.auth.settings import AuthSettings
from tests.center.conftest import auth, center_settings, read, running_center
from tests.support.services import fresh_pg_database

Answer = tuple[int, Any]


def _answer(response: httpx.Response) -> Answer:
    try:
        body: Any = response.json()
    except json.JSONDecodeError:
        body = response.text
    return response.status_code, body


@contextlib.contextmanager
def _another_database(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as ``db_url``: each path gets a store of its own."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
    else:
        with fresh_pg_database() as url:
            yield url


async def _every_answer(db_url: str, tmp_path: Path, direct: bool) -> tuple[list[Answer], int]:
    settings = center_settings(
        ingest_direct=direct,
        max_batch_reads=3,
        max_body_bytes=4096,
        max_snapshot_bytes=2048,
        auth=AuthSettings(rate_per_minute=60, rate_burst=12),
    )
    async with running_center(db_url, tmp_path, settings=settings) as center:
        now = center.clock()
        camera = auth(Role.CAMERA)
        post = center.client.post

        def one(read_id: str, plate: str = "12가3456", camera_id: str = "SC-01") -> Any:
            return {"reads": [read(read_id, plate, now, camera_id)]}

        answers = [
            # a good read, then the same again (a resend), then a bad read beside a good one
            await post(
                "/api/v1/reads", json={"reads": [read("a1", "12가3456", now)]}, headers=camera
            ),
            await post(
                "/api/v1/reads", json={"reads": [read("a1", "12가3456", now)]}, headers=camera
            ),
            await post(
                "/api/v1/reads",
                json={"reads": [read("a2", "34나5678", now), read("a3", "", now)]},
                headers=camera,
            ),
            # another camera's read on SC-01's credential
            await post(
                "/api/v1/reads",
                json={"reads": [read("a4", "56다7890", now, "SC-02")]},
                headers=camera,
            ),
            # no credential, a forged one, another center's, a person's
            await post("/api/v1/reads", json={"reads": [read("a5", "12가3456", now)]}),
            await post(
                "/api/v1/reads",
                json={"reads": [read("a6", "12가3456", now)]},
                headers={"Authorization": camera["Authorization"][:-3] + "AAA"},
            ),
            await post(
                "/api/v1/reads",
                json={"reads": [read("a7", "12가3456", now)]},
                headers=auth(Role.CAMERA, site="gangnam", audience="gangnam"),
            ),
            await post(
                "/api/v1/reads",
                json={"reads": [read("a8", "12가3456", now)]},
                headers=auth(Role.CAMERA, site="gangnam"),
            ),
            await post(
                "/api/v1/reads",
                json={"reads": [read("a9", "12가3456", now)]},
                headers=auth(Role.ADMIN),
            ),
            # broken bodies: not JSON, the wrong shape, too many reads, too large
            await post("/api/v1/reads", content=b"{not json", headers=camera),
            await post("/api/v1/reads", json={"sightings": []}, headers=camera),
            await post(
                "/api/v1/reads",
                json={"reads": [read(f"b{i}", "12가3456", now) for i in range(4)]},
                headers=camera,
            ),
            await post(
                "/api/v1/reads",
                json={"reads": [read("c1", "12가3456", now, snapshot_ref="x" * 5000)]},
                headers=camera,
            ),
            # the wrong method on the path still goes through the framework
            await center.client.get("/api/v1/reads", headers=camera),
        ]
        # the rate allowance is spent once a request on either path, then refused
        for k in range(12):
            answers.append(
                await post(
                    "/api/v1/reads",
                    json={"reads": [read(f"r{k}", "12가3456", now)]},
                    headers=camera,
                )
            )
        served = center.app.state.direct_routes.served if direct else 0
        return [_answer(a) for a in answers], served


async def test_the_direct_path_answers_as_the_framework_does(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "framework").mkdir()
    (tmp_path / "direct").mkdir()
    with _another_database(db_url, tmp_path) as other:
        framework, not_served = await _every_answer(other, tmp_path / "framework", direct=False)
    direct, served = await _every_answer(db_url, tmp_path / "direct", direct=True)
    assert not_served == 0
    assert served == 25  # every POST took the direct path; the GET did not
    assert direct[:14] == framework[:14]
    statuses = [status for status, _ in direct]
    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4:9] == [401, 401, 401, 403, 403]
    assert statuses[9:14] == [422, 422, 422, 413, 405]
    # the rate: the same refusal on both paths (when it starts depends on the clock)
    for answers in (direct, framework):
        assert {status for status, _ in answers[14:]} == {200, 429}
    refusals = {
        (body.get("error"), body.get("code"))  # the wait it names depends on the clock
        for status, body in direct[14:] + framework[14:]
        if status == 429
    }
    assert len(refusals) == 1


async def test_the_direct_route_is_the_declared_and_published_route(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with running_center(sqlite_url, tmp_path) as center:
        spec = (await center.client.get("/openapi.json")).json()
        assert "post" in spec["paths"]["/api/v1/reads"]
        direct = center.app.state.direct_routes  # on by default (center.ingest_direct)
        before = direct.served
        posted = await center.post([read("d1", "12가3456", center.clock())])
        assert posted.status_code == 200
        assert direct.served == before + 1
        other = next(r for r in center.app.routes if getattr(r, "path", "") == "/healthz")
        with pytest.raises(ValueError, match="another route"):
            direct.add("POST", "/api/v1/reads", lambda request: None, other)  # type: ignore[arg-type,return-value]
