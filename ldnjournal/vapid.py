"""VAPID keys for Web Push (RFC 8292): the server's signing key, given as the base64url text of
its raw 32-byte P-256 private number (what `new_private_key` prints and most push tools make).

Production sets `VAPID_PRIVATE_KEY`; without it push reminders are off. In DEBUG and in tests a
key is derived from the SECRET_KEY, so the web server and the worker, two processes, agree."""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

# The order of the P-256 group: a private number lies from 1 to ORDER - 1.
ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _private_text(number: int) -> str:
    return _b64(number.to_bytes(32, "big"))


def new_private_key() -> str:
    """A new random signing key, for `VAPID_PRIVATE_KEY`."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _private_text(key.private_numbers().private_value)


def demo_private_key(secret: str) -> str:
    """A key derived from `secret`, for DEBUG and tests only (never production: the secret key
    would then be the push key too)."""
    digest = hashlib.sha256(b"ldnjournal-vapid-demo:" + secret.encode()).digest()
    return _private_text(int.from_bytes(digest, "big") % (ORDER - 1) + 1)


def public_key(private_key: str) -> str:
    """The application server key a browser subscribes with: the public point, uncompressed,
    base64url. Raises ValueError when `private_key` is not a key."""
    raw = base64.urlsafe_b64decode(private_key + "=" * (-len(private_key) % 4))
    if len(raw) != 32:
        raise ValueError("VAPID_PRIVATE_KEY is the base64url text of 32 bytes.")
    number = int.from_bytes(raw, "big")
    if not 0 < number < ORDER:
        raise ValueError("VAPID_PRIVATE_KEY is not a P-256 private key.")
    point = ec.derive_private_key(number, ec.SECP256R1()).public_key()
    return _b64(point.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
