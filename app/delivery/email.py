"""Letters as email, and the two ways they leave: SMTP, or .eml files in a folder.

As WriteToThem does since 2022: the message is From our own address with the
supporter's name as display name ("Jane Doe via <organisation>"), Reply-To the supporter,
To the official; the envelope sender is a per-letter bounce address; the Message-ID is
stable per letter (a receiver drops a duplicate) and opaque (no internal ids). Never
From the supporter's own address: DMARC would reject it."""

import base64
import contextlib
import email.policy
import os
import re
import smtplib
import ssl
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from email.errors import HeaderParseError, MessageDefect
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any, Protocol

from app.db import utcnow
from app.delivery.dkim import DkimKey, Sign, dkim_signed, signer
from app.inbound.addresses import reply_address
from app.letters.models import Action, Letter
from app.settings import Settings
from app.tokens import bounce_address, confirmation_link, letters_page_link, message_id

IDLE_CHECK_SECONDS = 5.0


class TemporaryFailure(Exception):
    """The message may go later: a 4xx reply, a dropped connection, a timeout."""


class RelayUnreachable(TemporaryFailure):
    """No connection to the mail relay could be made (refused, a name that does not
    resolve, a timeout, a refused login or STARTTLS): the worker's problem, not the
    letter's, so it spends none of the letter's attempts."""


class PermanentFailure(Exception):
    """The message will not go: a 5xx reply, an address refused."""


class UnsafeMessage(PermanentFailure):
    """A message whose headers, read back, are not the ones we meant to write: it is never
    sent, and the reason is recorded as the letter's."""


@dataclass(frozen=True)
class Envelope:
    sender: str
    recipients: list[str]
    # The key of the organisation whose mail this is, where it set one (else the
    # installation's signs it): app.delivery.dkim.
    dkim: DkimKey | None = None


class EmailBackend(Protocol):
    def send(self, message: EmailMessage, envelope: Envelope) -> None: ...

    def close(self) -> None: ...


# --- Headers that carry someone's text -------------------------------------------------
#
# Names, subjects and the organisation's name are written by us, never folded by the
# stdlib (whose folding has decoded RFC 2047 words typed by a supporter into raw line
# breaks on some 3.11/3.12 releases): plain words (atext) as they are, every other run of
# words as RFC 2047 encoded words (UTF-8) made by us, so nothing typed is ever read as
# quoting, an address, a group, a comment or an encoded word. Every message is then read
# back with the strict parser and compared with what we meant (`check_message`).

