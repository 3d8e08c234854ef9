"""DKIM signatures (RFC 6376) on every email we send, made by dkimpy.

Government mail gateways reject or quarantine mail that is not authenticated: the
signature, made with the organisation's key and published under its selector, is what
lets a receiver's DMARC check pass for our From domain. The signature covers the exact
bytes a backend sends (or writes): it is added last, in front of them."""

import base64
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Organisation
from app.delivery.models import Delivery
from app.delivery.schemas import DkimKeyOut
from app.errors import invalid_field
from app.sealing import InvalidToken, sealer
from app.settings import Settings

SEALING_PURPOSE = "dkim private key"
log = logging.getLogger("letterdesk.dkim")
MIN_KEY_BITS = 1024  # what RFC 8301 asks a verifier to accept; 2048 is what we suggest
HOST_NAME = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_LABEL = r"[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?"
SELECTOR = re.compile(rf"{_LABEL}(\.{_LABEL})*")

# Signed once more than present, so that no one on the way can add a second one
# that a reader might show instead (RFC 6376 8.15, "oversigning").
OVERSIGNED = (b"from", b"to", b"reply-to", b"subject", b"date", b"message-id")
SIGNED = (
    *OVERSIGNED,
    b"references",
    b"in-reply-to",
    b"content-language",
    b"mime-version",
    b"content-type",
    b"content-transfer-encoding",
)


@dataclass(frozen=True)
class DkimKey:
    """A signing domain (d=), a selector (s=) and the private key in PEM."""

    domain: str
    selector: str
    private_key: bytes


def dkim_key(settings: Settings) -> DkimKey | None:
    """The key of the settings, or None when no selector is set (mail goes unsigned)."""
    if not settings.dkim_selector:
        return None
    if settings.dkim_private_key_file is None:
        raise ValueError(
            "LETTERDESK_DKIM_SELECTOR is set but LETTERDESK_DKIM_PRIVATE_KEY_FILE is not: "
            "name the PEM file of the key whose public half is published under the selector"
        )
    domain = settings.dkim_domain or settings.email_from_address.rpartition("@")[2]
    return DkimKey(
        domain, settings.dkim_selector, Path(settings.dkim_private_key_file).read_bytes()
    )


def dkim_signed(data: bytes, key: DkimKey | None) -> bytes:
    """`data` (a message as CRLF bytes) with its DKIM-Signature header in front; as it
    is without a key. Relaxed canonicalisation of headers and body: gateways that
    re-fold a header or trim trailing spaces do not break the signature."""
    if key is None:
        return data
    present = {
        line.split(b":", 1)[0].strip().lower()
        for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        if line[:1] not in (b" ", b"\t") and b":" in line
    }
    headers = [name for name in SIGNED if name in present]
    headers += [name for name in OVERSIGNED if name in present]
    signature = dkim.sign(
        data,
        key.selector.encode(),
        key.domain.encode(),
        key.private_key,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=headers,
        linesep=b"\r\n",
    )
    return bytes(signature) + data


Sign = Callable[[bytes, DkimKey | None], bytes]


def signer(settings: Settings) -> Sign:
    """What a backend applies to a message's bytes just before they leave: the key the
    message's organisation set (its envelope carries it), else the installation's."""
    installation = dkim_key(settings)

    def sign(data: bytes, own: DkimKey | None = None) -> bytes:
        return dkim_signed(data, own or installation)

    return sign


def aligned(domain: str, from_domain: str) -> bool:
    """Whether a DKIM d= domain aligns with the From domain as DMARC's relaxed mode asks:
    the same domain, or one a subdomain of the other (a parent of two labels at least,
    so that no public suffix such as `ca` aligns with everything under it)."""
    if domain == from_domain:
        return True
    shorter, longer = sorted((domain, from_domain), key=len)
    return shorter.count(".") >= 1 and longer.endswith("." + shorter)


def from_domain(settings: Settings) -> str:
    return settings.email_from_address.rpartition("@")[2].lower()


