"""A campaign's image, "learn more" links, next action and thank-you address (issue 14,
point 3), and its link previews and share links (point 8): set through the API, checked,
and shown on its pages, on SQLite and PostgreSQL."""

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.campaign_data import campaign_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.web.test_web_pages import FORM

IMAGE: dict[str, Any] = {
    "image_url": "https://example.org/images/crossing.jpg",
    "image_alt": {
        "en": "A family waits at a border crossing in the snow.",
        "fr": "Une famille attend sous la neige à un passage frontalier.",
    },
}
LEARN_MORE = [
    {
        "label": {"en": "Our report", "fr": "Notre rapport"},
        "url": "https://example.org/report",
    },
    {"label": {"en": "The agreement", "fr": "L'entente"}, "url": "https://example.org/stca"},
]
NEXT = {
    "label": {"en": "Sign the petition", "fr": "Signez la pétition"},
    "url": "https://example.org/petition",
}


def public_url(client: TestClient) -> str:
    return str(client.app.state.settings.public_url).rstrip("/")  # type: ignore[attr-defined]


def create(client: TestClient, caller: Caller, **changes: Any) -> Any:
    return client.post("/v1/campaigns", json=campaign_body(**changes), headers=caller.headers)


def test_the_extras_read_back_as_they_were_made_and_change_by_patch(
    client: TestClient, caller: Caller
) -> None:
    made = make_campaign(client, caller, **IMAGE, learn_more=LEARN_MORE, next_action=NEXT)
    assert {name: made[name] for name in ("image_url", "image_alt", "learn_more")} == IMAGE | {
        "learn_more": LEARN_MORE
    }
    assert made["next_action"] == NEXT and made["thanks_redirect_url"] is None
    changed = client.patch(
        f"/v1/campaigns/{made['id']}",
        json={"next_action": None, "thanks_redirect_url": "https://example.org/merci"},
        headers=caller.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["thanks_redirect_url"] == "https://example.org/merci"
    assert changed.json()["image_url"] == IMAGE["image_url"]


@pytest.mark.parametrize(
    "changes, named",
    [
        ({"image_url": "https://example.org/a.png"}, "image_alt.en"),
        ({"image_url": "https://example.org/a.png", "image_alt": {"en": "A"}}, "image_alt.fr"),
        ({"image_url": "javascript:alert(1)", "image_alt": IMAGE["image_alt"]}, "image_url"),
        ({"image_url": "http://example.org/a.png", "image_alt": IMAGE["image_alt"]}, "image_url"),
        ({"learn_more": [{"label": {"en": "Only English"}, "url": "https://example.org/"}]},
         "learn_more.0.label.fr"),
        ({"learn_more": [{"label": {"en": "x", "fr": "x"}, "url": "data:text/html,hi"}]},
         "learn_more.0.url"),
        ({"learn_more": LEARN_MORE * 3}, "learn_more"),
        ({"next_action": {"label": {"en": "Go", "fr": "Allez"}, "url": "vbscript:x"}},
         "next_action.url"),
        ({"thanks_redirect_url": "javascript:alert(1)"}, "thanks_redirect_url"),
        ({"thanks_redirect_url": "https://example.org/merci", "next_action": NEXT},
         "thanks_redirect_url"),
    ],
)  # fmt: skip
def test_extras_that_are_unsafe_or_incomplete_are_refused_naming_the_field(
    client: TestClient, caller: Caller, changes: dict[str, Any], named: str
) -> None:
    answer = create(client, caller, **changes)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    errors = answer.json()["errors"]
    assert any(named in error["field"] or named in error["message"] for error in errors), errors
    assert client.get("/v1/campaigns", headers=caller.headers).json()["items"] == []


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller, **IMAGE, learn_more=LEARN_MORE, next_action=NEXT)


