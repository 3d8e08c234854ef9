"""Field normalisers shared by features."""

import random
import string

import pytest
from email_validator import EmailNotValidError, validate_email

from app.fields import (
    fold,
    normalise_email,
    normalise_postal_code,
    normalise_province,
    reject_control_characters,
    reject_control_characters_but_newlines,
)

ADDRESSES = [
    "Jane.Doe@Example.ORG", "melanie.joly@parl.gc.ca", "user+tag@sub.domain.ca",
    "o'brien@mail.ca", "A@EXAMPLE.COM", "x@localhost", "x@foo.test", "a..b@c.com",
    ".a@c.com", "a.@c.com", "a@-c.com", "a@c-.com", "a@c.c", "a@c.123", "a@xn--bcher-kva.ch",
    "a@foo.local", "a@b.internal", "a@b.onion", "a@b..com", "a@.b.com", "x" * 65 + "@b.com",
    "a@" + "b" * 64 + ".com", "é@b.com", "a@bücher.ch", "a@b.com.", "a@b@c.com", "@b.com",
]  # fmt: skip


def _random_addresses(count: int) -> list[str]:
    chars = string.ascii_letters + string.digits + ".-_+'@"
    generator = random.Random(20261129)
    return [
        "".join(generator.choice(chars) for _ in range(generator.randint(3, 20)))
        + generator.choice(["", ".ca", ".com", ".c", "@x.org", ".test"])
        for _ in range(count)
    ]


def _library_answer(address: str) -> str | None:
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _our_answer(address: str) -> str | None:
    try:
        return normalise_email(address)
    except ValueError:
        return None


@pytest.mark.parametrize("address", ADDRESSES + _random_addresses(3000))
def test_our_email_check_answers_as_email_validator_does(address: str) -> None:
    assert _our_answer(address) == _library_answer(address)


@pytest.mark.parametrize(
    ("given", "expected"), [("k1a0a6", "K1A 0A6"), (" K1A 0A6 ", "K1A 0A6"), ("h2n2c9", "H2N 2C9")]
)
def test_postal_codes_are_normalised(given: str, expected: str) -> None:
    assert normalise_postal_code(given) == expected


@pytest.mark.parametrize("given", ["K\u0661A 0A6", "K1A \uff10A6", "D1A 0A6", "K1A0A"])
def test_a_postal_code_has_ascii_digits_and_canada_posts_letters(given: str) -> None:
    with pytest.raises(ValueError, match="postal code"):
        normalise_postal_code(given)


@pytest.mark.parametrize("given", ["Québec", "quebec", "QC", "Colombie-Britannique", "nunavut"])
def test_provinces_are_known_by_code_and_english_or_french_name(given: str) -> None:
    assert len(normalise_province(given)) == 2


INVISIBLE = [
    "a\rb", "a\nb", "a\tb", "\x00", "a\u200bb", "a\u2028b", "\u202e", "Doe\u202e",
    "a\u202db", "a\u2066b\u2069", "a\u200eb", "a\u200fb", "\ufeffDoe", "a\u2060b",
    "a\u00adb", "a\u034fb", "a\u180eb", "\u200d", "a\u200db", "Doe\u200d",
    "\u200dDoe", "\U0001f469\u200d", "\u200d\U0001f469", "a\u200d\U0001f469",
    "\U0001f469\u200da", "\U0001f469\u200d\u200d\u2695", "\U000e0041", "a\U000e0067\U000e007f",
    "\U0001f3f4\U000e0067\u202e", "\U0001f469\u200d\u202e", "a\u200cb\u200c",
    "\u200c", "1\u200c2", "\u3164", "a\u115fb", "\uffa0", "a\u17b4b",
]  # fmt: skip
# Emoji as people write them: joined with U+200D, with variation selectors, skin tones,
# flags of regional indicators or of tags, keycaps; and ZWNJ inside a Persian word.
EMOJI = [
    "\U0001f469\u200d\u2695\ufe0f", "\U0001f469\U0001f3fd\u200d\u2695\ufe0f",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "\U0001f3f3\ufe0f\u200d\U0001f308", "\U0001f441\ufe0f\u200d\U0001f5e8\ufe0f",
    "\U0001f1e8\U0001f1e6", "\U0001f44d\U0001f3ff", "1\ufe0f\u20e3", "#\ufe0f\u20e3",
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "\u2764\ufe0f\u200d\U0001f525", "\U0001f9d1\u200d\U0001f91d\u200d\U0001f9d1",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    "Je suis infirmi\u00e8re \U0001f469\u200d\u2695\ufe0f \u00e0 Gatineau.",
]  # fmt: skip


@pytest.mark.parametrize("text", INVISIBLE)
def test_control_and_invisible_characters_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        reject_control_characters(text)
    if "\n" not in text:
        with pytest.raises(ValueError, match="control characters"):
            reject_control_characters_but_newlines(f"A line.\n{text}")


@pytest.mark.parametrize("text", EMOJI)
def test_emoji_sequences_pass_in_lines_and_paragraphs(text: str) -> None:
    assert reject_control_characters(text) == text
    assert reject_control_characters_but_newlines(f"A line.\n\n{text}") == f"A line.\n\n{text}"


@pytest.mark.parametrize("text", ["Mélanie Joly", "Mégantic—L'Érable", "O\u2019Brien", "a\u00a0b"])
def test_ordinary_text_passes(text: str) -> None:
    assert reject_control_characters(text) == text


def test_fold_makes_spellings_of_one_name_equal() -> None:
    assert fold("Mégantic—L'Érable") == fold("Megantic-L'Erable") == fold("MÉGANTIC--L\u2019ÉRABLE")
