"""Field types shared by features: each one validates and normalises a kind of user input."""

import re
import unicodedata
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, StringConstraints

_CONTROL_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}

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

# Canada Post: no D, F, I, O, Q or U anywhere; no W or Z as the first letter.
_POSTAL_CODE = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$")
_POSTAL_PREFIX = re.compile(
    r"^[ABCEGHJ-NPRSTVXY](\d([ABCEGHJ-NPRSTV-Z](\d([ABCEGHJ-NPRSTV-Z]\d?)?)?)?)?$"
)


def reject_control_characters(value: str) -> str:
    """Names and single-line fields end up in letters and email headers: no CR, LF or
    other control or invisible formatting characters may ride along."""
    for char in value:
        if unicodedata.category(char) in _CONTROL_CATEGORIES:
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


def normalise_email(value: str) -> str:
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


SingleLine = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(min_length=1, max_length=300),
    AfterValidator(reject_control_characters),
]
OptionalSingleLine = Annotated[SingleLine | None, BeforeValidator(_blank_to_none)]
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(normalise_email)]
OptionalEmail = Annotated[Email | None, BeforeValidator(_blank_to_none)]
PostalCode = Annotated[str, StringConstraints(max_length=10), AfterValidator(normalise_postal_code)]
OptionalPostalCode = Annotated[PostalCode | None, BeforeValidator(_blank_to_none)]
Province = Annotated[str, StringConstraints(max_length=40), AfterValidator(normalise_province)]
OptionalProvince = Annotated[Province | None, BeforeValidator(_blank_to_none)]


def fold(text: str) -> str:
    """How two spellings of one name compare equal: 'Mégantic—L'Érable',
    'Megantic-L'Erable' and 'MÉGANTIC--L\u2019ÉRABLE' all give "megantic-l'erable"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"[\u2010-\u2015\-]+", "-", plain).replace("\u2019", "'")
    return re.sub(r"\s+", " ", plain).strip()
