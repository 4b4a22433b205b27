"""Signed statements about the audit chain's head (Ed25519): checkpoints and pruning anchors.

A :class:`Checkpoint` says "the chain had this head at this time". A
:class:`PruneAnchor` says "the records up to this head, all older than ``cutoff``,
were deleted under the retention rule; the chain now starts after it". The two sign
different bodies (the anchor's names its kind), so neither can pass for the other.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


@dataclass(frozen=True)
class Checkpoint:
    """A site's statement, signed, that its audit chain had this head at this time."""

    site: str
    seq: int
    head_hash: str
    ts: str
    signature: str  # base64 Ed25519 signature over message()
    public_key: str  # base64 raw public key of the signer

    def message(self) -> bytes:
        body = {"site": self.site, "seq": self.seq, "head": self.head_hash, "ts": self.ts}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


class SigningKey:
    """A site's Ed25519 key for checkpoints, kept in a file outside the repository."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKey:
        """Read the key at ``path``, creating it (mode 0600) on first use."""
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path} does not hold an Ed25519 private key")
            return cls(key)
        signing = cls.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = signing._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.touch(mode=0o600)
        path.write_bytes(pem)
        return signing

    @property
    def public_key_b64(self) -> str:
        raw = self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return base64.b64encode(raw).decode()

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self._private.sign(data)).decode()


@dataclass(frozen=True)
class PruneAnchor:
    """A site's signed statement that it deleted its audit records up to ``seq``.

    Every deleted record was older than ``cutoff``; ``removed`` counts them. The chain
    that remains starts after ``(seq, head_hash)``.
    """

    site: str
    seq: int
    head_hash: str
    ts: str
    cutoff: str
    removed: int
    signature: str
    public_key: str

    def message(self) -> bytes:
        body = {
            "kind": "prune",
            "site": self.site,
            "seq": self.seq,
            "head": self.head_hash,
            "ts": self.ts,
            "cutoff": self.cutoff,
            "removed": self.removed,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def sign_prune(
    key: SigningKey,
    site: str,
    seq: int,
    head_hash: str,
    cutoff: datetime,
    removed: int,
    ts: datetime | None = None,
) -> PruneAnchor:
    """Sign the statement that records up to ``seq`` (older than ``cutoff``) were deleted."""
    stamp = _stamp(ts or datetime.now(UTC))
    unsigned = PruneAnchor(
        site, seq, head_hash, stamp, _stamp(cutoff), removed, "", key.public_key_b64
    )
    return PruneAnchor(
        site,
        seq,
        head_hash,
        stamp,
        unsigned.cutoff,
        removed,
        key.sign(unsigned.message()),
        key.public_key_b64,
    )


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def signed_by(statement: Checkpoint | PruneAnchor, trusted_public_keys: Iterable[str]) -> bool:
    """True when the statement's signature is valid under one of the trusted keys.

    The public key the statement carries is ignored: an attacker who re-signs a
    rewritten chain with a key of their own would simply put that key there.
    """
    data = statement.message()
    try:
        signature = base64.b64decode(statement.signature, validate=True)
    except ValueError:
        return False
    for key in trusted_public_keys:
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(signature, data)
        except (InvalidSignature, ValueError):
            continue
        return True
    return False


def sign_checkpoint(
    key: SigningKey, site: str, seq: int, head_hash: str, ts: datetime | None = None
) -> Checkpoint:
    """Sign the chain head ``(seq, head_hash)`` of ``site``."""
    stamp = _stamp(ts or datetime.now(UTC))
    unsigned = Checkpoint(site, seq, head_hash, stamp, "", key.public_key_b64)
    return Checkpoint(site, seq, head_hash, stamp, key.sign(unsigned.message()), key.public_key_b64)


def verify_checkpoint(checkpoint: Checkpoint, trusted_public_key: str | None = None) -> bool:
    """True when the signature is valid (and made by the trusted key, when one is given).

    Without a trusted key this only shows the checkpoint is self-consistent; an auditor
    uses :func:`signed_by` with keys from outside the database.
    """
    if trusted_public_key is not None and trusted_public_key != checkpoint.public_key:
        return False
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(checkpoint.public_key))
        public.verify(base64.b64decode(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True
