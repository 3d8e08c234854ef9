"""Nothing a supporter types, and nothing in the directory, can change an email's headers.

Each hostile name goes into a letter, its supporter's copy and a confirmation email, built
as the worker builds them and sent through a real SMTP server on loopback; what arrived is
parsed back byte for byte with the stdlib's strict parser and must hold exactly the
headers we wrote, one From (ours), the supporter's Reply-To, the official's To, and the
name as typed when decoded as a mail client decodes it (RFC 2047: the space between two
encoded words is not text)."""

import email.policy
import re
from collections import Counter
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db import utcnow
from app.delivery.email import (
    Envelope,
    Mailbox,
    MessageHeaders,
    SMTPBackend,
    UnsafeMessage,
    check_message,
    confirmation_message,
    copy_message,
    letter_message,
    receipt_message,
)
from app.letters.models import Action, Letter
from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.smtp_sink import Received, SinkHandler, smtp_sink

FROM_ADDRESS = "letters@letterdesk.localhost"
ORGANISATION = "Amnistie internationale Canada"

# Names the API accepts (one line, at most 300 characters, no control characters).
TYPABLE = [
    # The three of the review.
    ("=?utf-8?q?Evil=0D=0ABcc:_x@evil.example?=", "Doe"),
    ('Evil <a@evil.example>, "Bob" <b@evil.example>', "Doe"),
    ("A" * 77, "Tremblay"),
    ("Amélie", "B" * 78),
    # Encoded words in other charsets and both encodings, where they may be decoded.
    ("=?iso-8859-1?q?Evil=0ABcc=3A_x@evil.example?=", "Doe"),
    ("=?UTF-8?B?RXZpbA0KQmNjOiB4QGV2aWwuZXhhbXBsZQ==?=", "Doe"),
    ("=?us-ascii?Q?Evil=0D=0ATo:_y@evil.example?=", "Doe"),
    ("=?windows-1252?q?x=0D=0A=0D=0Abody?=", "Doe"),
    ("=?utf-16?b?AEUAdgBpAGwADQAKAEIAYwBjADoAIAB4AEAAZQB2AGkAbAAuAGUAeABhAG0AcABsAGU=?=", "D"),
    ("=?utf-8*en?q?Evil=0D=0ABcc:_x@evil.example?=", "Doe"),
    ("=?utf-8?q?a?==?utf-8?q?b?=", "=?utf-8?q?=0D=0A?= =?utf-8?q?c?="),
    ('"=?utf-8?q?x=0D=0ABcc:_y@evil.example?="', "Doe"),
    ("=?", "?="),
    ("=?utf-8?q?", "Doe?="),
    ("=?utf-8?q?Am=C3=A9lie?=", "Tremblay"),
    # Quotes, backslashes and the specials of an address.
    ('"\\"Bob\\" <b@evil.example>"', "Doe"),
    ('a"b"c', '"'),
    ("\\", 'back\\slash\\"quote'),
    ("a; b", "c;d"),
    ("a: b@evil.example;", "Doe"),
    ("undisclosed-recipients:;", "x"),
    ("(comment) Bob", "Doe (x@evil.example)"),
    ("((nested) comment", ")"),
    ("a@b.example", "<>"),
    ("<a@evil.example>", "x, y"),
    ("Mr. Smith, Jr.", "O'Brien"),
    ("Bcc: x@evil.example", "To: y@evil.example"),
    ("\\r\\nBcc: x@evil.example", "%0d%0aBcc:"),
    ("\uff1ca@evil.example\uff1e", "\uff22\uff43\uff43\uff1ax"),  # fullwidth <, >, Bcc:
    # Long words with no space to fold at, in several scripts.
    ("x" * 300, "y" * 300),
    ("é" * 300, "漢" * 300),
    ("🙂" * 300, "Ω" * 300),
    ("a" * 60 + "é" * 60, "=?" * 150),
    # Mixed scripts, right-to-left scripts (without marks), combining marks.
    ("Амелия", "Tremblay"),
    ("أميلي", "ترمبلاي"),
    ("עמלי", "Tremblay"),
    ("李", "小龍"),
    ("Nguyễn Thị", "Minh Khai"),
    ("Ῥόδος", "Zoë"),
    ("Jean  Paul", "de  la   Fontaine"),
]

