"""Campaign texts per kind of target: the minister is asked to act, the supporter's own MP
to raise it with the minister and say where they stand, a named recipient gets what was
written for them; each letter to an own MP names the supporter's riding, every letter
asks for a reply, and a supporter may write their own subject where the campaign lets
them."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.campaign_data import action_body, campaign_body, make_campaign, make_directory
from tests.conftest import Caller

TARGET_TEXTS: dict[str, Any] = {
    "role": {
        "ask": {"en": "Minister, rescind the agreement.", "fr": "Madame la Ministre, annulez."},
    },
    "own_mp": {
        "subject": {"en": "A constituent on the STCA", "fr": "Une électrice au sujet de l'ETPS"},
        "ask": {
            "en": "Please raise this with the Minister and tell me where you stand.",
            "fr": "Saisissez-en la ou le ministre et dites-moi où vous vous situez.",
        },
        "reply_request": {"en": "Will you write back?", "fr": "Me répondrez-vous ?"},
    },
    "recipient": {
        "concern": {"en": "As chair of the committee, you can act.", "fr": "Comme présidente."},
    },
}


def act(client: TestClient, body: dict[str, Any]) -> Any:
    return client.post("/v1/campaigns/rescind-stca/actions", json=body)


def letters_by_name(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 201, response.text
    return {letter["recipient"]["display_name"]: letter for letter in response.json()["letters"]}


@pytest.fixture
def ids(client: TestClient, caller: Caller) -> dict[str, str]:
    return make_directory(client, caller)


def make_targeted(client: TestClient, caller: Caller, ids: dict[str, str], **changes: Any) -> Any:
    targets = [
        {"type": "role", "role": "Minister of Immigration, Refugees and Citizenship"},
        {"type": "own_mp"},
        {"type": "recipient", "recipient_id": ids["joly"]},
    ]
    return make_campaign(client, caller, targets=targets, target_texts=TARGET_TEXTS, **changes)


def test_each_kind_of_target_gets_its_own_texts_and_the_rest_falls_back(
    client: TestClient, caller: Caller, ids: dict[str, str]
) -> None:
    make_targeted(client, caller, ids)
    letters = letters_by_name(act(client, action_body()))
    minister, mp, named = (
        letters["Marc Miller"], letters["Ziad Aboultaif"], letters["Mélanie Joly"]
    )  # fmt: skip
    # The minister: the role's ask; the general subject, concern; the default reply request.
    assert minister["subject"] == "Rescind the Safe Third Country Agreement"
    assert (
        "The United States is not safe for everyone.\n\nMinister, rescind the agreement.\n\n"
        "I would be grateful for a reply telling me what you will do.\n\nSincerely,"
    ) in minister["body_text"]
    assert "constituent" not in minister["body_text"]
    # The own MP: its subject, ask and reply request, and the riding named.
    assert mp["subject"] == "A constituent on the STCA"
    assert "Re: A constituent on the STCA\n" in mp["body_text"]
    assert (
        "Dear Member of Parliament:\n\nI am one of your constituents in Edmonton Manning.\n\n"
        "I am a nurse and I write to you from Edmonton.\n\n"
        "The United States is not safe for everyone.\n\n"
        "Please raise this with the Minister and tell me where you stand.\n\n"
        "Will you write back?\n\nSincerely,"
    ) in mp["body_text"]
    # The named recipient: its concern, the general ask.
    assert (
        "As chair of the committee, you can act.\n\nRescind the agreement.\n\n"
        "I would be grateful for a reply"
    ) in named["body_text"]
    assert "constituent" not in named["body_text"]


def test_french_letters_take_the_french_texts_and_name_the_riding(
    client: TestClient, caller: Caller, ids: dict[str, str]
) -> None:
    make_targeted(client, caller, ids)
    body = action_body(language="fr", intro="Je suis infirmière et j'écris d'Edmonton.")
    letters = letters_by_name(act(client, body))
    mp = letters["Ziad Aboultaif"]
    assert mp["subject"] == "Une électrice au sujet de l'ETPS"
    assert (
        "Madame la Députée, Monsieur le Député,\n\n"
        "J'habite votre circonscription, Edmonton Manning.\n\n"
    ) in mp["body_text"]
    assert (
        "Me répondrez-vous ?\n\nJe vous prie d'agréer, Madame la Députée, Monsieur le Député, "
        "l'expression de ma haute considération."
    ) in mp["body_text"]
    assert "Je vous saurais gré de bien vouloir me répondre" in letters["Marc Miller"]["body_text"]
    assert "Madame la Ministre, annulez." in letters["Marc Miller"]["body_text"]


def test_the_campaigns_own_reply_request_replaces_the_default(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    reply = {"en": "Please tell me what you decide.", "fr": "Dites-moi ce que vous décidez."}
    make_campaign(client, caller, reply_request=reply)
    for letter in letters_by_name(act(client, action_body())).values():
        assert (
            "Rescind the agreement.\n\nPlease tell me what you decide.\n\n" in (letter["body_text"])
        )


def test_a_supporters_own_ask_goes_to_every_letter_and_a_default_sent_back_is_not_theirs(
    client: TestClient, caller: Caller, ids: dict[str, str]
) -> None:
    make_targeted(client, caller, ids)
    own = act(client, action_body(ask="Do the right thing."))
    for letter in letters_by_name(own).values():
        assert "Do the right thing." in letter["body_text"]
    # The own MP's default, as a form would send it back: every letter keeps its own ask.
    sent_back = TARGET_TEXTS["own_mp"]["ask"]["en"]
    body = action_body(ask=sent_back, supporter={"email": "other@example.org"})
    letters = letters_by_name(act(client, body))
    assert "Minister, rescind the agreement." in letters["Marc Miller"]["body_text"]
    assert sent_back not in letters["Marc Miller"]["body_text"]


def test_a_part_the_campaign_does_not_let_supporters_change_is_refused_for_every_target(
    client: TestClient, caller: Caller, ids: dict[str, str]
) -> None:
    make_targeted(client, caller, ids, may_edit=[])
    response = act(client, action_body(ask="Something else."))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ask"
    # Sending back one of the campaign's own texts is not a change.
    unchanged = action_body(ask=TARGET_TEXTS["role"]["ask"]["en"])
    assert act(client, unchanged).status_code == 201


def test_a_supporters_subject_only_where_the_campaign_allows_it(
    client: TestClient, caller: Caller, ids: dict[str, str]
) -> None:
    campaign = make_targeted(client, caller, ids)
    refused = act(client, action_body(subject="A nurse from Edmonton on the STCA"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "subject"
    # The campaign's own subject sent back is no change, and is taken.
    same = action_body(subject="Rescind the Safe Third Country Agreement")
    assert act(client, same).status_code == 201
    client.patch(
        f"/v1/campaigns/{campaign['id']}", json={"subject_editable": True}, headers=caller.headers
    )
    mine = "A nurse from Edmonton on the STCA"
    body = action_body(subject=f"  {mine} ", supporter={"email": "b@example.org"})
    for letter in letters_by_name(act(client, body)).values():
        assert letter["subject"] == mine
        assert f"Re: {mine}\n" in letter["body_text"]


@pytest.mark.parametrize(
    "subject",
    ["Line one\nline two", "Carriage\rreturn", "Bcc\r\nx", "Tab\there", "abc", "x" * 151],
)
def test_a_subject_of_more_than_one_line_or_the_wrong_length_is_422(
    client: TestClient, caller: Caller, subject: str
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, subject_editable=True)
    response = act(client, action_body(subject=subject))
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["subject"]


def test_target_texts_are_checked_as_the_campaigns_own(
    client: TestClient, caller: Caller, ids: dict[str, str]
) -> None:
    bad = {"own_mp": {"ask": {"en": "Stop\u0007 now"}}}
    response = client.post(
        "/v1/campaigns",
        json={**campaign_body(), "target_texts": bad},
        headers=caller.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "target_texts.own_mp.ask.en"
    unknown = {"senate": {"ask": {"en": "Hi."}}}
    response = client.post(
        "/v1/campaigns", json={**campaign_body(), "target_texts": unknown}, headers=caller.headers
    )
    assert response.status_code == 422
    # Texts for a kind of target the campaign does not write to would never be read.
    unused = {"recipient": {"ask": {"en": "Hi."}}}
    response = client.post(
        "/v1/campaigns", json={**campaign_body(), "target_texts": unused}, headers=caller.headers
    )
    assert response.status_code == 422
    assert "recipient" in response.text


def test_target_texts_are_read_back_and_changed(
    client: TestClient, caller: Caller, ids: dict[str, str]
) -> None:
    campaign = make_targeted(client, caller, ids)
    assert campaign["target_texts"]["own_mp"]["ask"] == TARGET_TEXTS["own_mp"]["ask"]
    assert campaign["subject_editable"] is False and campaign["reply_request"] == {}
    changed = client.patch(
        f"/v1/campaigns/{campaign['id']}",
        json={"target_texts": {"role": {"subject": {"en": "To the Minister"}}}},
        headers=caller.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["target_texts"] == {
        "role": {"subject": {"en": "To the Minister"}, "concern": {}, "ask": {},
                 "reply_request": {}}
    }  # fmt: skip
    letters = letters_by_name(act(client, action_body()))
    assert letters["Marc Miller"]["subject"] == "To the Minister"
    assert letters["Ziad Aboultaif"]["subject"] == "Rescind the Safe Third Country Agreement"


def test_erasure_redacts_the_subject_a_supporter_wrote_and_keeps_the_campaigns(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, subject_editable=True)
    mine = act(client, action_body(subject="Amélie Tremblay of Edmonton writes")).json()
    theirs = act(client, action_body(supporter={"email": "c@example.org"})).json()
    for email in ("amelie@example.org", "c@example.org"):
        erased = client.delete("/v1/constituents", params={"email": email}, headers=caller.headers)
        assert erased.status_code == 200, erased.text
    for taken, expected in (
        (mine, "redacted"),
        (theirs, "Rescind the Safe Third Country Agreement"),
    ):
        letter_id = taken["letters"][0]["id"]
        letter = client.get(f"/v1/letters/{letter_id}", headers=caller.headers).json()
        assert letter["subject"] == expected


def test_a_minister_who_is_the_supporters_mp_gets_one_letter_that_says_so(
    client: TestClient, caller: Caller, ids: dict[str, str]
) -> None:
    role = {"title_en": "Minister of Housing", "title_fr": "ministre du Logement"}
    changed = client.patch(
        f"/v1/recipients/{ids['aboultaif']}", json={"roles": [role]}, headers=caller.headers
    )
    assert changed.status_code == 200, changed.text
    make_campaign(
        client,
        caller,
        targets=[{"type": "role", "role": "Minister of Housing"}, {"type": "own_mp"}],
        target_texts={"role": TARGET_TEXTS["role"]},
    )
    (letter,) = act(client, action_body()).json()["letters"]
    assert letter["salutation"] == "Dear Minister:"  # written to in the role...
    assert "Minister, rescind the agreement." in letter["body_text"]  # ...asked as minister
    # ...and told the writer is a constituent.
    assert "I am one of your constituents in Edmonton Manning." in letter["body_text"]
