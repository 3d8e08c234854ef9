"""The House of Commons' open data (ourcommons.ca): the current members (XML) and the
ministry (XML in English and in French, one `Minister` per role held, with its dates),
so that cabinet roles come with their start and end dates.

The ministry export names people, not ids: a role goes to the member of the same last
name and first given name ("David" in the ministry is "David J." among the members)."""

import xml.etree.ElementTree as ElementTree
from datetime import date
from typing import Any

import httpx

from app.directory.sources.fetching import get_feed
from app.errors import UpstreamUnavailable
from app.fields import fold, normalise_province

SOURCE = "house-of-commons"
HONORIFICS = {"Hon.": "The Honourable", "Right Hon.": "The Right Honourable"}
# Every member can be written to on the Hill, postage free.
HILL_OFFICE: dict[str, Any] = {
    "kind": "legislature",
    "lines": ["House of Commons"],
    "city": "Ottawa",
    "province": "ON",
    "postal_code": "K1A 0A6",
    "phone": None,
    "fax": None,
}


def person_key(last_name: str, first_name: str) -> tuple[str, str]:
    return (fold(last_name), (fold(first_name).split(" ") or [""])[0])


def name_id(last_name: str, first_name: str) -> str:
    """The key of a member the feed gives no person id for (as ourcommons' `nameId`)."""
    return f"name:{last_name.lower()}, {first_name.lower()}"


def parse_xml(text: bytes, url: str) -> ElementTree.Element:
    """The document's root. A DOCTYPE is refused before parsing: a feed has no use for
    one, and entities are how an XML document is made to expand without end."""
    if b"<!DOCTYPE" in text.upper() or b"<!ENTITY" in text.upper():
        raise UpstreamUnavailable(f"{url} answered XML with a DOCTYPE, which we do not read.")
    try:
        return ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise UpstreamUnavailable(f"{url} answered XML we cannot read ({error}).") from None


def _text(element: ElementTree.Element, name: str) -> str:
    return (element.findtext(name) or "").strip()


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def ministry_roles(
    english: ElementTree.Element, french: ElementTree.Element
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Each person's roles: the two exports list the same roles in the same order."""
    roles: dict[tuple[str, str], list[dict[str, Any]]] = {}
    french_titles = [_text(minister, "Title") for minister in french.iter("Minister")]
    for number, minister in enumerate(english.iter("Minister")):
        key = person_key(
            _text(minister, "PersonOfficialLastName"), _text(minister, "PersonOfficialFirstName")
        )
        roles.setdefault(key, []).append(
            {
                "title_en": _text(minister, "Title"),
                "title_fr": french_titles[number] if number < len(french_titles) else None,
                "start_date": _date(_text(minister, "FromDateTime")),
                "end_date": _date(_text(minister, "ToDateTime")),
            }
        )
    return roles


def member_record(
    member: ElementTree.Element, roles: dict[tuple[str, str], list[dict[str, Any]]]
) -> dict[str, Any]:
    first, last = _text(member, "PersonOfficialFirstName"), _text(member, "PersonOfficialLastName")
    honorific = HONORIFICS.get(_text(member, "PersonShortHonorific"))
    province = _text(member, "ConstituencyProvinceTerritoryName")
    try:
        province = normalise_province(province) if province else ""
    except ValueError:
        province = ""
    return {
        "external_id": _text(member, "PersonId") or name_id(last, first),
        "honorific": honorific,
        "first_name": first,
        "last_name": last,
        "post_nominals": "P.C., M.P." if honorific else "M.P.",
        "party": _text(member, "CaucusShortName") or None,
        "elected_office": "MP",
        "district": {"name": _text(member, "ConstituencyName"), "province": province or None},
        "addresses": [dict(HILL_OFFICE)],
        "roles": roles.get(person_key(last, first), []),
    }


def fetch_house(
    client: httpx.Client, members_url: str, ministry_en_url: str, ministry_fr_url: str
) -> tuple[list[dict[str, Any]], date | None]:
    """The members with their roles, and the newest date the feeds state."""
    members = parse_xml(get_feed(client, members_url, "application/xml").content, members_url)
    english = parse_xml(
        get_feed(client, ministry_en_url, "application/xml").content, ministry_en_url
    )
    french = parse_xml(
        get_feed(client, ministry_fr_url, "application/xml").content, ministry_fr_url
    )
    roles = ministry_roles(english, french)
    records = [member_record(member, roles) for member in members.iter("MemberOfParliament")]
    dates = [_date(_text(member, "FromDateTime")) for member in members.iter("MemberOfParliament")]
    dates += [
        role[edge]
        for held in roles.values()
        for role in held
        for edge in ("start_date", "end_date")
    ]
    known = [day for day in dates if day is not None]
    return records, max(known) if known else None