# Names the API refuses, which can still reach a builder through another path (an import,
# an old row): control characters, line separators, bidirectional overrides. They are
# shown as U+FFFD, never passed on.
UNTYPABLE = [
    ("Evil\r\nBcc: x@evil.example", "Doe"),
    ("Evil\nBcc: x@evil.example", "\rTo: y@evil.example"),
    ("\x00", "nul\x00"),
    ("\x0b\x0c", "\x1c\x1d\x1e"),
    ("\x85Bcc: x", "\u2028Bcc: y\u2029"),
    ("\u202egro.live@evil", "\u200fDoe\u200e"),
    ("tab\there", "\x7f"),
]

UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def as_shown(text: str) -> str:
    return UNSAFE.sub("\ufffd", text)


def build_letter(
    letter: Letter, action: Action, settings: Settings
) -> tuple[EmailMessage, Envelope]:
    return letter_message(letter, action, settings, ORGANISATION)


def build_copy(letter: Letter, action: Action, settings: Settings) -> tuple[EmailMessage, Envelope]:
    return copy_message(letter, action, settings, ORGANISATION)


def build_confirmation(
    letter: Letter, action: Action, settings: Settings
) -> tuple[EmailMessage, Envelope]:
    return confirmation_message(action, letter.subject, 2, settings, ORGANISATION)


def build_receipt(
    letter: Letter, action: Action, settings: Settings
) -> tuple[EmailMessage, Envelope]:
    """The campaign's title is the hostile subject: the receipt's subject names it."""
    return receipt_message(action, letter.subject, 5, [letter], settings, ORGANISATION)


@pytest.fixture(scope="module")
def module_sink() -> Iterator[tuple[SinkHandler, int]]:
    with smtp_sink() as running:
        yield running


@pytest.fixture(scope="module")
def mail(module_sink: tuple[SinkHandler, int]) -> Iterator[tuple[SinkHandler, SMTPBackend]]:
    settings = Settings(
        email_backend="smtp",
        smtp_port=module_sink[1],
        secret_key="test-secret",
        email_from_address=FROM_ADDRESS,
        _env_file=None,
    )
    backend = SMTPBackend(settings)
    yield module_sink[0], backend
    backend.close()


def unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value)


def decoded_phrase(phrase: str) -> str:
    """A display name as a mail client reads it (RFC 5322 quoting, RFC 2047 words)."""
    phrase = phrase.strip()
    if len(phrase) > 1 and phrase.startswith('"') and phrase.endswith('"'):
        return re.sub(r"\\(.)", r"\1", phrase[1:-1])
    return str(make_header(decode_header(phrase)))


def mailbox(parsed: EmailMessage, name: str) -> tuple[str, str]:
    """The one mailbox of an address header: its display name, decoded, and its address.
    The address is compared as text (an address beyond ASCII arrives as UTF-8 bytes)."""
    header = parsed[name]
    assert len(header.groups) == 1 and header.groups[0].display_name is None, header.groups
    (address,) = header.addresses
    addr_spec = address.addr_spec.encode("ascii", "surrogateescape").decode()
    raw = unfold(dict(parsed.raw_items())[name])
    raw = raw.encode("ascii", "surrogateescape").decode()
    assert raw.endswith(f"<{addr_spec}>"), raw
    return decoded_phrase(raw[: -len(addr_spec) - 2]), addr_spec


def read_back(received: Received) -> EmailMessage:
    parsed = BytesParser(policy=email.policy.strict).parsebytes(received.raw)
    assert isinstance(parsed, EmailMessage)
    return parsed


