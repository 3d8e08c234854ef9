"""Open North's Represent: any representative set (`house-of-commons`,
`ontario-legislature`, `montreal-city-council`...), read page by page through
`meta.next`, with gender, offices, phones, emails and photos."""

import re
from typing import Any

import httpx

from app.directory.importer import from_represent
from app.directory.sources.fetching import get_feed, next_page
from app.errors import DomainError, UpstreamUnavailable, invalid_field

PAGE_SIZE = 100
# A member's page on ourcommons.ca ends in their House of Commons person id: a Represent
# record of an MP is keyed by that id, as a House of Commons sync keys them.
OURCOMMONS_PERSON = re.compile(r"ourcommons\.ca/members/\w+/[^/?#]*\((\d+)\)", re.IGNORECASE)


def source_name(set_slug: str) -> str:
    return f"represent:{set_slug}"


def set_url(base_url: str, set_slug: str) -> str:
    return f"{base_url.rstrip('/')}/representatives/{set_slug}/?limit={PAGE_SIZE}"


def representative_record(representative: dict[str, Any]) -> dict[str, Any]:
    record = from_represent(representative)
    photo = representative.get("photo_url")
    if isinstance(photo, str):
        record["photo_url"] = photo or None
    person = OURCOMMONS_PERSON.search(str(representative.get("url") or ""))
    if person:
        record["external_id"] = person.group(1)
    return record


def fetch_set(
    client: httpx.Client, url: str, set_slug: str, max_pages: int
) -> list[dict[str, Any]]:
    """Every representative of the set, all pages read before anything is planned."""
    records: list[dict[str, Any]] = []
    page: str | None = url
    unknown = invalid_field("source", f"Represent has no representative set {set_slug!r}")
    for number in range(max_pages):
        if page is None:
            return records
        document = _page(client, page, unknown if number == 0 else None)
        records += [representative_record(o) for o in document["objects"] if isinstance(o, dict)]
        meta = document.get("meta")
        page = next_page(page, meta.get("next") if isinstance(meta, dict) else None)
    if page is not None:
        raise UpstreamUnavailable(f"{url} has more than {max_pages} pages; nothing was synced.")
    return records


def _page(client: httpx.Client, url: str, not_found: DomainError | None) -> dict[str, Any]:
    response = get_feed(client, url, "application/json", not_found=not_found)
    try:
        document = response.json()
    except ValueError:
        raise UpstreamUnavailable(f"{url} answered something not JSON.") from None
    if not isinstance(document, dict) or not isinstance(document.get("objects"), list):
        raise UpstreamUnavailable(f'{url} did not answer Represent\'s {{"objects": [...]}}.')
    return document
