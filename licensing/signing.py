"""E-licence signatures (REGULATION.md §1.7, DESIGN.md public interface). Pure: no Django.

The signed bytes are the canonical JSON of the document: keys sorted, no whitespace,
UTF-8, non-ASCII kept (``json.dumps(doc, sort_keys=True, separators=(",", ":"),
ensure_ascii=False).encode()``). Anyone can rebuild them with the standard library, so a
licence verifies offline with only the public key (see README). Ed25519 (RFC 8032) via
``cryptography``; keys and signatures travel as standard base64.
"""

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"


def canonical_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def document_hash(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def private_key_from_b64(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(unb64(text))


def private_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """A deterministic key from 32 bytes of seed material (dev/demo keys only)."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest())


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return b64(pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def private_key_b64(key: Ed25519PrivateKey) -> str:
    return b64(
        key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
    )


def key_id_for(public_b64: str) -> str:
    """A stable id derived from the public key: the first 16 hex digits of its SHA-256."""
    return "ed25519-" + hashlib.sha256(unb64(public_b64)).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, document: dict[str, Any]) -> str:
    return b64(key.sign(canonical_bytes(document)))


def verify_bytes(public_b64: str, message: bytes, signature_b64: str) -> bool:
    try:
        pub = Ed25519PublicKey.from_public_bytes(unb64(public_b64))
        pub.verify(unb64(signature_b64), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def verify(public_b64: str, document: dict[str, Any], signature_b64: str) -> bool:
    return verify_bytes(public_b64, canonical_bytes(document), signature_b64)