# Shown as U+FFFD wherever a header carries text: controls (CR, LF, NUL...), line and
# paragraph separators, and the bidirectional controls that can make a name read as
# something else ("via" an organisation, an address). Joiners (U+200C, U+200D) stay.
_UNSHOWABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
# atext (RFC 5322 3.2.3): a word made of these needs no quoting.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]{1,60}")
# What Q encoding may leave as it is inside a phrase (RFC 2047 5(3)); the rest is =XX.
_Q_LITERAL = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")
# An encoded word is at most 75 characters; ours stop at 66 so that "Reply-To: " and one
# word fit on a 78-character line.
_Q_TEXT_MAX = 66 - len("=?utf-8?q??=")
_B_BYTES_MAX = (66 - len("=?utf-8?b??=")) // 4 * 3
_LINE_MAX = 78
# An address as we write it: dot-atoms of atext or of characters beyond ASCII (SMTPUTF8),
# no quoting, no whitespace, no controls.
_ADDRESS_ATOM = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u00a0-\U0010ffff]+"
_ADDRESS = re.compile(rf"{_ADDRESS_ATOM}(?:\.{_ADDRESS_ATOM})*@[\w-]+(?:\.[\w-]+)*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def showable(text: str) -> str:
    """`text` as a header shows it: the characters that could act on a header or on how a
    name reads are replaced by U+FFFD (the API refuses them; this holds for any path)."""
    return _UNSHOWABLE.sub("\ufffd", text)


def _q_encoded(char: str) -> str:
    return "".join(
        chr(byte) if byte in _Q_LITERAL else "_" if byte == 0x20 else f"={byte:02X}"
        for byte in char.encode()
    )


def _encoded_words_q(text: str) -> list[str]:
    words, current = [], ""
    for char in text:
        piece = _q_encoded(char)
        if current and len(current) + len(piece) > _Q_TEXT_MAX:
            words.append(f"=?utf-8?q?{current}?=")
            current = ""
        current += piece
    return [*words, f"=?utf-8?q?{current}?="]


def _encoded_words_b(text: str) -> list[str]:
    chunks, current = [], b""
    for char in text:
        piece = char.encode()
        if current and len(current) + len(piece) > _B_BYTES_MAX:
            chunks.append(current)
            current = b""
        current += piece
    return [f"=?utf-8?b?{base64.b64encode(chunk).decode()}?=" for chunk in [*chunks, current]]


def encoded_words(text: str) -> list[str]:
    """`text` as RFC 2047 encoded words, each whole characters of UTF-8, in whichever of
    Q and B encoding is shorter. A reader joins them with nothing between (RFC 2047 6.2)."""
    as_q, as_b = _encoded_words_q(text), _encoded_words_b(text)
    return as_q if sum(map(len, as_q)) <= sum(map(len, as_b)) else as_b


def _is_plain(word: str) -> bool:
    """A word of atext that could not be taken for an encoded word."""
    return _PLAIN_WORD.fullmatch(word) is not None and "=?" not in word


def _words(text: str) -> list[str]:
    """The words a header writes for `text`: plain words as they are, every run of other
    words as encoded words. The space between a plain word and an encoded word is text to
    every reader; within a run, spaces are encoded. Leading, trailing or repeated spaces
    are kept only by encoding the whole text."""
    if not text:
        return []
    words = text.split(" ")
    if "" in words:
        return encoded_words(text)
    written: list[str] = []
    run: list[str] = []
    for word in words:
        if not _is_plain(word):
            run.append(word)
            continue
        if run:
            written += encoded_words(" ".join(run))
            run = []
        written.append(word)
    return written + (encoded_words(" ".join(run)) if run else [])


def _folded(name: str, words: list[str]) -> str:
    """A header's value from its words, folded by us: a line break only ever comes before
    the space between two words, and no line is longer than 78 characters but for one
    word that is (an address)."""
    lines = [f"{name}:"]
    for word in words:
        if len(lines[-1]) + 1 + len(word) > _LINE_MAX and lines[-1] != f"{name}:":
            lines.append("")
        lines[-1] += f" {word}"
    return "\n".join(lines)[len(name) + 2 :]


def checked_address(address: str) -> str:
    if not _ADDRESS.fullmatch(address) or showable(address) != address:
        raise UnsafeMessage(f"the address {address!r} cannot be written in a header as it is")
    return address


@dataclass(frozen=True)
class Mailbox:
    """A display name (anyone's text) and an address."""

    name: str
    address: str


@dataclass(frozen=True)
class MessageHeaders:
    """Every header of a message but the MIME ones: what `build_message` writes and then
    checks it finds again."""

    sender: Mailbox
    to: Mailbox
    subject: str
    message_id: str
    reply_to: Mailbox | None = None
    references: str | None = None
    language: str | None = None
    date: datetime = field(default_factory=utcnow)


def build_sender_headers(headers: MessageHeaders) -> list[tuple[str, str]]:
    """The headers, each (name, value) as it will be written, folded by us. Raises
    UnsafeMessage for an address we could not write plainly."""
    mailboxes = [("From", headers.sender), ("Reply-To", headers.reply_to), ("To", headers.to)]
    written = [
        (name, _folded(name, [*_words(showable(box.name)), f"<{checked_address(box.address)}>"]))
        for name, box in mailboxes
        if box is not None
    ]
    written.append(("Subject", _folded("Subject", _words(showable(headers.subject)))))
    written.append(("Date", format_datetime(headers.date)))
    written.append(("Message-ID", headers.message_id))
    if headers.references:
        written.append(("References", headers.references))
    return written


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as it is checked, written to a file and sent: CRLF line ends."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def build_message(headers: MessageHeaders, text: str, html: str | None = None) -> EmailMessage:
    """A message with our headers, the text (and HTML) as its body, and Content-Language;
    read back and checked before it is answered (UnsafeMessage if it does not hold).
    Every email we send is made here."""
    addresses = [headers.sender.address, headers.to.address]
    if headers.reply_to is not None:
        addresses.append(headers.reply_to.address)
    # Our own values are written as they are (refold_source none): the stdlib never
    # refolds, and so never re-reads, a header we wrote. SMTPUTF8 where an address needs it.
    policy = email.policy.default.clone(
        refold_source="none", utf8=not all(address.isascii() for address in addresses)
    )
    message = EmailMessage(policy=policy)
    for name, value in build_sender_headers(headers):
        message.set_raw(name, value)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if headers.language is not None:
        if not _LANGUAGE.fullmatch(headers.language):
            raise UnsafeMessage(f"{headers.language!r} is no language tag")
        # After the body: set_content clears every Content-* header.
        message.set_raw("Content-Language", headers.language)
    check_message(message, headers)
    return message


def check_message(message: EmailMessage, headers: MessageHeaders) -> None:
    """Read the message's bytes back with the strict parser: the same headers as we set,
    each once; From, Reply-To and To one mailbox each, with the address we gave and the
    name as given (decoded as a mail client decodes it); the subject as given."""
    try:
        # The headers only: the body's parts are the stdlib's, made from text it encodes
        # and bounded by a boundary it chose absent from that text; what anyone typed can
        # only act on a header, and every header is here.
        parsed = BytesParser(policy=email.policy.strict).parsebytes(
            wire_bytes(message), headersonly=True
        )
        problems = _header_problems(parsed, message, headers)
    except (MessageDefect, HeaderParseError, ValueError, UnicodeError) as error:
        problems = [f"unreadable: {error!r}"]
    if problems:
        raise UnsafeMessage(
            "the message's headers did not read back as written: " + "; ".join(problems)
        )


def _header_problems(
    parsed: EmailMessage, message: EmailMessage, headers: MessageHeaders
) -> list[str]:
    if Counter(parsed.keys()) != Counter(message.keys()):
        return [f"headers {parsed.keys()} instead of {message.keys()}"]
    # Each header read once (the stdlib parses a header again at every access).
    read = dict(parsed.items())
    raw = dict(parsed.raw_items())
    wanted = {"From": headers.sender, "Reply-To": headers.reply_to, "To": headers.to}
    problems = [
        f"{name} is not {box.address}"
        for name, box in wanted.items()
        if box is not None
        and (
            name not in read
            or _mailbox_read_back(read[name], raw[name]) != (showable(box.name), box.address)
        )
    ]
    if str(read.get("Subject")) != showable(headers.subject):
        problems.append("the subject changed")
    if str(read.get("Message-ID")) != headers.message_id:
        problems.append("the Message-ID changed")
    if headers.language is not None and str(read.get("Content-Language")) != headers.language:
        problems.append("the Content-Language changed")
    for name, header in read.items():
        defects = [defect for defect in header.defects if not _of_utf8_address(defect)]
        if defects:
            problems.append(f"{name}: {defects}")
    return problems


def _of_utf8_address(defect: Exception) -> bool:
    """What the stdlib says of an address beyond ASCII sent as UTF-8 (SMTPUTF8); the name
    beside it is checked for what it says, and is ASCII by construction."""
    return type(defect).__name__ in {"NonASCIILocalPartDefect", "UndecodableBytesDefect"}


def _as_text(value: str) -> str:
    """A header read from bytes holds UTF-8 as escaped bytes: the text it stands for."""
    return value.encode("ascii", "surrogateescape").decode()


def _mailbox_read_back(header: Any, raw: str) -> tuple[str, str] | None:
    """(display name, address) of an address header (`header` as parsed, `raw` as
    written) that holds exactly one mailbox and no group, else None. The display name is
    decoded from the written phrase by RFC 2047 (the stdlib's structured reader puts a
    space between adjacent encoded words)."""
    if len(header.groups) != 1 or header.groups[0].display_name is not None:
        return None
    if len(header.addresses) != 1:
        return None
    address = _as_text(header.addresses[0].addr_spec)
    raw = _as_text(re.sub(r"\r?\n(?=[ \t])", "", raw))
    phrase, angle_address = raw[: -len(address) - 2].strip(), raw[-len(address) - 2 :]
    if angle_address != f"<{address}>":
        return None
    return (str(make_header(decode_header(phrase))) if phrase else ""), address


def _in_language(language: str) -> str:
    return "fr" if language == "fr" else "en"


def _via(organisation: str, language: str) -> str:
    """ "Amélie Tremblay via Org" / "... par l'intermédiaire d'Org" (elided before a vowel)."""
    if language != "fr":
        return f"via {organisation}"
    elided = unicodedata.normalize("NFD", organisation[:1]).lower()[:1] in set("aeiouy")
    return (
        f"par l'intermédiaire d'{organisation}"
        if elided
        else f"par l'intermédiaire de {organisation}"
    )


FOOTER = {
    "en": (
        "{name} asked {organisation} to send this letter on their behalf; replying reaches "
        "{reaches}. {confirmed}",
        "Their email address was confirmed: they followed a link sent to it.",
        "Their email address has not been confirmed.",
    ),
    "fr": (
        "{name} a demandé à {organisation} d'envoyer cette lettre en son nom ; une réponse "
        "{reaches}. {confirmed}",
        "Son adresse courriel a été confirmée : la personne a suivi un lien qui y a été envoyé.",
        "Son adresse courriel n'a pas été confirmée.",
    ),
}


REACHES = {
    "en": ("them directly", "them through {organisation}"),
    "fr": ("lui parvient directement", "lui parvient par l'intermédiaire de {organisation}"),
}


def letter_footer(
    action: Action, organisation: str, language: str, reply_capture: bool = False
) -> str:
    """Below the letter, in its language: who asked for it to be sent, through whom, how a
    reply reaches them, and whether the supporter's address was confirmed."""
    text, confirmed, unconfirmed = FOOTER[_in_language(language)]
    directly, through = REACHES[_in_language(language)]
    return text.format(
        name=f"{action.first_name} {action.last_name}",
        organisation=organisation,
        reaches=through.format(organisation=organisation) if reply_capture else directly,
        confirmed=confirmed if action.confirmed_at is not None else unconfirmed,
    )


def letter_message(
    letter: Letter,
    action: Action,
    settings: Settings,
    organisation: str,
    reply_capture: bool = False,
) -> tuple[EmailMessage, Envelope]:
    """The letter as the official receives it, and the envelope it travels in. In test
    mode (`email_test_recipient`) it goes to that one address instead. `organisation` is
    the name the organisation's email shows. With `reply_capture` the Reply-To is the
    letter's own reply address (app.inbound), not the supporter's."""
    supporter = f"{action.first_name} {action.last_name}"
    official = str(letter.recipient.get("display_name") or "")
    to_address = settings.email_test_recipient or str(letter.recipient["email"])
    headers = MessageHeaders(
        sender=Mailbox(
            f"{supporter} {_via(organisation, letter.language)}", settings.email_from_address
        ),
        reply_to=Mailbox(
            supporter, reply_address(settings, letter.id) if reply_capture else action.email
        ),
        to=Mailbox(official, to_address),
        subject=letter.subject,
        message_id=message_id(settings, letter.id),
        language=letter.language,
    )
    footer = letter_footer(action, organisation, letter.language, reply_capture)
    message = build_message(
        headers,
        f"{letter.body_text.rstrip()}\n\n-- \n{footer}\n",
        f'{letter.body_html}\n<hr>\n<p style="font-size:small;color:#555">{escape(footer)}</p>',
    )
    return message, Envelope(bounce_address(settings, letter.id), [to_address])


def copy_message(
    letter: Letter, action: Action, settings: Settings, organisation: str, footer: str = ""
) -> tuple[EmailMessage, Envelope]:
    """The supporter's copy of the letter they sent; `footer`: who sends it
    (app.auth.identity.email_footer)."""
    heading = {
        "en": f"Here is the letter you sent to {letter.recipient.get('display_name')}:",
        "fr": f"Voici la lettre que vous avez envoyée à {letter.recipient.get('display_name')} :",
    }[_in_language(letter.language)]
    to = settings.email_test_recipient or action.email
    headers = MessageHeaders(
        sender=Mailbox(organisation, settings.email_from_address),
        to=Mailbox(f"{action.first_name} {action.last_name}", to),
        subject=letter.subject,
        message_id=message_id(settings, letter.id, "copy"),
        references=message_id(settings, letter.id),
        language=letter.language,
    )
    message = build_message(headers, with_footer(f"{heading}\n\n{letter.body_text}", footer))
    # Its own return path (the action's): a bounce of the copy is not the letter's.
    return message, Envelope(bounce_address(settings, action.id), [to])


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
    action: Action,
    campaign_title: str,
    letters: int,
    settings: Settings,
    organisation: str,
    footer: str = "",
) -> tuple[EmailMessage, Envelope]:
    """The one email that asks a supporter to confirm their address before their letters go."""
    language = _in_language(action.language)
    subject, text = CONFIRMATION_TEXT[language]
    plural = "s" if letters != 1 else ""
    count = f"{letters} {'lettre' if language == 'fr' else 'letter'}{plural}"
    content = text.format(
        name=action.first_name,
        title=campaign_title,
        count=count,
        link=confirmation_link(settings, action.id),
        days=settings.confirmation_days,
    )
    return supporter_message(
        action, subject, content, (action.id, "confirmation"), settings, organisation, footer
    )


