"""The settings pages in a real browser (Debian's chromium through Playwright), on a
desktop and a 360 px phone, in English and in French: an owner changes the
organisation's identity, invites a user (who is emailed a link), makes and revokes an
API key, adds a webhook, sends it a test event that a receiver on loopback gets, and
sees the delivery in the log. axe finds nothing serious on any page. Screenshots go to
test-artifacts/console/."""

import email.policy
from collections.abc import Iterator
from email.parser import BytesParser

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app.delivery.email import email_backend
from app.settings import Settings
from app.worker import Worker
from tests.console.test_console_browser import VIEWPORTS, shot, sign_in
from tests.http_receiver import Receiver, http_receiver
from tests.web.test_web_browser import browser, new_page, serious_violations
from tests.web_server import LiveServer, live_server

__all__ = ["browser"]  # the module's browser fixture, shared

WORDS = {
    "en": {"saved": "Saved.", "brand_error": "Give a colour as #", "invited": "was added"},
    "fr": {"saved": "Enregistré.", "brand_error": "Indiquez une couleur", "invited": "ajouté"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(
        tmp_path_factory.mktemp("settings"), webhook_allow_private_addresses=True
    ) as running:
        yield running


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with http_receiver() as running:
        yield running


def run_worker(server: LiveServer) -> None:
    settings: Settings = server.app.state.settings
    worker = Worker(server.app.state.sessionmaker, email_backend(settings), settings)
    worker.run(until=lambda: worker.idle)


def emailed_to(server: LiveServer, address: str) -> bool:
    run_worker(server)
    settings: Settings = server.app.state.settings
    for eml in settings.outbox_dir.glob("*.eml"):
        parsed = BytesParser(policy=email.policy.strict).parsebytes(eml.read_bytes())
        if address in str(parsed["To"]):
            return True
    return False


def checked_page(page: Page, name: str) -> None:
    assert serious_violations(page) == [], name
    # Nothing wider than the screen: a phone scrolls the page down, never sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    shot(page, name)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_owner_runs_the_settings(
    browser: Browser, server: LiveServer, receiver: Receiver, device: str, language: str
) -> None:
    words = WORDS[language]
    run = f"{device}-{language}"
    context, page = new_page(browser, server, viewport=VIEWPORTS[device])
    try:
        sign_in(page, server, f"owner-{run}@example.org", language)
        page.locator("nav a[href='/console/settings/identity']").first.click()
        expect(page.locator("html")).to_have_attribute("lang", language)

        # The identity: a bad colour is named beside its field, then a good one saved.
        page.fill("#brand_colour", "yellow")
        page.click("main form button[type=submit]")
        expect(page.locator("#brand_colour")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#brand_colour-error")).to_contain_text(words["brand_error"])
        checked_page(page, f"settings-{run}-01-identity-error")
        page.fill("#brand_colour", "#0b3d91")
        consent = f"Yes / oui: email me about campaigns ({run})."
        page.fill(f"#consent_{language}", consent)
        page.click("main form button[type=submit]")
        expect(page.locator("main [role=status]")).to_have_text(words["saved"])
        expect(page.locator(".preview")).to_contain_text(consent)
        checked_page(page, f"settings-{run}-02-identity")

        # Users: an invited user is emailed a sign-in link.
        page.goto("/console/settings/users")
        invited = f"invited-{run}@example.org"
        page.fill("#email", invited)
        page.select_option("#role", "editor")
        page.click("main form[action='/console/settings/users'] button[type=submit]")
        expect(page.locator("main [role=status]")).to_contain_text(words["invited"])
        expect(page.locator("table")).to_contain_text(invited)
        assert emailed_to(server, invited)
        checked_page(page, f"settings-{run}-03-users")

        # API keys: made, shown once, working; revoked, no longer.
        page.goto("/console/settings/keys")
        page.fill("#name", f"website {run}")
        page.check("input[name='scope:campaigns:read']")
        page.click("main form[action='/console/settings/keys'] button[type=submit]")
        secret = page.locator("#secret").input_value()
        assert secret.startswith("ld_")
        checked_page(page, f"settings-{run}-04-key-made")
        bearer = {"Authorization": f"Bearer {secret}"}
        assert httpx.get(f"{server.url}/v1/campaigns", headers=bearer).status_code == 200
        page.goto("/console/settings/keys")
        expect(page.locator("table")).to_contain_text(f"website {run}")
        assert secret not in page.content()
        checked_page(page, f"settings-{run}-05-keys")
        page.locator(f"button[aria-label*='website {run}']").click()
        expect(page.locator("table")).to_contain_text("revoked" if language == "en" else "révoquée")
        assert httpx.get(f"{server.url}/v1/campaigns", headers=bearer).status_code == 401

        # Webhooks: added (its secret shown once), tested, the delivery in the log.
        page.goto("/console/settings/webhooks")
        hook = f"{receiver.url}/{run}"
        page.fill("#url", hook)
        page.check("input[name='event:letter.sent']")
        page.click("main form[action='/console/settings/webhooks'] button[type=submit]")
        assert page.locator("#secret").input_value()
        page.locator("main a").last.click()
        expect(page.locator("h1")).to_contain_text(hook)
        page.locator("form[action$='/test'] button").click()
        run_worker(server)
        assert any(r.path.endswith(run) for r in receiver.received)
        page.select_option("#state", "delivered")
        page.click("form.filter button")
        expect(page.locator("main table")).to_contain_text("webhook.test")
        expect(page.locator("main table")).to_contain_text("200")
        checked_page(page, f"settings-{run}-06-webhook-log")
    finally:
        context.close()
