"""The action page's remaining faults from issues 12 and 14, in a real browser (Debian's
chromium through Playwright): a postal code no table knows, the page's layout, email
typos, a province that contradicts the postal code, the embed's height and where an
action came from. Desktop and a 360 px phone, English and French, JavaScript on and off;
axe finds nothing serious on every view; screenshots go to test-artifacts/web/."""

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web import test_web_browser as action_page
from tests.web import test_web_journey as journey
from tests.web.test_web_browser import SLUG, actions_by, new_page, serious_violations, shot
from tests.web_server import LiveServer

# The action page's module fixtures: a live service and Debian's chromium.
server = action_page.server
browser = action_page.browser
view = journey.view  # desktop and phone, English and French, JavaScript on and off

UNKNOWN = "A0K 1B0"  # the demo's table knows no district for A0K
NOVA_SCOTIAN = {
    "first_name": "Amélie",
    "last_name": "Tremblay",
    "street_address": "24 Main Street",
    "city": "Corner Brook",
    "postal_code": UNKNOWN,
}
INTRO = "I am a nurse and I write to you from Corner Brook."


def facts(name: str) -> tuple[bool, bool]:
    """(French, JavaScript on) for a view's name."""
    return "-fr-" in name, name.endswith("-js")


def no_serious_violations(name: str, page: Page) -> bool:
    """axe runs as a script in the page: with JavaScript off it cannot, and the same page
    is checked in the views with it on."""
    return not facts(name)[1] or serious_violations(page) == []


def fill_form(page: Page, email: str, province: str = "NL", **changes: str) -> None:
    for field, value in (NOVA_SCOTIAN | {"email": email} | changes).items():
        page.fill(f"#{field}", value)
    page.select_option("#province", province)
    page.fill("#intro", INTRO)


def open_page(page: Page, french: bool, path: str = f"/c/{SLUG}") -> None:
    page.goto(f"{path}?lang={'fr' if french else 'en'}")