RECEIPT_TEXT = {
    "en": (
        "Your letters about {title}",
        'Hello {name},\n\nThank you for writing about "{title}". Your letters are below, '
        "as the officials will read them.\n\nFollow them, read them again or stop one "
        "before it leaves, on your letters page:\n\n{link}\n\n{hold}Keep this email to "
        "yourself: whoever has the link can see and stop your letters.\n",
        "They wait {minutes} minutes before they may leave (an office may take its "
        "letters later: in its office hours, or all together once a day); until one has "
        "left, you can stop it there.\n\n",
        "To: {recipient}\nSubject: {subject}\n\n{text}",
    ),
    "fr": (
        "Vos lettres au sujet de {title}",
        "Bonjour {name},\n\nMerci d'avoir écrit au sujet de « {title} ». Voici vos lettres, "
        "telles que les élus les liront.\n\nSuivez-les, relisez-les ou arrêtez-en une "
        "avant son départ, sur la page de vos lettres :\n\n{link}\n\n{hold}Gardez ce "
        "courriel pour vous : qui a le lien peut voir vos lettres et les arrêter.\n",
        "Elles attendent {minutes} minutes avant de pouvoir partir (un bureau peut "
        "recevoir ses lettres plus tard : à ses heures d'ouverture, ou toutes ensemble une "
        "fois par jour) ; tant qu'une lettre n'est pas partie, vous pouvez l'arrêter sur "
        "cette page.\n\n",
        "À : {recipient}\nObjet : {subject}\n\n{text}",
    ),
}


