"""Encryption at rest for what the service must read back but a copy of the database
alone should not reveal (webhook secrets; the answers kept for idempotency keys, which
hold API keys, webhook secrets and supporters' letters). Fernet (AES-CBC with an HMAC,
from the `cryptography` library), under a key derived from the service's secret key, one
key per purpose: changing LETTERDESK_SECRET_KEY makes what was sealed unreadable."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.settings import Settings, secret_key

__all__ = ["InvalidToken", "sealer"]


def sealer(settings: Settings, purpose: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"letterdesk {purpose}".encode()
    ).derive(secret_key(settings).encode())
    return Fernet(base64.urlsafe_b64encode(key))
