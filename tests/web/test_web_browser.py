"""The action page in a real browser: Debian's chromium, driven by Playwright, against the
real service on loopback with the demo loaded. Screenshots of each step are saved in
test-artifacts/web/ (not committed)."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from sqlalchemy import select

from app.letters.models import Action
from tests.web_server import LiveServer, live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "web"
SLUG = "rescind-safe-third-country"  # to the immigration minister and the supporter's MP


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("web")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM}: "
            "run `apt-get install -y chromium` (`make test` does when it is missing)."
        )
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def new_page(browser: Browser, server: LiveServer, **options: Any) -> tuple[BrowserContext, Page]:
    options.setdefault("viewport", {"width": 1280, "height": 900})
    options.setdefault("locale", "en-CA")
    context = browser.new_context(base_url=server.url, **options)
    # The page may reach only our own service: nothing leaves the loopback.
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/).*"), lambda route: route.abort())
    return context, context.new_page()


@pytest.fixture
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    context, opened = new_page(browser, server)
    yield opened
    context.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=ARTEFACTS / f"{name}.png", full_page=True)


def actions_taken(page: Page) -> int:
    return int(re.sub(r"\D", "", page.locator(".counter .count").first.inner_text()))


SUPPORTER = {
    "first_name": "Amélie",
    "last_name": "Tremblay",
    "street_address": "24 Main Street",
    "city": "Edmonton",
    "postal_code": "T5A 1B7",
}


def fill_supporter(page: Page, email: str, **changes: str) -> None:
    for name, value in (SUPPORTER | {"email": email} | changes).items():
        page.fill(f"#{name}", value)
    page.select_option("#province", "AB")


def actions_by(server: LiveServer, email: str) -> list[Action]:
    with server.app.state.sessionmaker() as session:
        return list(session.scalars(select(Action).where(Action.email == email)))


def test_a_supporter_writes_with_their_mp_found_and_the_letter_previewed(
    page: Page, server: LiveServer
) -> None:
    page.goto(f"/c/{SLUG}")
    expect(page.locator("h1")).to_have_text("Rescind the Safe Third Country Agreement")
    expect(page.locator("#targets")).to_contain_text("Lena Metlege Diab")
    expect(page.locator("#targets")).to_contain_text("Your MP, once you give your postal code")
    before = actions_taken(page)
    shot(page, "01-page")

    fill_supporter(page, "amelie.flow@example.org")
    expect(page.locator("#targets")).to_contain_text("Ziad Aboultaif, MP for Edmonton Manning")
    shot(page, "02-mp-found")

    page.fill("#intro", "I am a nurse and a mother of two.")
    letters = page.locator("#preview-letters .letter")
    expect(letters).to_have_count(2)
    expect(letters.first).to_contain_text("Dear Minister:")
    expect(letters.first).to_contain_text("I am a nurse and a mother of two.")
    expect(letters.nth(1)).to_contain_text("Ziad Aboultaif")
    # the warning stands next to the text it concerns, and goes once it is answered
    expect(page.locator("#intro-warnings")).to_contain_text("Say where you are writing from")
    expect(page.locator("#ask-warnings")).to_contain_text("this is the campaign's text")
    expect(page.locator("#concern-warnings")).to_be_empty()  # not editable here
    shot(page, "03-preview-with-warning")
    page.fill("#intro", "I am a nurse and I write to you from Edmonton.")
    expect(page.locator("#intro-warnings")).to_be_empty()
    expect(letters.first).to_contain_text("I write to you from Edmonton.")

    page.click("button[value=send]")
    expect(page.locator("h1")).to_have_text("Thank you, Amélie!")
    sent = page.locator(".sent-letters li")
    expect(sent).to_have_count(2)
    expect(sent.first).to_contain_text("Lena Metlege Diab")
    expect(sent.first).to_contain_text("Subject: Rescind the Safe Third Country Agreement")
    expect(sent.nth(1)).to_contain_text("Ziad Aboultaif, MP for Edmonton Manning")
    expect(page.locator(".next")).to_contain_text(
        "Your letters wait a few minutes before they leave"
    )
    expect(page.locator("#share-link")).to_have_value(f"https://letters.example.org/c/{SLUG}")
    assert actions_taken(page) == before + 1
    shot(page, "04-thank-you")
    (action,) = actions_by(server, "amelie.flow@example.org")
    assert action.intro == "I am a nurse and I write to you from Edmonton."
    page.goto(f"/c/{SLUG}")
    assert actions_taken(page) == before + 1


def test_an_email_already_used_is_thanked_as_a_first_and_nothing_more_is_stored(
    page: Page, server: LiveServer
) -> None:
    first = {
        "supporter": {**SUPPORTER, "email": "twice@example.org", "province": "AB"},
        "intro": "I write from Edmonton.",
    }
    answer = httpx.post(f"{server.url}/v1/campaigns/{SLUG}/actions", json=first)
    assert answer.status_code == 201, answer.text
    page.goto(f"/c/{SLUG}")
    before = actions_taken(page)
    fill_supporter(page, "Twice@Example.org", first_name="Jean")
    page.fill("#intro", "I am a teacher in Edmonton.")
    page.click("button[value=send]")
    # Nobody at this keyboard may learn that the address wrote before: the page thanks
    # them as it thanks anyone, the address's owner is told by email.
    expect(page.locator("h1")).to_have_text("Thank you, Jean!")
    expect(page.locator(".sent-letters li")).to_have_count(2)
    expect(page.locator(".next")).to_contain_text(
        "Your letters wait a few minutes before they leave"
    )
    assert actions_taken(page) == before + 1
    shot(page, "05-repeat-thanked")
    (action,) = actions_by(server, "twice@example.org")
    assert action.intro == "I write from Edmonton."


def test_a_postal_code_in_two_districts_asks_which_as_it_is_typed(
    page: Page, server: LiveServer
) -> None:
    page.goto(f"/c/{SLUG}")
    expect(page.locator("#district-field")).to_be_hidden()
    page.fill("#postal_code", "A0K 2B0")  # the test server puts it in two districts
    expect(page.locator("#district-field")).to_be_visible()
    expect(page.locator("#district option")).to_have_text(
        ["Choose…", "Labrador", "Long Range Mountains"]
    )
    page.select_option("#district", "Labrador")
    expect(page.locator("#targets")).to_contain_text("MP for Labrador")
    shot(page, "15-district-choice")
    page.fill("#postal_code", "T5A 1B7")  # another postal code forgets the choice
    expect(page.locator("#targets")).to_contain_text("Ziad Aboultaif, MP for Edmonton Manning")
    expect(page.locator("#district-field")).to_be_hidden()


def test_words_the_server_refuses_are_marked_on_the_intro(page: Page, server: LiveServer) -> None:
    page.goto(f"/c/{SLUG}")
    fill_supporter(page, "threat@example.org")
    page.fill("#intro", "I live in Edmonton and we know where you live.")
    # the live preview says so as it is typed...
    expect(page.locator("#intro-error")).to_contain_text("words we do not send to an official")
    page.click("button[value=send]")
    # ...and the page the form posts to says it beside the field
    expect(page.locator("#intro-error")).to_have_text(
        "This contains words we do not send to an official: we know where you live."
    )
    expect(page.locator("#intro")).to_have_value("I live in Edmonton and we know where you live.")
    assert actions_by(server, "threat@example.org") == []


def test_the_french_page_by_link_and_by_browser_language(
    browser: Browser, server: LiveServer
) -> None:
    context, page = new_page(browser, server, locale="fr-CA")
    page.goto(f"/c/{SLUG}")  # no link: the browser's language chooses
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Annulez l'Entente sur les tiers pays sûrs")
    expect(page.locator("label[for=first_name]")).to_have_text("Prénom")
    page.click("a.language")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("a.language")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    fill_supporter(page, "claire@example.org", first_name="Claire", city="Montréal")
    page.select_option("#province", "QC")
    page.fill("#postal_code", "H2T 1A1")
    expect(page.locator("#targets")).to_contain_text("députée ou député (Outremont)")
    page.fill("#intro", "Je suis infirmière à Montréal.")
    expect(page.locator("#preview-letters .letter").first).to_contain_text("Je vous prie d'agréer")
    shot(page, "06-french-page")
    page.click("button[value=send]")
    expect(page.locator("h1")).to_have_text("Merci, Claire !")
    expect(page.locator(".sent-letters")).to_contain_text("Objet :")
    shot(page, "07-french-thank-you")
    context.close()


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_page_fits_a_360_pixel_phone(browser: Browser, server: LiveServer) -> None:
    context, page = new_page(
        browser, server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page.goto(f"/c/{SLUG}")
    assert no_horizontal_scroll(page)
    shot(page, "08-phone")
    fill_supporter(page, "phone@example.org")
    page.fill("#intro", "I write from Edmonton, where I have lived for thirty-two years.")
    expect(page.locator("#preview-letters .letter")).to_have_count(2)
    assert no_horizontal_scroll(page)
    assert serious_violations(page) == []
    shot(page, "09-phone-preview")
    page.click("button[value=send]")
    expect(page.locator(".sent-letters li")).to_have_count(2)
    assert no_horizontal_scroll(page)
    shot(page, "10-phone-thank-you")
    context.close()


def tab_to(page: Page, element_id: str, presses: int = 60) -> None:
    """Tab until the element has focus, as a keyboard user would reach it."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_the_form_is_filled_and_sent_with_the_keyboard_alone(
    page: Page, server: LiveServer
) -> None:
    page.goto(f"/c/{SLUG}")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")  # skip to the form
    for name, value in (SUPPORTER | {"email": "keys@example.org"}).items():
        tab_to(page, name)
        page.keyboard.type(value)
    tab_to(page, "province")
    page.keyboard.type("Alberta")
    expect(page.locator("#province")).to_have_value("AB")
    tab_to(page, "intro")
    page.keyboard.type("I write from Edmonton with my keyboard.")
    tab_to(page, "consent_to_contact")
    page.keyboard.press("Space")
    expect(page.locator("#consent_to_contact")).to_be_checked()
    focus = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus == "solid"  # the focus can be seen
    send = page.locator("button[value=send]")
    for _ in range(10):
        page.keyboard.press("Tab")
        if send.evaluate("button => button === document.activeElement"):
            break
    expect(send).to_be_focused()
    shot(page, "11-keyboard-focus-on-send")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Thank you, Amélie!")
    (action,) = actions_by(server, "keys@example.org")
    assert action.consent_to_contact is True


