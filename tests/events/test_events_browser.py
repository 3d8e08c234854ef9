"""Letter-writing events in a real browser (Debian's chromium through Playwright)
against the real service on loopback with the demo loaded: an advocate, in English and
in French, on a desktop and on a 360 px phone, makes an event, enters an attendee,
prints the kit and downloads it; axe finds nothing serious on any page. Screenshots go
to test-artifacts/console/ (events-*.png)."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from app.auth.models import Organisation
from app.console import service
from app.console.router import COOKIE
from app.demo.service import DEMO_ORGANISATION
from app.settings import Settings
from tests.web.test_web_browser import browser, new_page, serious_violations
from tests.web_server import LiveServer, live_server

__all__ = ["browser"]  # the module's browser fixture, shared

ARTEFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "console"
WORDS = {
    "en": {"events": "Events", "create": "Create the event", "write": "Write the letters",
           "yes": "Yes, they agree", "done": "letters written", "print": "Print the kit",
           "letters": "Letters to sign (PDF)", "envelopes": "#10 envelopes (PDF)"},
    "fr": {"events": "Événements", "create": "Créer l'événement", "write": "Écrire les lettres",
           "yes": "Oui, la personne accepte", "done": "lettres écrites",
           "print": "Imprimer la trousse", "letters": "Lettres à signer (PDF)",
           "envelopes": "Enveloppes n° 10 (PDF)"},
}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("events")) as running:
        yield running


def shot(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTEFACTS / f"{name}.png", full_page=True)


def advocate_cookie(server: LiveServer, email: str, language: str) -> str:
    """An advocate of the demo organisation, signed in (the emailed link's path is the
    console's own tests' to walk)."""
    settings: Settings = server.app.state.settings
    with server.app.state.sessionmaker() as db:
        organisation = db.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION))
        assert organisation is not None
        service.add_user(db, organisation.id, email, "advocate", "Sam", language)
        db.commit()
        link = service.request_sign_in(db, email, settings)
        assert link is not None
        opened = service.open_session(
            db, link.id, service.link_token(settings, link.id), "browser test", settings
        )
    return opened.cookie


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_advocate_runs_an_event_in_a_browser(
    browser: Browser, server: LiveServer, device: str, language: str
) -> None:
    words = WORDS[language]
    viewport = (
        {"width": 1280, "height": 900} if device == "desktop" else {"width": 360, "height": 740}
    )
    context, page = new_page(browser, server, viewport=viewport, accept_downloads=True)
    cookie = advocate_cookie(server, f"advocate-{device}-{language}@example.org", language)
    context.add_cookies([{"name": COOKIE, "value": cookie, "url": server.url}])
    name = f"events-{device}-{language}"
    try:
        page.goto("/console")
        page.get_by_role("link", name=words["events"]).click()
        expect(page.locator("h1")).to_have_text(words["events"])
        assert serious_violations(page) == []
        page.fill("#f-name", f"Write for Rights {device} {language}")
        page.fill("#f-place", "Bibliothèque de Gatineau")
        page.get_by_role("button", name=words["create"]).click()
        expect(page.locator("h1")).to_have_text(f"Write for Rights {device} {language}")

        page.get_by_role("button", name=words["write"]).click()  # empty: the browser asks
        page.fill("#f-first_name", "Amélie")
        page.fill("#f-last_name", "Tremblay")
        page.fill("#f-email", f"attendee-{device}-{language}@example.org")
        page.fill("#f-street_address", "24 Main Street")
        page.fill("#f-city", "Edmonton")
        page.select_option("#f-province", "AB")
        page.fill("#f-postal_code", "T5A 1B7")
        if page.locator("#f-concern").count():  # the demo's supporters write their concern
            page.fill("#f-concern", "Families fleeing persecution are turned back at the border.")
        page.fill("#f-intro", "Short.")
        page.get_by_label(words["yes"]).check()
        page.get_by_role("button", name=words["write"]).click()
        expect(page.locator("#f-intro")).to_have_attribute("aria-invalid", "true")
        assert serious_violations(page) == []
        shot(page, f"{name}-1-error")

        page.fill("#f-intro", "I am a nurse and I write to you from Edmonton, for refugees.")
        page.get_by_role("button", name=words["write"]).click()
        expect(page.locator("main")).to_contain_text(words["done"])
        assert serious_violations(page) == []
        shot(page, f"{name}-2-entered")

        page.get_by_role("button", name=re.compile(words["print"])).click()
        expect(page.get_by_role("link", name=words["envelopes"])).to_be_visible()
        assert serious_violations(page) == []
        shot(page, f"{name}-3-kit")
        for link in (words["letters"], words["envelopes"]):
            with page.expect_download() as download:
                page.get_by_role("link", name=link).click()
            pdf = PdfReader(download.value.path())
            assert len(pdf.pages) >= 1
    finally:
        context.close()