def receipt_message(
    action: Action,
    campaign_title: str,
    hold_minutes: int,
    letters: list[Letter],
    settings: Settings,
    organisation: str,
) -> tuple[EmailMessage, Envelope]:
    """The supporter's receipt, once their letters may go: a copy of each letter and the
    link to their letters page (app.web.letters_page)."""
    language = _in_language(action.language)
    subject, text, hold, each = RECEIPT_TEXT[language]
    copies = [
        each.format(
            recipient=letter.recipient.get("display_name") or "",
            subject=letter.subject,
            text=letter.body_text.rstrip(),
        )
        for letter in letters
    ]
    content = text.format(
        name=action.first_name,
        title=campaign_title,
        link=letters_page_link(settings, action.id),
        hold=hold.format(minutes=hold_minutes) if hold_minutes else "",
    )
    separator = "\n\n" + "-" * 40 + "\n\n"
    return supporter_message(
        action,
        subject.format(title=campaign_title),
        content + separator + separator.join(copies) + "\n",
        (action.id, "receipt"),
        settings,
        organisation,
    )


def supporter_message(
    action: Action,
    subject: str,
    content: str,
    about: tuple[str, str],
    settings: Settings,
    organisation: str,
    footer: str = "",
) -> tuple[EmailMessage, Envelope]:
    """An email from us to the supporter of `action` (a confirmation, a notice): its
    Message-ID and bounce address are made from `about`: the id it is about and its purpose.
    `footer` says who sends it and how to reach them (app.auth.identity.email_footer)."""
    about_id, purpose = about
    to = settings.email_test_recipient or action.email
    headers = MessageHeaders(
        sender=Mailbox(organisation, settings.email_from_address),
        to=Mailbox(f"{action.first_name} {action.last_name}", to),
        subject=subject,
        message_id=message_id(settings, about_id, purpose),
        language=_in_language(action.language),
    )
    message = build_message(headers, with_footer(content, footer))
    return message, Envelope(bounce_address(settings, about_id), [to])


