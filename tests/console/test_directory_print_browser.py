"""The directory and print pages in a real browser (Debian's chromium through Playwright)
against the real service on loopback with the demo loaded, on a desktop in English and
on a 360 px phone in French: a recipient found and edited, a file's dry run read as a
diff and applied, a print batch made, built by the worker, downloaded and marked mailed.
axe finds nothing serious on any page. Screenshots go to test-artifacts/console/."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from app.console import service
from app.console.router import COOKIE
from app.db import utcnow
from app.delivery.models import Delivery
from app.delivery.printing import build_due_print_batches
from app.directory.models import Recipient
from app.letters.models import Letter
from tests.console.test_console_browser import ARTEFACTS, server, shot, take_an_action
from tests.web.test_web_browser import SLUG, browser, new_page, serious_violations
from tests.web_server import LiveServer

__all__ = ["browser", "server"]  # the modules' fixtures, shared

VIEWS: dict[str, dict[str, Any]] = {
    "desktop-en": {"locale": "en-CA", "viewport": {"width": 1280, "height": 900}},
    "phone-fr": {"locale": "fr-CA", "viewport": {"width": 360, "height": 740}},
}
WORDS = {
    "en": {"saved": "Saved.", "apply": "Apply this import", "make": "Make a batch",
           "ready": "ready to print", "mark": "Mark mailed", "mailed": "mailed",
           "summary": "1 added, 1 changed, 0 unchanged, 0 retired.", "done": "Imported: 1 added"},
    "fr": {"saved": "Enregistré.", "apply": "Appliquer cet import", "make": "Créer un lot",
           "ready": "prêt à imprimer", "mark": "Indiquer comme posté", "mailed": "posté",
           "summary": "1 ajoutés, 1 modifiés, 0 inchangés, 0 retirés.",
           "done": "Importé : 1 ajoutés"},
}  # fmt: skip


@pytest.fixture(scope="module")
def printed(server: LiveServer) -> None:
    """The demo campaign's letters go by post."""
    campaigns = httpx.get(f"{server.url}/v1/campaigns", headers=server.headers, timeout=60)
    (campaign,) = [item for item in campaigns.json()["items"] if item["slug"] == SLUG]
    answer = httpx.patch(
        f"{server.url}/v1/campaigns/{campaign['id']}",
        json={"channels": ["print"]},
        headers=server.headers,
        timeout=60,
    )
    assert answer.status_code == 200, answer.text


def signed_in(browser: Browser, server: LiveServer, view: str) -> tuple[Any, Page, str]:
    """A context whose browser holds a console session of a new owner in the view's language."""
    language = "fr" if view.endswith("fr") else "en"
    with server.app.state.sessionmaker() as db:
        organisation_id = db.scalar(select(Recipient.organisation_id).limit(1))
        email = f"{view}@example.org"
        service.add_user(db, str(organisation_id), email, "owner", "Dana", language)
        db.commit()
        settings = server.app.state.settings
        link = service.request_sign_in(db, email, settings)
        assert link is not None
        opened = service.open_session(
            db, link.id, service.link_token(settings, link.id), "browser", settings
        )
    context, page = new_page(browser, server, **VIEWS[view])
    context.add_cookies([{"name": COOKIE, "value": opened.cookie, "url": server.url}])
    return context, page, language


def hold_over(server: LiveServer) -> None:
    """The demo holds letters 5 minutes (the supporter may stop them): time passes."""
    past = utcnow() - timedelta(seconds=1)
    with server.app.state.sessionmaker() as session:
        session.execute(update(Letter).values(hold_until=past))
        session.execute(update(Delivery).values(due_at=past))
        session.commit()


def import_file(server: LiveServer, view: str, folder: Path) -> Path:
    """A file that changes one demo recipient's email and adds one."""
    with server.app.state.sessionmaker() as db:
        known = db.scalars(
            select(Recipient).where(Recipient.external_id.is_not(None)).order_by(Recipient.id)
        ).first()
        assert known is not None
    path = folder / f"{view}.csv"
    path.write_text(
        "external_id,first_name,last_name,elected_office,email\n"
        f"{known.external_id},{known.first_name},{known.last_name},MP,{view}@example.org\n"
        f"new-{view},Alex,Nouveau-{view},MP,alex-{view}@example.org\n",
        encoding="utf-8",
    )
    return path


def fits(page: Page) -> bool:
    """Nothing wider than the screen: the page does not scroll sideways."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.fixture(params=list(VIEWS))
def view(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_directory_and_print_in_the_browser(
    browser: Browser, server: LiveServer, printed: None, view: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:  # fmt: skip
    context, page, language = signed_in(browser, server, view)
    words = WORDS[language]
    try:
        page.goto("/console/directory?q=Joly")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("table")).to_contain_text("Joly")
        assert serious_violations(page) == []
        shot(page, f"{view}-directory-01-browse")

        page.locator("table a").first.click()
        page.fill("#f-phone", "613-992-0983")
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".done")).to_have_text(words["saved"])
        expect(page.locator("#f-phone")).to_have_value("613-992-0983")
        assert fits(page)
        assert serious_violations(page) == []
        shot(page, f"{view}-directory-02-recipient")

        page.goto("/console/directory/import")
        assert serious_violations(page) == []
        folder = tmp_path_factory.mktemp("import")
        page.set_input_files("#file", import_file(server, view, folder))
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#import-summary")).to_have_text(words["summary"])
        expect(page.locator("table.changed")).to_contain_text(f"{view}@example.org")
        assert serious_violations(page) == []
        shot(page, f"{view}-directory-03-import-diff")
        page.get_by_role("button", name=words["apply"]).click()
        expect(page.locator(".done")).to_contain_text(words["done"])
        shot(page, f"{view}-directory-04-imported")

        page.goto("/console/directory/sync")
        assert serious_violations(page) == []
        shot(page, f"{view}-directory-05-sync")

        take_an_action(server, view)
        hold_over(server)
        page.goto("/console/print")
        assert serious_violations(page) == []
        page.get_by_role("button", name=words["make"]).click()
        expect(page.locator("#batch-status")).not_to_have_text(words["ready"])
        assert serious_violations(page) == []
        shot(page, f"{view}-print-01-building")
        with server.app.state.sessionmaker() as db:
            build_due_print_batches(db, "browser-test", server.app.state.settings)
        page.reload()
        expect(page.locator("#batch-status")).to_have_text(words["ready"])
        assert fits(page)
        with page.expect_download() as manifest:
            page.locator("a[href$='manifest.csv']").click()
        assert manifest.value.suggested_filename.endswith(".csv")
        with page.expect_download() as pdf:
            page.locator("a[href$='/pdf']").click()
        pdf_path = pdf.value.path()
        assert pdf_path is not None and pdf_path.read_bytes().startswith(b"%PDF")
        assert serious_violations(page) == []
        shot(page, f"{view}-print-02-ready")
        page.get_by_role("button", name=words["mark"]).click()
        expect(page.locator("#batch-status")).to_have_text(words["mailed"])
        assert serious_violations(page) == []
        shot(page, f"{view}-print-03-mailed")
        page.goto("/console/print")
        shot(page, f"{view}-print-04-list")
    finally:
        context.close()


assert ARTEFACTS  # screenshots go beside the console's others
