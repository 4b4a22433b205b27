"""The load client of ``bench ingest`` sends what the center takes and counts what it refuses.

Both clients (wrk when installed, the raw HTTP/1.1 processes always) run against small
stand-in servers: one that accepts each read, one that refuses each. A client that
counted a refusal as done would report a rate for work the server never did.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from safenet.bench.e2e import Proc, _free_port, _wait_port
from safenet.bench.ingest_load import LoadCase, run_load, split_cores

_APP = """
import json


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    ids = [r["id"] for r in json.loads(body)["reads"]]
    if "{fate}" == "accept":
        answer = {{"accepted": ids, "duplicates": [], "rejected": []}}
    else:
        answer = {{"accepted": [], "duplicates": [], "rejected": [
            {{"index": k, "id": i, "field": "plate", "reason": "no"}} for k, i in enumerate(ids)
        ]}}
    data = json.dumps(answer, separators=(",", ":")).encode()
    await send({{"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode())]}})
    await send({{"type": "http.response.body", "body": data}})
"""


def _serve(tmp_path: Path, fate: str) -> Iterator[int]:
    (tmp_path / f"standin_{fate}.py").write_text(textwrap.dedent(_APP.format(fate=fate)))
    port = _free_port()
    log = tmp_path / f"{fate}.log"
    popen = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", f"standin_{fate}:app", "--port", str(port),
         "--log-level", "warning"],
        cwd=tmp_path, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    proc = Proc(fate, popen, log)
    try:
        _wait_port(port, proc)
        yield port
    finally:
        proc.stop()


@pytest.fixture
def accepting(tmp_path: Path) -> Iterator[int]:
    yield from _serve(tmp_path, "accept")


@pytest.fixture
def refusing(tmp_path: Path) -> Iterator[int]:
    yield from _serve(tmp_path, "refuse")


CLIENTS = ["raw", pytest.param("wrk", marks=pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed"))]  # fmt: skip


def _case(port: int) -> LoadCase:
    cameras = ["C-1", "C-2"]
    headers = {c: {"Authorization": f"Bearer token-of-{c}"} for c in cameras}
    return LoadCase("127.0.0.1", port, cameras, headers, ["12가3456", "34나5678"], 1, True)


@pytest.mark.parametrize("client", CLIENTS)
def test_the_client_counts_accepted_reads_as_done(
    client: str, accepting: int, tmp_path: Path
) -> None:
    result = run_load(
        _case(accepting), seconds=1, in_flight=4, client=client, processes=2,
        cpus=split_cores()[1], workdir=tmp_path,
    )  # fmt: skip
    assert result.requests > 0
    assert result.failures == {}
    assert result.client.startswith(client)


@pytest.mark.parametrize("client", CLIENTS)
def test_the_client_counts_refused_reads_as_failures(
    client: str, refusing: int, tmp_path: Path
) -> None:
    result = run_load(
        _case(refusing), seconds=1, in_flight=4, client=client, processes=2,
        cpus=set(), workdir=tmp_path,
    )  # fmt: skip
    assert result.requests > 0
    assert result.failures == {"not accepted": result.requests}


def test_the_raw_client_sends_each_camera_its_own_credential_and_fresh_ids() -> None:
    from safenet.bench.ingest_load import _request

    case = _case(1)
    first, second = (_request(case, n, "t") for n in (0, 1))
    head, _, body = first.partition(b"\r\n\r\n")
    assert b"Authorization: Bearer token-of-C-1" in head
    assert b"Authorization: Bearer token-of-C-2" in second
    read = json.loads(body)["reads"][0]
    assert (read["camera_id"], read["id"]) == ("C-1", "t0-0")
    assert json.loads(second.partition(b"\r\n\r\n")[2])["reads"][0]["id"] == "t1-0"
