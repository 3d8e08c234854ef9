"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can be told
how to answer the next messages: accept, refuse for now (4xx), refuse (5xx), or hang up."""

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SinkHandler:
    received: list[Received] = field(default_factory=list)
    # Answers for the next messages, in order: "250 ...", "451 ...", "550 ...", or "drop".
    script: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            answer = self.script.pop(0) if self.script else "250 OK"
        if answer == "drop":
            server.transport.close()
            return "421 closing"
        if answer.startswith("250"):
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            with self.lock:
                self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return answer

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(item.message["Message-ID"]) for item in self.received]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_sink() -> Iterator[tuple[SinkHandler, int]]:
    handler = SinkHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
