"""Taking action: one letter per target, stored with its delivery in one transaction."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.campaigns.rendering import html_of
from app.delivery.models import Delivery
from app.letters.models import Action, Letter
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def act(client: TestClient, body: dict[str, Any], slug: str = "rescind-stca") -> Any:
    return client.post(f"/v1/campaigns/{slug}/actions", json=body)


def counts(session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model))
        for model in (Action, Letter, Delivery)
    )


def test_an_action_writes_one_letter_per_target(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    response = act(client, action_body())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"].startswith("act_") and body["campaign"] == "rescind-stca"
    minister, mp = body["letters"]
    assert minister["recipient"]["display_name"] == "Marc Miller"
    assert minister["recipient"]["role"] == "Minister of Immigration, Refugees and Citizenship"
    assert minister["salutation"] == "Dear Minister:"
    assert mp["recipient"]["display_name"] == "Ziad Aboultaif"
    assert mp["salutation"] == "Dear Member of Parliament:"
    assert {letter["status"] for letter in body["letters"]} == {"queued"}
    text = minister["body_text"]
    for part in (
        "Amélie Tremblay\n24 Rue Principale\nEdmonton AB  T5A 1B7\namelie@example.org",
        "The Honourable Marc Miller, P.C., M.P.\nMinister of Immigration, Refugees and "
        "Citizenship\nHouse of Commons\nOttawa ON  K1A 0A6",
        "Re: Rescind the Safe Third Country Agreement",
        "Dear Minister:\n\nI am a nurse and I write to you from Edmonton.\n\nThe United "
        "States is not safe for everyone.\n\nRescind the agreement.\n\nI would be grateful "
        "for a reply telling me what you will do.\n\nSincerely,\n\n"
        "Amélie Tremblay\nEdmonton, Alberta\n",
    ):
        assert part in text
    assert counts(session) == (1, 2, 2)
    letter = session.scalar(select(Letter).where(Letter.id == minister["id"]))
    assert letter is not None
    assert letter.body_text == text and "<p>Dear Minister:</p>" in letter.body_html
    assert letter.recipient["email"] == "marc.miller@parl.gc.ca"
    assert letter.delivery.channel == "email" and letter.delivery.due_at is not None
    assert len(letter.content_hash) == 64


MARKUP_INTRO = "I am a nurse & I write from Edmonton: <script>alert(1)</script> <b>now</b>."


def test_a_letters_html_is_its_text_escaped(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    """The API's body_html is the letter's text as HTML (made when read, not stored):
    what the supporter typed as markup is text in it."""
    taken = act(client, action_body(intro=MARKUP_INTRO))
    assert taken.status_code == 201, taken.text
    for written in taken.json()["letters"]:
        shown = client.get(f"/v1/letters/{written['id']}", headers=caller.headers).json()
        assert MARKUP_INTRO in shown["body_text"]
        assert shown["body_html"] == html_of(shown["body_text"], "en", shown["subject"])
        assert "<script>" not in shown["body_html"] and "<b>" not in shown["body_html"]
        assert (
            "&amp; I write from Edmonton: &lt;script&gt;alert(1)&lt;/script&gt;"
            in (shown["body_html"])
        )


def test_an_intro_with_emoji_joined_by_zwj_is_written_as_typed(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    intro = "I am a nurse \U0001f469\u200d\u2695\ufe0f writing from Edmonton \U0001f1e8\U0001f1e6."
    response = act(client, action_body(intro=intro))
    assert response.status_code == 201, response.text
    assert intro in response.json()["letters"][0]["body_text"]
    hidden = act(client, action_body(intro="I am a nurse\u200d writing from Edmonton."))
    assert hidden.status_code == 422
    assert hidden.json()["errors"][0]["field"] == "intro"


def test_a_french_letter_follows_french_protocol(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    body = action_body(language="fr", intro="Je suis infirmière et j'écris d'Edmonton.")
    minister = act(client, body).json()["letters"][0]
    text = minister["body_text"]
    assert "Edmonton, le " in text
    assert "L'honorable Marc Miller, c.p., député(e)\nMinistre de l'Immigration" in text
    assert "Chambre des communes\nOttawa ON  K1A 0A6" in text
    assert "Objet : Annuler l'ETPS" in text
    assert "\n\nMadame la Ministre, Monsieur le Ministre,\n\n" in text
    assert "Les États-Unis ne sont pas sûrs pour tous." in text
    assert (
        "Je vous prie d'agréer, Madame la Ministre, Monsieur le Ministre, l'expression de ma "
        "haute considération."
    ) in text
    assert text.endswith("Amélie Tremblay\nEdmonton (Alberta)\n")


def test_a_second_action_by_the_same_email_stores_nothing_new(
    client: TestClient, caller: Caller, campaign: dict[str, Any], session: Session
) -> None:
    first = act(client, action_body()).json()["id"]
    again = act(client, action_body(supporter={"email": "AMELIE@example.org"}))
    assert again.status_code == 201 and again.json()["id"] != first  # see test_repeat_actions
    keyed = client.post(
        "/v1/campaigns/rescind-stca/actions", json=action_body(), headers=caller.headers
    )
    assert keyed.status_code == 409 and keyed.json()["action_id"] == first
    assert counts(session) == (1, 2, 3)  # the letters' two deliveries, and one notice


def test_the_counter_counts_people_and_letters(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    for number in range(3):
        act(client, action_body(supporter={"email": f"p{number}@example.org"}))
    stats = client.get("/v1/campaigns/rescind-stca/stats")
    assert stats.status_code == 200
    assert stats.json() == {
        "campaign": "rescind-stca",
        "campaign_id": campaign["id"],
        "actions": 3,
        "letters": 6,
        "letters_sent": 0,
        "goal": 100,
    }


def test_a_preview_renders_the_same_letters_and_stores_nothing(
    client: TestClient, caller: Caller, campaign: dict[str, Any], session: Session
) -> None:
    url = f"/v1/campaigns/{campaign['id']}/preview"
    preview = client.post(url, json=action_body(), headers=caller.headers)
    assert preview.status_code == 200, preview.text
    assert counts(session) == (0, 0, 0)
    taken = act(client, action_body()).json()
    assert [letter["body_text"] for letter in preview.json()["letters"]] == [
        letter["body_text"] for letter in taken["letters"]
    ]
    assert preview.json()["letters"][0]["id"] is None
    assert client.post(url, json=action_body()).status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"intro": ""}, "intro"),
        ({"intro": "   "}, "intro"),
        ({"intro": "x" * 1501}, "intro"),
        ({"ask": "y" * 4001}, "ask"),
        ({"intro": None}, "intro"),
        ({"language": "de"}, "language"),
        ({"supporter": {"email": "amelie@"}}, "supporter.email"),
        ({"supporter": {"postal_code": "90210"}}, "supporter.postal_code"),
        ({"supporter": {"first_name": "Amélie\r\nBcc: all@example.org"}}, "supporter.first_name"),
        ({"supporter": {"province": "Texas"}}, "supporter.province"),
        ({"concern": "I changed the concern."}, "concern"),
        ({"intro": "I live in Edmonton and you are a fucking disgrace."}, "intro"),
        ({"ask": "Do it or I will kill you."}, "ask"),
        ({"language": "fr", "intro": "J'habite Edmonton. Espèce de connard."}, "intro"),
    ],
)
def test_a_letter_that_cannot_go_is_422_and_nothing_is_stored(
    client: TestClient,
    campaign: dict[str, Any],
    session: Session,
    changes: dict[str, Any],
    field: str,
) -> None:
    response = act(client, action_body(**changes))
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert counts(session) == (0, 0, 0)


def test_abusive_words_are_matched_as_whole_words(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    intro = "I live on Prickly Pear Street, Edmonton; the shittim wood of Exodus, fagots."
    assert act(client, action_body(intro=intro)).status_code == 201


def test_abuse_in_the_supporters_details_is_refused(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    response = act(client, action_body(supporter={"last_name": "Fuck You"}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "supporter.last_name"


def test_warnings_point_at_the_text_they_concern(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    response = act(client, action_body(intro="I care about refugees."))
    codes = {(w["code"], w["part"]) for w in response.json()["warnings"]}
    assert codes == {
        ("intro_short", "intro"),
        ("intro_without_place", "intro"),
        ("default_text", "concern"),
    }
    own_ask = action_body(
        supporter={"email": "b@example.org"},
        intro="I am a nurse and I write from Edmonton.",
        ask="Please rescind it before the summer.",
    )
    assert act(client, own_ask).json()["warnings"] == []


def test_many_identical_intros_are_warned_about(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    intro = "I am a teacher in Edmonton."
    for number in range(3):
        body = action_body(supporter={"email": f"p{number}@example.org"}, intro=intro)
        assert "identical_intro" not in {w["code"] for w in act(client, body).json()["warnings"]}
    body = action_body(supporter={"email": "p9@example.org"}, intro="I am a TEACHER in Edmonton!")
    warned = [w for w in act(client, body).json()["warnings"] if w["code"] == "identical_intro"]
    assert warned and warned[0]["part"] == "intro"


def test_a_postal_code_across_districts_asks_the_supporter_to_choose(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    gatineau = {"postal_code": "J8X 1A1", "city": "Gatineau", "province": "QC"}
    response = act(client, action_body(supporter=gatineau))
    assert response.status_code == 422
    assert response.json()["candidates"] == ["Gatineau", "Hull—Aylmer"]
    assert response.json()["errors"][0]["field"] == "district"
    chosen = act(client, action_body(supporter=gatineau, district="Hull-Aylmer"))
    assert chosen.status_code == 201, chosen.text
    names = [letter["recipient"]["display_name"] for letter in chosen.json()["letters"]]
    assert names == ["Marc Miller"]
    assert chosen.json()["warnings"][0] == {
        "code": "recipient_not_found",
        "part": "recipients",
        "message": "Greg Fergus has no email address, and this campaign writes by email only.",
    }


def test_a_target_without_email_goes_by_post_when_the_campaign_says_so(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, without_email="print")
    gatineau = {"postal_code": "J8X 1A1", "city": "Gatineau", "province": "QC"}
    response = act(client, action_body(supporter=gatineau, district="Hull—Aylmer"))
    channels = {
        letter["recipient"]["display_name"]: letter["channel"]
        for letter in response.json()["letters"]
    }
    assert channels == {"Marc Miller": "email", "Greg Fergus": "print"}


def test_letters_wait_for_a_confirmed_email_where_the_campaign_asks(
    client: TestClient, caller: Caller, session: Session
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, confirm_email=True)
    letters = act(client, action_body()).json()["letters"]
    assert {letter["status"] for letter in letters} == {"pending_confirmation"}
    letters_due = session.scalars(select(Delivery.due_at).where(Delivery.letter_id.is_not(None)))
    assert letters_due.all() == [None, None]
    assert session.scalars(select(Delivery.channel).where(Delivery.due_at.is_not(None))).all() == [
        "confirmation"
    ]


def test_a_cabinet_shuffle_needs_no_change_to_the_campaign(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    miller = client.get("/v1/recipients", params={"q": "miller"}, headers=caller.headers).json()[
        "items"
    ][0]
    role = miller["roles"][0] | {"end_date": "2025-01-01"}
    client.patch(f"/v1/recipients/{miller['id']}", json={"roles": [role]}, headers=caller.headers)
    joly = client.get("/v1/recipients", params={"q": "joly"}, headers=caller.headers).json()[
        "items"
    ][0]
    new_role = {
        "title_en": role["title_en"],
        "title_fr": role["title_fr"],
        "start_date": "2025-01-01",
    }
    client.patch(
        f"/v1/recipients/{joly['id']}",
        json={"roles": [*joly["roles"], new_role]},
        headers=caller.headers,
    )
    letters = act(client, action_body()).json()["letters"]
    assert letters[0]["recipient"]["display_name"] == "Mélanie Joly"
    assert letters[0]["salutation"] == "Dear Minister:"


def test_draft_campaigns_are_not_found_and_closed_ones_take_no_letters(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    draft = make_campaign(client, caller, status="draft")
    assert act(client, action_body()).status_code == 404
    assert client.get("/v1/campaigns/rescind-stca/stats").status_code == 404
    client.patch(f"/v1/campaigns/{draft['id']}", json={"status": "closed"}, headers=caller.headers)
    closed = act(client, action_body())
    assert closed.status_code == 409
    assert client.get("/v1/campaigns/rescind-stca/stats").status_code == 200


def test_supporter_text_reaches_the_letter_as_text(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    intro = "I write from Edmonton. {{ 7*7 }} <script>alert(1)</script>"
    letter = act(client, action_body(intro=intro)).json()["letters"][0]
    assert intro in letter["body_text"]


def test_racing_actions_by_one_email_store_one(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(lambda _: act(client, action_body()).status_code, range(4)))
    assert statuses == [201, 201, 201, 201]  # anonymous: no answer tells which was first
    assert counts(session)[:2] == (1, 2)
    # The public counter counts each answer alike, repeats too (one standing still
    # would tell); the letters stored are one action's.
    assert client.get("/v1/campaigns/rescind-stca/stats").json()["actions"] == 4


def test_a_recipient_with_the_longest_names_gets_a_letter(
    client: TestClient, caller: Caller
) -> None:
    body = {"first_name": "A" * 300, "last_name": "B" * 300, "email": "ab@example.org"}
    recipient = client.post("/v1/recipients", json=body, headers=caller.headers).json()
    make_campaign(client, caller, targets=[{"type": "recipient", "recipient_id": recipient["id"]}])
    response = act(client, action_body())
    assert response.status_code == 201, response.text
    assert response.json()["letters"][0]["salutation"] == f"Dear {'A' * 300} {'B' * 300}:"


def test_a_person_named_twice_is_written_to_in_their_role(
    client: TestClient, caller: Caller
) -> None:
    ids = make_directory(client, caller)
    targets = [
        {"type": "recipient", "recipient_id": ids["miller"]},
        {"type": "role", "role": "Minister of Immigration, Refugees and Citizenship"},
    ]
    make_campaign(client, caller, targets=targets)
    (letter,) = act(client, action_body()).json()["letters"]
    assert letter["salutation"] == "Dear Minister:"


def test_the_recipients_a_campaign_names_are_read_in_one_query(
    client: TestClient, caller: Caller
) -> None:
    ids = make_directory(client, caller)
    named = [{"type": "recipient", "recipient_id": recipient_id} for recipient_id in ids.values()]
    make_campaign(client, caller, targets=named)
    statements: list[str] = []
    engine = client.app.state.engine  # type: ignore[attr-defined]

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        answer = act(client, action_body())
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert answer.status_code == 201, answer.text
    assert len(answer.json()["letters"]) > 1
    by_id = [s for s in statements if "FROM recipients" in s and "recipients.id" in s]
    assert len(by_id) == 1, by_id
