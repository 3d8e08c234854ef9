"""Who is asking, what to do next, sharing and the draft preview (issue 14, points 3 and
8 and the review), in a real browser: Debian's chromium, desktop and a 360 px phone,
English and French, JavaScript on (and off where the page must work without it), axe at
zero serious or critical violations. Screenshots go to test-artifacts/web/."""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app.links import contrast
from tests.web import test_web_browser as action_page
from tests.web.test_web_browser import fill_supporter, new_page, shot
from tests.web.test_web_journey import PHONE, axe_finds_nothing_serious
from tests.web_server import LiveServer

# The action page's module fixtures: a live service and Debian's chromium.
server = action_page.server
browser = action_page.browser

SLUG = action_page.SLUG
CLOSED = "dont-help-close-the-door"
DRAFT = "refugees-in-mexico"
BRAND = "#ffcc00"  # light: its text must be black
VIEWS: dict[str, dict[str, Any]] = {
    "desktop-en-js": {"locale": "en-CA"},
    "phone-fr-js": {"locale": "fr-CA", **PHONE},
    "desktop-fr-js": {"locale": "fr-CA"},
    "phone-en-nojs": {"locale": "en-CA", "java_script_enabled": False, **PHONE},
}
IDENTITY: dict[str, Any] = {
    "logo_url": "https://demo.example.org/logo.png",
    "brand_colour": BRAND,
    "privacy_url": "https://demo.example.org/privacy",
    "contact_email": "hello@demo.example.org",
    "contact_address": "1 Rideau St, Ottawa ON K1N 8S7",
    "consent_text": {"fr": "Oui, tenez-moi au courant de vos campagnes."},
    "next_action": {
        "label": {"en": "Join our network", "fr": "Joignez notre réseau"},
        "url": "https://demo.example.org/join",
    },
}
EXTRAS: dict[str, Any] = {
    "image_url": "https://demo.example.org/crossing.jpg",
    "image_alt": {
        "en": "A family waits at a border crossing in the snow.",
        "fr": "Une famille attend sous la neige à un passage frontalier.",
    },
    "learn_more": [
        {
            "label": {"en": "Read our report", "fr": "Lisez notre rapport"},
            "url": "https://demo.example.org/report",
        }
    ],
    "next_action": {
        "label": {"en": "Sign the petition", "fr": "Signez la pétition"},
        "url": "https://demo.example.org/petition",
    },
}


def api(server: LiveServer, method: str, path: str, **body: Any) -> Any:
    answer = httpx.request(method, f"{server.url}{path}", json=body or None, headers=server.headers)
    assert answer.status_code < 300, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def organisation(server: LiveServer) -> str:
    """The demo organisation with a public identity, its campaigns with extras, one
    closed and one a draft; its name."""
    api(server, "PATCH", "/v1/organisation", **IDENTITY)
    campaigns = {item["slug"]: item["id"] for item in api(server, "GET", "/v1/campaigns")["items"]}
    api(server, "PATCH", f"/v1/campaigns/{campaigns[SLUG]}", **EXTRAS)
    api(server, "PATCH", f"/v1/campaigns/{campaigns[CLOSED]}", status="closed")
    api(server, "PATCH", f"/v1/campaigns/{campaigns[DRAFT]}", status="draft")
    return str(api(server, "GET", "/v1/organisation")["name"])


@pytest.fixture(params=list(VIEWS))
def view(
    request: pytest.FixtureRequest, browser: Browser, server: LiveServer, organisation: str
) -> Iterator[tuple[str, Page]]:
    context, page = new_page(browser, server, **VIEWS[request.param])
    yield request.param, page
    context.close()


def rgb(colour: str) -> str:
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def hex_of(css: str) -> str:
    red, green, blue = (int(part) for part in css.removeprefix("rgb(").rstrip(")").split(","))
    return f"#{red:02x}{green:02x}{blue:02x}"


