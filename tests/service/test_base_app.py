"""The base app maps errors to statuses, authenticates, and serves health and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import Depends
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel

from safenet.auth import Principal, Role, issue_token
from safenet.service import Conflict, create_base_app, require_role

SECRET = b"k" * 32


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
        token_secret=SECRET,
    )

    @app.post("/thing")
    async def thing(body: Body, who: Principal = Depends(require_role(Role.APPROVER))) -> dict:
        raise Conflict(f"{body.plate} is already approved by {who.subject}", field="plate")

    return TestClient(app)


def _token(*roles: Role) -> dict[str, str]:
    principal = Principal("lee", "이경감", frozenset(roles))
    return {"Authorization": f"Bearer {issue_token(principal, SECRET)}"}


def test_health_and_metrics() -> None:
    client = _app()
    assert client.get("/healthz").json() == {"ok": True, "database": "up"}
    assert "safenet_test_reads_total 3.0" in client.get("/metrics").text
    assert _app(ok=False).get("/healthz").status_code == 503


def test_missing_token_is_401() -> None:
    r = _app().post("/thing", json={"plate": "12가3456", "confidence": 1})
    assert r.status_code == 401
    assert "Bearer" in r.json()["message"]


def test_wrong_role_is_403() -> None:
    r = _app().post("/thing", json={"plate": "x", "confidence": 1}, headers=_token(Role.AUDITOR))
    assert r.status_code == 403
    assert "approver" in r.json()["message"]


def test_service_error_body_names_the_field() -> None:
    r = _app().post(
        "/thing", json={"plate": "12가3456", "confidence": 1}, headers=_token(Role.APPROVER)
    )
    assert r.status_code == 409
    assert r.json()["field"] == "plate"
    assert "already approved by lee" in r.json()["message"]


def test_validation_error_names_the_field() -> None:
    r = _app().post(
        "/thing", json={"plate": "12가3456", "confidence": "high"}, headers=_token(Role.APPROVER)
    )
    assert r.status_code == 422
    assert r.json()["field"] == "confidence"
