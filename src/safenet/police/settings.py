"""The police service's settings section (``[police]`` in the configuration file)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from safenet.auth.settings import AuthSettings
from safenet.police.categories import CATEGORIES, CategoryPolicy, not_lawful_reason
from safenet.section import Section

AlertKind = Literal["hit", "update", "flag"]


def _all_kinds() -> list[AlertKind]:
    return ["hit", "update", "flag"]


class WebhookSettings(Section):
    """One receiver of alert notifications (the 112 situation room, in-car terminals, SMS)."""

    name: str = Field(..., min_length=1, max_length=64, description="A name for logs and metrics.")
    url: str = Field(..., description="Where alerts are POSTed as JSON (http or https).")
    secret_env: str = Field(
        "",
        description="Name of the environment variable holding this receiver's HMAC secret; "
        "empty sends no X-Safenet-Signature header.",
    )
    sites: list[str] = Field(
        default_factory=list,
        description="Only alerts from these center sites (empty: every site).",
    )
    kinds: list[AlertKind] = Field(
        default_factory=_all_kinds,
        description="Which alert kinds this receiver gets.",
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} must start with http:// or https://")
        return value


class SiteNameSettings(Section):
    """The names a person reads for one center's site."""

    ko: str = Field(..., min_length=1, description="Korean name (e.g. 강남구).")
    en: str = Field("", description="English name (e.g. Gangnam-gu); empty: the Korean name.")

    @field_validator("ko", "en")
    @classmethod
    def _a_display_name(cls, value: str, info: ValidationInfo) -> str:
        from safenet.link.site_names import check_name

        return check_name(value, field=str(info.field_name))


