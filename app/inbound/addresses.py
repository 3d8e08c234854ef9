"""The per-message addresses that mail comes back to: the envelope sender of each email
(VERP, `bounces+<token>@<bounce domain>`), where bounces and auto-replies arrive.

The token names the letter (or action) the email was about, encrypted and authenticated
with AES-SIV under a key derived from the service's secret: opaque (it reveals no id,
not even when it was made) and verifiable (a token we did not make, or one changed by a
character, is refused without asking the database). Deterministic: a letter sent again
has the same address. Lower-case base32, since mail systems may change the case of a
local part; 55 characters, so the local part stays within SMTP's 64."""

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.ids import is_well_formed
from app.settings import Settings, secret_key

BOUNCE_TAG = "bounces"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _cipher(settings: Settings, purpose: str) -> AESSIV:
    key = HKDF(
        algorithm=hashes.SHA256(), length=64, salt=None, info=f"letterdesk {purpose}".encode()
    ).derive(secret_key(settings).encode())
    return AESSIV(key)


def _packed(any_id: str) -> bytes:
    """An id ("ltr_01J...") as 18 bytes: its prefix in two, its 128-bit value in 16."""
    prefix, _, digits = any_id.partition("_")
    number = 0
    for letter in prefix:
        number = number * 26 + _LETTERS.index(letter)
    value = 0
    for digit in digits:
        value = value * 32 + _CROCKFORD.index(digit)
    return number.to_bytes(2, "big") + value.to_bytes(16, "big")


def _unpacked(packed: bytes) -> str:
    number, value = int.from_bytes(packed[:2], "big"), int.from_bytes(packed[2:], "big")
    prefix = ""
    for _ in range(3):
        number, letter = divmod(number, 26)
        prefix = _LETTERS[letter] + prefix
    digits = ""
    for _ in range(26):
        value, digit = divmod(value, 32)
        digits = _CROCKFORD[digit] + digits
    return f"{prefix}_{digits}"


def address_token(settings: Settings, any_id: str, purpose: str) -> str:
    if not is_well_formed(any_id):
        raise ValueError(f"{any_id!r} is not an id")
    sealed = _cipher(settings, purpose).encrypt(_packed(any_id), None)
    return base64.b32encode(sealed).decode().rstrip("=").lower()


def id_of_token(settings: Settings, token: str, purpose: str) -> str | None:
    """The id a token of ours names, or None for anything else."""
    padded = token.upper() + "=" * (-len(token) % 8)
    try:
        sealed = base64.b32decode(padded)
        if base64.b32encode(sealed).decode() != padded:  # spare bits set: not one we wrote
            return None
        packed = _cipher(settings, purpose).decrypt(sealed, None)
    except (binascii.Error, ValueError, InvalidTag):
        return None
    return _unpacked(packed) if len(packed) == 18 else None


def verp_address(settings: Settings, any_id: str) -> str:
    """The envelope sender of an email about `any_id` (a letter, an action)."""
    return f"{BOUNCE_TAG}+{address_token(settings, any_id, 'verp')}@{settings.bounce_domain}"


def id_of_address(settings: Settings, address: str, tag: str, domain: str) -> str | None:
    """The id named by `<tag>+<token>@<domain>` (any case), or None."""
    local, at, host = address.strip().strip("<>").rpartition("@")
    wanted_tag, plus, token = local.partition("+")
    if not at or not plus or wanted_tag.lower() != tag or host.lower() != domain.lower():
        return None
    return id_of_token(settings, token, "verp" if tag == BOUNCE_TAG else tag)


def id_of_bounce_address(settings: Settings, address: str) -> str | None:
    return id_of_address(settings, address, BOUNCE_TAG, settings.bounce_domain)


REPLY_TAG = "replies"


def reply_domain(settings: Settings) -> str:
    return settings.reply_domain or settings.bounce_domain


def reply_address(settings: Settings, letter_id: str) -> str:
    """The Reply-To of a letter whose campaign captures replies; its own key, so that a
    return path's token is no reply address, nor the other way round."""
    token = address_token(settings, letter_id, REPLY_TAG)
    return f"{REPLY_TAG}+{token}@{reply_domain(settings)}"


def id_of_reply_address(settings: Settings, address: str) -> str | None:
    return id_of_address(settings, address, REPLY_TAG, reply_domain(settings))
