"""The cameras' HTTP uplink: batches of reads to a center's ``POST /api/v1/reads``.

Body ``{"reads": [ … ]}``, with a bearer token per center, or — since a center binds a
camera credential to its camera — one per camera (``tokens`` a function of site and
camera id: a batch then goes as one request per camera). The center answers per read
(``accepted``, ``duplicates``, ``rejected``), which the feeder counts. Status
codes map onto the feeder's retry rules: connection errors, timeouts, 5xx and
429 are retried; a 422 with the error code ``batch_too_large`` (more reads than the
center's ``center.max_batch_reads``) and a 413 (body over the size limit) split the
batch; 401, 403 and other 4xx are refused batches, counted with the center's reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from safenet.sim.feed import (
    BatchTooLarge,
    PermanentSendError,
    Read,
    SendResult,
    TransientSendError,
)

READS_PATH = "/api/v1/reads"
BATCH_TOO_LARGE = "batch_too_large"
"""The center's error code for a batch over ``center.max_batch_reads`` (HTTP 422)."""


class HttpSink:
    """Posts reads to each center's HTTP ingest with that center's bearer token."""

    def __init__(
        self,
        centers: Mapping[str, str],
        tokens: Mapping[str, str] | str | Callable[[str, str], str],
        *,
        timeout_s: float = 10.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        """``centers`` maps site ids to base URLs (``http://127.0.0.1:8101``)."""
        self._urls = {site: url.rstrip("/") + READS_PATH for site, url in centers.items()}
        self._tokens = tokens
        self._timeout = timeout_s
        self._client = client
        self._own_client = client is None

    async def start(self) -> None:
        """Open the HTTP client (unless one was given)."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout)

    async def close(self) -> None:
        """Close the HTTP client if this sink opened it."""
        if self._client is not None and self._own_client:
            await self._client.aclose()
            self._client = None

    def _token(self, site: str) -> str:
        if callable(self._tokens):
            raise PermanentSendError("per-camera tokens need the camera")  # pragma: no cover
        if isinstance(self._tokens, str):
            return self._tokens
        try:
            return self._tokens[site]
        except KeyError:
            raise PermanentSendError(f"no token for center {site!r}") from None

    async def send(self, site: str, reads: list[Read]) -> SendResult:
        """POST one batch; raises the feeder's send errors as the status code says."""
        tokens = self._tokens
        if not callable(tokens):
            return await self._post(site, reads, self._token(site))
        by_camera: dict[str, list[Read]] = {}
        for read in reads:
            by_camera.setdefault(str(read.get("camera_id", "")), []).append(read)
        accepted = duplicates = 0
        rejected: list[dict[str, Any]] = []
        for camera, group in by_camera.items():
            result = await self._post(site, group, tokens(site, camera))
            accepted += result.accepted
            duplicates += result.duplicates
            rejected.extend(result.rejected)
        return SendResult(accepted, duplicates, tuple(rejected))

    async def _post(self, site: str, reads: list[Read], token: str) -> SendResult:
        url = self._urls.get(site)
        if url is None:
            raise PermanentSendError(f"no HTTP ingest URL for center {site!r}")
        if self._client is None:
            raise RuntimeError("HttpSink.start() was not called")
        headers = {"Authorization": f"Bearer {token}"}
        try:
            response = await self._client.post(url, json={"reads": reads}, headers=headers)
        except httpx.TimeoutException as exc:
            raise TransientSendError(f"{url}: timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise TransientSendError(f"{url}: {type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if status == 200:
            return _result(url, response)
        reason = f"{url}: HTTP {status}: {_detail(response)}"
        if status == 413 or (status == 422 and _error_code(response) == BATCH_TOO_LARGE):
            raise BatchTooLarge(reason)
        if status == 429 or status >= 500:
            raise TransientSendError(reason)
        raise PermanentSendError(reason)


def _result(url: str, response: httpx.Response) -> SendResult:
    try:
        body: Any = response.json()
        accepted = body["accepted"]
        duplicates = body.get("duplicates", [])
        rejected = body.get("rejected", [])
        if not all(isinstance(x, list) for x in (accepted, duplicates, rejected)):
            raise TypeError("accepted, duplicates and rejected must be lists")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PermanentSendError(f"{url}: the answer is not an ingest result: {exc}") from exc
    return SendResult(len(accepted), len(duplicates), tuple(rejected))


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict):
        for key in ("detail", "message", "error"):
            if key in body:
                return str(body[key])[:200]
    return str(body)[:200]