def test_an_unknown_postal_code_offers_the_riding_or_mp_by_name_and_writes_to_the_choice(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    french, js = facts(name)
    email = f"unknown-choose-{name}@example.org"
    open_page(page, french)
    fill_form(page, email)
    chooser = page.locator("#choose-district")
    if js:  # said as soon as the postal code is typed
        expect(chooser).to_be_visible()
    else:  # said when the form is first sent: the page asks before it sends without
        expect(chooser).to_be_hidden()
        page.click("button[value=send]")
        expect(page.locator("#district_search-error")).to_be_visible()
        assert actions_by(server, email) == []
    expect(chooser).to_contain_text(
        "Choisissez votre circonscription" if french else "Choose your riding or your MP"
    )
    page.fill("#district_search", "anstey")  # the MP's name
    if not js:
        page.click("#find-district")
    choice = page.get_by_label(
        "Long Range Mountains (NL) : Carol Anstey"
        if french
        else "Long Range Mountains (NL): Carol Anstey"
    )
    expect(choice).to_be_visible()
    assert no_serious_violations(name, page)
    shot(page, f"page-01-choose-riding-{name}")
    choice.check()
    if js:
        expect(page.locator("#targets")).to_contain_text("Carol Anstey")
    page.click("button[value=send]")
    expect(page.locator("h1")).to_contain_text("Merci" if french else "Thank you")
    sent = page.locator(".sent-letters")
    expect(sent).to_contain_text("Carol Anstey")
    expect(page.locator(".sent-letters .no-letter")).to_have_count(0)
    (action,) = actions_by(server, email)
    with server.app.state.sessionmaker() as session:
        session.add(action)
        assert any(letter.recipient["display_name"] == "Carol Anstey" for letter in action.letters)
    assert no_serious_violations(name, page)
    shot(page, f"page-02-chosen-riding-thanks-{name}")


def test_the_thank_you_page_names_a_target_that_got_no_letter_and_why(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    french, js = facts(name)
    email = f"unknown-without-{name}@example.org"
    open_page(page, french)
    fill_form(page, email)
    if js:
        expect(page.locator("#choose-district")).to_be_visible()
    else:
        page.click("button[value=send]")
        expect(page.locator("#choose-district")).to_be_visible()
    page.click("button[value=send]")  # without choosing: sent, and said so
    expect(page.locator("h1")).to_contain_text("Merci" if french else "Thank you")
    missing = page.locator(".sent-letters .no-letter")
    expect(missing).to_have_count(1)
    expect(missing).to_have_text(
        "Aucune lettre : Nous n'avons pas trouvé votre députée ou député à partir de votre "
        "code postal."
        if french
        else "No letter: We could not find your MP from your postal code."
    )
    assert len(actions_by(server, email)) == 1
    assert no_serious_violations(name, page)
    shot(page, f"page-03-no-letter-thanks-{name}")


def test_the_districts_search_names_the_mps_in_the_pages_language(server: LiveServer) -> None:
    answer = httpx.get(f"{server.url}/c/{SLUG}/districts", params={"q": "anstey", "lang": "fr"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["districts"] == [
        {
            "name": "Long Range Mountains",
            "mps": ["Carol Anstey"],
            "label": "Long Range Mountains (NL) : Carol Anstey",
        }
    ]
    targets = httpx.get(f"{server.url}/c/{SLUG}/targets", params={"postal_code": UNKNOWN})
    assert targets.json()["choose_district"] is True
    short = httpx.get(f"{server.url}/c/{SLUG}/districts", params={"q": "a"})
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "q"


EDMONTON = {"postal_code": "T5A 1B7", "city": "Edmonton", "province": "AB"}


def test_an_email_domain_one_slip_from_a_common_one_gets_did_you_mean(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    french, js = facts(name)
    typed, meant = f"typo-{name}@gmial.com", f"typo-{name}@gmail.com"
    question = f"Vouliez-vous dire {meant} ?" if french else f"Did you mean {meant}?"
    open_page(page, french)
    fill_form(page, typed, **EDMONTON)
    if js:  # asked as it is typed, and taken with one press
        expect(page.locator("#email-suggestion")).to_have_text(question)
        assert no_serious_violations(name, page)
        shot(page, f"page-04-did-you-mean-{name}")
        page.click("#use-suggestion")
        expect(page.locator("#email")).to_have_value(meant)
        expect(page.locator("#email-suggestion")).to_be_empty()
        page.click("button[value=send]")
        expect(page.locator("h1")).to_contain_text("Merci" if french else "Thank you")
        assert len(actions_by(server, meant)) == 1
        return
    # Without JavaScript the first Send asks; a second keeps the address as typed.
    page.click("button[value=send]")
    expect(page.locator("#email-error")).to_contain_text(question)
    expect(page.locator("#email-suggestion")).to_have_text(question)
    assert actions_by(server, typed) == []
    shot(page, f"page-04-did-you-mean-{name}")
    page.click("button[value=send]")
    expect(page.locator("h1")).to_contain_text("Merci" if french else "Thank you")
    assert len(actions_by(server, typed)) == 1


def test_a_common_domain_typed_right_is_asked_nothing(server: LiveServer) -> None:
    for email, suggestion in (
        ("amelie@gmail.com", None),
        ("amelie@example.org", None),
        ("amelie@hotmial.com", "amelie@hotmail.com"),
    ):
        answer = httpx.post(
            f"{server.url}/c/{SLUG}/email-check", params={"lang": "fr"}, data={"email": email}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["suggestion"] == suggestion
    assert answer.json()["message"] == "Vouliez-vous dire amelie@hotmail.com ?"


def test_a_province_the_postal_code_contradicts_is_questioned_beside_the_field(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    french, js = facts(name)
    email = f"province-{name}@example.org"
    said = (
        "Les codes postaux qui commencent par T sont ceux de : Alberta. Vérifiez votre "
        "province (Québec) et votre code postal."
        if french
        else "Postal codes beginning with T are in Alberta, not Quebec: please check your "
        "province and your postal code."
    )
    open_page(page, french)
    fill_form(page, email, **EDMONTON | {"province": "QC"})
    if not js:
        page.click("button[value=send]")
    expect(page.locator("#province-error")).to_have_text(said)  # live, or the page again
    assert actions_by(server, email) == []
    assert no_serious_violations(name, page)
    shot(page, f"page-05-province-questioned-{name}")
    page.select_option("#province", "AB")
    page.click("button[value=send]")
    expect(page.locator("h1")).to_contain_text("Merci" if french else "Thank you")
    assert len(actions_by(server, email)) == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_questions_a_province_the_postal_code_contradicts(
    server: LiveServer, language: str
) -> None:
    email = f"province-api-{language}@example.org"
    body = {
        "supporter": NOVA_SCOTIAN | {"email": email, "postal_code": "H2T 1A1", "province": "ON"},
        "intro": INTRO,
        "language": language,
    }
    answer = httpx.post(f"{server.url}/v1/campaigns/{SLUG}/actions", json=body)
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    assert error["field"] == "supporter.province"
    assert error["code"] == "province_contradicts_postal_code"
    assert error["message"].startswith(
        "Postal codes beginning with H are in Quebec"
        if language == "en"
        else "Les codes postaux qui commencent par H sont ceux de : Québec."
    )
    assert actions_by(server, email) == []


def bottom_of(page: Page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return float(box["y"] + box["height"])


def top_of(page: Page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return float(box["y"])


def test_the_call_to_action_and_first_field_are_on_the_first_screen(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    french = facts(name)[0]
    open_page(page, french)
    screen = page.viewport_size
    assert screen is not None
    expect(page.locator(".cta")).to_have_text(
        "Envoyez votre lettre : cela prend deux minutes."
        if french
        else "Send your letter: it takes two minutes."
    )
    assert bottom_of(page, ".cta") <= screen["height"]
    assert bottom_of(page, "#first_name") <= screen["height"]
    shot(page, f"page-06-first-screen-{name}")
    # The guidance comes before the box it guides, in reading order and on the screen.
    assert page.evaluate(
        "document.getElementById('guidance').compareDocumentPosition("
        "document.getElementById('intro')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert top_of(page, "#guidance") <= top_of(page, "#intro")
    # The letters are in a preview that folds away, and Send follows it.
    preview = page.locator("details#preview")
    expect(preview).not_to_have_attribute("open", "")
    expect(page.locator("#preview-letters")).to_be_hidden()
    assert no_serious_violations(name, page)


def test_the_preview_folds_away_its_button_goes_with_javascript_and_lands_without(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    french, js = facts(name)
    open_page(page, french)
    fill_form(page, f"layout-{name}@example.org", **EDMONTON)
    preview = page.locator("details#preview")
    button = page.locator("button[value=preview]")
    if js:  # the live preview makes the button redundant
        expect(button).to_be_hidden()
        page.locator("#preview summary").click()
    else:
        expect(button).to_be_visible()
        button.click()
        assert page.url.endswith("#preview")  # the answer lands at the preview
    expect(preview).to_have_attribute("open", "")
    letters = page.locator("#preview-letters .letter")
    expect(letters).to_have_count(2)
    expect(letters.first).to_be_visible()
    if not js:  # the answer to Preview opens at the letters
        expect(letters.first).to_be_in_viewport()
    assert no_serious_violations(name, page)
    shot(page, f"page-07-preview-open-{name}")
    page.locator("#preview summary").click()  # folds away
    expect(letters.first).to_be_hidden()


@pytest.mark.parametrize("with_script", [True, False])
def test_the_embed_tells_its_height_and_the_hosts_script_fits_the_frame(
    browser: Browser, server: LiveServer, with_script: bool
) -> None:
    script = f'<script src="{server.url}/static/web/embed.js" async></script>'
    snippet = (
        f'<h1>A partner</h1><iframe id="embed" src="{server.url}/embed/c/{SLUG}" '
        'title="Write to your MP" style="width:100%;height:1900px;border:0"></iframe>'
    ) + (script if with_script else "")
    context, page = new_page(browser, server, **journey.PHONE)
    with action_page.partner_site(snippet) as partner_url:
        page.goto(partner_url)
        frame = page.frame_locator("#embed")
        expect(frame.locator("form.action")).to_be_visible()
        inner = page.frame(url=re.compile(r"/embed/c/"))
        assert inner is not None
        content = inner.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
        assert content > 1900  # a phone's form is taller than the snippet's fallback
        if with_script:
            expect(page.locator("#embed")).to_have_attribute(
                "style", re.compile(rf"height: ?{content}px")
            )
            # Send is reached by scrolling the partner's page, not inside the frame.
            assert inner.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")
        else:  # the snippet's own height remains
            expect(page.locator("#embed")).to_have_attribute(
                "style", re.compile(r"height: ?1900px")
            )
        shot(page, f"page-08-embed-{'fitted' if with_script else 'fallback'}")
    context.close()


def test_the_page_records_the_link_tags_it_was_opened_with(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    french, _ = facts(name)
    email = f"tags-{name}@example.org"
    page.goto(
        f"/c/{SLUG}?lang={'fr' if french else 'en'}&utm_source=newsletter&utm_medium=email"
        f"&utm_campaign=stca-week&utm_content={'x' * 150}"
    )
    fill_form(page, email, **EDMONTON)
    assert no_serious_violations(name, page)
    shot(page, f"page-09-tagged-{name}")
    page.click("button[value=send]")
    expect(page.locator("h1")).to_contain_text("Merci" if french else "Thank you")
    (action,) = actions_by(server, email)
    assert (action.utm_source, action.utm_medium, action.utm_campaign) == (
        "newsletter",
        "email",
        "stca-week",
    )
    assert action.utm_content == "x" * 100  # cut to what the API keeps, never refused
    assert (action.utm_term, action.embedded_on, action.source) == (None, None, "page")


# (how the partner's page frames the form, JavaScript on, the browser's options)
FRAMINGS = {
    "script-phone-en": (True, True, journey.PHONE | {"locale": "en-CA"}),
    "no-script-desktop-fr": (False, True, {"locale": "fr-CA"}),
    "no-script-nojs-phone-fr": (False, False, journey.PHONE | {"locale": "fr-CA"}),
    "no-referrer": (False, True, {"locale": "en-CA"}),
}


@pytest.mark.parametrize("framing", list(FRAMINGS))
def test_the_embedded_page_records_the_site_that_framed_it(
    browser: Browser, server: LiveServer, framing: str
) -> None:
    """With embed.js the browser names the host page's origin to the frame (postMessage)
    and the host page's own utm_* tags come with it; without it, the frame's request's
    Referer names the host; a host that sends no Referer is not known."""
    with_script, js, options = FRAMINGS[framing]
    policy = '<meta name="referrer" content="no-referrer">' if framing == "no-referrer" else ""
    lang = "fr" if options["locale"] == "fr-CA" else "en"
    snippet = (
        f'<!doctype html><html lang="{lang}"><head><title>A partner</title>{policy}</head>'
        f'<body><main><h1>A partner</h1><iframe id="embed" title="Write" '
        f'src="{server.url}/embed/c/{SLUG}?lang={lang}&utm_source=partner-snippet" '
        'style="width:100%;height:1900px;border:0"></iframe></main>'
    ) + (f'<script src="{server.url}/static/web/embed.js" async></script>' if with_script else "")
    email = f"framed-{framing}@example.org"
    context, page = new_page(browser, server, java_script_enabled=js, **options)
    with action_page.partner_site(snippet) as partner_url:
        host = partner_url.rstrip("/")
        page.goto(f"{partner_url}?utm_campaign=host-week&utm_source=host-page")
        frame = page.frame_locator("#embed")
        expect(frame.locator("form.action")).to_be_visible()
        site = frame.locator('input[name="embedded_on"]')
        if framing == "no-referrer":
            expect(site).to_have_count(0)
        else:
            expect(site).to_have_value(host)
        if with_script:  # the host's tags, once its script has answered the frame
            expect(frame.locator('input[name="utm_campaign"]')).to_have_value("host-week")
        for field, value in (action_page.SUPPORTER | {"email": email}).items():
            frame.locator(f"#{field}").fill(value)
        frame.locator("#province").select_option("AB")
        frame.locator("#intro").fill("I am a nurse and I write to you from Edmonton.")
        if js:
            assert serious_violations(page) == []
        shot(page, f"page-10-framed-{framing}")
        frame.locator("button[value=send]").click()
        expect(frame.locator("h1")).to_contain_text("Merci" if lang == "fr" else "Thank you")
    context.close()
    (action,) = actions_by(server, email)
    assert action.embedded_on == (None if framing == "no-referrer" else host)
    assert action.utm_source == "partner-snippet"  # the frame's own address's tag stays
    # The host page's own tags come only through its script.
    assert action.utm_campaign == ("host-week" if with_script else None)
