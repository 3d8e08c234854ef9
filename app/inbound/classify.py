"""What a message that came back to us is: a bounce (permanent), a delay (temporary), an
auto-reply, or something else. Bounces are recognised by flufl.bounce (GNU Mailman's
detectors: RFC 3464 delivery status notifications first, then the non-standard formats
of Exim, Postfix, qmail, Exchange, Yahoo and others); auto-replies by RFC 3834's
Auto-Submitted and the de facto headers older responders still use instead."""

import codecs
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import Message
from typing import Literal

from flufl.bounce import all_failures

Kind = Literal["bounce", "delay", "auto_reply", "other"]
REASON_MAX = 1000
# Headers that older or non-conforming responders set instead of Auto-Submitted.
AUTO_REPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder")
# Out-of-office responders that set no header at all still say so in the subject, in
# English or French.
AUTO_REPLY_SUBJECTS = (
    "automatic reply:",
    "auto-reply:",
    "autoreply:",
    "out of office",
    "réponse automatique",
    "absence du bureau",
)


def header_text(message: Message, name: str) -> str:
    """A header as text, one line: RFC 2047 encoded words decoded, and raw 8-bit bytes
    (which the lenient reader labels unknown-8bit) read as UTF-8."""
    value = message.get(name)
    if value is None:
        return ""
    try:
        pieces = decode_header(value)
    except (HeaderParseError, ValueError):
        return " ".join(str(value).split())
    text = "".join(
        piece.decode(_charset(charset), "replace") if isinstance(piece, bytes) else piece
        for piece, charset in pieces
    )
    return " ".join(text.split())


def _charset(charset: str | None) -> str:
    if charset in (None, "unknown-8bit"):
        return "utf-8"
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return "utf-8"


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    reason: str | None = None


def is_delivery_report(message: Message) -> bool:
    """An RFC 3464 report (multipart/report; report-type=delivery-status)."""
    return (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type", "")).lower() == "delivery-status"
    )


def is_auto_reply(message: Message) -> bool:
    """RFC 3834: Auto-Submitted other than "no"; or the older headers and subjects."""
    submitted = str(message.get("auto-submitted", "no")).split(";")[0].strip().lower()
    if submitted != "no":
        return True
    if any(message.get(name) is not None for name in AUTO_REPLY_HEADERS):
        return True
    if str(message.get("precedence", "")).strip().lower() == "auto_reply":
        return True
    return header_text(message, "subject").lower().startswith(AUTO_REPLY_SUBJECTS)


def _report_reasons(message: Message, action: str) -> list[str]:
    """Status and Diagnostic-Code of each recipient block of a delivery report whose
    Action starts with `action` ("fail", "delay")."""
    reasons = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, Message):
                continue
            if not str(block.get("action", "")).lower().startswith(action):
                continue
            said = [str(block.get(name, "")).strip() for name in ("status", "diagnostic-code")]
            recipient = str(block.get("final-recipient", "")).partition(";")[2].strip()
            reasons.append(" ".join(word for word in [recipient, *said] if word))
    return reasons


def _reason(message: Message, addresses: frozenset[bytes], action: str) -> str:
    reasons = _report_reasons(message, action)
    if not reasons:  # a non-standard bounce: its subject and the addresses it names
        named = ", ".join(sorted(address.decode() for address in addresses))
        reasons = [f"{header_text(message, 'subject')} ({named})"]
    return "; ".join(reasons)[:REASON_MAX]


def from_mail_system(message: Message) -> bool:
    """A report by a mail system in a form of its own (RFC 3464, or Exim's
    X-Failed-Recipients), whether or not it also says it is auto-submitted (theirs do)."""
    return is_delivery_report(message) or message.get("x-failed-recipients") is not None


def classify(message: Message) -> Verdict:
    """An auto-reply is never read as a bounce, whatever words its text holds: only a
    mail system's own report, or a bounce that is no auto-reply, goes to the detectors."""
    if not from_mail_system(message) and is_auto_reply(message):
        subject = header_text(message, "subject")
        return Verdict("auto_reply", subject[:REASON_MAX] or None)
    temporary, permanent = all_failures(message)
    if permanent:
        return Verdict("bounce", _reason(message, permanent, "fail"))
    if temporary:
        return Verdict("delay", _reason(message, temporary, "delay"))
    return Verdict("other")
