"""Field types shared by features: each one validates and normalises a kind of user input."""

import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticKnownError

# Cs: lone surrogates, which JSON can carry but no database can store as text.
_CONTROL_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}

PROVINCES = {
    "AB": ("Alberta", "Alberta"),
    "BC": ("British Columbia", "Colombie-Britannique"),
    "MB": ("Manitoba", "Manitoba"),
    "NB": ("New Brunswick", "Nouveau-Brunswick"),
    "NL": ("Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
    "NS": ("Nova Scotia", "Nouvelle-Écosse"),
    "NT": ("Northwest Territories", "Territoires du Nord-Ouest"),
    "NU": ("Nunavut", "Nunavut"),
    "ON": ("Ontario", "Ontario"),
    "PE": ("Prince Edward Island", "Île-du-Prince-Édouard"),
    "QC": ("Quebec", "Québec"),
    "SK": ("Saskatchewan", "Saskatchewan"),
    "YT": ("Yukon", "Yukon"),
}
_PROVINCE_BY_NAME = {
    name.casefold(): code for code, names in PROVINCES.items() for name in (code, *names)
} | {"que.": "QC", "pq": "QC", "nfld.": "NL", "pei": "PE"}

# A postal code's first letter says its province or territory (Canada Post's regions).
POSTAL_PROVINCES: dict[str, tuple[str, ...]] = {
    "A": ("NL",), "B": ("NS",), "C": ("PE",), "E": ("NB",), "G": ("QC",), "H": ("QC",),
    "J": ("QC",), "K": ("ON",), "L": ("ON",), "M": ("ON",), "N": ("ON",), "P": ("ON",),
    "R": ("MB",), "S": ("SK",), "T": ("AB",), "V": ("BC",), "X": ("NT", "NU"), "Y": ("YT",),
}  # fmt: skip

# Canada Post: no D, F, I, O, Q or U anywhere; no W or Z as the first letter. [0-9], not
# \d, which takes any script's digits.
_POSTAL_CODE = re.compile(
    r"^[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][0-9][ABCEGHJ-NPRSTV-Z][0-9]$"
)
_POSTAL_PREFIX = re.compile(
    r"^[ABCEGHJ-NPRSTVXY]([0-9]([ABCEGHJ-NPRSTV-Z]([0-9]([ABCEGHJ-NPRSTV-Z][0-9]?)?)?)?)?$"
)


# Letters and marks that show nothing, used to make names look empty or alike: the
# combining grapheme joiner, Hangul fillers, Khmer's inherent vowels.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0\u17b4\u17b5")
ZWJ, ZWNJ = "\u200d", "\u200c"
_BLACK_FLAG, _CANCEL_TAG = "\U0001f3f4", "\U000e007f"
_TAGS = range(0xE0020, 0xE007F + 1)  # a subdivision flag: 🏴 then tag letters, then CANCEL TAG
_SKIN_TONES = range(0x1F3FB, 0x1F3FF + 1)


def _ends_emoji(char: str) -> bool:
    """Whether `char` can end an emoji that a ZWJ joins to the next one."""
    return (
        unicodedata.category(char) == "So"
        or char == "\ufe0f"
        or ord(char) in _SKIN_TONES
        or char == _CANCEL_TAG
    )


def _is_visible_join(value: str, index: int) -> bool:
    """Format characters that are part of what a reader sees, not hidden: a ZWJ between
    two emoji (👩‍⚕️), the tags of a subdivision flag (🏴 + tags), and a ZWNJ between two
    letters (Persian spells words with it)."""
    char = value[index]
    before = value[index - 1] if index > 0 else ""
    after = value[index + 1] if index + 1 < len(value) else ""
    if char == ZWJ:
        return bool(before and after) and _ends_emoji(before) and _starts_emoji(after)
    if char == ZWNJ:
        return before.isalpha() and after.isalpha()
    if ord(char) in _TAGS:
        start = index
        while start > 0 and ord(value[start - 1]) in _TAGS:
            start -= 1
        end = index
        while end + 1 < len(value) and ord(value[end + 1]) in _TAGS:
            end += 1
        return start > 0 and value[start - 1] == _BLACK_FLAG and value[end] == _CANCEL_TAG
    return False


def _starts_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So"


def reject_control_characters(value: str) -> str:
    """Names and single-line fields end up in letters and email headers: no CR, LF or
    other control or invisible formatting characters may ride along (bidi overrides,
    zero-width spaces, a lone ZWJ). Emoji sequences are visible text and pass."""
    # Every category refused below is unprintable, and every invisible letter is beyond
    # ASCII: the common case ends here.
    if value.isprintable() and (value.isascii() or _INVISIBLE.isdisjoint(value)):
        return value
    for index, char in enumerate(value):
        hidden = unicodedata.category(char) in _CONTROL_CATEGORIES or char in _INVISIBLE
        if hidden and not _is_visible_join(value, index):
            raise ValueError(f"must not contain control characters (found U+{ord(char):04X})")
    return value


def reject_control_characters_but_newlines(value: str) -> str:
    for line in value.split("\n"):
        reject_control_characters(line)
    return value


def normalise_postal_code(value: str) -> str:
    """'k1a0a6' or ' K1A 0A6 ' -> 'K1A 0A6'."""
    compact = "".join(value.split()).upper()
    if not _POSTAL_CODE.match(compact):
        raise ValueError("must be a Canadian postal code such as K1A 0A6")
    return f"{compact[:3]} {compact[3:]}"


def normalise_postal_prefix(value: str) -> str:
    """A whole postal code or its start ('K1A', 'K1A0'), upper case, without spaces."""
    compact = "".join(value.split()).upper()
    if not compact or not _POSTAL_PREFIX.match(compact):
        raise ValueError("must be a Canadian postal code or its first characters, such as K1A")
    return compact


def normalise_province(value: str) -> str:
    code = _PROVINCE_BY_NAME.get(value.strip().casefold())
    if code is None:
        raise ValueError("must be a Canadian province or territory, such as ON or Quebec")
    return code


# The plain shape nearly every address has: dot-atom ASCII local part, LDH labels, and a
# letters-only top-level domain. It is checked here in one match; anything else goes to
# email-validator, whose answer for these plain addresses is the same (domain lower-cased).
_PLAIN_EMAIL = re.compile(
    r"^(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$"
)
_SPECIAL_USE_TLDS = {"arpa", "invalid", "local", "localhost", "onion", "test", "internal"}


def _plain_email(value: str) -> str | None:
    match = _PLAIN_EMAIL.match(value)
    if match is None or len(match["local"]) > 64 or len(value) > 254:
        return None
    domain = match["domain"].lower()
    if domain.rpartition(".")[2] in _SPECIAL_USE_TLDS or "--" in domain:
        return None
    return f"{match['local']}@{domain}"


def normalise_email(value: str) -> str:
    plain = _plain_email(value)
    if plain is not None:
        return plain
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"is not a valid email address: {error}") from error


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _blank_allowed(schema: dict[str, Any]) -> None:
    schema["anyOf"].append({"type": "string", "pattern": r"^\s*$", "description": "As null."})


