"""Opaque tokens made from the secret key: Message-IDs, bounce addresses, confirmation
links and the supporter's letters page. Their own module, so that letters (which check a
confirmation token), delivery (which writes them into emails) and the pages need not
import each other."""

import hashlib
import hmac

from app.inbound.addresses import verp_address
from app.sealing import InvalidToken, sealer
from app.settings import Settings, secret_key

LETTERS_PAGE = "supporter's letters page"


def _token(settings: Settings, purpose: str, subject_id: str) -> str:
    key = secret_key(settings).encode()
    return hmac.new(key, f"{purpose}:{subject_id}".encode(), hashlib.sha256).hexdigest()[:32]


def message_id(settings: Settings, letter_id: str, purpose: str = "message-id") -> str:
    """Stable for a letter (a copy or a confirmation has its own purpose), opaque."""
    return f"<{_token(settings, purpose, letter_id)}@{settings.bounce_domain}>"


def bounce_address(settings: Settings, letter_id: str) -> str:
    """The envelope sender (VERP): bounces and auto-replies name the letter (app.inbound)."""
    return verp_address(settings, letter_id)


def confirmation_token(settings: Settings, action_id: str) -> str:
    return _token(settings, "confirm", action_id)


def confirmation_link(settings: Settings, action_id: str) -> str:
    token = confirmation_token(settings, action_id)
    # The page, not the API: the link shows a button, and only the button confirms.
    return f"{settings.public_url.rstrip('/')}/actions/{action_id}/confirm?token={token}"


def questionnaire_token(settings: Settings, questionnaire_id: str) -> str:
    return _token(settings, "questionnaire", questionnaire_id)


def questionnaire_link(settings: Settings, questionnaire_id: str, answer: str) -> str:
    """A page that asks again and records the answer only by its button (a POST): mail
    scanners that follow the link answer nothing."""
    token = questionnaire_token(settings, questionnaire_id)
    base = settings.public_url.rstrip("/")
    return f"{base}/questionnaires/{questionnaire_id}?answer={answer}&token={token}"


def letters_page_token(settings: Settings, action_id: str) -> str:
    """The address of an action's letters page: its id sealed (encrypted and
    authenticated, `sealing`), so the address names nothing and cannot be made by anyone
    else. It does not expire: the page ends when the supporter's data is erased."""
    return sealer(settings, LETTERS_PAGE).encrypt(action_id.encode()).decode()


def action_of_letters_page(settings: Settings, token: str) -> str | None:
    """The action a letters page's token names, or None for one we did not make."""
    try:
        return sealer(settings, LETTERS_PAGE).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def letters_page_link(settings: Settings, action_id: str) -> str:
    return f"{settings.public_url.rstrip('/')}/letters/{letters_page_token(settings, action_id)}"