# Well formed, as every id is: the return path is made from it.
ACTION_ID, LETTER_ID = "act_01JDQ9X5V6W7Y8Z9A0B1C2D3E4", "ltr_01JDQ9X5V6W7Y8Z9A0B1C2D3E5"


def supporter_action(first: str, last: str, email: str = "amelie@example.org") -> Action:
    return Action(
        id=ACTION_ID, organisation_id="org_01", campaign_id="cmp_01", first_name=first,
        last_name=last, email=email, email_key=email, street_address="1 Rue",
        city="Gatineau", province="QC", postal_code="J8X 1A1", phone=None, language="fr",
        intro="Intro.", concern=None, ask=None, intro_hash="h", consent_to_contact=False,
        created_at=utcnow(), confirmed_at=None,
    )  # fmt: skip


def official_letter(official: str, subject: str, to: str = "marc.miller@parl.gc.ca") -> Letter:
    return Letter(
        id=LETTER_ID, organisation_id="org_01", campaign_id="cmp_01", action_id=ACTION_ID,
        recipient={"display_name": official, "email": to}, channel="email", status="sending",
        language="fr", subject=subject, salutation="Monsieur le Ministre,",
        body_text="Monsieur le Ministre,\n\nJe vous écris.\n",
        content_hash="h",
    )  # fmt: skip


def sent(
    mail: tuple[SinkHandler, SMTPBackend], message: tuple[EmailMessage, Envelope]
) -> tuple[EmailMessage, EmailMessage]:
    """What arrived at the sink, parsed back strictly, and what we built."""
    handler, backend = mail
    before = len(handler.received)
    backend.send(*message)
    assert len(handler.received) == before + 1
    return read_back(handler.received[-1]), message[0]


def header_problems(
    parsed: EmailMessage, built: EmailMessage, expected: dict[str, tuple[str, str] | str]
) -> list[str]:
    """Everything wrong with a message read back: empty when it holds."""
    problems = []
    if Counter(parsed.keys()) != Counter(built.keys()):
        problems.append(f"headers {parsed.keys()} instead of {built.keys()}")
    for name, want in expected.items():
        try:
            got: tuple[str, str] | str = (
                str(parsed[name]) if isinstance(want, str) else mailbox(parsed, name)
            )
        except (AssertionError, ValueError, TypeError, KeyError) as error:
            problems.append(f"{name}: {error!r}")
            continue
        if got != want:
            problems.append(f"{name}: {got!r} instead of {want!r}")
        defects = [d for d in getattr(parsed[name], "defects", ()) if not _non_ascii(d)]
        if defects:
            problems.append(f"{name} defects: {defects}")
    return problems


def _non_ascii(defect: Exception) -> bool:
    """What the stdlib says of a UTF-8 address (SMTPUTF8), which is no fault of ours."""
    return type(defect).__name__ in {"NonASCIILocalPartDefect", "UndecodableBytesDefect"}


# The headers each message has, and no other.
HEADER_NAMES = {
    "letter": [
        "From", "Reply-To", "To", "Subject", "Date", "Message-ID", "MIME-Version",
        "Content-Type", "Content-Language",
    ],
    "copy": [
        "From", "To", "Subject", "Date", "Message-ID", "References", "Content-Type",
        "Content-Transfer-Encoding", "MIME-Version", "Content-Language",
    ],
    "confirmation": [
        "From", "To", "Subject", "Date", "Message-ID", "Content-Type",
        "Content-Transfer-Encoding", "MIME-Version", "Content-Language",
    ],
}  # fmt: skip
HEADER_NAMES["receipt"] = HEADER_NAMES["confirmation"]

KINDS = {
    "letter": build_letter,
    "copy": build_copy,
    "confirmation": build_confirmation,
    "receipt": build_receipt,
}
SUBJECTS = {"copy": "{subject}", "receipt": "Vos lettres au sujet de {subject}"}


