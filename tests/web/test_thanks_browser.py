"""The thank-you page tells each letter's truth (issue 14): a letter in its hold window
is held until a time the supporter reads in their province's time zone, named, and can
still be stopped from the letters page; none is said to be "on its way" while it waits.
Desktop and a 360 px phone, English and French, JavaScript on and off; axe with it on.
Screenshots are saved in test-artifacts/web/ as thanks-*.png."""

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.letters.models import Action, Letter
from tests.web import test_web_browser as action_page
from tests.web.test_web_browser import new_page, shot
from tests.web.test_web_journey import VIEWS, axe_finds_nothing_serious, send_a_letter
from tests.web_server import LiveServer

server = action_page.server
browser = action_page.browser

EDMONTON = ZoneInfo("America/Edmonton")  # the supporter writes from Alberta


@pytest.fixture(params=list(VIEWS))
def view(
    request: pytest.FixtureRequest, browser: Browser, server: LiveServer
) -> Iterator[tuple[str, Page]]:
    context, page = new_page(browser, server, **VIEWS[request.param])
    yield request.param, page
    context.close()


def letters_of(server: LiveServer, email: str) -> list[Letter]:
    with server.app.state.sessionmaker() as session:
        action = session.scalars(select(Action).where(Action.email == email)).one()
        return list(session.scalars(select(Letter).where(Letter.action_id == action.id)))


def held_until(language: str, letter: Letter) -> str:
    assert letter.hold_until is not None
    local = letter.hold_until.astimezone(EDMONTON)
    if language == "fr":
        return f"Retenue jusqu'à {local:%H} h {local:%M} (heure des Rocheuses)"
    return f"Held until {local:%H:%M} (Mountain Time)"


def test_letters_in_their_hold_window_are_said_to_be_held_until_a_local_time(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    language = "fr" if "-fr-" in name else "en"
    email = f"thanks-held-{name}@example.org"
    send_a_letter(page, email, language == "fr")
    expect(page.locator(".sent-letters li")).to_have_count(2)
    stop = (
        "Vous pouvez encore l'arrêter depuis la page de vos lettres."
        if language == "fr"
        else "You can still stop it from your letters page."
    )
    for letter in letters_of(server, email):
        expect(page.locator(".sent-letters")).to_contain_text(held_until(language, letter))
    expect(page.locator(".sent-letters .status").first).to_contain_text(stop)
    expect(page.locator(".next").first).not_to_contain_text(
        "en route" if language == "fr" else "on their way"
    )
    expect(page.locator(".next").first).to_contain_text("attendent" if language == "fr" else "wait")
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"thanks-01-held-{name}")
    page.reload()  # the same truth again, read from the page's own address
    for letter in letters_of(server, email):
        expect(page.locator(".sent-letters")).to_contain_text(held_until(language, letter))


def test_without_a_hold_window_the_letters_are_queued(browser: Browser, server: LiveServer) -> None:
    campaigns = httpx.get(f"{server.url}/v1/campaigns", headers=server.headers).json()["items"]
    (campaign,) = [item for item in campaigns if item["slug"] == action_page.SLUG]
    changed = httpx.patch(
        f"{server.url}/v1/campaigns/{campaign['id']}",
        json={"hold_minutes": 0},
        headers=server.headers,
    )
    assert changed.status_code == 200, changed.text
    try:
        for locale, queued in (("en-CA", "Queued: it leaves in a moment"), ("fr-CA", "Prête")):
            context, page = new_page(browser, server, locale=locale)
            send_a_letter(page, f"thanks-queued-{locale}@example.org", locale == "fr-CA")
            expect(page.locator(".sent-letters .status")).to_have_count(2)
            for status in page.locator(".sent-letters .status").all():
                expect(status).to_contain_text(queued)
            expect(page.locator(".sent-letters")).not_to_contain_text("Held")
            assert axe_finds_nothing_serious("desktop-js", page)
            shot(page, f"thanks-02-queued-{locale}")
            context.close()
    finally:
        httpx.patch(
            f"{server.url}/v1/campaigns/{campaign['id']}",
            json={"hold_minutes": 5},
            headers=server.headers,
        )
