"""The console in a real browser (Debian's chromium through Playwright) against the real
service on loopback with the demo loaded: the demo owner signs in from the emailed link,
on a desktop and on a phone, and axe finds nothing serious on any page. Screenshots go to
test-artifacts/console/."""

import email.policy
import re
from collections.abc import Iterator
from email.parser import BytesParser
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app.delivery.email import email_backend
from app.demo.service import DEMO_OWNER_EMAIL
from app.settings import Settings
from app.worker import Worker
from tests.web.test_web_browser import SLUG, browser, new_page, serious_violations
from tests.web_server import LiveServer, live_server

__all__ = ["browser"]  # the module's browser fixture, shared

ARTEFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "console"
LINK = re.compile(r"https?://\S+(/console/sign-in/sil_\w+\?token=\w+)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("console")) as running:
        yield running


def shot(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTEFACTS / f"{name}.png", full_page=True)


def emailed_link(server: LiveServer) -> str:
    """Runs a worker over the service's outbox; the path of the newest sign-in link."""
    settings: Settings = server.app.state.settings
    worker = Worker(server.app.state.sessionmaker, email_backend(settings), settings)
    worker.run(until=lambda: worker.idle)
    links = []
    for eml in sorted(settings.outbox_dir.glob("*.eml"), key=lambda eml: eml.stat().st_mtime):
        parsed = BytesParser(policy=email.policy.strict).parsebytes(eml.read_bytes())
        body = parsed.get_body(("plain",))
        if body is not None and (match := LINK.search(body.get_content())):
            links.append(match)
    assert links, "no sign-in email in the outbox"
    match = links[-1]
    return match[1]


def take_an_action(server: LiveServer, who: str) -> None:
    body = {
        "supporter": {
            "first_name": "Amélie",
            "last_name": "Tremblay",
            "email": f"{who}@example.org",
            "street_address": "24 Main Street",
            "city": "Edmonton",
            "province": "AB",
            "postal_code": "T5A 1B7",
        },
        "language": "en",
        "intro": "I am a nurse and I write to you from Edmonton.",
        "consent_to_contact": True,
        # Where it came from: the results page counts it (issue 14).
        "utm_campaign": "stca-week",
        "utm_source": "newsletter",
        "embedded_on": "https://partner.example.org/blog",
    }
    answer = httpx.post(f"{server.url}/v1/campaigns/{SLUG}/actions", json=body, timeout=60)
    assert answer.status_code in (201, 202), answer.text


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_demo_owner_signs_in_from_the_emailed_link(
    browser: Browser, server: LiveServer, device: str
) -> None:
    viewport = (
        {"width": 1280, "height": 900} if device == "desktop" else {"width": 360, "height": 740}
    )
    context, page = new_page(browser, server, viewport=viewport)
    try:
        page.goto("/console")
        expect(page).to_have_url(re.compile(r"/console/sign-in$"))
        expect(page.locator("h1")).to_have_text("Sign in to the console")
        assert serious_violations(page) == []
        shot(page, f"{device}-01-sign-in")

        page.fill("#email", "not an address")
        page.click("button[type=submit]")
        expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
        assert serious_violations(page) == []

        page.fill("#email", DEMO_OWNER_EMAIL)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Check your email")
        shot(page, f"{device}-02-link-sent")

        page.goto(emailed_link(server))
        expect(page.locator("main")).to_contain_text(f"Sign in as {DEMO_OWNER_EMAIL}?")
        assert serious_violations(page) == []
        shot(page, f"{device}-03-link")
        page.click("button[type=submit]")
        take_an_action(server, device)

        expect(page.locator("h1")).to_have_text("Campaigns")
        expect(page.locator("table")).to_contain_text("Rescind the Safe Third Country Agreement")
        assert serious_violations(page) == []
        shot(page, f"{device}-04-campaigns")

        page.get_by_role(
            "link", name="Supporters: Rescind the Safe Third Country Agreement"
        ).click()
        expect(page.locator("h1")).to_contain_text("Supporters")
        expect(page.locator("main")).to_contain_text("Download the opt-in list (CSV)")
        assert serious_violations(page) == []
        shot(page, f"{device}-05-supporters")
        page.goto("/console/supporters")
        expect(page.locator("h1")).to_have_text("One person's data")
        assert serious_violations(page) == []
        shot(page, f"{device}-06-one-person")

        page.goto("/console")
        page.get_by_role("link", name="Results: Rescind the Safe Third Country Agreement").click()
        expect(page.locator("h1")).to_contain_text("Results")
        expect(page.locator("#per-day-chart canvas")).to_have_count(1)  # uPlot drew it
        expect(page.locator("details table")).to_contain_text("1")
        for heading, shown in (
            ("By link campaign (utm_campaign)", "stca-week"),
            ("By link source (utm_source)", "newsletter"),
            ("Sites that embed the page", "https://partner.example.org"),
        ):
            section = page.locator("section", has=page.get_by_role("heading", name=heading))
            expect(section.locator("tbody")).to_contain_text(shown)
        assert serious_violations(page) == []
        shot(page, f"{device}-07-results")

        page.click("text=Sessions")
        expect(page.locator("table")).to_contain_text("this browser")
        assert serious_violations(page) == []
        shot(page, f"{device}-08-sessions")

        page.click("button:has-text('Sign out')")
        expect(page.locator("h1")).to_have_text("Sign in to the console")
        page.goto("/console")
        expect(page).to_have_url(re.compile(r"/console/sign-in$"))
    finally:
        context.close()


def test_the_sign_in_page_speaks_french(browser: Browser, server: LiveServer) -> None:
    context, page = new_page(browser, server, locale="fr-CA")
    try:
        page.goto("/console/sign-in")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("h1")).to_have_text("Connexion à la console")
        page.fill("#email", "personne@example.org")
        page.click("button[type=submit]")
        expect(page.locator("main")).to_contain_text("Si personne@example.org appartient")
        assert serious_violations(page) == []
        shot(page, "fr-link-sent")
    finally:
        context.close()