def expected_headers(kind: str, first: str, last: str, subject: str) -> dict[str, Any]:
    supporter = as_shown(f"{first} {last}")
    if kind == "letter":
        return {
            "From": (f"{supporter} par l'intermédiaire d'{ORGANISATION}", FROM_ADDRESS),
            "Reply-To": (supporter, "amelie@example.org"),
            "To": (as_shown(f"{last} {first}"), "marc.miller@parl.gc.ca"),
            "Subject": as_shown(subject),
        }
    return {
        "From": (ORGANISATION, FROM_ADDRESS),
        "To": (supporter, "amelie@example.org"),
    } | ({"Subject": as_shown(SUBJECTS[kind].format(subject=subject))} if kind in SUBJECTS else {})


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("first", "last"), TYPABLE + UNTYPABLE)
def test_no_name_changes_the_headers(
    mail: tuple[SinkHandler, SMTPBackend], kind: str, first: str, last: str
) -> None:
    """The supporter's name in From, Reply-To and To; the official's in To; a subject
    made of both: each arrives as typed and adds nothing."""
    subject = f"{first} {last}"
    action = supporter_action(first, last)
    letter = official_letter(f"{last} {first}", subject)
    mail_settings = Settings(email_from_address=FROM_ADDRESS, secret_key="s", _env_file=None)
    parsed, built = sent(mail, KINDS[kind](letter, action, mail_settings))
    assert header_problems(parsed, built, expected_headers(kind, first, last, subject)) == []
    assert Counter(parsed.keys()) == Counter(HEADER_NAMES[kind])
    assert parsed["Content-Language"] == "fr"


def test_a_message_whose_headers_do_not_read_back_is_refused() -> None:
    """The check itself: a message made as the stdlib makes it, from the review's first
    name, gains a Bcc when read back, and is refused with the reason."""
    name = "=?utf-8?q?Evil=0D=0ABcc:_x@evil.example?= Doe"
    message = EmailMessage(policy=email.policy.default)
    message["From"] = Address(name, "letters", "letterdesk.localhost")
    message["To"] = "Marc Miller <marc.miller@parl.gc.ca>"
    message["Subject"] = "Annuler"
    message.set_content("Bonjour")
    headers = MessageHeaders(
        sender=Mailbox(name, FROM_ADDRESS),
        to=Mailbox("Marc Miller", "marc.miller@parl.gc.ca"),
        subject="Annuler",
        message_id="<x@letterdesk.localhost>",
    )
    with pytest.raises(UnsafeMessage, match="Bcc"):
        check_message(message, headers)


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int]) -> Settings:
    return settings.model_copy(
        update={"email_backend": "smtp", "smtp_port": sink[1], "worker_poll_seconds": 0.05}
    )


def _link_in(message: EmailMessage) -> str:
    text = str(message.get_content())
    line = next(line for line in text.splitlines() if "/confirm?token=" in line)
    return line.strip().removeprefix("http://127.0.0.1:8000")


