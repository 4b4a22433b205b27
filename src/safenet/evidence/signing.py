"""The center's Ed25519 signature over a manifest, and its check against a trusted key.

The center signs with its site key (the same :class:`safenet.audit.SigningKey` file that
signs its audit checkpoints). The signed message is a fixed context line followed by the
manifest bytes, so a signature made for anything else (an audit checkpoint) can never
pass as a manifest's. The police check it with the public key they hold for that center,
configured ahead, never with a key the package brings: a package re-signed by anyone
else is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SIGNING_CONTEXT = b"safenet evidence manifest v1\n"

TrustedKeys = Mapping[str, str]
"""Center site id -> that center's Ed25519 public key (raw, base64)."""


class Signer(Protocol):
    """What signs a manifest: a site's Ed25519 key (``safenet.audit.SigningKey``)."""

    @property
    def public_key_b64(self) -> str:
        """The raw public key, base64."""
        ...

    def sign(self, data: bytes) -> str:
        """A base64 Ed25519 signature over ``data``."""
        ...


def key_id(public_key_b64: str) -> str:
    """A short name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:16]


def sign_manifest(signer: Signer, manifest: bytes) -> bytes:
    """The raw 64-byte signature of a manifest."""
    return base64.b64decode(signer.sign(SIGNING_CONTEXT + manifest))


def signature_valid(public_key_b64: str, manifest: bytes, signature: bytes) -> bool:
    """Whether ``signature`` over ``manifest`` was made with this public key."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        public.verify(signature, SIGNING_CONTEXT + manifest)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
