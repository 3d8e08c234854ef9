"""Webhook secrets, kept so that they can be read back (a signature needs the secret
itself, unlike an API key, which is checked against its digest) but sealed
(app.sealing). Changing LETTERDESK_SECRET_KEY makes the stored secrets unreadable:
rotate every webhook's secret after changing it."""

import secrets

from cryptography.fernet import Fernet

from app.sealing import InvalidToken, sealer
from app.settings import Settings

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _fernet(settings: Settings) -> Fernet:
    return sealer(settings, "webhook secrets")


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
