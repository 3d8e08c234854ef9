"""The supporter's letters page in a real browser (issue 14): from the thank-you page to
the page, its held letters, reading one, its PDF, stopping one, and (with JavaScript) its
states brought up to date without a reload; desktop and a 360 px phone, English and
French, JavaScript on and off; axe on every view with JavaScript on. Screenshots are
saved in test-artifacts/web/ as letters-*.png."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from app.db import utcnow
from app.letters import lifecycle
from app.letters.models import Action, Letter
from tests.web import test_web_browser as action_page
from tests.web.test_web_browser import new_page, shot
from tests.web.test_web_journey import VIEWS, axe_finds_nothing_serious, send_a_letter
from tests.web_server import LiveServer

server = action_page.server
browser = action_page.browser

WORDS = {
    "en": {
        "link": "Follow your letters, read them again or stop one before it leaves",
        "title": "Your letters",
        "held": "Held: it leaves in about 5 min. You can still stop it.",
        "stop": "Stop this letter",
        "stopped": "was stopped: it will not be sent.",
        "cancelled": "Stopped: it will not be sent.",
        "read": "Read the letter",
        "pdf": "Download it as a PDF",
        "sent": "Sent on ",
    },
    "fr": {
        "link": "Suivez vos lettres, relisez-les ou arrêtez-en une avant son départ",
        "title": "Vos lettres",
        "held": "En attente : elle part dans 5 min environ. Vous pouvez encore l'arrêter.",
        "stop": "Arrêter cette lettre",
        "stopped": "a été arrêtée : elle ne partira pas.",
        "cancelled": "Arrêtée : elle ne partira pas.",
        "read": "Lire la lettre",
        "pdf": "La télécharger en PDF",
        "sent": "Envoyée le ",
    },
}


@pytest.fixture(params=list(VIEWS))
def view(
    request: pytest.FixtureRequest, browser: Browser, server: LiveServer
) -> Iterator[tuple[str, Page]]:
    context, page = new_page(browser, server, **VIEWS[request.param], accept_downloads=True)
    yield request.param, page
    context.close()


def letters_of(server: LiveServer, email: str) -> list[Letter]:
    with server.app.state.sessionmaker() as session:
        action = session.scalars(select(Action).where(Action.email == email)).one()
        return list(
            session.scalars(select(Letter).where(Letter.action_id == action.id).order_by(Letter.id))
        )


def mark_sent(server: LiveServer, letter_id: str) -> None:
    """As the worker records a letter sent (the window over, the server took it)."""
    with server.app.state.sessionmaker() as session:
        session.execute(
            update(Letter)
            .where(Letter.id == letter_id)
            .values(hold_until=utcnow(), status=lifecycle.S.SENDING)
        )
        session.execute(lifecycle.record_sending_outcome([letter_id], "sent", None, utcnow()))
        session.commit()


def test_the_supporter_follows_reads_and_stops_their_letters(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    language = "fr" if "-fr-" in name else "en"
    words = WORDS[language]
    email = f"letters-{name}@example.org"
    if name.endswith("-js"):
        page.clock.install()  # the page's refresh runs on this clock, moved by the test
    send_a_letter(page, email, language == "fr")
    page.get_by_role("link", name=words["link"]).click()
    expect(page.locator("h1")).to_have_text(words["title"])
    expect(page.locator("html")).to_have_attribute("lang", language)
    letters = page.locator("section.supporter-letter")
    expect(letters).to_have_count(2)
    expect(page.get_by_text(words["held"])).to_have_count(2)
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"letters-01-held-{name}")

    first, second = letters_of(server, email)
    page.locator(f"#letter-{first.id}").get_by_text(words["read"]).click()
    expect(page.locator(f"#letter-{first.id} details .letter-text")).to_contain_text(
        "I am a nurse and I write to you from Edmonton."
    )
    with page.expect_download() as download:
        page.locator(f"#letter-{first.id}").get_by_role("link", name=words["pdf"]).click()
    assert download.value.suggested_filename == f"{first.id}.pdf"

    page.locator(f"#letter-{first.id}").get_by_role("button", name=words["stop"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["stopped"])
    expect(page.locator(f"#letter-{first.id} .state")).to_contain_text(words["cancelled"])
    expect(page.get_by_role("button", name=words["stop"])).to_have_count(1)
    assert [letter.status for letter in letters_of(server, email)] == ["cancelled", "queued"]
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"letters-02-stopped-{name}")

    mark_sent(server, second.id)
    state = page.locator(f"#letter-{second.id} .state")
    if name.endswith("-js"):  # brought up to date in place, without a reload
        expect(page.locator(".refreshes")).to_be_visible()
        page.clock.run_for(61_000)
    else:
        expect(page.locator(".refreshes")).to_be_hidden()
        page.reload()
    expect(state).to_contain_text(words["sent"])
    expect(page.get_by_role("button", name=words["stop"])).to_have_count(0)
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"letters-03-sent-{name}")