def test_the_page_says_who_is_asking_and_previews_well_when_shared(
    view: tuple[str, Page], organisation: str
) -> None:
    name, page = view
    french = "-fr-" in name
    page.goto(f"/c/{SLUG}?lang={'fr' if french else 'en'}")
    header = page.locator("header.site")
    expect(header.locator(".org-name")).to_have_text(organisation)
    expect(header.locator("img.logo")).to_have_attribute("alt", "")
    if not name.endswith("-nojs"):  # styles apply either way; computed here with JS
        background = header.evaluate("node => getComputedStyle(node).backgroundColor")
        text = header.evaluate("node => getComputedStyle(node).color")
        assert background == rgb(BRAND) and contrast(hex_of(background), hex_of(text)) >= 4.5
    consent = page.locator("label[for=consent_to_contact]")
    expect(consent).to_have_text(
        "Oui, tenez-moi au courant de vos campagnes."
        if french
        else f"Yes, {organisation} may email me about its campaigns. I can unsubscribe at any time."
    )
    who = page.locator("#consent-who")
    expect(who).to_contain_text(("Demandé par " if french else "Asked by ") + organisation)
    expect(who).to_contain_text("1 Rideau St, Ottawa ON K1N 8S7")
    expect(who.get_by_role("link")).to_have_attribute("href", IDENTITY["privacy_url"])
    expect(page.locator("footer.site")).to_contain_text("hello@demo.example.org")
    alt = EXTRAS["image_alt"]["fr" if french else "en"]
    expect(page.locator(".campaign-image img")).to_have_attribute("alt", alt)
    expect(page.locator(".learn-more a")).to_have_text(
        "Lisez notre rapport" if french else "Read our report"
    )
    expect(page.locator('meta[property="og:image"]')).to_have_attribute(
        "content", EXTRAS["image_url"]
    )
    expect(page.locator('meta[name="twitter:card"]')).to_have_attribute(
        "content", "summary_large_image"
    )
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"identity-01-page-{name}")


def test_the_thank_you_page_offers_share_links_and_the_next_step(
    view: tuple[str, Page], organisation: str
) -> None:
    name, page = view
    french = "-fr-" in name
    page.goto(f"/c/{SLUG}?lang={'fr' if french else 'en'}")
    fill_supporter(page, f"share-{name}@example.org")
    page.fill("#intro", "I am a nurse and I write to you from Edmonton.")
    page.click("button[value=send]")
    expect(page.locator(".sent-letters li")).to_have_count(2)
    links = page.locator(".share-links a")
    expect(links).to_have_text(
        ["Courriel" if french else "Email", "WhatsApp", "Facebook", "X", "Bluesky"]
    )
    expect(links.first).to_have_attribute("href", re.compile(r"^mailto:\?subject="))
    expect(page.locator(".next-action a")).to_have_text(
        "Signez la pétition" if french else "Sign the petition"
    )
    expect(page.locator(".next-action a")).to_have_attribute("href", EXTRAS["next_action"]["url"])
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"identity-02-thanks-{name}")


def test_a_closed_campaign_offers_the_organisations_next_action(
    view: tuple[str, Page], organisation: str
) -> None:
    name, page = view
    french = "-fr-" in name
    page.goto(f"/c/{CLOSED}?lang={'fr' if french else 'en'}")
    expect(page.locator("form.action")).to_have_count(0)
    action = page.locator(".next-action a")
    expect(action).to_have_text("Joignez notre réseau" if french else "Join our network")
    expect(action).to_have_attribute("href", IDENTITY["next_action"]["url"])
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"identity-03-closed-{name}")


def test_a_draft_is_previewed_by_a_key_holder_and_cannot_send(
    view: tuple[str, Page], server: LiveServer, organisation: str
) -> None:
    name, page = view
    french = "-fr-" in name
    assert page.goto(f"/c/{DRAFT}").status == 404  # type: ignore[union-attr]
    url = api(server, "POST", f"/v1/campaigns/{DRAFT}/preview-link")["url"]
    path = url.removeprefix(server.app.state.settings.public_url.rstrip("/"))
    page.goto(f"{path}?lang={'fr' if french else 'en'}")
    expect(page.locator("#draft-banner")).to_contain_text("Aperçu" if french else "Preview")
    expect(page.locator("button[value=send]")).to_be_disabled()
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"identity-04-draft-{name}")