def with_footer(content: str, footer: str) -> str:
    """`content`, then the footer below a signature separator, when there is one."""
    if not footer:
        return content
    return f"{content.rstrip()}\n\n-- \n{footer}\n"


def eml_path(folder: Path, message_id: str) -> Path:
    """Where the file backend keeps a message: named by its Message-ID (so erasure and
    retention find a letter's files from its id)."""
    return folder / f"{message_id.strip('<>').split('@')[0]}.eml"


def _own_key_only(data: bytes, own: DkimKey | None = None) -> bytes:
    return dkim_signed(data, own)


class FileBackend:
    """Each message an .eml file in a folder (the embedded default): named by its
    Message-ID, so a letter sent twice is one file. `sign` adds the DKIM signature to
    the bytes written (app.delivery.dkim)."""

    def __init__(self, folder: Path, sign: Sign = _own_key_only) -> None:
        self.folder = folder
        self.sign = sign
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage, envelope: Envelope) -> None:
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(descriptor, "wb") as file:
            file.write(self.sign(wire_bytes(message), envelope.dkim))
        os.replace(temporary, eml_path(self.folder, str(message["Message-ID"])))

    def close(self) -> None:
        pass


class SMTPBackend:
    """SMTP with one reused connection per sending thread. A 4xx reply or a connection
    that fails is temporary; a 5xx reply is permanent, and its text is the reason."""

    def __init__(self, settings: Settings, sign: Sign = _own_key_only) -> None:
        self.settings = settings
        self.sign = sign
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
        # The bytes checked when the message was built, as they are (send_message would
        # write the message again, with its own folding).
        options = ["SMTPUTF8", "BODY=8BITMIME"] if message.policy.utf8 else []  # type: ignore[attr-defined]
        try:
            connection = self._connection()
        except (smtplib.SMTPException, OSError) as error:
            raise RelayUnreachable(f"{type(error).__name__}: {error}") from None
        try:
            connection.ehlo_or_helo_if_needed()
            if options and not connection.has_extn("smtputf8"):
                raise PermanentFailure("the server cannot take non-ASCII addresses (SMTPUTF8)")
            refused = connection.sendmail(
                envelope.sender,
                envelope.recipients,
                self.sign(wire_bytes(message), envelope.dkim),
                mail_options=options,
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
        return SMTPBackend(settings, signer(settings))
    return FileBackend(settings.outbox_dir, signer(settings))
