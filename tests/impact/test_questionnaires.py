"""Asking the supporter whether the official answered: letters are sent through a real
SMTP server on loopback, time is moved by moving the letters' and questions' dates, and
the worker's own loop (its periodic jobs, then the email lane) sends the questions. The
emails are parsed back strictly; the page's links are followed as a mail scanner would
(GET: nothing recorded) and answered as a person does (POST, then the page again)."""

import email
import email.policy
import re
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.scopes import Scope
from app.db import utcnow
from app.delivery.models import DeliveryAttempt
from app.impact.models import Questionnaire
from app.impact.questionnaires import ask_due_questions
from app.inbound.addresses import id_of_bounce_address
from app.inbound.service import receive
from app.letters.models import Letter
from app.settings import Settings
from app.tokens import questionnaire_token
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all, make_print_batch
from tests.smtp_sink import Received, SinkHandler

MILLER = "marc.miller@parl.gc.ca"
SUPPORTER = "amelie@example.org"


@pytest.fixture
def settings(settings: Settings, sink: tuple[SinkHandler, int]) -> Settings:
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "worker_poll_seconds": 0.05,
            "public_url": "https://letters.example.org",
        }
    )


def write_and_send(
    client: TestClient, caller: Caller, settings: Settings, language: str = "en", **campaign: object
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, **campaign)
    body = action_body(language=language)
    assert client.post("/v1/campaigns/rescind-stca/actions", json=body).status_code == 201
    deliver_all(client, settings)


def days_pass(session: Session, days: float) -> None:
    """Move every letter's sending and every question's asking `days` into the past."""
    past = timedelta(days=days)
    session.expire_all()
    for letter in session.scalars(select(Letter).where(Letter.sent_at.is_not(None))):
        letter.sent_at = (letter.sent_at or utcnow()) - past
    for question in session.scalars(select(Questionnaire)):
        question.asked_at -= past
    session.commit()
    session.expire_all()


def new_mail(sink: tuple[SinkHandler, int], seen: int) -> list[EmailMessage]:
    """What arrived since `seen`, read back with the strict policy."""
    parsed = []
    for item in sink[0].received[seen:]:
        message = email.message_from_bytes(item.raw, policy=email.policy.strict)
        assert isinstance(message, EmailMessage)
        parsed.append(message)
    return parsed


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def links_in(message: EmailMessage) -> dict[str, str]:
    """The answer links, by answer, as paths on the service."""
    found = re.findall(r"https://letters\.example\.org(/questionnaires/\S+)", text_of(message))
    return {parse_qs(urlsplit(path).query)["answer"][0]: path for path in found}


def questions(session: Session) -> list[Questionnaire]:
    session.expire_all()
    return list(session.scalars(select(Questionnaire).order_by(Questionnaire.id)))


def test_the_question_goes_after_its_days_once_with_one_reminder_at_most(
    client: TestClient, caller: Caller, settings: Settings, sink: tuple[SinkHandler, int],
    session: Session,
) -> None:  # fmt: skip
    write_and_send(client, caller, settings)
    letters_sent = len(sink[0].received)
    assert letters_sent == 2
    days_pass(session, 13)
    deliver_all(client, settings)
    assert len(sink[0].received) == letters_sent  # not yet: 14 days
    days_pass(session, 1.1)
    deliver_all(client, settings)
    asked = new_mail(sink, letters_sent)
    assert len(asked) == 2 and {str(m["To"]) for m in asked} == {f"Amélie Tremblay <{SUPPORTER}>"}
    subjects = sorted(str(m["Subject"]) for m in asked)
    assert subjects[0].startswith("Did you get a reply from ")
    assert any("Marc Miller" in s for s in subjects)
    assert set(links_in(asked[0])) == {"yes", "no", "not_yet"}
    deliver_all(client, settings)
    assert len(sink[0].received) == letters_sent + 2  # asked once

    # One supporter answers one question; a week on, only the other is reminded, once.
    to_miller = next(m for m in asked if "Marc Miller" in str(m["Subject"]))
    yes = links_in(to_miller)["yes"]
    token = parse_qs(urlsplit(yes).query)["token"][0]
    answered = client.post(yes.split("?")[0], data={"token": token, "answer": "yes"},
                           follow_redirects=False)  # fmt: skip
    assert answered.status_code == 303
    days_pass(session, 7.1)
    deliver_all(client, settings)
    (reminder,) = new_mail(sink, letters_sent + 2)
    assert "Marc Miller" not in str(reminder["Subject"])
    assert "This is our only reminder" in text_of(reminder)
    days_pass(session, 30)
    deliver_all(client, settings)
    assert len(sink[0].received) == letters_sent + 3
    assert sorted(q.answer or "" for q in questions(session)) == ["", "yes"]


