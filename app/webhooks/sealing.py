"""Webhook secrets, kept so that they can be read back (a signature needs the secret
itself, unlike an API key, which is checked against its digest) but not read from a
copy of the database alone: they are encrypted with Fernet (AES-CBC with an HMAC,
from the `cryptography` library) under a key derived from the service's secret key.
Changing LETTERDESK_SECRET_KEY therefore makes the stored secrets unreadable: rotate
every webhook's secret after changing it."""

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.settings import Settings, secret_key

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _fernet(settings: Settings) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"letterdesk webhook secrets"
    ).derive(secret_key(settings).encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(settings: Settings, secret: str) -> str:
    return _fernet(settings).encrypt(secret.encode()).decode("ascii")


class SecretUnreadable(Exception):
    """Sealed under another service secret key than the one configured now."""


def unseal(settings: Settings, sealed: str) -> str:
    try:
        return _fernet(settings).decrypt(sealed.encode("ascii")).decode()
    except InvalidToken as error:
        raise SecretUnreadable(
            "this webhook's secret was sealed under another LETTERDESK_SECRET_KEY; "
            "rotate its secret"
        ) from error
