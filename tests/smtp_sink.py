"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can be told
how to answer the next messages: accept, refuse for now (4xx), refuse (5xx), or hang up."""

import asyncio
import email
import email.policy
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from ipaddress import ip_address
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    over_tls: bool = False
    authenticated: bool = False
    # The message as it arrived, byte for byte: what a strict parser reads back.
    raw: bytes = b""


@dataclass
class SinkHandler:
    received: list[Received] = field(default_factory=list)
    # The Message-ID of every message offered, accepted or not.
    offered: list[str] = field(default_factory=list)
    # Answers for the next messages, in order: "250 ...", "451 ...", "550 ...", "drop",
    # or "hold" (accepted once `released` is set: a slow message).
    script: list[str] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        offered = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            answer = self.script.pop(0) if self.script else "250 OK"
            self.offered.append(str(offered["Message-ID"]))
        if answer == "hold":
            while not self.released.is_set():
                await asyncio.sleep(0.01)
            answer = "250 OK"
        if answer == "drop":
            server.transport.close()
            return "421 closing"
        if answer.startswith("250"):
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            with self.lock:
                self.received.append(
                    Received(
                        envelope.mail_from,
                        list(envelope.rcpt_tos),
                        parsed,
                        over_tls=session.ssl is not None,
                        authenticated=bool(session.authenticated),
                        raw=envelope.original_content or envelope.content,
                    )
                )
        return answer

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(item.message["Message-ID"]) for item in self.received]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate for `host` (an address or a name) and its key, made now: what a test
    server presents."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    try:
        alternative: x509.GeneralName = x509.IPAddress(ip_address(host))
    except ValueError:
        alternative = x509.DNSName(host)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([alternative]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_file, key_file = folder / f"{host}.pem", folder / f"{host}.key"
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate_file, key_file


@dataclass
class Login:
    """Accepts one username and password, only over TLS (aiosmtpd's default)."""

    username: bytes
    password: bytes

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.username,
            self.password,
        )
        return AuthResult(success=ok)


@contextmanager
def smtp_sink(
    certificate: tuple[Path, Path] | None = None, login: Login | None = None
) -> Iterator[tuple[SinkHandler, int]]:
    """The sink; with a certificate it requires STARTTLS, and with a login, AUTH."""
    handler = SinkHandler()
    port = _free_port()
    options: dict[str, Any] = {}
    if certificate:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        options |= {"tls_context": context, "require_starttls": True}
    if login:
        options |= {"authenticator": login, "auth_required": True}
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True, **options
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
