"""The question whether the official answered, in a real browser (Debian's chromium
through Playwright) against the live service with the demo loaded: a supporter writes,
the worker's email lane sends the letters (the file backend), time passes, the question
goes, and its link is opened, desktop and a 360 px phone, English and French, JavaScript
on and off; then the public responsiveness page. axe-core finds nothing serious or
critical; screenshots go to test-artifacts/web/."""

import email
import email.policy
import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import utcnow
from app.delivery.email import FileBackend, eml_path
from app.delivery.models import Delivery
from app.impact.models import Questionnaire
from app.impact.questionnaires import ask_due_questions
from app.letters.models import Letter
from app.tokens import message_id
from app.worker import Worker
from tests.web import test_web_browser as action_page
from tests.web.test_web_browser import SUPPORTER, new_page, serious_violations, shot
from tests.web.test_web_journey import PHONE, axe_finds_nothing_serious
from tests.web_server import LiveServer

server = action_page.server
browser = action_page.browser
page = action_page.page
SLUG = action_page.SLUG

VIEWS = {
    "desktop-en-js": {"locale": "en-CA"},
    "phone-fr-nojs": {"locale": "fr-CA", "java_script_enabled": False, **PHONE},
    "phone-en-js": {"locale": "en-CA", **PHONE},
}


@pytest.fixture(params=list(VIEWS))
def view(
    request: pytest.FixtureRequest, browser: Browser, server: LiveServer
) -> Iterator[tuple[str, Page]]:
    context, page = new_page(browser, server, **VIEWS[request.param])
    yield request.param, page
    context.close()


def act(server: LiveServer, slug: str, email: str, language: str) -> dict[str, Any]:
    body = {
        "supporter": {**SUPPORTER, "email": email, "province": "AB"},
        "intro": "I am a nurse and I write to you from Edmonton.",
        "language": language,
    }
    # A loaded machine (the browser, other tests) may take more than httpx's 5 s.
    answer = httpx.post(f"{server.url}/v1/campaigns/{slug}/actions", json=body, timeout=60)
    assert answer.status_code == 201, answer.text
    taken: dict[str, Any] = answer.json()
    hold_over(server, taken["id"])
    return taken


def hold_over(server: LiveServer, action_id: str) -> None:
    """The demo's campaigns hold letters 5 minutes (the supporter may stop them): time
    passes, and the letters may go."""
    past = utcnow() - timedelta(seconds=1)
    with server.app.state.sessionmaker() as session:
        letters = select(Letter.id).where(Letter.action_id == action_id)
        session.execute(update(Letter).where(Letter.id.in_(letters)).values(hold_until=past))
        session.execute(update(Delivery).where(Delivery.letter_id.in_(letters)).values(due_at=past))
        session.commit()


def send_everything(server: LiveServer) -> None:
    """The worker's email lane alone (the demo's other jobs would reach the internet)."""
    settings = server.app.state.settings
    sessions: sessionmaker[Session] = server.app.state.sessionmaker
    worker = Worker(sessions, FileBackend(settings.outbox_dir), settings, jobs=[])
    worker.run(until=lambda: worker.idle)


def asked_by_email(server: LiveServer, action_id: str) -> list[EmailMessage]:
    """Fifteen days on: the questions about the action's letters, sent and read back."""
    with server.app.state.sessionmaker() as session:
        for letter in session.scalars(select(Letter).where(Letter.action_id == action_id)):
            if letter.sent_at is not None:
                letter.sent_at -= timedelta(days=15)
        session.commit()
        ask_due_questions(session)
    send_everything(server)
    settings = server.app.state.settings
    with server.app.state.sessionmaker() as session:
        deliveries = session.scalars(
            select(Questionnaire.delivery_id)
            .join(Letter, Letter.id == Questionnaire.letter_id)
            .where(Letter.action_id == action_id)
        ).all()
    found = []
    for delivery_id in deliveries:
        path = eml_path(
            settings.outbox_dir, message_id(settings, str(delivery_id), "questionnaire")
        )
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.strict)
        assert isinstance(parsed, EmailMessage)
        found.append(parsed)
    return found


def answers_of(server: LiveServer, action_id: str) -> list[str | None]:
    with server.app.state.sessionmaker() as session:
        return list(
            session.scalars(
                select(Questionnaire.answer)
                .join(Letter, Letter.id == Questionnaire.letter_id)
                .where(Letter.action_id == action_id)
            )
        )


def link(message: EmailMessage, answer: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    (found,) = re.findall(
        rf"https://letters\.example\.org(/questionnaires/\S+answer={answer}&\S*)",
        str(body.get_content()),
    )
    return str(found)


def test_the_question_is_answered_by_the_button_not_the_link(
    view: tuple[str, Page], server: LiveServer
) -> None:
    name, page = view
    french = "-fr-" in name
    taken = act(server, SLUG, f"asked-{name}@example.org", "fr" if french else "en")
    send_everything(server)
    asked = asked_by_email(server, taken["id"])
    assert asked, "no question was sent"
    choice = "no" if french else "yes"
    page.goto(link(asked[0], choice))
    expect(page.locator("html")).to_have_attribute("lang", "fr" if french else "en")
    expect(page.locator("h1")).to_contain_text(
        "Avez-vous reçu une réponse de" if french else "Did you get a reply from"
    )
    expect(page.locator(f"#answer-{choice}")).to_be_checked()
    assert set(answers_of(server, taken["id"])) == {None}  # the link alone records nothing
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"questionnaire-01-asked-{name}")
    page.get_by_role(
        "button", name="Enregistrer ma réponse" if french else "Record my answer"
    ).click()
    expect(page.locator(".recorded")).to_contain_text(
        "« Pas de réponse »" if french else "“Yes, I got a reply”"
    )
    assert choice in answers_of(server, taken["id"])
    assert axe_finds_nothing_serious(name, page)
    shot(page, f"questionnaire-02-recorded-{name}")
    page.reload()  # Post/Redirect/Get: the page again, nothing posted twice
    expect(page.locator(".recorded")).to_be_visible()


def test_the_public_responsiveness_page_reads_well(page: Page, server: LiveServer) -> None:
    campaigns = httpx.get(f"{server.url}/v1/campaigns", headers=server.headers).json()["items"]
    (campaign,) = [item for item in campaigns if item["slug"] == SLUG]
    turned_on = httpx.patch(
        f"{server.url}/v1/campaigns/{campaign['id']}",
        json={"responsiveness_public": True},
        headers=server.headers,
    )
    assert turned_on.status_code == 200, turned_on.text
    taken = act(server, SLUG, "public-page@example.org", "en")
    send_everything(server)
    for language in ("en", "fr"):
        page.goto(f"/c/{SLUG}/responsiveness?lang={language}")
        expect(page.locator("table.league tbody tr").first).to_be_visible()
        assert serious_violations(page) == [], language
        shot(page, f"responsiveness-{language}")
    assert taken["id"]
