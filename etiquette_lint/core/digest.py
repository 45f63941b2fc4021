"""BLAKE2b digests, keyed or not, without importing hashlib (whose OpenSSL start-up costs ~10 ms
of a cold run: more than the rest of a cached check)."""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # not CPython
    from hashlib import blake2b

try:
    from _operator import _compare_digest as same_digest  # what hmac.compare_digest is
except ImportError:

    def same_digest(a: bytes, b: bytes) -> bool:
        return a == b


SIZE = 32


def digest(data: bytes, key: bytes = b"") -> bytes:
    """The 32-byte BLAKE2b digest of `data`; with `key`, a MAC (BLAKE2's keyed mode)."""
    return blake2b(data, key=key, digest_size=SIZE).digest()


def hexdigest(data: bytes) -> str:
    return blake2b(data, digest_size=SIZE).hexdigest()
