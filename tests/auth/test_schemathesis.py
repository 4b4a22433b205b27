"""schemathesis against both running services, authenticated, with bounded examples.

Each service runs (started, on a real socket) in its own event loop thread; every
``/api/v1`` operation of its OpenAPI document gets generated requests signed as a
caller who may use it, and every answer must be no 5xx, a documented status, the
documented content type and match the documented schema (401/403/404/413/422/429
included). The alert stream never ends, so it is left to tests/police/test_sse.py.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from safenet.auth import Principal, sign_principal
from safenet.auth.permissions import CENTER_ROUTES, PERMISSIONS, POLICE_ROUTES, Route
from safenet.auth.settings import AuthSettings
from safenet.auth.tokens import kind_for
from safenet.auth.types import Role
from tests.center.conftest import SECRET as CENTER_SECRET
from tests.center.conftest import center_settings, entry, running_center
from tests.police.support import SECRET as POLICE_SECRET
from tests.police.support import Server, start_police

T = TypeVar("T")
EXAMPLES = 8
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
GENEROUS = {"rate_per_minute": 100_000, "rate_burst": 10_000}
SKIP = {("GET", "/api/v1/alerts/stream")}


class Loop:
    """An event loop in a thread, for a service the synchronous schemathesis calls."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def _caller(rule: Route, site: str) -> Principal:
    """Someone who holds the route's permission (a camera is SC-01), scoped to ``site``."""
    role = sorted(PERMISSIONS[rule.permission].roles)[0]
    roles = frozenset({Role(role)})
    subject = "SC-01" if Role.CAMERA in roles else f"{role}.st"
    sites = frozenset({site}) if site != "police" else frozenset()
    return Principal(subject, "시험", roles, sites, kind=kind_for(roles))


def _fuzz(base_url: str, table: Any, sign: Callable[[Principal], str], site: str) -> list[str]:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    problems: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        if not operation.path.startswith("/api/") or key in SKIP:
            continue
        operations += 1
        token = sign(_caller(table[key], site))
        problems += _fuzz_one(operation, base_url, {"Authorization": f"Bearer {token}"})
    assert operations >= len(table) - len(SKIP & set(table))
    return problems


def _fuzz_one(operation: Any, base_url: str, headers: dict[str, str]) -> list[str]:
    key = (operation.method.upper(), operation.path)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=15)
        case.validate_response(response, checks=CHECKS)

    try:
        check()
    except Exception as exc:  # one operation's failure is reported, the rest still run
        return [f"{key[0]} {key[1]}: {str(exc)[:1500]}"]
    return []


@pytest.fixture
def loop() -> Iterator[Loop]:
    running = Loop()
    yield running
    running.close()


def test_the_police_api_holds_to_its_openapi_document(loop: Loop, tmp_path: Path) -> None:
    police = loop.run(
        start_police(f"sqlite:///{tmp_path / 'police.db'}", auth=AuthSettings(**GENEROUS))
    )
    server = Server(police.app)
    loop.run(server.__aenter__())
    try:
        problems = _fuzz(
            server.url,
            POLICE_ROUTES,
            lambda who: sign_principal(who, POLICE_SECRET, site="police"),
            "police",
        )
    finally:
        loop.run(server.__aexit__())
        loop.run(police.close())
    assert problems == [], "\n\n".join(problems)


def test_the_center_api_holds_to_its_openapi_document(
    loop: Loop, sqlite_url: str, tmp_path: Path
) -> None:
    settings_ = center_settings()
    settings_ = settings_.model_copy(update={"auth": settings_.auth.model_copy(update=GENEROUS)})
    context = running_center(sqlite_url, tmp_path, settings=settings_)
    env = loop.run(context.__aenter__())
    loop.run(env.snapshot([entry("E1", "12가3456")]))
    server = Server(env.app)
    loop.run(server.__aenter__())
    try:
        problems = _fuzz(
            server.url,
            CENTER_ROUTES,
            lambda who: sign_principal(who, CENTER_SECRET, site="seocho"),
            "seocho",
        )
    finally:
        loop.run(server.__aexit__())
        loop.run(context.__aexit__(None, None, None))
    assert problems == [], "\n\n".join(problems)
