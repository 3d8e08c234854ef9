"""The signature partners check (as Stripe's): `Letterdesk-Signature: t=<unix>,v1=<hex>`,
v1 = HMAC-SHA256(secret, f"{t}.{raw body}"), one v1 per secret that signs (two during a
rotation)."""

import hashlib
import hmac

SIGNATURE_HEADER = "Letterdesk-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    return ",".join(
        [f"t={timestamp}", *(f"v1={signature(secret, timestamp, body)}" for secret in secrets)]
    )
