"""How sign-in, sessions, tokens, identity providers and request limits behave at a site.

One :class:`AuthSettings` section serves both sides (the police and every center); the
service's settings tree holds it as ``<service>.auth``. Hard caps are part of the model:
a configuration asking for a longer-lived access token than :data:`MAX_ACCESS_TTL_S` is
refused at load time rather than silently shortened.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator

from safenet.auth.types import Role
from safenet.section import Section

# Access tokens are bearer credentials: whoever holds one acts as its subject until it
# expires, whatever the server revokes in between it still has to look up. 15 minutes
# bounds that window; it is a ceiling, not a default someone can raise in a file.
MAX_ACCESS_TTL_S = 15 * 60
MAX_SESSION_HOURS = 12.0


class OidcSettings(Section):
    """Access tokens from the organisation's own identity provider (OpenID Connect)."""

    enabled: bool = Field(False, description="Accept bearer tokens from the identity provider.")
    issuer: str = Field("", description="The provider's issuer (`iss`) exactly as it signs it.")
    audience: str = Field("", description="The audience (`aud`) tokens for this site must name.")
    jwks_file: Path | None = Field(
        None, description="A local JWKS file with the provider's public keys (checked first)."
    )
    jwks_url: str = Field(
        "", description="The provider's JWKS URL, fetched when no `jwks_file` is given."
    )
    jwks_cache_s: int = Field(
        300, ge=0, le=86_400, description="Seconds a fetched JWKS is reused before refetching."
    )
    algorithms: list[str] = Field(
        default_factory=lambda: ["RS256", "ES256"],
        description="Signature algorithms accepted (never `none`, never HMAC).",
    )
    leeway_s: int = Field(30, ge=0, le=300, description="Clock skew allowed on `exp`/`nbf`.")
    subject_claim: str = Field("sub", description="Claim that names the person.")
    name_claim: str = Field("name", description="Claim with the person's display name.")
    role_claim: str = Field(
        "roles", description="Claim with the provider's role or group names (list or string)."
    )
    site_claim: str = Field(
        "site", description="Claim with the provider's site or unit names (list or string)."
    )
    role_map: dict[str, Role] = Field(
        default_factory=dict,
        description="Provider role/group name → safenet role; unmapped names give nothing.",
    )
    site_map: dict[str, str] = Field(
        default_factory=dict,
        description="Provider site/unit name → safenet site id; unmapped names give nothing.",
    )

    @field_validator("algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        allowed = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}
        wrong = [a for a in value if a not in allowed]
        if wrong or not value:
            raise ValueError(f"only asymmetric algorithms are accepted, not {wrong or 'none'}")
        return value

    @field_validator("role_map")
    @classmethod
    def _people_roles_only(cls, value: dict[str, Role]) -> dict[str, Role]:
        wrong = [k for k, v in value.items() if v in (Role.CAMERA, Role.LINK)]
        if wrong:
            raise ValueError(f"{wrong}: a person's token cannot map to a device or link role")
        return value

    @model_validator(mode="after")
    def _complete_when_enabled(self) -> OidcSettings:
        if self.enabled:
            missing = [n for n in ("issuer", "audience") if not getattr(self, n)]
            if self.jwks_file is None and not self.jwks_url:
                missing.append("jwks_file or jwks_url")
            if missing:
                raise ValueError(f"OIDC is enabled but {', '.join(missing)} is not set")
        return self


class AuthSettings(Section):
    """Sign-in, sessions, tokens, device keys and request limits of one site."""

    token_issuer: str = Field(
        "safenet", description="Issuer (`iss`) this site writes into and expects in its tokens."
    )
    token_audience: str = Field(
        "", description="Audience (`aud`) of this site's tokens; empty: the site id."
    )
    signing_secret: SecretStr | None = Field(
        None,
        description="Secret (≥32 bytes) signing this site's tokens, from "
        "SAFENET_<SERVICE>__AUTH__SIGNING_SECRET; unset: the service's token secret.",
    )
    access_ttl_s: int = Field(
        600,
        ge=30,
        le=MAX_ACCESS_TTL_S,
        description=f"Lifetime of an access token (at most {MAX_ACCESS_TTL_S} s).",
    )
    refresh_ttl_s: int = Field(
        1800,
        ge=60,
        le=int(MAX_SESSION_HOURS * 3600),
        description="Lifetime of a refresh token (each use rotates it; the session bounds it).",
    )
    max_service_token_hours: float = Field(
        12.0,
        gt=0,
        le=24.0,
        description="Longest lifetime `safenet police token` / `safenet center token` may issue.",
    )
    session_idle_minutes: int = Field(
        30, ge=1, le=240, description="A session with no request for this long ends."
    )
    session_absolute_hours: float = Field(
        MAX_SESSION_HOURS,
        gt=0,
        le=MAX_SESSION_HOURS,
        description=f"A session ends this long after sign-in (at most {MAX_SESSION_HOURS:g} h).",
    )
    login_step_minutes: int = Field(
        5, ge=1, le=15, description="Time allowed between the password step and the TOTP step."
    )
    lockout_attempts: int = Field(
        5, ge=1, le=20, description="Failed sign-in attempts in a row that lock an account."
    )
    lockout_minutes: int = Field(10, ge=1, le=1440, description="How long a lockout lasts.")
    password_min_length: int = Field(
        12, ge=8, le=128, description="Shortest password `safenet users` accepts."
    )
    totp_issuer: str = Field(
        "safenet", description="Issuer name the authenticator app shows beside the account."
    )
    totp_valid_window: int = Field(
        1, ge=0, le=2, description="TOTP steps (30 s) accepted either side of now for clock skew."
    )
    recovery_codes: int = Field(
        10, ge=4, le=20, description="One-time recovery codes issued per enrolment."
    )
    cookie_secure: bool = Field(
        True,
        description="Mark the session cookie Secure (HTTPS only); off only for plain-HTTP demos.",
    )
    cookie_name: str = Field("safenet_session", description="Name of the console session cookie.")
    csrf_cookie_name: str = Field(
        "safenet_csrf", description="Name of the CSRF cookie the console echoes in X-CSRF-Token."
    )
    camera_key_pepper: SecretStr | None = Field(
        None,
        description="Secret mixed into camera key hashes, from "
        "SAFENET_<SERVICE>__AUTH__CAMERA_KEY_PEPPER; unset: the signing secret.",
    )
    camera_key_cache_s: float = Field(
        5.0,
        ge=0,
        le=300,
        description="How long a verified camera key's row is kept in memory (0: look it up "
        "on every request). A key revoked by another process is refused at most this long "
        "after; a revoke in the serving process takes effect at once.",
    )
    rate_per_minute: int = Field(
        600, ge=1, le=100_000, description="Requests per minute one identity may make."
    )
    rate_burst: int = Field(
        100, ge=1, le=10_000, description="Requests one identity may make at once before pacing."
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, le=64 * 1_048_576, description="Largest request body accepted."
    )
    oidc: OidcSettings = Field(
        default_factory=OidcSettings, description="External identity provider (OpenID Connect)."
    )

    @model_validator(mode="after")
    def _refresh_within_session(self) -> AuthSettings:
        if self.refresh_ttl_s > self.session_absolute_hours * 3600:
            raise ValueError("refresh_ttl_s must not exceed session_absolute_hours")
        return self
