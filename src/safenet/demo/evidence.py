"""The demo's evidence players: a field officer who asks, the centers' operators who answer.

For each wanted vehicle's first alert, the officer asks that center — over the police
API, with a field officer's token — for the scene photos around the hit, the escape
route from it, and ten minutes of video at the same camera before it. The simulated
operator of each center not in ``manual_sites`` approves the photos and the route and
withholds the video, with a reason, over the center's API; at a manual center the
request waits in the console's queue for a person. The officer then waits
for the police to verify the package. :meth:`EvidencePlayers.summary` reckons it: each
request's outcome, the files received, and the register held against every file that
left each center (one row per provided item, every file in exactly one row).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from safenet.auth import Role
from safenet.demo.stack import DemoStack
from safenet.evidence import decode_manifest, reconcile
from safenet.evidence.tables import evidence_provisions

log = logging.getLogger(__name__)

WITHHELD = "시연: 영상 범위는 사건 시각과 관련이 적어 제공하지 않음"


class EvidencePlayers:
    """The officer and the operators of the evidence flow; see the module docstring."""

    def __init__(self, stack: DemoStack, *, manual_sites: frozenset[str] = frozenset()) -> None:
        self.stack = stack
        self.manual_sites = manual_sites
        self.asked: dict[str, str] = {}  # entry id -> request id
        self.outcomes: dict[str, dict[str, Any]] = {}  # request id -> police view
        self.problems: list[str] = []

    async def run(self, stop: asyncio.Event) -> None:
        officer = self.stack.officer("evidence-officer", "한현장", Role.FIELD_OFFICER)
        headers = {"Authorization": f"Bearer {officer.token}"}
        async with httpx.AsyncClient(base_url=self.stack.police_url, timeout=10) as client:
            while not stop.is_set():
                try:
                    await self._ask(client, headers)
                    await self._answer(client)
                    await self._follow(client, headers)
                except httpx.HTTPError as exc:
                    log.warning("demo evidence: %s", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)

    async def _ask(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        r = await client.get("/api/v1/alerts?limit=200", headers=headers)
        r.raise_for_status()
        for alert in reversed(r.json()["alerts"]):
            hit = alert.get("hit") or {}
            entry_id = alert.get("entry_id")
            if alert.get("kind") != "hit" or not entry_id or entry_id in self.asked:
                continue
            if hit.get("decision") != "alert" or not hit.get("hit_id"):
                continue
            read_at = datetime.fromisoformat(hit["read_at"])
            body = {
                "site": hit["site"],
                "entry_id": entry_id,
                "items": [
                    {"kind": "scene_photos", "hit_id": hit["hit_id"], "window_s": 30},
                    {"kind": "escape_route", "hit_id": hit["hit_id"]},
                    {
                        "kind": "video",
                        "camera_id": hit["camera_id"],
                        "time_from": (read_at - timedelta(minutes=10)).isoformat(),
                        "time_to": read_at.isoformat(),
                    },
                ],
                "purpose": "시연: 피의차량 현장 사진 및 도주 경로 확인",
                "legal_basis": {"kind": "pipa_18_2", "item": 7},
                "rank": "경위",
                "agency": "시연 경찰서 형사과",
            }
            made = await client.post("/api/v1/evidence/requests", json=body, headers=headers)
            if made.status_code != 201:
                self.problems.append(f"evidence request refused: {made.status_code} {made.text}")
                self.asked[entry_id] = ""
                continue
            self.asked[entry_id] = made.json()["request_id"]
            log.info("demo: evidence asked of %s for %s", hit["site"], entry_id)

    async def _answer(self, client: httpx.AsyncClient) -> None:
        for center in self.stack.centers.values():
            if center.site in self.manual_sites:
                continue
            op = {"Authorization": f"Bearer {center.sim_operator_token}"}
            r = await client.get(f"{center.url}/api/v1/evidence/requests", headers=op)
            r.raise_for_status()
            for request in r.json()["requests"]:
                keep = [i["index"] for i in request["items"] if i["kind"] != "video"]
                done = await client.post(
                    f"{center.url}/api/v1/evidence/requests/{request['request_id']}/approve",
                    json={"items": keep, "reason": WITHHELD},
                    headers=op,
                )
                if done.status_code not in (200, 409):
                    self.problems.append(f"evidence approval at {center.site}: {done.text}")

    async def _follow(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        for request_id in self.asked.values():
            if not request_id or self.outcomes.get(request_id, {}).get("state", "sent") != "sent":
                continue
            r = await client.get(f"/api/v1/evidence/requests/{request_id}", headers=headers)
            r.raise_for_status()
            self.outcomes[request_id] = r.json()

    def summary(self) -> dict[str, Any]:
        """What the officer got, and the registers reconciled against what left."""
        states = [v["state"] for v in self.outcomes.values()]
        asked = len([r for r in self.asked.values() if r])
        rows = problems = 0
        for handle in self.stack.centers.values():
            records = handle.service.evidence.records()
            with handle.db.read() as conn:
                released = []
                for row in conn.execute(sa.select(evidence_provisions.c.manifest)):
                    manifest = decode_manifest(row.manifest)
                    released += [(manifest.package_id, f) for f in manifest.files]
            rows += len(records)
            problems += len(reconcile(records, released))
        return {
            "requests": asked,
            "received": states.count("received"),
            "denied": states.count("denied"),
            "refused": states.count("refused"),
            "waiting": len([r for r in self.asked.values() if r])
            - len(states)
            + states.count("sent"),
            "files": sum(len(v["files"]) for v in self.outcomes.values()),
            "register_rows": rows,
            "register_problems": problems,
            "problems": self.problems,
        }
