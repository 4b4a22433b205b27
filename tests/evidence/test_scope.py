"""An officer sees, asks for and opens evidence only of the centers in their scope.

The attacker is a 강남구-only field officer who knows (or guesses) the ids of a request
made to 서초구 and of the package it brought: every route answers as if the request and
the package did not exist, and a request to 서초구 is refused before it leaves.
"""

from __future__ import annotations

from pathlib import Path

from safenet.auth import Principal, Role
from tests.evidence.flow_support import ask, one_hit

GANGNAM_ONLY = Principal(
    "kang.field", "경사 강현장", frozenset({Role.FIELD_OFFICER}), frozenset({"gangnam"})
)


async def test_an_officer_outside_the_scope_cannot_ask_see_or_open(tmp_path: Path) -> None:
    async with one_hit(tmp_path) as (stack, entry, hit):
        body = ask("seocho", entry, [{"kind": "scene_photos", "hit_id": hit, "window_s": 60}])
        refused = await stack.police_call("POST", "/evidence/requests", GANGNAM_ONLY, body)
        assert refused.status_code == 403, refused.text
        assert "outside your scope" in refused.json()["message"]

        made = await stack.police_api("POST", "/evidence/requests", body=body)
        request_id = made["request_id"]
        await stack.queued("seocho", request_id)
        await stack.center_api("seocho", "POST", f"/evidence/requests/{request_id}/approve", {})
        view = await stack.answered(request_id)
        assert view["state"] == "received", view
        package_id = view["package_id"]
        file_url = view["files"][0]["url"].removeprefix("/api/v1")

        listed = await stack.police_api("GET", "/evidence/requests", GANGNAM_ONLY)
        assert listed["requests"] == []
        for method, path in [
            ("GET", f"/evidence/requests/{request_id}"),
            ("GET", file_url),
            ("GET", f"/evidence/packages/{package_id}/views"),
            ("POST", f"/evidence/packages/{package_id}/hold"),
            ("POST", f"/evidence/packages/{package_id}/release"),
        ]:
            r = await stack.police_call(method, path, GANGNAM_ONLY)
            assert r.status_code == 404, (method, path, r.status_code, r.text)

        # The officer in scope (police-wide) opens it, and only that opening is logged.
        opened = await stack.police_call("GET", file_url)
        assert opened.status_code == 200
        views = await stack.police_api("GET", f"/evidence/packages/{package_id}/views")
        assert [v["officer_id"] for v in views["views"]] == ["han.field"]
