"""Postal addresses published as one block of text, turned into our structured form."""

import re
from typing import Any

from app.fields import normalise_postal_code, normalise_province

_POSTAL_CODE_AT_END = re.compile(r"\s*([A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d)\s*$")


def _split_city_province(line: str) -> tuple[str, str | None]:
    """'Ottawa, Ontario', 'Ottawa ON' or 'Gatineau (Québec)' -> city and province code."""
    cleaned = line.replace("(", " ").replace(")", " ").strip()
    if "," in cleaned:
        city, _, province = cleaned.rpartition(",")
        try:
            return city.strip(), normalise_province(province)
        except ValueError:
            pass
    words = cleaned.split()
    for size in (4, 3, 2, 1):
        if len(words) > size:
            try:
                return " ".join(words[:-size]), normalise_province(" ".join(words[-size:]))
            except ValueError:
                continue
    return cleaned, None


def parse_address_block(kind: str, text: str, **contact: str | None) -> dict[str, Any] | None:
    """Read 'street lines / City, Province / [Canada] / POSTAL' (or the postal code at the
    end of the city line). What cannot be read stays in `lines`, so nothing is lost."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if line.casefold() != "canada"]
    if not lines:
        return None
    postal_code = None
    match = _POSTAL_CODE_AT_END.search(lines[-1])
    if match:
        try:
            postal_code = normalise_postal_code(match.group(1))
        except ValueError:
            postal_code = None
        if postal_code:
            rest = lines[-1][: match.start()].strip()
            lines = [*lines[:-1], rest] if rest else lines[:-1]
    city, province = _split_city_province(lines[-1]) if len(lines) > 1 else (lines[-1], None)
    street = lines[:-1] if len(lines) > 1 else lines
    return {
        "kind": kind,
        "lines": street[:6],
        "city": city,
        "province": province,
        "postal_code": postal_code,
        **{key: value or None for key, value in contact.items()},
    }