def test_following_a_link_records_nothing_and_the_button_records_the_answer(
    client: TestClient, caller: Caller, settings: Settings, sink: tuple[SinkHandler, int],
    session: Session,
) -> None:  # fmt: skip
    write_and_send(client, caller, settings, language="fr")
    seen = len(sink[0].received)
    days_pass(session, 14.1)
    deliver_all(client, settings)
    message = new_mail(sink, seen)[0]
    assert str(message["Subject"]).startswith("Avez-vous reçu une réponse de ")
    assert message["Content-Language"] == "fr"
    links = links_in(message)
    # A mail scanner follows every link: each shows the page and answers nothing.
    for answer, path in links.items():
        shown = client.get(path)
        assert shown.status_code == 200 and 'lang="fr"' in shown.text
        assert f'value="{answer}" checked' in shown.text
    assert [q.answer for q in questions(session)] == [None, None]
    path, query = links["not_yet"].split("?")
    token = parse_qs(query)["token"][0]
    # No answer chosen: the page again, saying so; nothing recorded.
    refused = client.post(path, data={"token": token})
    assert refused.status_code == 422 and "Choisissez une réponse." in refused.text
    recorded = client.post(path, data={"token": token, "answer": "not_yet"})
    assert recorded.status_code == 200 and recorded.history[0].status_code == 303
    assert "nous avons enregistré votre réponse, « Pas encore »" in recorded.text
    # Changed later: the answer is replaced.
    client.post(path, data={"token": token, "answer": "no"})
    assert sorted(q.answer or "" for q in questions(session)) == ["", "no"]


def test_a_link_we_did_not_send_answers_nothing(
    client: TestClient, caller: Caller, settings: Settings, session: Session
) -> None:
    write_and_send(client, caller, settings)
    days_pass(session, 14.1)
    ask_due_questions(session)
    question = questions(session)[0]
    for path in (
        f"/questionnaires/{question.id}?answer=yes&token=0123456789abcdef0123456789abcdef",
        f"/questionnaires/{question.id}?answer=yes",
        "/questionnaires/qst_nothing?answer=yes&token=x",
    ):
        assert client.get(path).status_code == 404, path
    forged = client.post(f"/questionnaires/{question.id}", data={"token": "x", "answer": "yes"})
    assert forged.status_code == 404 and "not one we sent" in forged.text
    assert [q.answer for q in questions(session)] == [None, None]


def official_reply(letter: Received) -> bytes:
    return (
        f"From: An Office <{letter.recipients[0]}>\r\nTo: {letter.message['Reply-To']}\r\n"
        f"Subject: RE: letter\r\nMessage-ID: <r-{letter.recipients[0]}>\r\n\r\nThank you.\r\n"
    ).encode()


def reply_to(letter: Received) -> list[str]:
    return [letter.message["Reply-To"].addresses[0].addr_spec]


def test_nothing_is_asked_when_a_reply_was_captured_nor_after_erasure(
    client: TestClient, caller: Caller, make_caller: MakeCaller, settings: Settings,
    sink: tuple[SinkHandler, int], session: Session,
) -> None:  # fmt: skip
    write_and_send(client, caller, settings, reply_capture=True)
    miller, other = sorted(sink[0].received, key=lambda item: item.recipients != [MILLER])
    assert receive(session, settings, official_reply(miller), reply_to(miller), None).kind == (
        "reply_human"
    )
    days_pass(session, 14.1)
    ask_due_questions(session)
    (question,) = questions(session)  # none about the answered letter
    assert question.letter_id == id_of_bounce_address(settings, other.sender)
    # The other letter is answered after its question was queued: the lane does not send it.
    receive(session, settings, official_reply(other), reply_to(other), None)
    seen = len(sink[0].received)
    deliver_all(client, settings)
    assert len(sink[0].received) == seen
    (attempt,) = session.scalars(
        select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == question.delivery_id)
    )
    assert (attempt.outcome, attempt.error) == ("failed", "a reply to the letter was captured")
    # Erased: no reminder, and the question's page says why there is nothing to answer.
    writer = make_caller([Scope.CONSTITUENTS_WRITE], caller.organisation_id)
    erased = client.delete("/v1/constituents", params={"email": SUPPORTER}, headers=writer.headers)
    assert erased.status_code == 200
    token = questionnaire_token(settings, question.id)
    gone = client.get(f"/questionnaires/{question.id}?token={token}")
    assert gone.status_code == 410 and "Your details were erased" in gone.text
    posted = client.post(f"/questionnaires/{question.id}", data={"token": token, "answer": "yes"})
    assert posted.status_code == 410
    days_pass(session, 30)
    deliver_all(client, settings)
    assert len(sink[0].received) == seen
    assert [q.answer for q in questions(session)] == [None]


