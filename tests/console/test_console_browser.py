"""The console in a real browser (Debian's chromium through Playwright) against the real
service on loopback with the demo loaded: the demo owner signs in from the emailed link,
on a desktop and on a phone, and axe finds nothing serious on any page. Screenshots go to
test-artifacts/console/."""

import email.policy
import re
from collections.abc import Iterator
from datetime import timedelta
from email.parser import BytesParser
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.auth.service import find_key
from app.console import service
from app.delivery.email import email_backend
from app.demo.service import DEMO_OWNER_EMAIL
from app.inbound.addresses import reply_address, verp_address
from app.inbound.service import receive
from app.letters.models import Letter
from app.settings import Settings
from app.worker import Worker
from tests.impact.test_questionnaire_browser import hold_over
from tests.inbound_mail import postfix_dsn
from tests.web.test_web_browser import SLUG, browser, new_page, serious_violations
from tests.web_server import LiveServer, live_server

__all__ = ["browser"]  # the module's browser fixture, shared

ARTEFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "console"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
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


def take_an_action(server: LiveServer, who: str) -> str:
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
    return str(answer.json()["id"])


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_demo_owner_signs_in_from_the_emailed_link(
    browser: Browser, server: LiveServer, device: str
) -> None:
    context, page = new_page(browser, server, viewport=VIEWPORTS[device])
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


def letters_answered(server: LiveServer) -> None:
    """The demo campaign captures replies; three supporters write, the worker sends their
    letters (the file backend), and mail comes back through the inbound path as the
    mail server would hand it over: the minister's office answers two letters three days
    on, and one MP letter bounces."""
    demo = httpx.patch(
        f"{server.url}/v1/campaigns/{SLUG}", json={"reply_capture": True}, headers=server.headers
    )
    assert demo.status_code == 200, demo.text
    action_ids = []
    for n in range(3):
        action_ids.append(take_an_action(server, f"replies{n}"))
    settings: Settings = server.app.state.settings
    for action_id in action_ids:
        hold_over(server, action_id)
    worker = Worker(server.app.state.sessionmaker, email_backend(settings), settings)
    worker.run(until=lambda: worker.idle)
    with server.app.state.sessionmaker() as db:
        sent = list(db.scalars(select(Letter).where(Letter.action_id.in_(action_ids))))
        assert sent and all(letter.sent_at for letter in sent), [x.status for x in sent]
        for letter in sent:
            letter.sent_at = (letter.sent_at or letter.created_at) - timedelta(days=3)
        db.commit()
        minister = [letter for letter in sent if letter.role_target]
        mp = [letter for letter in sent if not letter.role_target]
        for letter in minister[:2]:
            to = reply_address(settings, letter.id)
            office = str(letter.recipient["email"])
            reply = (
                f"From: Minister's office <{office}>\r\nTo: {to}\r\nSubject: RE: letter\r\n"
                f"Message-ID: <reply-{letter.id}@example.org>\r\n\r\nThank you.\r\n"
            ).encode()
            assert receive(db, settings, reply, [to], None).kind == "reply_human"
        bounce = verp_address(settings, mp[0].id)
        original = f"To: {mp[0].recipient['email']}\r\nSubject: letter\r\n\r\n...\r\n".encode()
        dsn = postfix_dsn(bounce, str(mp[0].recipient["email"]), original)
        assert receive(db, settings, dsn, [bounce]).kind == "bounce"


@pytest.fixture(scope="module")
def answered(server: LiveServer) -> LiveServer:
    letters_answered(server)
    return server


def sign_in(
    page: Page, server: LiveServer, email_address: str, language: str, role: str = "owner"
) -> None:
    """A new user of the demo organisation, signed in from their emailed link."""
    with server.app.state.sessionmaker() as db:
        demo_key = find_key(db, server.key)
        assert demo_key is not None
        service.add_user(db, demo_key.organisation_id, email_address, role, language=language)
        db.commit()
    page.goto("/console/sign-in")
    page.fill("#email", email_address)
    page.click("button[type=submit]")
    page.goto(emailed_link(server))
    page.click("main button[type=submit]")
    expect(page.locator("nav a[href='/console/settings/identity']").first).to_be_visible()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_viewer_sees_replies_per_office_on_the_results_page(
    browser: Browser, answered: LiveServer, device: str
) -> None:
    context, page = new_page(browser, answered, viewport=VIEWPORTS[device])
    try:
        sign_in(page, answered, f"viewer-{device}@example.org", "en", "viewer")
        page.get_by_role("link", name="Results: Rescind the Safe Third Country Agreement").click()
        table = page.locator("#replies-table")
        rows = table.locator("tbody tr")
        expect(rows).to_have_count(2)  # the minister's office and the MP's seat
        minister = rows.filter(has_text="Minister")
        # Three letters, two replies captured three days on; the third's outcome unknown.
        figures = minister.locator("td").all_inner_texts()
        assert figures[1:] == ["3", "0", "2", "0", "100%", "3.0"], figures
        mp = rows.filter(has_text="MP, ")
        expect(mp.locator("td").nth(2)).to_have_text("1")  # bounced
        expect(mp.locator("td").nth(6)).to_have_text("—")  # no reply captured: no median
        assert serious_violations(page) == []
        # Nothing wider than the screen; the table scrolls in its own region, by keyboard.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        region = page.get_by_role("region", name="Replies per office, as a table")
        region.focus()
        expect(region).to_be_focused()
        if device == "phone":
            assert region.evaluate("el => el.scrollWidth > el.clientWidth")
            page.keyboard.press("End")
            page.keyboard.press("ArrowRight")
            page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
        region.scroll_into_view_if_needed()
        shot(page, f"{device}-09-results-replies")

        page.get_by_role("link", name="reply rate").click()
        expect(table.locator("th[aria-sort=descending]")).to_have_text("Reply rate")
        expect(rows.first.locator("th")).to_contain_text("Minister")
    finally:
        context.close()
