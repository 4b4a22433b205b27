"""The tamper-evident audit trail: hash-chained records and signed checkpoints.

Every sensitive action (a wanted entry registered or approved, a retrospective look-up,
an evidence provision, a candidate confirmed) becomes an :class:`AuditRecord` whose hash
covers its content and the previous record's hash. Changing, removing or reordering any
record breaks every hash after it, which :func:`verify_chain` reports with the first
sequence number that fails. A :class:`Checkpoint` signs the head of the chain with an
Ed25519 key, so an auditor holding only the public key can show that records up to the
checkpoint existed, unchanged, when it was signed (a truncated tail is then visible too).

Anchoring (issue 13): each service signs checkpoints by itself
(:mod:`safenet.audit.loop`), sends every signed head to the other side, which keeps it
(:mod:`safenet.audit.witness`), and :func:`verify_log` checks a log against keys and
witnessed heads from outside its database.
"""

from safenet.audit.chain import (
    GENESIS_HASH,
    AuditRecord,
    ChainBuilder,
    ChainVerdict,
    record_hash,
    verify_chain,
)
from safenet.audit.checkpoint import (
    Checkpoint,
    PruneAnchor,
    SigningKey,
    sign_checkpoint,
    sign_prune,
    signed_by,
    verify_checkpoint,
)
from safenet.audit.settings import AuditSettings
from safenet.audit.verify import AuditVerdict, WitnessedHead, verify_log

__all__ = [
    "GENESIS_HASH",
    "AuditRecord",
    "AuditSettings",
    "AuditVerdict",
    "ChainBuilder",
    "ChainVerdict",
    "Checkpoint",
    "PruneAnchor",
    "SigningKey",
    "WitnessedHead",
    "record_hash",
    "sign_checkpoint",
    "sign_prune",
    "signed_by",
    "verify_chain",
    "verify_checkpoint",
    "verify_log",
]
