"""Nobody can find out whether a person took action: an anonymous repeat is answered as
a first action is, changes nothing that reveals it, and the address's owner is told by
email (at most once per mailbox and notice window); a key that reads letters still gets
the 409 naming the first action."""

import email
import email.policy
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.scopes import Scope
from app.delivery.models import Delivery
from app.letters.models import Action, Letter
from app.rate_limits import mailbox_of
from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.smtp_sink import SinkHandler
from tests.web.test_web_pages import SLUG, form

ACTIONS = f"/v1/campaigns/{SLUG}/actions"
# What differs between any two answers, first or not.
PER_ANSWER_HEADERS = {"x-request-id", "content-length", "date"}


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def stored(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model))
        for model in (Action, Letter, Delivery)
    )


def notices(session: Session) -> list[Delivery]:
    session.expire_all()
    return list(session.scalars(select(Delivery).where(Delivery.channel == "notice")))


def shape(value: Any) -> Any:
    """A JSON answer with every value replaced by its type: what a shape comparison sees."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def answers_alike(first: Any, repeat: Any) -> None:
    assert repeat.status_code == first.status_code == 201, repeat.text
    assert shape(repeat.json()) == shape(first.json())
    assert {name for name in repeat.headers if name not in PER_ANSWER_HEADERS} == {
        name for name in first.headers if name not in PER_ANSWER_HEADERS
    }
    assert repeat.headers["content-type"] == first.headers["content-type"]


def someone_else(**changes: Any) -> dict[str, Any]:
    """Another person's words under the first supporter's address, as a prober sends."""
    return action_body(
        supporter={"first_name": "Prober", "email": "AMELIE@example.org"},
        intro="I am testing whether you wrote, from Edmonton.",
        **changes,
    )


def test_an_anonymous_repeat_is_answered_as_a_first_action_and_changes_nothing(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    first = client.post(ACTIONS, json=action_body())
    before = stored(session)
    stats = client.get(f"/v1/campaigns/{SLUG}/stats").json()
    repeat = client.post(ACTIONS, json=someone_else())
    answers_alike(first, repeat)
    answer = repeat.json()
    assert answer["id"] != first.json()["id"]
    # Letters rendered from what was just sent, never the first action's words.
    for letter in answer["letters"]:
        assert "I am testing whether you wrote" in letter["body_text"]
        assert "Prober Tremblay" in letter["body_text"]
        assert "I am a nurse" not in letter["body_text"]
    assert {letter["status"] for letter in answer["letters"]} == {"queued"}
    # No id in the answer names anything stored; no new letter, nothing new to officials.
    assert session.get(Action, answer["id"]) is None
    assert all(session.get(Letter, letter["id"]) is None for letter in answer["letters"])
    assert stored(session) == (before[0], before[1], before[2] + 1)  # + the owner's notice
    assert [notice.action_id for notice in notices(session)] == [first.json()["id"]]
    # The public counter moves as a first action moves it.
    after = client.get(f"/v1/campaigns/{SLUG}/stats").json()
    assert (after["actions"], after["letters"]) == (stats["actions"] + 1, stats["letters"] + 2)


def test_an_anonymous_repeat_on_a_confirming_campaign_answers_as_a_first(
    client: TestClient, caller: Caller, session: Session
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, confirm_email=True)
    first = client.post(ACTIONS, json=action_body(supporter={"email": "first@example.org"}))
    client.post(ACTIONS, json=action_body())
    repeat = client.post(ACTIONS, json=someone_else())
    answers_alike(first, repeat)
    assert {letter["status"] for letter in repeat.json()["letters"]} == {"pending_confirmation"}
    confirmations = session.scalar(select(func.count()).where(Delivery.channel == "confirmation"))
    assert confirmations == 2  # the repeat asks nobody to confirm anything new


def test_a_key_that_reads_letters_still_gets_the_409_with_the_first_action(
    client: TestClient, campaign: dict[str, Any], caller: Caller, make_caller: MakeCaller
) -> None:
    first = client.post(ACTIONS, json=action_body()).json()["id"]
    reader = make_caller([Scope.LETTERS_READ], caller.organisation_id)
    for partner in (caller, reader):
        again = client.post(ACTIONS, json=someone_else(), headers=partner.headers)
        assert again.status_code == 409, again.text
        assert again.json()["action_id"] == first


def test_a_key_that_may_not_read_these_letters_is_answered_as_anyone(
    client: TestClient, campaign: dict[str, Any], caller: Caller, make_caller: MakeCaller
) -> None:
    client.post(ACTIONS, json=action_body())
    directory_only = make_caller([Scope.DIRECTORY_READ], caller.organisation_id)
    other_organisation = make_caller([Scope.ADMIN])
    for partner in (directory_only, other_organisation):
        again = client.post(ACTIONS, json=someone_else(), headers=partner.headers)
        assert again.status_code == 201, again.text
        assert "action_id" not in again.json()


def test_a_key_that_is_not_ours_is_401_not_an_anonymous_answer(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    client.post(ACTIONS, json=action_body())
    again = client.post(
        ACTIONS, json=someone_else(), headers={"Authorization": "Bearer ld_not-a-key"}
    )
    assert again.status_code == 401
    assert again.headers["content-type"] == "application/problem+json"


def test_a_repeat_on_the_action_page_shows_the_thank_you_page_as_a_first(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    assert client.post(f"/c/{SLUG}", data=form()).status_code == 200
    first = client.post(f"/c/{SLUG}", data=form(email="other@example.org"))
    before = stored(session)
    repeat = client.post(f"/c/{SLUG}", data=form(email="AMELIE@example.org"))
    assert repeat.status_code == first.status_code == 200
    assert {n for n in repeat.headers if n not in PER_ANSWER_HEADERS} == {
        n for n in first.headers if n not in PER_ANSWER_HEADERS
    }
    # The same page, but for the address typed and the counter, which moved.
    assert _without_counter(repeat.text).replace("AMELIE@example.org", "@") == (
        _without_counter(first.text).replace("other@example.org", "@")
    )
    assert stored(session) == (before[0], before[1], before[2] + 1)  # the owner's notice


def _without_counter(page: str) -> str:
    """The page without its counter (it moved) and its letters page's sealed address
    (encrypted afresh for every answer, first or not)."""
    page = re.sub(r'<div class="counter".*?</div>', "", page, flags=re.S)
    return re.sub(r"/letters/[A-Za-z0-9_=-]+", "/letters/…", page)


def test_the_owner_is_told_in_the_actions_language_at_most_once_per_window(
    client: TestClient,
    caller: Caller,
    settings: Settings,
    session: Session,
    sink: tuple[SinkHandler, int],
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller)
    make_campaign(client, caller, slug="second", title={"en": "Second", "fr": "Deuxième"})
    french = action_body(
        language="fr",
        supporter={"email": "amelie.tremblay@gmail.com"},
        intro="Je suis infirmière et j'écris d'Edmonton.",
    )
    first = client.post(ACTIONS, json=french).json()["id"]
    tagged = action_body(supporter={"email": "amelie.tremblay+second@gmail.com"})
    assert client.post("/v1/campaigns/second/actions", json=tagged).status_code == 201
    for _ in range(3):
        assert client.post(ACTIONS, json=someone_else()).status_code == 201
        again = action_body(supporter={"email": "Amelie.Tremblay@gmail.com"})
        assert client.post(ACTIONS, json=again).status_code == 201
    # The same mailbox under another identity (a tag) shares the notice window.
    again = action_body(supporter={"email": "Amelie.Tremblay+Second@gmail.com"})
    assert client.post("/v1/campaigns/second/actions", json=again).status_code == 201
    assert sorted(str(notice.action_id) for notice in notices(session)) == sorted(
        [
            first,
            session.scalars(
                select(Action.id).where(Action.email_key == "amelie@example.org")
            ).one(),
        ]
    )
    handler, port = sink
    mail = settings.model_copy(update={"email_backend": "smtp", "smtp_port": port})
    deliver_all(client, mail)
    (message,) = [m for m in handler.received if "amelie.tremblay@gmail.com" in m.recipients]
    parsed = email.message_from_bytes(message.message.as_bytes(), policy=email.policy.strict)
    assert parsed["To"].addresses[0].addr_spec == "amelie.tremblay@gmail.com"
    assert str(parsed["Subject"]) == "Vous avez déjà écrit à ce sujet"
    text = parsed.get_content()
    assert "Bonjour Amélie," in text
    assert "http://127.0.0.1:8000/c/rescind-stca?lang=fr" in text
    assert "Marc Miller" in text and "Ziad Aboultaif" in text
    assert "I am testing" not in text and "/confirm?token=" not in text


def test_a_mailbox_is_one_however_its_address_is_written() -> None:
    assert mailbox_of("Amelie.Tremblay+x@GoogleMail.com") == "amelietremblay@gmail.com"
    assert mailbox_of("a.b+tag+more@gmail.com") == "ab@gmail.com"
    assert mailbox_of("A.B+tag@example.org") == "a.b@example.org"  # dots count elsewhere
    assert mailbox_of("+tag@example.org") == "+tag@example.org"  # nothing left: kept
    assert mailbox_of("Élodie@exemple.ca") == "élodie@exemple.ca"


def test_erasing_the_address_deletes_the_notice_the_file_backend_kept(
    client: TestClient, campaign: dict[str, Any], caller: Caller, settings: Settings
) -> None:
    client.post(ACTIONS, json=action_body())
    client.post(ACTIONS, json=someone_else())
    deliver_all(client, settings)  # the file backend: each message an .eml
    notice = [p for p in settings.outbox_dir.glob("*.eml") if "already" in p.read_text()]
    assert len(notice) == 1
    erased = client.delete(
        "/v1/constituents", params={"email": "amelie@example.org"}, headers=caller.headers
    )
    assert erased.status_code == 200, erased.text
    assert not notice[0].exists()
