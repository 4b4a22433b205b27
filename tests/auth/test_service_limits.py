"""Request limits on the running police service: body size, rate per identity, id ranges."""

from __future__ import annotations

from pathlib import Path

from safenet.auth.settings import AuthSettings
from tests.police.support import DISPATCHER, REGISTRAR, auth, start_police


async def test_body_size_rate_and_integer_ranges_answer_with_the_limit(tmp_path: Path) -> None:
    limits = AuthSettings(rate_per_minute=60, rate_burst=5, max_body_bytes=2048)
    police = await start_police(f"sqlite:///{tmp_path / 'police.db'}", auth=limits)
    try:
        async with police.http() as http:
            big = await http.post(
                "/api/v1/wanted",
                content=b'{"plate": "' + b"x" * 4096 + b'"}',
                headers={**auth(REGISTRAR), "content-type": "application/json"},
            )
            assert big.status_code == 413
            assert "2048 bytes" in big.json()["message"]

            huge = await http.get(
                "/api/v1/alerts?after=9223372036854775808", headers=auth(DISPATCHER)
            )
            assert huge.status_code == 422
            assert huge.json()["field"] == "query.after"
            negative = await http.get("/api/v1/alerts?after=-1", headers=auth(DISPATCHER))
            assert negative.status_code == 422
            ack = await http.post(
                "/api/v1/alerts/99999999999999999999/acknowledge", headers=auth(DISPATCHER)
            )
            assert ack.status_code == 422
            assert ack.json()["field"] == "path.alert_id"

            statuses = [
                (await http.get("/api/v1/centers", headers=auth(DISPATCHER))).status_code
                for _ in range(3)
            ]
            assert statuses[-1] == 429
            limited = await http.get("/api/v1/centers", headers=auth(DISPATCHER))
            assert limited.status_code == 429
            assert "60 requests per minute" in limited.json()["message"]
            assert int(limited.headers["retry-after"]) >= 1
            # The allowance is per identity: another officer is not slowed by this one.
            assert (await http.get("/api/v1/centers", headers=auth(REGISTRAR))).status_code == 200
    finally:
        await police.close()