def test_the_reviews_names_arrive_as_typed_through_the_api(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    """The three names of the review, taken through the API: the confirmation email and
    then each letter, sent by the worker to a real SMTP server and read back strictly."""
    handler, _ = sink
    renamed = client.patch(
        "/v1/organisation", json={"email_name": ORGANISATION}, headers=caller.headers
    )
    assert renamed.status_code == 200
    make_directory(client, caller)
    make_campaign(client, caller, confirm_email=True)
    letters: dict[str, dict[str, Any]] = {}
    for number, (first, last) in enumerate(TYPABLE[:4]):
        supporter = {"first_name": first, "last_name": last, "email": f"s{number}@example.org"}
        body = action_body(language="fr", supporter=supporter)
        response = client.post("/v1/campaigns/rescind-stca/actions", json=body)
        assert response.status_code == 201, response.text
        letters |= {letter["id"]: letter for letter in response.json()["letters"]}
    deliver_all(client, mail_settings)
    assert len(handler.received) == 4
    supporters = {(f"{f} {la}", f"s{n}@example.org") for n, (f, la) in enumerate(TYPABLE[:4])}
    confirmed = set()
    for received in handler.received:
        parsed = read_back(received)
        assert Counter(parsed.keys()) == Counter(HEADER_NAMES["confirmation"])
        assert mailbox(parsed, "From") == (ORGANISATION, FROM_ADDRESS)
        confirmed.add(mailbox(parsed, "To"))
        link = _link_in(parsed)  # the page asks; its button (a POST) confirms
        assert client.get(link).status_code == 200
        page, _, token = link.partition("?token=")
        assert client.post(page, data={"token": token}).status_code == 200
    assert confirmed == supporters
    deliver_all(client, mail_settings)
    assert len(handler.received) == 4 + len(letters)
    for received in handler.received[4:]:
        parsed = read_back(received)
        assert Counter(parsed.keys()) == Counter(HEADER_NAMES["letter"])
        assert parsed["Content-Language"] == "fr"
        name, reply_to = mailbox(parsed, "Reply-To")
        assert mailbox(parsed, "From") == (
            f"{name} par l'intermédiaire d'{ORGANISATION}",
            FROM_ADDRESS,
        )
        assert (name, reply_to) in supporters
        official, to = mailbox(parsed, "To")
        assert received.recipients == [to]
        assert any(letter["recipient"]["display_name"] == official for letter in letters.values())
        text = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
        footer = f"{name} a demandé à {ORGANISATION} d'envoyer cette lettre en son nom"
        assert footer in " ".join(text.split())
        assert "Son adresse courriel a été confirmée" in " ".join(text.split())
        assert "Son adresse courriel a été confirmée" in " ".join(html.split())


def test_an_address_that_cannot_be_written_fails_the_letter_and_sends_nothing(
    client: TestClient,
    caller: Caller,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    """An official's address that came by another path than the API (an old row, a
    direct import) and would add a recipient: the letter fails with the reason, and
    nothing reaches the server."""
    handler, _ = sink
    make_directory(client, caller)
    make_campaign(client, caller)
    response = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert response.status_code == 201
    sessions = client.app.state.sessionmaker  # type: ignore[attr-defined]
    with sessions() as session:
        for row in session.scalars(select(Letter)):
            row.recipient = row.recipient | {"email": "mp@parl.gc.ca>, <x@evil.example"}
        session.commit()
    deliver_all(client, mail_settings)
    assert handler.received == [] and handler.offered == []
    for item in response.json()["letters"]:
        detail = client.get(f"/v1/letters/{item['id']}", headers=caller.headers).json()
        assert detail["status"] == "failed"
        assert "cannot be written in a header" in detail["failed_reason"]


def test_the_name_emails_show_is_the_organisations_setting(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    shown = client.get("/v1/organisation", headers=caller.headers).json()
    assert shown["email_name"] is None and shown["name_in_email"] == shown["name"]
    renamed = client.patch(
        "/v1/organisation", json={"email_name": " Amnistie "}, headers=caller.headers
    )
    assert renamed.status_code == 200
    assert renamed.json()["name_in_email"] == "Amnistie"
    for bad in ["a" * 201, "Amnistie\nBcc: x@evil.example", 5]:
        refused = client.patch("/v1/organisation", json={"email_name": bad}, headers=caller.headers)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "email_name"
    reset = client.patch("/v1/organisation", json={"email_name": None}, headers=caller.headers)
    assert reset.json()["name_in_email"] == shown["name"]
    reader = make_caller(["letters:read"], organisation_id=caller.organisation_id)
    assert client.patch("/v1/organisation", json={}, headers=reader.headers).status_code == 403