def test_the_page_works_with_javascript_off(browser: Browser, server: LiveServer) -> None:
    context, page = new_page(browser, server, java_script_enabled=False)
    page.goto(f"/c/{SLUG}")
    page.click("button[value=send]")  # nothing filled in
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#first_name-error")).to_have_text("Please fill this in.")
    expect(page.locator("#postal_code-error")).to_have_text("Please fill this in.")
    shot(page, "12-no-js-errors")
    fill_supporter(page, "nojs@example.org", postal_code="t5a1b7")
    page.fill("#intro", "I am a retired teacher.")
    page.click("button[value=preview]")
    expect(page.locator("#targets")).to_contain_text("Ziad Aboultaif")
    expect(page.locator("#preview-letters .letter")).to_have_count(2)
    expect(page.locator("#intro-warnings")).to_contain_text("Say where you are writing from")
    expect(page.locator("#intro")).to_have_value("I am a retired teacher.")
    shot(page, "13-no-js-preview")
    assert actions_by(server, "nojs@example.org") == []
    page.click("button[value=send]")
    expect(page.locator("h1")).to_have_text("Thank you, Amélie!")
    assert len(actions_by(server, "nojs@example.org")) == 1
    context.close()


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_accessibility_violations(page: Page, server: LiveServer) -> None:
    page.goto(f"/c/{SLUG}")
    assert serious_violations(page) == []
    fill_supporter(page, "not an address")
    page.fill("#intro", "Hello, I care.")  # warned: short, says no place
    page.click("button[value=send]")
    # The page the server answered (the live preview may show the email's error first;
    # Send, busy until that page comes, would not post again from the old one).
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#email-error")).to_be_visible()
    assert serious_violations(page) == []  # the page with errors and warnings
    page.fill("#email", "axe@example.org")
    page.fill("#intro", "I am a nurse and I write to you from Edmonton.")  # "Hello." is too short
    page.click("button[value=send]")
    expect(page.locator(".sent-letters li")).to_have_count(2)
    assert serious_violations(page) == []  # the thank-you page
    for path in (f"/c/{SLUG}?lang=fr", f"/embed/c/{SLUG}", "/c/no-such-campaign"):
        page.goto(path)
        assert serious_violations(page) == [], path


@contextmanager
def partner_site(html: str) -> Iterator[str]:
    """A partner's own site: another origin (its own loopback port) serving one page."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}/"
    finally:
        site.shutdown()
        site.server_close()


def test_the_embed_page_frames_and_the_page_itself_does_not(page: Page, server: LiveServer) -> None:
    partner = (
        f'<h1>A partner</h1><iframe id="embed" title="Write" src="{server.url}/embed/c/{SLUG}" '
        f'width="600" height="900"></iframe><iframe id="plain" title="Page" '
        f'src="{server.url}/c/{SLUG}" width="600" height="300"></iframe>'
    )
    with partner_site(partner) as partner_url:
        page.goto(partner_url)  # its load event waits for both frames
        embedded = page.frame_locator("#embed")
        expect(embedded.locator("h1")).to_have_text("Rescind the Safe Third Country Agreement")
        expect(embedded.locator("form.action")).to_be_visible()
        expect(embedded.locator("header.site")).to_have_count(0)
        plain = page.locator("#plain").content_frame
        assert plain.locator("form.action").count() == 0
        shot(page, "14-embedded")
