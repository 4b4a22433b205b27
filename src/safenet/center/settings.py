"""The center's settings section (``[center]`` in the configuration file).

Every field is documented in docs/center.md as ``center.<name>``. Secrets (the token
secret, broker passwords) come from the environment, e.g.
``SAFENET_CENTER__TOKEN_SECRET``, never from a file in the repository.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator

from safenet.auth.settings import AuthSettings
from safenet.section import Section
from safenet.vocabulary import CATEGORIES

MEGABYTE = 1024 * 1024


class CenterSettings(Section):
    """How one smart-city center runs."""

    site: str | None = Field(
        None,
        description="This center's site id on the link (e.g. `seocho`); `--site` overrides it.",
    )
    display_name: str = Field(
        "",
        description="The name operators and the police read for this center's site (e.g. "
        "`강남구`), also sent to the police in heartbeats. Empty: the default table (the "
        "simulator's districts: 서초구, 강남구, 은평구), else the site id.",
    )
    display_name_en: str = Field(
        "",
        description="The site's name in the English interface (e.g. `Gangnam-gu`). Empty: "
        "the default table's, else the Korean name.",
    )
    database_url: str | None = Field(
        None,
        description=(
            "SQLAlchemy URL of the center's database (`sqlite:///…` or "
            "`postgresql+psycopg://…`); default: a SQLite file `<var_dir>/<site>/center.db`."
        ),
    )
    sqlite_synchronous: Literal["FULL", "NORMAL"] = Field(
        "FULL",
        description="SQLite `synchronous` mode: FULL survives a power cut, NORMAL only a crash.",
    )
    host: str = Field("127.0.0.1", description="Address the HTTP API listens on.")
    port: int = Field(8101, ge=1, le=65535, description="Port the HTTP API listens on.")
    token_secret: SecretStr | None = Field(
        None,
        description=(
            "Secret (32+ bytes) signing the API's bearer tokens; from "
            "`SAFENET_CENTER__TOKEN_SECRET`. Unset: a random one is made at first start and "
            "kept in `<var_dir>/<site>/token_secret` (mode 0600)."
        ),
    )
    auth: AuthSettings = Field(
        default_factory=AuthSettings,
        description="Sign-in, sessions, tokens, camera keys and request limits (docs/auth.md).",
    )

    # -- the link --------------------------------------------------------------------
    link_transport: Literal["memory", "nats"] = Field(
        "memory",
        description=(
            "How the center reaches the police: `memory` (in-process, for the embedded demo "
            "and a stand-alone trial) or `nats` (NATS JetStream)."
        ),
    )
    nats_url: str = Field("nats://127.0.0.1:4222", description="NATS server URL for `nats`.")
    nats_user: str | None = Field(
        None,
        description="NATS user of this center, as `safenet link nats-config` made it "
        "(usually the site id); unset for a server without users.",
    )
    nats_password: SecretStr | None = Field(
        None,
        description="NATS password of this center, from `SAFENET_CENTER__NATS_PASSWORD`.",
    )
    relay_batch_size: int = Field(
        100, ge=1, le=10_000, description="Outbox messages the relay publishes per round."
    )
    relay_poll_interval_s: float = Field(
        0.5, gt=0, le=60, description="How often the relay looks at the outbox when not woken."
    )
    heartbeat_interval_s: float = Field(
        30.0,
        ge=0,
        description=(
            "Seconds between heartbeats to the police (they carry the hotlist version, so a "
            "center that fell behind gets a snapshot); 0 sends none."
        ),
    )

    transitions_interval_s: float = Field(
        300.0,
        ge=0,
        description="Seconds between the camera-to-camera counts sent to the police (counts "
        "only, no plates); 0 sends none and counts nothing.",
    )
    transitions_min_count: int = Field(
        5,
        ge=1,
        le=10_000,
        description="A camera pair is reported to the police only once this many vehicles "
        "went from one to the other (smaller counts stay at the center).",
    )
    transitions_gap_s: float = Field(
        900.0,
        gt=0,
        le=86_400,
        description="Two reads of one plate further apart than this (seconds) are no "
        "transition; the last camera of a plate is held, hashed, in memory for at most this long.",
    )

    # -- ingest ------------------------------------------------------------------------
    ingest_direct: bool = Field(
        True,
        description="Serve `POST /api/v1/reads` past the web framework's routing and "
        "dependency solving (the same guard and handler; a camera posting each read on its "
        "own costs about half the CPU). Off: through the framework like every other route.",
    )
    max_batch_reads: int = Field(
        1000,
        ge=1,
        le=100_000,
        description="Most reads one HTTP POST may carry (else 422 batch_too_large).",
    )
    max_body_bytes: int = Field(
        8 * MEGABYTE, ge=1024, description="Largest HTTP request body accepted (else 413)."
    )
    max_snapshot_bytes: int = Field(
        2 * MEGABYTE, ge=1024, description="Largest decoded snapshot JPEG a read may carry."
    )
    max_clock_skew_s: float = Field(
        300.0,
        ge=0,
        description="How far in the future a read's time may lie before it is refused.",
    )
    mqtt_enabled: bool = Field(False, description="Subscribe to camera reads over MQTT.")
    mqtt_host: str = Field("127.0.0.1", description="MQTT broker host.")
    mqtt_port: int = Field(1883, ge=1, le=65535, description="MQTT broker port.")
    mqtt_topic: str = Field(
        "safenet/{site}/cameras/+/reads",
        description="Topic pattern the center subscribes to; `{site}` becomes the site id.",
    )
    mqtt_username: str | None = Field(None, description="MQTT user name, if the broker asks.")
    mqtt_password: SecretStr | None = Field(
        None, description="MQTT password, from `SAFENET_CENTER__MQTT_PASSWORD`."
    )
    mqtt_qos: int = Field(
        1,
        ge=0,
        le=1,
        description="MQTT subscription quality of service: 1 (at least once, the reads a "
        "camera published while the center was down are taken when it is back) or 0.",
    )

    # -- the work queue (issue 16) ----------------------------------------------------------
    ingest_mode: Literal["inline", "queue"] = Field(
        "inline",
        description="`inline`: ingest hands reads to this process's pipeline (the embedded "
        "default). `queue`: ingest checks each read, appends the batch to the site's "
        "JetStream work-queue stream and answers after the stream's ack; `safenet center "
        "worker` processes run the pipeline (docs/deploy.md, Workers).",
    )
    queue_nats_url: str | None = Field(
        None,
        description="NATS server holding the site's read work queue (`queue` mode); unset: "
        "`center.nats_url`.",
    )
    queue_nats_user: str | None = Field(
        None, description="NATS user for the work queue; unset: `center.nats_user`."
    )
    queue_nats_password: SecretStr | None = Field(
        None,
        description="NATS password for the work queue, from "
        "`SAFENET_CENTER__QUEUE_NATS_PASSWORD`; unset: `center.nats_password`.",
    )
    queue_ack_wait_s: float = Field(
        30.0,
        ge=1,
        le=3600,
        description="Seconds a worker may hold a batch without acking before JetStream gives "
        "it to another worker (a busy worker extends it while it works).",
    )
    queue_max_deliver: int = Field(
        5,
        ge=1,
        le=1000,
        description="Deliveries of one batch before it goes to the dead-letter stream with "
        "the reason logged.",
    )
    queue_redeliver_delay_s: float = Field(
        1.0,
        ge=0,
        le=600,
        description="Pause before a batch that failed is delivered again.",
    )
    queue_publish_timeout_s: float = Field(
        5.0, gt=0, le=120, description="How long ingest waits for the stream's ack (else 503)."
    )
    queue_max_bytes: int = Field(
        1024 * MEGABYTE,
        ge=MEGABYTE,
        description="Most bytes the work-queue stream holds; when full, ingest is refused "
        "(503) instead of old batches being dropped.",
    )
    queue_shards: int = Field(
        8,
        ge=1,
        le=1024,
        description="Shards the site's cameras are cut in on the work queue: a camera's reads "
        "always go to the one worker holding its shard, so the de-duplication window "
        "sees them all. The center and its workers must agree (a worker refuses a queue "
        "cut otherwise); at least workers x `--concurrency` to keep every lane busy.",
    )
    worker_rebalance_s: float = Field(
        1.0,
        gt=0,
        le=60,
        description="How often a worker looks at how many workers serve the site and takes "
        "free shards or gives back extra ones (a dead worker's shards move within this).",
    )
    worker_fetch_messages: int = Field(
        16,
        ge=1,
        le=1000,
        description="Batches a worker takes from the queue at once and runs through the "
        "pipeline together (up to `center.pipeline_batch_size` reads).",
    )
    worker_hotlist_poll_s: float = Field(
        1.0,
        gt=0,
        le=60,
        description="How often an idle worker looks at the hotlist version in the database "
        "and reloads it when the center applied a new one (it also looks before each run, "
        "so a read taken after the center acknowledged a version is matched against it).",
    )

    # -- the pipeline --------------------------------------------------------------------
    pipeline_batch_size: int = Field(
        500, ge=1, le=20_000, description="Most reads matched and committed in one transaction."
    )
    pipeline_max_wait_ms: float = Field(
        5.0,
        ge=0,
        description="How long the pipeline waits to fill a batch once a read is waiting.",
    )
    pipeline_queue_reads: int = Field(
        20_000,
        ge=1,
        description="Reads that may wait for the pipeline before ingest is slowed (MQTT) "
        "or refused with 503 (HTTP).",
    )
    dedup_window_s: float = Field(
        10.0,
        ge=0,
        description="A read of the same plate by the same camera within this many seconds "
        "is a duplicate and dropped.",
    )
    alert_window_s: float = Field(
        300.0,
        ge=0,
        description="Further hits of one entry at one camera within this many seconds are "
        "kept but not reported again.",
    )
    decisions: bool = Field(
        True,
        description="Run the decision chain (docs/matching.md, Decisions): each match's "
        "plate, description, other reads and path decide whether it is an alert, a "
        "candidate shown at once, or held for corroboration. Off: every match at its "
        "threshold is a hit as the per-read matcher decides.",
    )
    decision_hold_s: float = Field(
        60.0,
        ge=0,
        le=3600,
        description="How long a weak candidate waits for a corroborating read before it is "
        "dropped without being shown (0: dropped at once).",
    )
    decision_surface_at: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Score at which the decision chain shows a candidate (unset: the "
        "calibration's threshold, docs/matching.md).",
    )
    decision_memory_s: float = Field(
        86_400.0,
        ge=0,
        le=7 * 86_400,
        description="How long the neighbour memory keeps a surely read real plate one "
        "character from an entry (it counts against later reads of that plate as the entry).",
    )
    decision_memory_confidence: float = Field(
        0.9,
        gt=0,
        lt=1,
        description="How sure a read of a real plate must be for the neighbour memory and "
        "the look-alike traffic to keep it.",
    )
    decision_memory_plates: int = Field(
        32,
        ge=0,
        le=10_000,
        description="Real plates the neighbour memory keeps per entry (0 turns it off).",
    )
    decision_memory_passes: int = Field(
        16,
        ge=0,
        le=10_000,
        description="Camera passes the neighbour memory keeps per plate.",
    )
    decision_lookalike_s: float = Field(
        300.0,
        ge=0,
        le=3600,
        description="A real look-alike car read surely this many seconds before an exact "
        "read, at a camera from which that read's is reachable, makes the read wait for "
        "corroboration a look-alike cannot give.",
    )
    decision_lookalike_exact_s: float = Field(
        3_600.0,
        ge=0,
        le=86_400,
        description="An exact read is never an alert while a real look-alike car was read "
        "surely this many seconds before it (it is shown at once as a candidate instead).",
    )
    decision_traffic_s: float = Field(
        3_600.0,
        ge=0,
        le=86_400,
        description="How far back the look-alike passes near an entry are counted (a busy "
        "entry's candidates need more to be shown).",
    )
    decision_traffic_passes: int = Field(
        4_096,
        ge=0,
        le=100_000,
        description="Look-alike passes kept per entry (0 turns the look-alike rules off).",
    )
    min_score: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Override of every match threshold (unset: each entry's policy decides).",
    )
    confirm_categories: list[str] = Field(
        default_factory=list,
        description=(
            "Categories whose non-exact candidates are held until an operator confirms "
            "them, instead of going out at once marked unconfirmed."
        ),
    )
    max_speed_kmh: float = Field(
        180.0, gt=0, description="Straight-line speed above which a journey is impossible."
    )
    min_distance_m: float = Field(
        200.0,
        ge=0,
        description="Hits closer than this are never judged impossible (camera position error).",
    )

    # -- retention -------------------------------------------------------------------------
    read_retention_hours: float = Field(
        24.0,
        gt=0,
        description="Hours a read that hit nothing is kept (never beyond its camera's 보관일수).",
    )
    read_partition_hours: float = Field(
        1.0,
        gt=0,
        le=24 * 31,
        description="PostgreSQL: hours of reads per partition of the reads table; the purge "
        "drops whole partitions, so a read outlives its retention by less than this.",
    )
    hit_retention_days: float = Field(
        30.0, gt=0, description="Days a hit, its read and snapshot are kept."
    )
    purge_interval_s: float = Field(
        600.0, ge=0, description="Seconds between retention purges; 0 runs none on a schedule."
    )
    evidence_auto_approve: bool = Field(
        False,
        description="Provide at once a request for only a hit's own snapshot under a "
        "danger-to-life category (suicide_risk, missing_person), without the operator; "
        "never a time window, video or a route.",
    )
    camera_announce_s: float = Field(
        5.0,
        gt=0,
        description="Seconds between looks at the camera registry; a changed one (a camera "
        "import) is announced to the police, who accept reports only of announced cameras.",
    )

    @field_validator("site")
    @classmethod
    def _site_is_a_center(cls, value: str | None) -> str | None:
        if value is not None:
            from safenet.link.sites import validate_center

            validate_center(value)
        return value

    @field_validator("display_name", "display_name_en")
    @classmethod
    def _a_display_name(cls, value: str, info: ValidationInfo) -> str:
        from safenet.link.site_names import check_name

        return check_name(value, field=str(info.field_name))

    @field_validator("confirm_categories")
    @classmethod
    def _categories_are_known(cls, value: list[str]) -> list[str]:
        known = CATEGORIES
        unknown = [c for c in value if c not in known]
        if unknown:
            raise ValueError(f"unknown categories {unknown}; known: {', '.join(known)}")
        return value

    @field_validator("mqtt_topic")
    @classmethod
    def _topic_is_a_pattern(cls, value: str) -> str:
        if not value or value.startswith("/") or " " in value:
            raise ValueError("must be an MQTT topic filter such as safenet/{site}/cameras/+/reads")
        return value

    @model_validator(mode="after")
    def _limits_fit(self) -> CenterSettings:
        if self.max_snapshot_bytes > self.max_body_bytes:
            raise ValueError(
                "max_snapshot_bytes: it is larger than max_body_bytes, so no request could "
                "carry such a snapshot"
            )
        if self.decisions and self.decision_hold_s >= self.read_retention_hours * 3600:
            raise ValueError(
                "decision_hold_s: it is not shorter than read_retention_hours, so a held "
                "candidate's read could be purged before the hold ends and its hit lost"
            )
        return self
