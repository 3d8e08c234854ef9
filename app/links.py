"""Field types for what an organisation puts on its public pages: web addresses that a
supporter's browser follows or loads (https only), and brand colours.

A page shows these as attribute values, escaped; the checks here are what escaping does
not give: no `javascript:` or `data:` link, no address with credentials in it, nothing
sent over plain http, and colours as six hex digits (a stylesheet gets nothing else)."""

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from app.fields import BlankIsNull, ShortLine, reject_control_characters
from app.fields import _blank_to_none as blank_to_none
from app.fields import _strip as strip

URL_MAX = 500
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


def check_https_url(value: str) -> str:
    """An absolute https address with a host name: anything else is refused, whatever a
    browser might make of it. Its scheme and host are given in lower case."""
    reject_control_characters(value)
    if any(char.isspace() or char == "\\" for char in value):
        raise ValueError("a web address has no spaces or backslashes")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError("is not a web address") from None
    if parts.scheme.lower() != "https":
        raise ValueError("must be an https:// address")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not hold a user name or password")
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode()  # ascii hosts pass unchanged
    except UnicodeError:
        host = ""
    if not _HOST.match(host):
        raise ValueError("must name a host, such as https://example.org/")
    netloc = host + (f":{port}" if port is not None else "")
    return parts._replace(scheme="https", netloc=netloc).geturl()


HttpsUrl = Annotated[
    str,
    BeforeValidator(strip),
    StringConstraints(min_length=1, max_length=URL_MAX),
    AfterValidator(check_https_url),
    Field(json_schema_extra={"format": "uri", "pattern": "^https://"}),
]
OptionalHttpsUrl = Annotated[HttpsUrl | None, BeforeValidator(blank_to_none), BlankIsNull]

HEX_COLOUR = r"^#[0-9a-f]{6}$"
HexColour = Annotated[
    str,
    BeforeValidator(lambda value: value.strip().lower() if isinstance(value, str) else value),
    StringConstraints(pattern=HEX_COLOUR),
    Field(description="Six hex digits, such as `#1d4f91`.", examples=["#1d4f91"]),
]
OptionalHexColour = Annotated[HexColour | None, BeforeValidator(blank_to_none), BlankIsNull]


def _luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a `#rrggbb` colour."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[index : index + 2]) for index in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on `background`. One of the two always
    reaches 4.5:1 (WCAG AA for text): the worst background still gives 4.58:1."""
    on_white, on_black = contrast(background, "#ffffff"), contrast(background, "#000000")
    return "#ffffff" if on_white >= on_black else "#000000"


class LabelledLink(BaseModel):
    """A link a page shows: its words per language, and where it goes."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "label": {"en": "Sign our petition", "fr": "Signez notre pétition"},
                    "url": "https://example.org/petition",
                }
            ]
        },
    )

    label: dict[Literal["en", "fr"], ShortLine] = Field(min_length=1)
    url: HttpsUrl


def label_in(link: dict[str, Any], language: str) -> str:
    """A link's words in `language`, else in the language it has."""
    labels: dict[str, str] = link["label"]
    return labels.get(language) or next(iter(labels.values()))
