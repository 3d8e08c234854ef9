"""DKIM signatures (RFC 6376) on every email we send, made by dkimpy.

Government mail gateways reject or quarantine mail that is not authenticated: the
signature, made with the organisation's key and published under its selector, is what
lets a receiver's DMARC check pass for our From domain. The signature covers the exact
bytes a backend sends (or writes): it is added last, in front of them."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import dkim

from app.settings import Settings

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


def signer(settings: Settings) -> Callable[[bytes], bytes]:
    """What a backend applies to a message's bytes just before they leave."""
    return partial(dkim_signed, key=dkim_key(settings))