# An optional field takes a blank string as null (an empty CSV cell clears a field): the
# OpenAPI document says so.
BlankIsNull = Field(json_schema_extra=_blank_allowed)


def _line_of(most: int, *, blank_is_none: bool = False) -> Callable[[str], Any]:
    """A line of at most `most` characters: stripped, not empty (or None where blank is
    None), no control characters. One validator does what a strip or blank-to-None
    before, two length constraints and a check after did (an import calls it 100,000
    times a file), with the same errors as those."""

    def check(value: str) -> str | None:
        value = value.strip()
        if not value:
            if blank_is_none:
                return None
            context = {"field_type": "Value", "min_length": 1, "actual_length": 0}
            raise PydanticKnownError("too_short", context)
        if len(value) > most:
            context = {"field_type": "Value", "max_length": most, "actual_length": len(value)}
            raise PydanticKnownError("too_long", context)
        if value.isascii() and value.isprintable():  # nothing hidden in printable ASCII
            return value
        return reject_control_characters(value)

    return check


def _lengths(most: int) -> Any:
    """What the OpenAPI document says of a line's length."""
    return Field(json_schema_extra={"minLength": 1, "maxLength": most})


SingleLine = Annotated[str, AfterValidator(_line_of(300)), _lengths(300)]
OptionalSingleLine = Annotated[
    Annotated[str, AfterValidator(_line_of(300, blank_is_none=True)), _lengths(300)] | None,
    BlankIsNull,
]
# Narrower lines for columns stored narrower: honorifics, offices, codes, phone numbers.
ShortLine = Annotated[str, AfterValidator(_line_of(100)), _lengths(100)]
OptionalShortLine = Annotated[
    Annotated[str, AfterValidator(_line_of(100, blank_is_none=True)), _lengths(100)] | None,
    BlankIsNull,
]
# An organisation's names, as their columns hold them.
OrganisationName = Annotated[str, AfterValidator(_line_of(200)), _lengths(200)]
OptionalOrganisationName = Annotated[
    Annotated[str, AfterValidator(_line_of(200, blank_is_none=True)), _lengths(200)] | None,
    BlankIsNull,
]
Code = Annotated[str, AfterValidator(_line_of(50)), _lengths(50)]
OptionalCode = Annotated[
    Annotated[str, AfterValidator(_line_of(50, blank_is_none=True)), _lengths(50)] | None,
    BlankIsNull,
]


