"""Responsiveness figures from every source at once: six supporters write to the
minister and to their MP through a real SMTP server; two of the minister's letters are
answered at their reply address, one MP letter bounces (a Postfix DSN fed back), and the
supporters answer the question by its page. The API's figures per official, per office,
per campaign and overall follow, and the public page shows them with its care."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.impact.models import Questionnaire
from app.impact.questionnaires import ask_due_questions
from app.inbound.addresses import id_of_bounce_address
from app.inbound.service import receive
from app.letters.models import Letter
from app.settings import Settings
from app.tokens import questionnaire_token
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.delivery_data import deliver_all
from tests.impact.test_questionnaires import days_pass, official_reply, reply_to
from tests.inbound_mail import postfix_dsn
from tests.smtp_sink import Received, SinkHandler

MILLER = "marc.miller@parl.gc.ca"
MINISTER = "Minister of Immigration, Refugees and Citizenship"


@pytest.fixture
def settings(settings: Settings, sink: tuple[SinkHandler, int]) -> Settings:
    return settings.model_copy(
        update={"email_backend": "smtp", "smtp_port": sink[1], "worker_poll_seconds": 0.05}
    )


def answer(client: TestClient, settings: Settings, question: Questionnaire, said: str) -> None:
    token = questionnaire_token(settings, question.id)
    posted = client.post(
        f"/questionnaires/{question.id}",
        data={"token": token, "answer": said},
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text


@pytest.fixture
def campaign(
    client: TestClient, caller: Caller, settings: Settings, sink: tuple[SinkHandler, int],
    session: Session,
) -> dict[str, Any]:  # fmt: skip
    make_directory(client, caller)
    made = make_campaign(client, caller, reply_capture=True)
    for n in range(6):
        body = action_body(supporter={"email": f"writer{n}@example.org"})
        assert client.post("/v1/campaigns/rescind-stca/actions", json=body).status_code == 201
    deliver_all(client, settings)
    to_miller = [item for item in sink[0].received if item.recipients == [MILLER]]
    to_mp = [item for item in sink[0].received if item.recipients != [MILLER]]
    assert len(to_miller) == len(to_mp) == 6
    days_pass(session, 14.1)
    for letter in to_miller[:2]:
        receive(session, settings, official_reply(letter), reply_to(letter), None)
    bounced: Received = to_mp[0]
    dsn = postfix_dsn(bounced.sender, bounced.recipients[0], bounced.raw)
    assert receive(session, settings, dsn, [bounced.sender]).kind == "bounce"
    ask_due_questions(session)
    said = {"yes": 1, "no": 3}  # the minister's four unanswered letters
    mp_said = ["yes", "yes", "not_yet"]  # four MP letters asked; one left unanswered
    for question in session.scalars(select(Questionnaire).order_by(Questionnaire.id)).all():
        to = session.get_one(Letter, question.letter_id).recipient.get("email")
        if to == MILLER:
            choice = "yes" if said["yes"] else "no"
            said[choice] -= 1
            answer(client, settings, question, choice)
        elif mp_said:
            answer(client, settings, question, mp_said.pop())
    assert id_of_bounce_address(settings, bounced.sender)
    return made


def test_figures_count_captured_and_reported_replies_per_official_office_and_campaign(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    figures = client.get(
        f"/v1/campaigns/{campaign['id']}/responsiveness", headers=caller.headers
    ).json()
    assert figures["overall"] == {
        "letters_sent": 12, "letters_bounced": 1, "replies_captured": 2, "replies_reported": 3,
        "no_reply_reported": 3, "letters_answered": 5, "outcomes_known": 8, "reply_rate": 0.625,
        "median_days_to_reply": 14.1,
    }  # fmt: skip
    miller = next(r for r in figures["recipients"] if r["display_name"] == "Marc Miller")
    assert (miller["letters_sent"], miller["replies_captured"], miller["replies_reported"]) == (
        6,
        2,
        1,
    )
    assert (miller["letters_answered"], miller["outcomes_known"], miller["reply_rate"]) == (
        3,
        6,
        0.5,
    )
    offices = {row["office"]: row for row in figures["offices"]}
    assert offices[MINISTER]["holders"] == ["Marc Miller"]
    mp = next(row for office, row in offices.items() if office.startswith("MP, "))
    assert (mp["letters_bounced"], mp["replies_reported"], mp["reply_rate"]) == (1, 2, 1.0)
    assert figures["period"]["first_sent_at"] <= figures["period"]["last_sent_at"]
    everything = client.get("/v1/responsiveness", headers=caller.headers)
    assert everything.status_code == 200, everything.text
    overall = everything.json()
    assert overall["overall"] == figures["overall"]
    assert [c["slug"] for c in overall["campaigns"]] == ["rescind-stca"]
    assert overall["offices"] == figures["offices"]


def test_the_public_page_shows_figures_only_where_turned_on_and_only_on_enough_letters(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    assert client.get("/c/rescind-stca/responsiveness").status_code == 404
    turned_on = client.patch(
        f"/v1/campaigns/{campaign['id']}",
        json={"responsiveness_public": True},
        headers=caller.headers,
    )
    assert turned_on.status_code == 200, turned_on.text
    page = client.get("/c/rescind-stca/responsiveness?lang=en")
    assert page.status_code == 200
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page.text, re.S)
    assert len(rows) == 2 and rows[0].startswith("Marc Miller")
    cells = [re.findall(r'<td class="number">(.*?)</td>', row, re.S) for row in rows]
    # The minister: six outcomes known, half answered; two captured replies are too few
    # to give a median. The MP: two outcomes known, too few to say.
    assert cells[0][:2] == ["6", "50%"] and "too few to say" in cells[0][2]
    assert cells[1][0] == "6" and "too few to say" in cells[1][1]
    assert "Letters sent by email from" in page.text and MINISTER in page.text
    french = client.get("/c/rescind-stca/responsiveness?lang=fr")
    assert 'lang="fr"' in french.text and "50\u202f%" in french.text
    assert "trop peu pour le dire" in french.text
