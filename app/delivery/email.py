"""Letters as email, and the two ways they leave: SMTP, or .eml files in a folder.

As WriteToThem does since 2022: the message is From our own address with the
supporter's name as display name ("Jane Doe via letterdesk"), Reply-To the supporter,
To the official; the envelope sender is a per-letter bounce address; the Message-ID is
stable per letter (a receiver drops a duplicate) and opaque (no internal ids). Never
From the supporter's own address: DMARC would reject it."""

import contextlib
import email.policy
import os
import smtplib
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from app.db import utcnow
from app.letters.models import Action, Letter
from app.settings import Settings
from app.tokens import bounce_address, confirmation_link, message_id

IDLE_CHECK_SECONDS = 5.0


class TemporaryFailure(Exception):
    """The message may go later: a 4xx reply, a dropped connection, a timeout."""


class RelayUnreachable(TemporaryFailure):
    """No connection to the mail relay could be made (refused, a name that does not
    resolve, a timeout, a refused login or STARTTLS): the worker's problem, not the
    letter's, so it spends none of the letter's attempts."""


class PermanentFailure(Exception):
    """The message will not go: a 5xx reply, an address refused."""


@dataclass(frozen=True)
class Envelope:
    sender: str
    recipients: list[str]


class EmailBackend(Protocol):
    def send(self, message: EmailMessage, envelope: Envelope) -> None: ...

    def close(self) -> None: ...


def _mailbox(name: str, address: str) -> Address:
    local, _, domain = address.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _new_message(*addresses: str) -> EmailMessage:
    """A message whose headers may carry non-ASCII addresses as they are (SMTPUTF8)
    where one of `addresses` needs it; RFC 2047 words are no way to write an address."""
    needs_utf8 = not all(address.isascii() for address in addresses)
    return EmailMessage(
        policy=email.policy.default.clone(utf8=True) if needs_utf8 else email.policy.default
    )


def letter_message(
    letter: Letter, action: Action, settings: Settings
) -> tuple[EmailMessage, Envelope]:
    """The letter as the official receives it, and the envelope it travels in. In test
    mode (`email_test_recipient`) it goes to that one address instead."""
    supporter = f"{action.first_name} {action.last_name}"
    official = str(letter.recipient.get("display_name") or "")
    to_address = settings.email_test_recipient or str(letter.recipient["email"])
    message = _new_message(action.email, to_address)
    message["From"] = _mailbox(
        f"{supporter} {settings.email_from_suffix}", settings.email_from_address
    )
    message["Reply-To"] = _mailbox(supporter, action.email)
    message["To"] = _mailbox(official, to_address)
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(settings, letter.id)
    message["Content-Language"] = letter.language
    message.set_content(letter.body_text)
    message.add_alternative(letter.body_html, subtype="html")
    return message, Envelope(bounce_address(settings, letter.id), [to_address])


def copy_message(
    letter: Letter, action: Action, settings: Settings
) -> tuple[EmailMessage, Envelope]:
    """The supporter's copy of the letter they sent."""
    heading = {
        "en": f"Here is the letter you sent to {letter.recipient.get('display_name')}:",
        "fr": f"Voici la lettre que vous avez envoyée à {letter.recipient.get('display_name')} :",
    }[letter.language]
    to = settings.email_test_recipient or action.email
    message = _new_message(to)
    message["From"] = _mailbox("letterdesk", settings.email_from_address)
    message["To"] = _mailbox(f"{action.first_name} {action.last_name}", to)
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(settings, letter.id, "copy")
    message["References"] = message_id(settings, letter.id)
    message.set_content(f"{heading}\n\n{letter.body_text}")
    return message, Envelope(bounce_address(settings, letter.id), [to])


CONFIRMATION_TEXT = {
    "en": (
        "Please confirm your email address",
        'Hello {name},\n\nThank you for writing about "{title}". Your {count} will be sent '
        "as soon as you confirm this is your email address:\n\n{link}\n\nIf you did not "
        "write, ignore this email: nothing will be sent. The link works for {days} days.\n",
    ),
    "fr": (
        "Veuillez confirmer votre adresse courriel",
        "Bonjour {name},\n\nMerci d'avoir écrit au sujet de « {title} ». Votre envoi ({count}) "
        "partira dès que vous aurez confirmé que cette adresse courriel est la vôtre :\n\n"
        "{link}\n\nSi vous n'avez pas écrit, ignorez ce courriel : rien ne sera envoyé. Le "
        "lien est valable {days} jours.\n",
    ),
}