class PoliceSettings(Section):
    """How the police service runs."""

    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the police database; empty uses "
        "sqlite:///<var_dir>/police/police.db.",
    )
    host: str = Field("127.0.0.1", description="Address the HTTP API listens on.")
    port: int = Field(8100, ge=1, le=65535, description="Port the HTTP API listens on.")
    token_secret: SecretStr | None = Field(
        None,
        description="Secret that signs access tokens (at least 32 bytes), from "
        "SAFENET_POLICE__TOKEN_SECRET; unset: a random one is kept in "
        "<var_dir>/police/token_secret (mode 0600).",
    )
    auth: AuthSettings = Field(
        default_factory=AuthSettings,
        description="Sign-in, sessions, tokens, camera keys and request limits (docs/auth.md).",
    )
    token_ttl_hours: float = Field(
        12.0, gt=0, le=24 * 30, description="Lifetime of tokens issued by 'safenet police token'."
    )
    link: Literal["memory", "nats"] = Field(
        "memory",
        description="Link transport: the in-process link (one process) or NATS JetStream.",
    )
    nats_url: str = Field("nats://127.0.0.1:4222", description="NATS server(s) for link=nats.")
    nats_replicas: int = Field(
        1,
        ge=1,
        le=5,
        description="JetStream replicas of the link's streams: 3 on a clustered police hub "
        "(safenet deploy plan sets it), 1 on a single nats-server.",
    )
    nats_user: str = Field("police", description="NATS user of the police site.")
    nats_password: SecretStr | None = Field(
        None, description="NATS password of the police site, from SAFENET_POLICE__NATS_PASSWORD."
    )
    centers: list[str] = Field(
        default_factory=list,
        description="Center site ids whose link consumers the police provision and to whom "
        "a first hotlist snapshot is sent at start.",
    )
    default_expiry_hours: float = Field(
        72.0, gt=0, description="Expiry of a wanted entry registered without one."
    )
    max_expiry_days: float = Field(
        30.0,
        gt=0,
        le=30.0,
        description="Longest an entry may stay wanted after registration "
        "or renewal (the law's ceiling is 30 days).",
    )
    expiry_sweep_s: float = Field(
        10.0, gt=0, description="How often expired entries are ended and distributed."
    )
    ended_retention_days: float = Field(
        30.0,
        gt=0,
        description="Days the hits, alerts and track of a wanted entry are kept after it "
        "was resolved, cancelled or expired; then they are purged (counts in the audit log). "
        "The entry itself and its audit records stay.",
    )
    retention_purge_s: float = Field(
        3600.0, gt=0, description="Seconds between the police's retention purges."
    )
    center_names: dict[str, SiteNameSettings] = Field(
        default_factory=dict,
        description="Center site id to the names the consoles show for it, e.g. "
        '`{gangnam = {ko = "강남구", en = "Gangnam-gu"}}`. A center not listed is '
        "named by its heartbeats (`center.display_name`), else by the default table "
        "(서초구, 강남구, 은평구), else by its id.",
    )
    center_districts: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Center site id to the 시군구 (codes, names or '시도 시군구') its cameras "
        "must stand in; a camera registry with a camera outside them is refused and alarmed. "
        "A center not listed is not checked.",
    )
    district_margin_m: float = Field(
        300.0,
        ge=0,
        description="How far outside its district's outline an announced camera may stand "
        "(border roads, simplified outlines).",
    )
    camera_check: bool = Field(
        True,
        description="Accept a center's report only when it names a camera that center "
        "announced (and where it announced it); refuse and alarm the others. Off only for "
        "test harnesses that send reports without a center service.",
    )
    resync_grace_s: float = Field(
        5.0,
        ge=0,
        description="How long a center may lag the current hotlist version before it is "
        "sent a snapshot (deltas in flight are not lag).",
    )
    snapshot_part_size: int = Field(
        500, ge=1, le=5000, description="Entries per hotlist snapshot message part."
    )
    heartbeat_s: float = Field(
        15.0, gt=0, description="How often the police send a heartbeat with the hotlist version."
    )
    evidence_trusted_keys: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Center site id to the base64 Ed25519 public keys whose signatures an "
        "evidence package from that center must carry (its audit signing key; more than one "
        "while a key is being replaced). `audit.trusted_keys` is read too. A package from a "
        "center with no key here is refused.",
    )
    evidence_purge_s: float = Field(
        3600.0,
        gt=0,
        description="How often provided evidence past its provision period is deleted "
        "(unless held for a case export).",
    )
    category_policies: dict[str, CategoryPolicy] = Field(
        default_factory=dict,
        description="Per-category match policy overrides laid over the defaults "
        "(docs/police.md explains the defaults), keyed by category.",
    )
    max_speed_kmh: float = Field(
        180.0,
        gt=0,
        description="Straight-line speed between two hits above which the leg is flagged "
        "as an impossible journey (likely misread or cloned plate).",
    )
    min_distance_m: float = Field(
        200.0, ge=0, description="Hits closer than this are never judged (camera position error)."
    )
    motion_window_s: float = Field(
        1800.0, gt=0, description="Oldest earlier hit that still gives direction and speed."
    )
    sse_queue_size: int = Field(
        256,
        ge=1,
        description="Alerts waiting per SSE client; a client that falls further behind is "
        "told to resync instead of slowing intake.",
    )
    sse_ring_size: int = Field(
        2000, ge=1, description="Recent events kept for Last-Event-ID resumption."
    )
    sse_keepalive_s: float = Field(
        15.0, gt=0, description="Comment line sent on an idle SSE stream to keep proxies open."
    )
    recent_alerts: int = Field(
        200, ge=1, le=5000, description="Most alerts GET /api/v1/alerts returns."
    )
    webhooks: list[WebhookSettings] = Field(
        default_factory=list, description="Receivers alerts are POSTed to (see docs/police.md)."
    )
    webhook_queue_size: int = Field(
        1000, ge=1, description="Alerts waiting per webhook; the oldest is dropped beyond it."
    )
    webhook_attempts: int = Field(
        6, ge=1, description="Delivery attempts per alert and webhook before it is given up."
    )
    webhook_backoff_s: float = Field(
        0.5, gt=0, description="First retry delay; doubles after each failed attempt."
    )
    webhook_max_backoff_s: float = Field(30.0, gt=0, description="Longest retry delay.")
    webhook_timeout_s: float = Field(5.0, gt=0, description="Timeout of one webhook request.")
    mqtt_enabled: bool = Field(False, description="Publish alerts to an MQTT broker.")
    mqtt_host: str = Field("127.0.0.1", description="MQTT broker host.")
    mqtt_port: int = Field(1883, ge=1, le=65535, description="MQTT broker port.")
    mqtt_username: str = Field("", description="MQTT user name (empty: anonymous).")
    mqtt_password: SecretStr | None = Field(
        None, description="MQTT password, from SAFENET_POLICE__MQTT_PASSWORD."
    )
    mqtt_topic: str = Field(
        "safenet/alerts/{site}",
        description="Topic template; {site} is the center site the alert comes from.",
    )
    mqtt_queue_size: int = Field(
        1000,
        ge=1,
        description="Alerts waiting for the MQTT broker; the oldest is dropped beyond it.",
    )

    @field_validator("center_names")
    @classmethod
    def _named_centers(cls, value: dict[str, SiteNameSettings]) -> dict[str, SiteNameSettings]:
        from safenet.link.sites import validate_center

        for site in value:
            validate_center(site, field="center_names")
        return value

    @field_validator("category_policies")
    @classmethod
    def _lawful_categories(cls, value: dict[str, CategoryPolicy]) -> dict[str, CategoryPolicy]:
        for category in value:
            if category not in CATEGORIES:
                raise ValueError(not_lawful_reason(category))
        return value

    @field_validator("mqtt_topic")
    @classmethod
    def _topic_has_site(cls, value: str) -> str:
        if "{site}" not in value or any(c in value for c in "+#"):
            raise ValueError("must contain {site} and no MQTT wildcards (+ or #)")
        return value