def checked_private_key(pem: str) -> rsa.RSAPrivateKey:
    """An RSA private key in PEM (PKCS#8 or PKCS#1), unencrypted, of 1024 bits or more."""
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise invalid_field(
            "private_key",
            "must be an unencrypted RSA private key in PEM (-----BEGIN PRIVATE KEY-----)",
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise invalid_field("private_key", "must be an RSA key (DKIM's k=rsa)")
    if key.key_size < MIN_KEY_BITS:
        raise invalid_field("private_key", f"must be of {MIN_KEY_BITS} bits or more (2048 is best)")
    return key


def dns_record(private_key_pem: bytes) -> str:
    """The TXT record that publishes the key's public half: `v=DKIM1; k=rsa; p=...`."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(public).decode()


def set_organisation_key(
    session: Session,
    organisation_id: str,
    domain: str,
    selector: str,
    private_key: str,
    settings: Settings,
) -> Organisation:
    """The organisation's own DKIM key, from now on for all its mail. The domain must
    align with our From address's (DMARC), or receivers would find a signature that
    does not vouch for the From they show."""
    domain, selector = domain.strip().lower().rstrip("."), selector.strip().lower()
    if not HOST_NAME.fullmatch(domain):
        raise invalid_field("domain", "must be a domain name such as mail.example.org")
    if not SELECTOR.fullmatch(selector):
        raise invalid_field("selector", "must be a DNS label such as ld2026")
    if not aligned(domain, from_domain(settings)):
        raise invalid_field(
            "domain",
            f"must align with the From address's domain, {from_domain(settings)} (the same "
            "domain, a subdomain of it, or its parent), so that DMARC passes",
        )
    key = checked_private_key(private_key)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    organisation = session.get_one(Organisation, organisation_id)
    organisation.dkim_domain, organisation.dkim_selector = domain, selector
    organisation.dkim_private_key = sealer(settings, SEALING_PURPOSE).encrypt(pem).decode()
    session.commit()
    return organisation


def clear_organisation_key(session: Session, organisation_id: str) -> None:
    """Back to the installation's key."""
    organisation = session.get_one(Organisation, organisation_id)
    organisation.dkim_domain = organisation.dkim_selector = organisation.dkim_private_key = None
    session.commit()


def organisation_key(organisation: Organisation, settings: Settings) -> DkimKey | None:
    if not (organisation.dkim_domain and organisation.dkim_selector):
        return None
    if not organisation.dkim_private_key:
        return None
    try:
        pem = sealer(settings, SEALING_PURPOSE).decrypt(organisation.dkim_private_key.encode())
    except InvalidToken:  # sealed under another LETTERDESK_SECRET_KEY: set it again
        log.error("organisation %s's DKIM key cannot be unsealed: set it again", organisation.id)
        return None
    return DkimKey(organisation.dkim_domain, organisation.dkim_selector, pem)


def key_of_delivery(session: Session, delivery_id: str, settings: Settings) -> DkimKey | None:
    """The DKIM key of the organisation whose mail the delivery is, if it set one."""
    organisation = session.scalar(
        select(Organisation)
        .join(Delivery, Delivery.organisation_id == Organisation.id)
        .where(Delivery.id == delivery_id)
    )
    return organisation_key(organisation, settings) if organisation is not None else None


def signing_key_of(session: Session, organisation_id: str, settings: Settings) -> DkimKeyOut:
    """What signs the organisation's mail: its own key, else the installation's."""
    own = organisation_key(session.get_one(Organisation, organisation_id), settings)
    key, source = (own, "organisation") if own else (dkim_key(settings), "installation")
    if key is None:
        return DkimKeyOut(source="none", domain=None, selector=None, dns_name=None, dns_record=None)
    return DkimKeyOut(
        source=source,
        domain=key.domain,
        selector=key.selector,
        dns_name=f"{key.selector}._domainkey.{key.domain}",
        dns_record=dns_record(key.private_key),
    )