def test_a_question_queued_before_an_erasure_is_not_sent(
    client: TestClient, caller: Caller, make_caller: MakeCaller, settings: Settings,
    sink: tuple[SinkHandler, int], session: Session,
) -> None:  # fmt: skip
    write_and_send(client, caller, settings)
    days_pass(session, 14.1)
    ask_due_questions(session)
    writer = make_caller([Scope.CONSTITUENTS_WRITE], caller.organisation_id)
    erased = client.delete("/v1/constituents", params={"email": SUPPORTER}, headers=writer.headers)
    assert erased.status_code == 200
    seen = len(sink[0].received)
    deliver_all(client, settings)
    assert len(sink[0].received) == seen


def test_a_campaign_may_ask_nothing(
    client: TestClient, caller: Caller, settings: Settings, sink: tuple[SinkHandler, int],
    session: Session,
) -> None:  # fmt: skip
    write_and_send(client, caller, settings, questionnaire_days=None)
    seen = len(sink[0].received)
    days_pass(session, 15)
    deliver_all(client, settings)
    assert len(sink[0].received) == seen and questions(session) == []
    campaign_id = client.get("/v1/campaigns", headers=caller.headers).json()["items"][0]["id"]
    invalid = client.patch(f"/v1/campaigns/{campaign_id}", json={"questionnaire_days": 0},
                           headers=caller.headers)  # fmt: skip
    assert invalid.status_code == 422 and "questionnaire_days" in invalid.text


def test_a_printed_letter_is_asked_about_counting_from_the_day_its_batch_was_mailed(
    client: TestClient, caller: Caller, settings: Settings, sink: tuple[SinkHandler, int],
    session: Session,
) -> None:  # fmt: skip
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"])
    body = action_body(language="fr")
    assert client.post("/v1/campaigns/rescind-stca/actions", json=body).status_code == 201
    batch = make_print_batch(client, caller.headers)
    days_pass(session, 30)  # printed long ago, but not yet posted: nothing to ask
    deliver_all(client, settings)
    assert questions(session) == [] and sink[0].received == []

    posted = (utcnow() - timedelta(days=15)).date()
    url = f"/v1/print-batches/{batch['id']}/mark-mailed"
    marked = client.post(url, json={"mailed_on": posted.isoformat()}, headers=caller.headers)
    assert marked.status_code == 200, marked.text
    assert marked.json()["mailed_at"].startswith(posted.isoformat())
    deliver_all(client, settings)
    asked = new_mail(sink, 0)
    assert len(asked) == 2
    assert {str(m["Subject"]).split(" de ")[0] for m in asked} == {"Avez-vous reçu une réponse"}
    assert "a posté votre lettre à" in text_of(asked[0])  # posted that day, not written
    assert set(links_in(asked[0])) == {"yes", "no", "not_yet"}
    assert {q.letter_id for q in questions(session)} == {
        letter.id for letter in session.scalars(select(Letter))
    }


def test_a_batch_marked_mailed_today_is_asked_about_only_after_its_days(
    client: TestClient, caller: Caller, settings: Settings, sink: tuple[SinkHandler, int],
    session: Session,
) -> None:  # fmt: skip
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"])
    assert client.post("/v1/campaigns/rescind-stca/actions", json=action_body()).status_code == 201
    batch = make_print_batch(client, caller.headers)
    url = f"/v1/print-batches/{batch['id']}/mark-mailed"
    assert client.post(url, headers=caller.headers).status_code == 200
    days_pass(session, 13)
    deliver_all(client, settings)
    assert sink[0].received == []
    days_pass(session, 1.1)
    deliver_all(client, settings)
    assert len(new_mail(sink, 0)) == 2
