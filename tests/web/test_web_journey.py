"""The supporter's journey after Send, in a real browser (issue 14): the confirmation
page an email's link opens, desktop and a 360 px phone, English and French, JavaScript on
and off. Screenshots are saved in test-artifacts/web/ as the action page's are."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from app.db import utcnow
from app.letters.models import Action, Letter
from app.tokens import confirmation_link
from tests.web import test_web_browser as action_page
from tests.web.test_web_browser import SUPPORTER, new_page, serious_violations, shot
from tests.web_server import LiveServer

# The action page's module fixtures: a live service and Debian's chromium.
server = action_page.server
browser = action_page.browser
page = action_page.page

CONFIRMING = "refugees-in-mexico"  # the demo campaign, made to ask for confirmation here
PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
}
VIEWS: dict[str, dict[str, Any]] = {
    "desktop-en-js": {"locale": "en-CA"},
    "phone-fr-nojs": {"locale": "fr-CA", "java_script_enabled": False, **PHONE},
    "phone-en-js": {"locale": "en-CA", **PHONE},
    "desktop-fr-nojs": {"locale": "fr-CA", "java_script_enabled": False},
}


@pytest.fixture(scope="module")
def confirming(server: LiveServer) -> str:
    campaigns = httpx.get(f"{server.url}/v1/campaigns", headers=server.headers).json()["items"]
    (campaign,) = [item for item in campaigns if item["slug"] == CONFIRMING]
    changed = httpx.patch(
        f"{server.url}/v1/campaigns/{campaign['id']}",
        json={"confirm_email": True},
        headers=server.headers,
    )
    assert changed.status_code == 200, changed.text
    return CONFIRMING


def axe_finds_nothing_serious(view: str, page: Page) -> bool:
    """axe-core runs as a script in the page: with JavaScript off it cannot, and the same
    page is checked in the views with it on."""
    return view.endswith("-nojs") or serious_violations(page) == []


def act(server: LiveServer, slug: str, email: str, language: str) -> dict[str, Any]:
    body = {
        "supporter": {**SUPPORTER, "email": email, "province": "AB"},
        "intro": "I am a nurse and I write to you from Edmonton.",
        "language": language,
    }
    answer = httpx.post(f"{server.url}/v1/campaigns/{slug}/actions", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def statuses(server: LiveServer, action_id: str) -> set[str]:
    with server.app.state.sessionmaker() as session:
        return set(session.scalars(select(Letter.status).where(Letter.action_id == action_id)))


@pytest.fixture(params=list(VIEWS))
def view(
    request: pytest.FixtureRequest, browser: Browser, server: LiveServer
) -> Iterator[tuple[str, Page]]:
    context, page = new_page(browser, server, **VIEWS[request.param])
    yield request.param, page
    context.close()


def test_the_confirmation_link_asks_before_it_sends_and_then_says_what_comes_next(
    view: tuple[str, Page],
    server: LiveServer,
    confirming: str,
) -> None:
    name, page = view
    french = "-fr-" in name
    taken = act(server, confirming, f"confirm-{name}@example.org", "fr" if french else "en")
    link = confirmation_link(server.app.state.settings, taken["id"])
    page.goto(link.removeprefix(server.app.state.settings.public_url))
    expect(page.locator("html")).to_have_attribute("lang", "fr" if french else "en")
    button = page.get_by_role(
        "button", name="Oui, envoyer mes lettres" if french else "Yes, send my letters"
    )
    expect(button).to_be_visible()
    assert statuses(server, taken["id"]) == {"pending_confirmation"}  # the link alone sends nothing
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"journey-01-confirm-{name}")
    button.click()
    # The demo holds letters 5 minutes after confirmation: the page says so, not "on
    # their way", and names the hour in the supporter's zone (Alberta: Mountain Time).
    expect(page.locator("h1")).to_have_text(
        "Merci : votre adresse courriel est confirmée"
        if french
        else "Thank you: your email address is confirmed"
    )
    expect(page.locator(".message")).to_contain_text(
        "heure des Rocheuses" if french else "Mountain Time"
    )
    expect(page.locator(".message")).to_contain_text("arrêter" if french else "stop")
    # Only the ways its letters go: these go by email, none by post.
    expect(page.locator(".next-steps li")).to_have_count(2)
    expect(page.locator(".next-steps")).not_to_contain_text("poste" if french else "post")
    assert statuses(server, taken["id"]) == {"queued"}
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"journey-02-confirmed-{name}")
    page.reload()  # the browser asks to post again: the answer is the same thank-you
    expect(page.locator("h1")).to_contain_text("Merci" if french else "Thank you")


@pytest.mark.parametrize("case", ["forged", "expired"])
def test_a_bad_or_expired_link_is_a_page_not_a_json_document(
    view: tuple[str, Page],
    server: LiveServer,
    confirming: str,
    case: str,
) -> None:
    name, page = view
    french = "-fr-" in name
    taken = act(server, confirming, f"{case}-{name}@example.org", "fr" if french else "en")
    link = confirmation_link(server.app.state.settings, taken["id"])
    path = link.removeprefix(server.app.state.settings.public_url)
    if case == "forged":
        path = path.partition("token=")[0] + "token=forged"
    else:
        with server.app.state.sessionmaker() as session:
            session.execute(
                update(Action)
                .where(Action.id == taken["id"])
                .values(created_at=utcnow() - timedelta(days=30))
            )
            session.commit()
    response = page.goto(path)
    assert response is not None and response.status == (404 if case == "forged" else 410)
    expect(page.locator("html")).to_have_attribute("lang", "fr" if french else "en")
    expect(page.locator("h1")).to_have_text(
        "Ce lien ne fonctionne pas" if french else "This link does not work"
    )
    assert page.locator("button").count() == 0
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"journey-03-link-{case}-{name}")


def send_a_letter(page: Page, email: str, french: bool) -> None:
    page.goto(f"/c/{action_page.SLUG}?lang={'fr' if french else 'en'}")
    action_page.fill_supporter(page, email)
    page.fill("#intro", "I am a nurse and I write to you from Edmonton.")
    page.click("button[value=send]")


def test_reloading_or_going_back_to_the_thank_you_page_never_errs(
    view: tuple[str, Page],
    server: LiveServer,
) -> None:
    name, page = view
    french = "-fr-" in name
    thanked = "Merci, Amélie !" if french else "Thank you, Amélie!"
    send_a_letter(page, f"reload-{name}@example.org", french)
    expect(page.locator("h1")).to_have_text(thanked)
    assert "/thanks/" in page.url
    expect(page.locator(".sent-letters li")).to_have_count(2)
    shot(page, f"journey-04-thanks-{name}")
    page.reload()
    expect(page.locator("h1")).to_have_text(thanked)
    expect(page.locator(".sent-letters li")).to_have_count(2)
    page.go_back()
    expect(page.locator("form.action")).to_be_visible()
    expect(page.locator("#error-summary")).to_have_count(0)
    page.go_forward()
    expect(page.locator("h1")).to_have_text(thanked)
    assert page.locator(".error, .errors").count() == 0
    assert len(action_page.actions_by(server, f"reload-{name}@example.org")) == 1
    assert axe_finds_nothing_serious(name, page)


def test_send_shows_it_is_busy_and_a_second_press_sends_nothing(
    browser: Browser, server: LiveServer
) -> None:
    for locale, sending in (("en-CA", "Sending…"), ("fr-CA", "Envoi en cours…")):
        context, page = new_page(browser, server, locale=locale)
        page.goto(f"/c/{action_page.SLUG}")
        action_page.fill_supporter(page, f"busy-{locale}@example.org")
        # Hold the form where it is, as a slow network would: the page's own handler
        # runs first, this one (added later) keeps the browser from leaving.
        page.evaluate(
            "window.submits = 0; document.querySelector('form.action').addEventListener("
            "'submit', function (e) { if (!e.defaultPrevented) window.submits += 1; "
            "e.preventDefault(); })"
        )
        send = page.locator("button[value=send]")
        send.click()
        expect(send).to_have_attribute("aria-busy", "true")
        expect(send).to_have_text(sending)
        shot(page, f"journey-05-sending-{locale}")
        send.click(force=True)  # aria-disabled: Playwright would wait; a person presses
        assert page.evaluate("window.submits") == 1
        context.close()


@pytest.mark.parametrize(
    ("language", "viewport"),
    [("en", {"width": 1280, "height": 900}), ("fr", {"width": 360, "height": 740})],
)
def test_an_error_page_without_javascript_focuses_the_summary_and_says_so_in_its_title(
    browser: Browser, server: LiveServer, language: str, viewport: dict[str, int]
) -> None:
    context, page = new_page(
        browser, server, java_script_enabled=False, viewport=viewport, locale=f"{language}-CA"
    )
    page.goto(f"/c/{action_page.SLUG}")
    title = page.title()
    page.click("button[value=send]")  # nothing filled in
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page).to_have_title(("Error: " if language == "en" else "Erreur : ") + title)
    shot(page, f"journey-06-error-focus-{language}")
    context.close()


def aria_findings(page: Page, rule: str) -> list[str]:
    results = Axe().run(page).response
    return [
        node["html"]
        for kind in ("violations", "incomplete")
        for found in results[kind]
        if found["id"] == rule
        for node in found["nodes"]
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_campaigns_fixed_texts_carry_no_prohibited_aria(
    page: Page, server: LiveServer, language: str
) -> None:
    page.goto(f"/c/{action_page.SLUG}?lang={language}")
    expect(page.locator("blockquote").first).to_be_visible()  # the concern is fixed here
    assert aria_findings(page, "aria-prohibited-attr") == []


# Counts the previews the page has handled: the count moves in a task queued once the
# answer is read, so after the page's own handlers (promise callbacks) have run.
COUNT_PREVIEWS = """
window.previewsHandled = 0;
var pageFetch = window.fetch;
window.fetch = function (url, options) {
  return pageFetch.call(window, url, options).then(function (response) {
    if (String(url).indexOf("/preview") < 0) return response;
    var read = response.json.bind(response);
    response.json = function () {
      return read().then(function (answer) {
        setTimeout(function () { window.previewsHandled += 1; }, 0);
        return answer;
      });
    };
    return response;
  });
};
"""


def count_changes(page: Page, element_id: str) -> None:
    page.evaluate(
        "id => { window.changes = window.changes || {}; window.changes[id] = 0; "
        "new MutationObserver(function () { window.changes[id] += 1; })"
        ".observe(document.getElementById(id), "
        "{childList: true, characterData: true, subtree: true}); }",
        element_id,
    )


def changes(page: Page, element_id: str) -> int:
    return int(page.evaluate("id => window.changes[id]", element_id))


@pytest.mark.parametrize("view_name", ["desktop-en-js", "phone-en-js"])
def test_the_preview_is_announced_rarely_and_a_live_error_once(
    browser: Browser, server: LiveServer, view_name: str
) -> None:
    context, page = new_page(browser, server, **VIEWS[view_name])
    page.add_init_script(COUNT_PREVIEWS)
    page.goto(f"/c/{action_page.SLUG}")
    count_changes(page, "preview-status")
    count_changes(page, "live-errors")
    action_page.fill_supporter(page, "polite@example.org")
    letters = page.locator("#preview-letters .letter")
    for words in ("I am a nurse.", "I am a nurse in Edmonton.", "I am a nurse in Edmonton, AB."):
        page.fill("#intro", words)
        expect(letters.first).to_contain_text(words)
    assert changes(page, "preview-status") == 1  # the letters appeared; edits are not said
    page.fill("#email", "not an address")
    expect(page.locator("#email-error")).to_be_visible()
    for words in ("I am a nurse, writing.", "I am a nurse, writing again."):
        done = int(page.evaluate("window.previewsHandled"))
        page.fill("#intro", words)
        page.wait_for_function("done => window.previewsHandled > done", arg=done)
    said = page.locator("#live-errors")
    expect(said).to_contain_text("Enter an email address")
    shot(page, f"journey-07-live-error-{view_name}")
    assert changes(page, "live-errors") == 1  # said when it appeared, not at each pause
    context.close()


def test_a_new_campaign_shows_its_offset_or_no_count_at_all(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    language = "fr" if "-fr-" in name else "en"
    page.goto(f"/c/refugees-in-mexico?lang={language}")  # the demo's offset: 312
    expect(page.locator(".counter .count")).to_be_visible()
    assert action_page.actions_taken(page) >= 312
    shot(page, f"journey-08-counter-offset-{name}")
    page.goto(f"/c/dont-help-close-the-door?lang={language}")  # hidden below 25
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".counter")).to_have_count(0)
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"journey-09-counter-hidden-{name}")


def test_fields_show_their_limit_and_a_count_in_the_pages_language(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    french = "-fr-" in name
    page.goto(f"/c/{action_page.SLUG}?lang={'fr' if french else 'en'}")
    count = page.locator("#intro-count")
    if name.endswith("-nojs"):
        expect(count).to_have_text(
            "1\u202f500 caractères au plus." if french else "At most 1,500 characters."
        )
    else:
        expect(count).to_have_text(
            "0 sur 1\u202f500 caractères" if french else "0 of 1,500 characters"
        )
    action_page.fill_supporter(page, f"long-{name}@example.org")
    page.fill("#intro", "Edmonton. " * 160)  # 1,600 characters
    if not name.endswith("-nojs"):
        expect(count).to_have_text(
            "1\u202f600 caractères : 100 de trop (1\u202f500 au plus)"
            if french
            else "1,600 characters: 100 too many (at most 1,500)"
        )
        shot(page, f"journey-10-count-over-{name}")
    page.click("button[value=send]")
    # refused in the page's language, with its numbers as the page writes them
    expect(page.locator("#intro-error")).to_contain_text(
        "gardez-la sous 1\u202f500" if french else "please keep it under 1,500."
    )
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"journey-11-too-long-{name}")
