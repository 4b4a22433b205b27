"""A small client of the police HTTP API, for the admin CLI and scripted operations.

The admin CLI works against a running police service over HTTP only: every registry
action then goes through the same gate, two-person rule, audit and distribution as
an officer's, under the identity of the token used (a registrar's token to add, an
approver's to approve). A direct database mode would have to invent an identity and
would bypass the running service's distribution, so there is none.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx

from safenet.audit.origin import CLIENT_HEADER, cli_origin

_HIT_ID = re.compile(r'"hit_id":\s*"(hit-[0-9a-f]+)"')


async def alert_hit_ids(url: str, token: str, ready: asyncio.Event) -> AsyncIterator[str]:
    """The hit id of every alert on the police's alert stream, as it arrives (SSE).

    ``ready`` is set once the stream says it is connected. For the benchmarks and
    ``safenet deploy local --check``, which time alerts by their hit ids.
    """
    async with (
        httpx.AsyncClient(base_url=url, timeout=None) as http,
        http.stream(
            "GET", "/api/v1/alerts/stream", headers={"Authorization": f"Bearer {token}"}
        ) as response,
    ):
        async for line in response.aiter_lines():
            if line.startswith(": connected"):
                ready.set()
            elif line.startswith("data: ") and '"hit_id"' in line:
                found = _HIT_ID.search(line)
                if found is not None:
                    yield found[1]


class PoliceApiError(Exception):
    """The police service refused a request; ``message`` says why, naming the field."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body
        self.message = str(body.get("message") or body)
        super().__init__(f"HTTP {status}: {self.message}")

    @property
    def problems(self) -> list[dict[str, str]]:
        details = self.body.get("details") or {}
        return list(details.get("problems") or [])


class PoliceClient:
    """Synchronous calls to ``/api/v1/wanted`` with one bearer token."""

    def __init__(self, url: str, token: str, *, timeout_s: float = 10.0) -> None:
        self._http = httpx.Client(
            base_url=url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", CLIENT_HEADER: cli_origin()},
            timeout=timeout_s,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PoliceClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._http.request(method, f"/api/v1{path}", **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = {"message": response.text[:500]}
        if response.status_code >= 400:
            raise PoliceApiError(response.status_code, body)
        result: dict[str, Any] = body
        return result

    def add(self, draft: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/wanted", json=draft)

    def approve(self, entry_id: str) -> dict[str, Any]:
        return self._call("POST", f"/wanted/{entry_id}/approve")

    def renew(self, entry_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/wanted/{entry_id}/renew", json=body)

    def cancel(self, entry_id: str, reason: str) -> dict[str, Any]:
        return self._call("POST", f"/wanted/{entry_id}/cancel", json={"reason": reason})

    def resolve(self, entry_id: str, reason: str) -> dict[str, Any]:
        return self._call("POST", f"/wanted/{entry_id}/resolve", json={"reason": reason})

    def entries(self, status: str | None = None, category: str | None = None) -> list[Any]:
        params = {k: v for k, v in {"status": status, "category": category}.items() if v}
        return list(self._call("GET", "/wanted", params=params)["entries"])

    def evidence_request(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/evidence/requests", json=body)

    def evidence(self, request_id: str) -> dict[str, Any]:
        return self._call("GET", f"/evidence/requests/{request_id}")
