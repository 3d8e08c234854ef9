"""`letterdesk inbound-smtp`: an SMTP listener (aiosmtpd) for bounces, auto-replies and
replies,
for an installation whose MTA relays them by SMTP rather than a pipe. A recipient that is
not one of our addresses is refused at RCPT (550), so nothing else is accepted and no
bounce of a bounce is ever made; each message accepted is received as `letterdesk
inbound` receives it, before the 250."""

import asyncio
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.delivery.email import TemporaryFailure, email_backend
from app.inbound.addresses import id_of_bounce_address, id_of_reply_address
from app.inbound.service import receive
from app.settings import Settings

# Bounces quote the letter; a message larger than this is not one of ours.
MAX_MESSAGE_BYTES = 10_000_000


class InboundHandler:
    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings
        # What forwards replies to supporters.
        self.backend = email_backend(settings)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        ours = id_of_bounce_address(self.settings, address) or id_of_reply_address(
            self.settings, address
        )
        if ours is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        try:
            outcome = await asyncio.to_thread(self._receive, raw, list(envelope.rcpt_tos))
        except (SQLAlchemyError, TemporaryFailure):
            return "451 4.3.0 Try again later"  # the sending MTA keeps it and retries
        return f"250 OK {outcome}"

    def _receive(self, raw: bytes, recipients: list[str]) -> str:
        with self.sessions() as session:
            return receive(session, self.settings, raw, recipients, self.backend.send).kind


def listener(
    sessions: sessionmaker[Session], settings: Settings, host: str, port: int
) -> Controller:
    """A started-when-asked SMTP server on host:port (`.start()`, `.stop()`)."""
    return Controller(
        InboundHandler(sessions, settings),
        hostname=host,
        port=port,
        data_size_limit=MAX_MESSAGE_BYTES,
        enable_SMTPUTF8=True,
    )
