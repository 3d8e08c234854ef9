"""The campaign editor in a real browser (Debian's chromium) against the real service with
the demo loaded, on a desktop and on a 360 px phone, in English and in French: an
organiser signs in from the emailed link, builds a campaign with per-target texts and
targets found in the directory, watches the live preview follow the typing (htmx), and
publishes; without JavaScript the Preview button reloads the page with the letter. axe
finds nothing serious or critical. Screenshots go to test-artifacts/console/, and the
English desktop ones also to docs/screenshots/ for the README when
LETTERDESK_DOCS_SCREENSHOTS=1."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy import select

from app.auth.models import Organisation
from app.console import service
from tests.console.test_console_browser import ARTEFACTS, emailed_link
from tests.web.test_web_browser import browser, new_page, serious_violations
from tests.web_server import LiveServer, live_server

__all__ = ["browser"]  # the module's browser fixture, shared

DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
ROLE = "Minister of Immigration, Refugees and Citizenship"
RIDING = "Edmonton Manning"
WORDS = {
    "en": {
        "new": "New campaign",
        "save": "Create the draft",
        "saved": "Saved.",
        "publish": "Publish",
        "live": "live",
        "preview": "Preview",
        "sign_in": "Sign in",
    },
    "fr": {
        "new": "Nouvelle campagne",
        "save": "Créer le brouillon",
        "saved": "Enregistré.",
        "publish": "Publier",
        "live": "en cours",
        "preview": "Aperçu",
        "sign_in": "Se connecter",
    },
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("editor")) as running:
        with running.app.state.sessionmaker() as db:
            organisation_id = db.scalars(select(Organisation.id)).one()
            for language in ("en", "fr"):
                service.add_user(
                    db, organisation_id, f"editor-{language}@example.org", "editor",
                    name=f"Editor {language}", language=language,
                )  # fmt: skip
            db.commit()
        yield running


def shot(page: Page, name: str, for_docs: bool) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"editor-{name}.png"
    page.screenshot(path=path, full_page=True)
    # Only on request: a test run leaves nothing behind in the repository.
    if for_docs and os.environ.get("LETTERDESK_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / f"console-editor-{name}.png")


def sign_in(page: Page, server: LiveServer, language: str) -> None:
    page.goto(f"/console/sign-in?lang={language}")
    page.fill("#email", f"editor-{language}@example.org")
    page.click("main button[type=submit]")
    page.goto(emailed_link(server))
    page.click(f"main button:has-text('{WORDS[language]['sign_in']}')")
    expect(page).to_have_url(re.compile(r"/console$"))


def fill_campaign(page: Page, slug: str) -> None:
    page.fill("#f-slug", slug)
    for language, title in (("en", "Protect the river"), ("fr", "Protégez la rivière")):
        page.fill(f"#f-title-{language}", title)
        page.fill(f"#f-subject-{language}", title)
    page.fill("#f-concern-en", "The river feeds our towns and the plan would drain it.")
    page.fill("#f-concern-fr", "La rivière nourrit nos villes et le projet l'assécherait.")
    page.fill("#f-ask-en", "Stop the plan.")
    page.fill("#f-ask-fr", "Arrêtez le projet.")
    page.fill("#f-target_texts-own_mp-ask-en", "As my MP, raise this with the Minister.")
    page.fill("#f-target_texts-own_mp-ask-fr", "Comme député·e, saisissez-en le ministre.")


@pytest.mark.parametrize(
    ("device", "language"), [("desktop", "en"), ("phone", "fr"), ("desktop", "fr"), ("phone", "en")]
)
def test_an_organiser_builds_previews_and_publishes_a_campaign(
    browser: Browser, server: LiveServer, device: str, language: str
) -> None:
    words = WORDS[language]
    viewport: ViewportSize = (
        {"width": 1280, "height": 900} if device == "desktop" else {"width": 360, "height": 740}
    )
    for_docs = device == "desktop" and language == "en"
    name = f"{device}-{language}"
    slug = f"protect-the-river-{name}"
    context, page = new_page(browser, server, viewport=viewport)
    try:
        sign_in(page, server, language)
        page.get_by_role("link", name=words["new"]).click()
        expect(page.locator("h1")).to_have_text(words["new"])
        fill_campaign(page, slug)

        # Targets from the directory: the role, found by a word of its title (htmx).
        page.fill("#target-q", "immigration")
        role = page.locator(f"#target-results input[value='role:{ROLE}']")
        expect(role).to_have_count(1)
        role.check()

        # The live preview follows the form: the riding's MP gets the own-MP text.
        page.fill("#preview-riding", RIDING)
        page.select_option("#preview-language", language)
        own_ask = (
            "As my MP, raise this with the Minister."
            if language == "en"
            else "Comme député·e, saisissez-en le ministre."
        )
        expect(page.locator("#preview .letter-body")).to_contain_text(own_ask)
        expect(page.locator("#preview .letter-body")).to_contain_text(RIDING)
        page.fill(f"#f-target_texts-own_mp-ask-{language}", own_ask + " Today.")
        expect(page.locator("#preview .letter-body")).to_contain_text(own_ask + " Today.")
        expect(page).to_have_url(re.compile(r"/console/campaigns/new$"))  # no reload
        # The minister's letter carries the campaign's own ask.
        options = page.locator("#preview-target option")
        expect(options).to_have_count(2)
        page.select_option("#preview-target", index=1)
        general_ask = "Stop the plan." if language == "en" else "Arrêtez le projet."
        expect(page.locator("#preview .letter-body")).to_contain_text(general_ask)
        assert serious_violations(page) == []
        # Nothing wider than the screen: the page never scrolls sideways (on a phone too).
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"{name}-1-new", for_docs)

        page.get_by_role("button", name=words["save"]).click()
        expect(page.locator("main [role=status]")).to_have_text(words["saved"])
        assert serious_violations(page) == []
        page.get_by_role("button", name=words["publish"]).click()
        expect(page.locator(".status-bar strong")).to_have_text(words["live"])
        shot(page, f"{name}-2-published", for_docs)
        editor_url = page.url.split("?")[0]

        # Without JavaScript: the same form, and its Preview button reloads with the letter.
        state = context.storage_state()
        quiet = browser.new_context(
            base_url=server.url,
            viewport=viewport,
            storage_state=state,
            java_script_enabled=False,
        )
        try:
            plain = quiet.new_page()
            plain.goto(editor_url)
            plain.fill(f"#f-ask-{language}", "No JavaScript needed.")
            plain.select_option("#preview-language", language)
            plain.get_by_role("button", name=words["preview"], exact=True).click()
            expect(plain.locator("#preview .letter-body").first).to_be_visible()
            plain.select_option("#preview-target", index=1)
            plain.get_by_role("button", name=words["preview"], exact=True).click()
            expect(plain.locator("#preview .letter-body")).to_contain_text("No JavaScript needed.")
            # (axe runs in the page's JavaScript: it checked the same page above.)
            shot(plain, f"{name}-3-no-javascript", for_docs)
        finally:
            quiet.close()
    finally:
        context.close()