def meta(page: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    assert match, f"no {name}"
    return html.unescape(match[1])


def test_the_page_shows_its_image_and_links_and_previews_well_when_shared(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    page = client.get("/c/rescind-stca?lang=fr").text
    assert (
        '<img src="https://example.org/images/crossing.jpg" alt="Une famille attend sous la '
        'neige à un passage frontalier."' in page
    )
    assert '<a href="https://example.org/report">Notre rapport</a>' in page
    address = f"{public_url(client)}/c/rescind-stca?lang=fr"
    assert f'<link rel="canonical" href="{html.escape(address)}">' in page
    assert meta(page, "property", "og:url") == address
    assert meta(page, "property", "og:title") == campaign["title"]["fr"]
    assert meta(page, "property", "og:description") == campaign["summary"]["fr"]
    assert meta(page, "property", "og:image") == IMAGE["image_url"]
    assert meta(page, "property", "og:image:alt") == IMAGE["image_alt"]["fr"]
    assert meta(page, "property", "og:locale") == "fr_CA"
    assert meta(page, "name", "twitter:card") == "summary_large_image"
    assert meta(page, "name", "twitter:image") == IMAGE["image_url"]


def thank_you_page(client: TestClient, language: str = "en") -> str:
    sent = client.post(f"/c/rescind-stca?lang={language}", data=FORM, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    return str(client.get(sent.headers["location"]).text)


def test_the_thank_you_page_offers_share_links_and_the_next_step(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    page = thank_you_page(client)
    assert '<a class="button" href="https://example.org/petition">Sign the petition</a>' in page
    links = dict(re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', page))
    by_name = {name: html.unescape(url) for url, name in links.items()}
    address = f"{public_url(client)}/c/rescind-stca"
    title = campaign["title"]["en"]
    mail = urlsplit(by_name["Email"])
    assert mail.scheme == "mailto" and parse_qs(mail.query)["subject"] == [title]
    assert address in parse_qs(mail.query)["body"][0]
    assert parse_qs(urlsplit(by_name["WhatsApp"]).query)["text"][0].endswith(address)
    assert by_name["WhatsApp"].startswith("https://wa.me/?")
    assert parse_qs(urlsplit(by_name["Facebook"]).query)["u"] == [address]
    assert parse_qs(urlsplit(by_name["X"]).query)["url"] == [address]
    assert by_name["Bluesky"].startswith("https://bsky.app/intent/compose?")
    assert address in parse_qs(urlsplit(by_name["Bluesky"]).query)["text"][0]
    assert "<script src=" not in page.replace('<script src="/static/web/page.js"', "")


def test_the_organisation_next_action_stands_in_and_a_closed_page_offers_it(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    made = make_campaign(client, caller)
    organisation_next = {
        "label": {"en": "Join our network", "fr": "Joignez notre réseau"},
        "url": "https://example.org/join",
    }
    answer = client.patch(
        "/v1/organisation", json={"next_action": organisation_next}, headers=caller.headers
    )
    assert answer.status_code == 200, answer.text
    assert 'href="https://example.org/join">Join our network</a>' in thank_you_page(client)
    client.patch(f"/v1/campaigns/{made['id']}", json={"status": "closed"}, headers=caller.headers)
    closed = html.unescape(client.get("/c/rescind-stca?lang=fr").text)
    assert "Cette campagne est terminée" in closed
    assert 'href="https://example.org/join">Joignez notre réseau</a>' in closed
    assert "<form" not in closed


def test_a_thank_you_address_takes_supporters_there_after_send(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, thanks_redirect_url="https://example.org/merci")
    sent = client.post("/c/rescind-stca?lang=en", data=FORM, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "https://example.org/merci"
    # The embedded form stays in its frame: its thank-you page links there instead.
    embedded = client.post(
        "/embed/c/rescind-stca?lang=en",
        data=FORM | {"email": "other@example.org"},
        follow_redirects=False,
    )
    assert embedded.headers["location"].startswith("/embed/c/rescind-stca/thanks/")
    page = client.get(embedded.headers["location"]).text
    assert '<a class="button" href="https://example.org/merci" target="_top">Continue</a>' in page