def unix_newlines(value: object) -> object:
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


# Text of several lines and paragraphs: newlines kept, other control characters refused.
Paragraphs = Annotated[
    str,
    BeforeValidator(unix_newlines),
    StringConstraints(min_length=1, max_length=5000),
    AfterValidator(reject_control_characters_but_newlines),
]
Email = Annotated[
    str,
    StringConstraints(max_length=254),
    AfterValidator(normalise_email),
    Field(json_schema_extra={"format": "email"}),
]
OptionalEmail = Annotated[Email | None, BeforeValidator(_blank_to_none), BlankIsNull]
# As the OpenAPI document describes a postal code: what normalise_postal_code accepts.
_POSTAL_CODE_INPUT = r"^\s*{L}\s*[0-9]\s*{L2}\s*[0-9]\s*{L2}\s*[0-9]\s*$".format(
    L="[ABCEGHJ-NPRSTVXYabceghj-nprstvxy]", L2="[ABCEGHJ-NPRSTV-Zabceghj-nprstv-z]"
)
PostalCode = Annotated[
    str,
    StringConstraints(max_length=10),
    AfterValidator(normalise_postal_code),
    Field(json_schema_extra={"pattern": _POSTAL_CODE_INPUT}),
]
OptionalPostalCode = Annotated[PostalCode | None, BeforeValidator(_blank_to_none), BlankIsNull]
Province = Annotated[str, StringConstraints(max_length=40), AfterValidator(normalise_province)]
OptionalProvince = Annotated[Province | None, BeforeValidator(_blank_to_none), BlankIsNull]


_DASHES = re.compile(r"[\u2010-\u2015\-]+")
_COMBINING_MARKS = re.compile(
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


def fold(text: str) -> str:
    """How two spellings of one name compare equal: 'Mégantic—L'Érable',
    'Megantic-L'Erable' and 'MÉGANTIC--L\u2019ÉRABLE' all give "megantic-l'erable"."""
    if text.isascii():
        plain = text.lower()
        if "-" in plain:
            plain = _DASHES.sub("-", plain)
        return " ".join(plain.split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = _COMBINING_MARKS.sub("", decomposed).casefold()
    plain = _DASHES.sub("-", plain).replace("\u2019", "'")
    return " ".join(plain.split())


ORIGIN_MAX = 200
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST = re.compile(r"[\w.-]+|[0-9a-f:.]+")


def web_origin(value: str) -> str | None:
    """The origin of a web address, as a browser names it ("https://partner.example.org",
    a port only where it is not the scheme's own); None for anything but an http(s)
    address. Only the origin: a page's path and query may say who read it."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme not in _DEFAULT_PORTS or not _HOST.fullmatch(host):
        return None
    if ":" in host:
        host = f"[{host}]"
    origin = (
        f"{scheme}://{host}"
        if port in (None, _DEFAULT_PORTS[scheme])
        else f"{scheme}://{host}:{port}"
    )
    return origin if len(origin) <= ORIGIN_MAX else None


def _origin_of(value: str) -> str:
    origin = web_origin(value)
    if origin is None:
        raise ValueError("must be an http or https address, such as https://example.org")
    return origin


Origin = Annotated[
    str,
    StringConstraints(max_length=2000),
    AfterValidator(_origin_of),
    Field(
        description="A web address; only its origin is kept (`https://example.org`).",
        examples=["https://partner.example.org"],
    ),
]
OptionalOrigin = Annotated[Origin | None, BeforeValidator(_blank_to_none), BlankIsNull]