def confirmation_message(
    action: Action, campaign_title: str, letters: int, settings: Settings
) -> tuple[EmailMessage, Envelope]:
    """The one email that asks a supporter to confirm their address before their letters go."""
    language = "fr" if action.language == "fr" else "en"
    subject, text = CONFIRMATION_TEXT[language]
    plural = "s" if letters != 1 else ""
    count = f"{letters} {'lettre' if language == 'fr' else 'letter'}{plural}"
    to = settings.email_test_recipient or action.email
    message = _new_message(to)
    message["From"] = _mailbox("letterdesk", settings.email_from_address)
    message["To"] = _mailbox(f"{action.first_name} {action.last_name}", to)
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(settings, action.id, "confirmation")
    message.set_content(
        text.format(
            name=action.first_name,
            title=campaign_title,
            count=count,
            link=confirmation_link(settings, action.id),
            days=settings.confirmation_days,
        )
    )
    return message, Envelope(bounce_address(settings, action.id), [to])


def eml_path(folder: Path, message_id: str) -> Path:
    """Where the file backend keeps a message: named by its Message-ID (so erasure and
    retention find a letter's files from its id)."""
    return folder / f"{message_id.strip('<>').split('@')[0]}.eml"


class FileBackend:
    """Each message an .eml file in a folder (the embedded default): named by its
    Message-ID, so a letter sent twice is one file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage, envelope: Envelope) -> None:
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(descriptor, "wb") as file:
            file.write(message.as_bytes())
        os.replace(temporary, eml_path(self.folder, str(message["Message-ID"])))

    def close(self) -> None:
        pass


class SMTPBackend:
    """SMTP with one reused connection per sending thread. A 4xx reply or a connection
    that fails is temporary; a 5xx reply is permanent, and its text is the reason."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._connections: list[smtplib.SMTP] = []
        self._lock = threading.Lock()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        # Certificates are verified (the system's authorities, or `smtp_ca_file`).
        context = (
            ssl.create_default_context(cafile=s.smtp_ca_file) if s.smtp_security != "none" else None
        )
        if s.smtp_security == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=context
            )
        else:
            connection = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            if s.smtp_security == "starttls":
                connection.starttls(context=context)
        if s.smtp_username:
            connection.login(s.smtp_username, s.smtp_password or "")
        with self._lock:
            self._connections.append(connection)
        return connection

    def _connection(self) -> smtplib.SMTP:
        """This thread's connection; one idle for a while is checked with NOOP first (a
        server may have closed it), one in steady use is not, to save a round trip."""
        connection: smtplib.SMTP | None = getattr(self._local, "connection", None)
        idle = time.monotonic() - getattr(self._local, "used_at", 0.0)
        if connection is not None and idle > IDLE_CHECK_SECONDS:
            try:
                if connection.noop()[0] != 250:
                    raise smtplib.SMTPServerDisconnected("NOOP refused")
            except (smtplib.SMTPException, OSError):
                self._drop(connection)
                connection = None
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
        self._local.used_at = time.monotonic()
        return connection

    def _drop(self, connection: smtplib.SMTP) -> None:
        self._local.connection = None
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)
        with contextlib.suppress(OSError):
            connection.close()

    def send(self, message: EmailMessage, envelope: Envelope) -> None:
        """Only the server's answer to the recipient or to the message itself can fail a
        letter for good; a refused login or sender is our configuration's fault, and is
        retried until someone mends it."""
        options = ["SMTPUTF8"] if message.policy.utf8 else []  # type: ignore[attr-defined]
        try:
            connection = self._connection()
        except (smtplib.SMTPException, OSError) as error:
            raise RelayUnreachable(f"{type(error).__name__}: {error}") from None
        try:
            connection.ehlo_or_helo_if_needed()
            if options and not connection.has_extn("smtputf8"):
                raise PermanentFailure("the server cannot take non-ASCII addresses (SMTPUTF8)")
            refused = connection.send_message(
                message, envelope.sender, envelope.recipients, mail_options=options
            )
        except smtplib.SMTPRecipientsRefused as error:
            raise _failure(*next(iter(error.recipients.values()))) from None
        except smtplib.SMTPDataError as error:
            if error.smtp_code < 500:
                self._drop_current()
            raise _failure(error.smtp_code, error.smtp_error) from None
        except (smtplib.SMTPException, OSError) as error:
            self._drop_current()
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from None
        if refused:
            raise _failure(*next(iter(refused.values())))

    def _drop_current(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            self._drop(connection)

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()


def _failure(code: int, reply: bytes | str) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    reason = f"{code} {text}".strip()
    return PermanentFailure(reason) if code >= 500 else TemporaryFailure(reason)


def email_backend(settings: Settings) -> EmailBackend:
    if settings.email_backend == "smtp":
        return SMTPBackend(settings)
    return FileBackend(settings.outbox_dir)
