"""Tokens from an identity provider: a locally made key pair and JWKS file stand in for it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from safenet.auth.errors import AuthError, Denied
from safenet.auth.oidc import JwksKeys, OidcVerifier
from safenet.auth.settings import OidcSettings
from safenet.auth.types import Role

ISSUER = "https://idp.police.example/realms/wass"
AUDIENCE = "safenet-police"


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    return {
        "rsa-1": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec-1": ec.generate_private_key(ec.SECP256R1()),
        "unpublished": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }


@pytest.fixture
def verifier(keys: dict[str, Any], tmp_path: Path) -> OidcVerifier:
    published = []
    for kid in ("rsa-1", "ec-1"):
        published.append(json.loads(_public_jwk(keys[kid], kid)))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": published}), encoding="utf-8")
    settings = OidcSettings(
        enabled=True,
        issuer=ISSUER,
        audience=AUDIENCE,
        jwks_file=jwks,
        role_map={"wass-approver": Role.APPROVER, "112-dispatch": Role.DISPATCHER},
        site_map={"seocho-station": "seocho", "hq": "*"},
    )
    return OidcVerifier(settings)


def _public_jwk(private: Any, kid: str) -> str:
    algo = (
        jwt.algorithms.RSAAlgorithm
        if isinstance(private, rsa.RSAPrivateKey)
        else (jwt.algorithms.ECAlgorithm)
    )
    jwk = json.loads(algo.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "use": "sig"})
    return json.dumps(jwk)


def _token(keys: dict[str, Any], kid: str = "rsa-1", **claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "8f14e45f-ceea-467f-a0e6-2f1f1c0e0a11",
        "name": "경감 최윤서",
        "roles": ["wass-approver", "offline_access"],
        "site": "seocho-station",
        "iat": now,
        "exp": now + 300,
    }
    body.update(claims)
    alg = "RS256" if isinstance(keys[kid], rsa.RSAPrivateKey) else "ES256"
    return jwt.encode(body, keys[kid], algorithm=alg, headers={"kid": kid})


@pytest.mark.parametrize("kid", ["rsa-1", "ec-1"])
def test_valid_token_maps_role_and_site(
    verifier: OidcVerifier, keys: dict[str, Any], kid: str
) -> None:
    principal = verifier.verify(_token(keys, kid))
    assert principal.roles == {Role.APPROVER}  # offline_access is not mapped: nothing
    assert principal.sites == {"seocho"}
    assert principal.name == "경감 최윤서"


def test_wrong_audience(verifier: OidcVerifier, keys: dict[str, Any]) -> None:
    with pytest.raises(AuthError, match="audience"):
        verifier.verify(_token(keys, aud="another-app"))


def test_expired(verifier: OidcVerifier, keys: dict[str, Any]) -> None:
    past = int(time.time()) - 3600
    with pytest.raises(AuthError, match="expired"):
        verifier.verify(_token(keys, iat=past, exp=past + 300))


def test_unknown_key(verifier: OidcVerifier, keys: dict[str, Any]) -> None:
    with pytest.raises(AuthError, match="does not publish"):
        verifier.verify(_token(keys, "unpublished"))


def test_published_kid_with_another_key_is_a_bad_signature(
    verifier: OidcVerifier, keys: dict[str, Any]
) -> None:
    forged = jwt.encode(
        {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "x",
            "roles": ["hq"],
            "site": "hq",
            "exp": int(time.time()) + 60,
        },
        keys["unpublished"],
        algorithm="RS256",
        headers={"kid": "rsa-1"},
    )
    with pytest.raises(AuthError, match="signature"):
        verifier.verify(forged)


def test_wrong_issuer(verifier: OidcVerifier, keys: dict[str, Any]) -> None:
    with pytest.raises(AuthError, match="issuer"):
        verifier.verify(_token(keys, iss="https://evil.example"))


def test_hmac_token_refused(verifier: OidcVerifier) -> None:
    # The classic confusion: an HS256 token "signed" with the public key as a secret.
    token = jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256", headers={"kid": "rsa-1"})
    with pytest.raises(AuthError, match="algorithm"):
        verifier.verify(token)


def test_unmapped_role_or_site_grants_nothing(verifier: OidcVerifier, keys: dict[str, Any]) -> None:
    with pytest.raises(Denied, match="role"):
        verifier.verify(_token(keys, roles=["offline_access"]))
    with pytest.raises(Denied, match="site"):
        verifier.verify(_token(keys, site="gangnam-station"))


def test_police_wide_site(verifier: OidcVerifier, keys: dict[str, Any]) -> None:
    principal = verifier.verify(_token(keys, roles="112-dispatch", site=["hq", "seocho-station"]))
    assert principal.roles == {Role.DISPATCHER}
    assert principal.sites == frozenset()  # every site


def test_settings_refuse_symmetric_algorithms_and_device_roles() -> None:
    with pytest.raises(ValueError, match="asymmetric"):
        OidcSettings(algorithms=["HS256"])
    with pytest.raises(ValueError, match="device or link"):
        OidcSettings(role_map={"cams": Role.CAMERA})
    with pytest.raises(ValueError, match="jwks_file or jwks_url"):
        OidcSettings(enabled=True, issuer=ISSUER, audience=AUDIENCE)


def test_jwks_from_a_url_is_fetched_and_refetched_for_a_new_key(
    keys: dict[str, Any], tmp_path: Path
) -> None:
    import http.server
    import threading

    published = {"keys": [json.loads(_public_jwk(keys["rsa-1"], "rsa-1"))]}
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = json.dumps(published).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/realms/wass/certs"
        settings = OidcSettings(
            enabled=True,
            issuer=ISSUER,
            audience=AUDIENCE,
            jwks_url=url,
            role_map={"wass-approver": Role.APPROVER},
            site_map={"seocho-station": "seocho"},
        )
        throttled = OidcVerifier(settings, JwksKeys(settings))
        assert throttled.verify(_token(keys)).roles == {Role.APPROVER}
        for _ in range(5):  # made-up kids do not make it hammer the provider
            with pytest.raises(AuthError, match="does not publish"):
                throttled.verify(_token(keys, "unpublished"))
        assert len(hits) == 1
        hits.clear()
        verifier = OidcVerifier(settings, JwksKeys(settings, min_refetch_s=0))
        assert verifier.verify(_token(keys)).roles == {Role.APPROVER}
        assert verifier.verify(_token(keys)).sites == {"seocho"}
        assert len(hits) == 1  # cached
        # The provider rotates in a new key: an unknown kid triggers one refetch.
        published["keys"].append(json.loads(_public_jwk(keys["ec-1"], "ec-1")))
        assert verifier.verify(_token(keys, "ec-1")).roles == {Role.APPROVER}
        assert len(hits) == 2
    finally:
        server.shutdown()
        server.server_close()
