"""The police service accepting its identity provider's tokens (OpenID Connect)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from safenet.auth.settings import AuthSettings, OidcSettings
from safenet.auth.types import Role
from tests.auth.test_oidc import AUDIENCE, ISSUER, _public_jwk, _token
from tests.auth.test_oidc import keys as keys
from tests.police.support import start_police


async def test_an_identity_providers_token_is_accepted_mapped_and_scoped(
    keys: dict[str, Any], tmp_path: Path
) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [json.loads(_public_jwk(keys["rsa-1"], "rsa-1"))]}))
    oidc = OidcSettings(
        enabled=True,
        issuer=ISSUER,
        audience=AUDIENCE,
        jwks_file=jwks,
        role_map={"wass-approver": Role.APPROVER, "112-dispatch": Role.DISPATCHER},
        site_map={"seocho-station": "seocho", "hq": "*"},
    )
    police = await start_police(f"sqlite:///{tmp_path / 'police.db'}", auth=AuthSettings(oidc=oidc))
    try:
        async with police.http() as http:

            def bearer(token: str) -> dict[str, str]:
                return {"Authorization": f"Bearer {token}"}

            ok = await http.get("/api/v1/wanted", headers=bearer(_token(keys)))
            assert ok.status_code == 200, ok.text
            # Mapped to approver only: registering is another role's.
            refused = await http.post("/api/v1/wanted", json={}, headers=bearer(_token(keys)))
            assert refused.status_code == 403
            wrong_aud = _token(keys, aud="another-app")
            assert (await http.get("/api/v1/wanted", headers=bearer(wrong_aud))).status_code == 401
            unknown = _token(keys, kid="unpublished")
            assert (await http.get("/api/v1/wanted", headers=bearer(unknown))).status_code == 401
            expired = _token(keys, exp=1000, iat=900)
            assert (await http.get("/api/v1/wanted", headers=bearer(expired))).status_code == 401
    finally:
        await police.close()
