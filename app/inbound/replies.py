"""Replies to letters whose campaign captures them: matched to the letter by the reply
address (and checked against In-Reply-To/References), classified (human, auto_reply,
acknowledgement), stored, announced (`letter.replied`) and, when a person wrote,
forwarded to the supporter with the official's address as Reply-To, so that they answer
directly.

The forward is sent before the reply is committed: the MTA (or the SMTP client) that
handed us the message is the queue. A temporary failure to forward raises, nothing is
stored, and the message is taken again later (exit 75, or 451); the forward's
Message-ID is stable per reply, so a receiver drops the rare duplicate."""

import email.policy
import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from functools import partial
from html.parser import HTMLParser

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Organisation
from app.db import utcnow
from app.delivery.dkim import DkimKey, organisation_key
from app.delivery.email import (
    Envelope,
    Mailbox,
    MessageHeaders,
    PermanentFailure,
    build_message,
)
from app.inbound.classify import header_text, is_auto_reply
from app.inbound.models import Reply
from app.letters.events import record_letter_event
from app.letters.models import Action, Letter
from app.settings import Settings
from app.tokens import bounce_address, message_id

Send = Callable[[EmailMessage, Envelope], None]
BODY_MAX = 100_000
# What an automatic acknowledgement says (a receipt, a ticket), in English or French, as
# against an out-of-office notice.
ACKNOWLEDGEMENT_WORDS = (
    "received your",
    "receipt of your",
    "we have received",
    "acknowledg",
    "accusé de réception",
    "avons bien reçu",
    "avons reçu votre",
)

FORWARD_TEXT = {
    "en": (
        "{official} answered the letter you sent through {organisation} ({subject}). Their "
        "answer is below. Replying to this email reaches them directly, at {address}.\n\n"
        "-----\n\n{body}\n"
    ),
    "fr": (
        "{official} a répondu à la lettre que vous avez envoyée par l'intermédiaire de "
        "{organisation} ({subject}). Sa réponse suit. Répondre à ce courriel lui parvient "
        "directement, à {address}.\n\n-----\n\n{body}\n"
    ),
}


class _Text(HTMLParser):
    """The text of an HTML part, for a reply that has no plain one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.pieces.append(data)


def reply_text(message: EmailMessage) -> str:
    """The reply's words: its plain part, else its HTML part as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    text = content if isinstance(content, str) else ""
    if part.get_content_type() == "text/html":
        reader = _Text()
        reader.feed(text)
        text = "".join(reader.pieces)
    return text.strip()[:BODY_MAX]


def kind_of(message: EmailMessage, text: str) -> str:
    if not is_auto_reply(message):
        return "human"
    said = f"{header_text(message, 'subject')} {text[:2000]}".lower()
    return "acknowledgement" if any(w in said for w in ACKNOWLEDGEMENT_WORDS) else "auto_reply"


def threaded(message: EmailMessage, settings: Settings, letter_id: str) -> bool:
    """Whether In-Reply-To or References names the letter's Message-ID."""
    ours = message_id(settings, letter_id)
    named = " ".join(str(message.get(name, "")) for name in ("in-reply-to", "references"))
    return ours in named.split()


def _official(message: EmailMessage) -> str:
    addresses = getaddresses([str(message.get("from", ""))])
    return addresses[0][1] if addresses else ""


def take_reply(
    session: Session, settings: Settings, raw: bytes, letter_id: str, send: Send | None
) -> tuple[str, str | None]:
    """Store one reply to `letter_id` (in the caller's transaction, not committed) and
    forward it; answers its kind and the letter's status."""
    message = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    letter, action, sender = session.execute(
        select(Letter, Action, Organisation)
        .join(Action, Action.id == Letter.action_id)
        .join(Organisation, Organisation.id == Letter.organisation_id)
        .where(Letter.id == letter_id)
    ).one()
    text = reply_text(message)
    reply = Reply(
        organisation_id=letter.organisation_id,
        letter_id=letter.id,
        kind=kind_of(message, text),
        sender=_official(message)[:254],
        subject=header_text(message, "subject")[:1000],
        body_text=text,
        threaded=threaded(message, settings, letter.id),
    )
    session.add(reply)
    session.flush()
    if reply.kind == "human" and send is not None and action.scrubbed_at is None:
        own_key = organisation_key(sender, settings)  # the organisation's mail, its key
        forward = partial(_signed_as, send, own_key)
        reply.forwarded_at = _forwarded(
            reply, letter, action, sender.name_in_email, settings, forward
        )
    record_letter_event(session, letter.organisation_id, letter.id, "letter.replied")
    return reply.kind, letter.status


def _signed_as(send: Send, key: DkimKey | None, message: EmailMessage, envelope: Envelope) -> None:
    send(message, replace(envelope, dkim=key) if key else envelope)


def _forwarded(
    reply: Reply, letter: Letter, action: Action, organisation: str, settings: Settings, send: Send
) -> datetime | None:
    """Send the forward; the time it went, or None when it cannot go (an official's
    address we cannot write plainly, a refused supporter address). A temporary failure
    is raised to the caller."""
    language = "fr" if letter.language == "fr" else "en"
    official = str(letter.recipient.get("display_name") or reply.sender)
    body = FORWARD_TEXT[language].format(
        official=official,
        organisation=organisation,
        subject=letter.subject,
        address=reply.sender,
        body=reply.body_text,
    )
    to = settings.email_test_recipient or action.email
    stable = hashlib.sha256(f"{reply.letter_id}:{reply.subject}:{reply.body_text}".encode())
    try:
        headers = MessageHeaders(
            sender=Mailbox(organisation, settings.email_from_address),
            to=Mailbox(f"{action.first_name} {action.last_name}", to),
            reply_to=Mailbox(official, reply.sender),
            subject=reply.subject or letter.subject,
            message_id=message_id(settings, stable.hexdigest(), "reply"),
            references=message_id(settings, letter.id),
            language=language,
        )
        send(build_message(headers, body), Envelope(bounce_address(settings, action.id), [to]))
    except PermanentFailure:
        return None
    return utcnow()
