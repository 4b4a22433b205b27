"""The base app maps errors to statuses, limits bodies, and serves health and metrics."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel

from safenet.service import Conflict, create_base_app


class Body(BaseModel):
    plate: str
    confidence: float


def _app(ok: bool = True) -> TestClient:
    registry = CollectorRegistry()
    reads = Counter("safenet_test_reads", "reads", registry=registry)
    reads.inc(3)

    async def health() -> dict[str, Any]:
        return {"ok": ok, "database": "up"}

    app = create_base_app(
        title="t",
        version="0",
        description="d",
        registry=registry,
        health=health,
        max_body_bytes=1000,
    )

    @app.post("/thing")
    async def thing(body: Body) -> dict:
        raise Conflict(f"{body.plate} is already approved by lee", field="plate")

    return TestClient(app)


def test_health_and_metrics() -> None:
    client = _app()
    assert client.get("/healthz").json() == {"ok": True, "database": "up"}
    assert "safenet_test_reads_total 3.0" in client.get("/metrics").text
    assert _app(ok=False).get("/healthz").status_code == 503


def test_a_body_over_the_limit_is_413_naming_it() -> None:
    r = _app().post("/thing", content=b"x" * 1001, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "1000 bytes" in r.json()["message"]


def test_service_error_body_names_the_field() -> None:
    r = _app().post("/thing", json={"plate": "12가3456", "confidence": 1})
    assert r.status_code == 409
    assert r.json()["field"] == "plate"
    assert "already approved by lee" in r.json()["message"]


def test_validation_error_names_the_field() -> None:
    r = _app().post("/thing", json={"plate": "12가3456", "confidence": "high"})
    assert r.status_code == 422
    assert r.json()["field"] == "confidence"
