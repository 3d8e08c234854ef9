"""Every refusal and warning an action can answer is said in the letter's language: the
service's own (parts the campaign keeps, the district choice, recipients it cannot reach)
and the schema's on the supporter's details, as the quality checks already are."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.campaign_data import POSTAL_TABLE, action_body, make_campaign, make_directory
from tests.conftest import Caller

SLUG = "rescind-stca"
GATINEAU = {"postal_code": "J8X 1A1", "city": "Gatineau", "province": "QC"}
NOBODY = {"type": "role", "role": "Minister of Nothing"}
# J8X 1A1 itself lies in both districts (not only its first characters): a district
# chosen for it must be one of them.
# (An import replaces the table: the usual rows come too.)
EXACT_TABLE = POSTAL_TABLE + "J8X1A1,Gatineau\nJ8X1A1,Hull—Aylmer\n"

# (name, the campaign's changes, the action's changes, where the sentence is, the field
# or code it is on, the sentence in English and in French)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, str, dict[str, str]]] = [
    (
        "must_write",
        {"must_write": ["intro", "concern"]},
        {},
        "errors",
        "concern",
        {
            "en": "This campaign asks you to write the concern yourself; please write it.",
            "fr": "Cette campagne vous demande d'écrire vous-même l'inquiétude; veuillez l'écrire.",
        },
    ),
    (
        "fixed_part",
        {"may_edit": []},
        {"ask": "Please act before the summer, minister."},
        "errors",
        "ask",
        {
            "en": "This campaign does not let you change the ask; leave it out.",
            "fr": "Cette campagne ne permet pas de modifier la demande; laissez-la de côté.",
        },
    ),
    (
        "fixed_subject",
        {"subject_editable": False},
        {"subject": "A nurse from Edmonton asks you to act"},
        "errors",
        "subject",
        {
            "en": "This campaign does not let you change the subject; leave it out.",
            "fr": "Cette campagne ne permet pas de modifier l'objet; laissez-le de côté.",
        },
    ),
    (
        "choose_district",
        {},
        {"supporter": GATINEAU},
        "errors",
        "district",
        {
            "en": "Your postal code lies in more than one district; choose yours.",
            "fr": "Votre code postal se trouve dans plus d'une circonscription; choisissez "
            "la vôtre.",
        },
    ),
    (
        "not_a_district_of_the_postal_code",
        {},
        {"supporter": GATINEAU, "district": "Edmonton Manning"},
        "errors",
        "district",
        {
            "en": "Edmonton Manning is not a district of your postal code; choose one of its "
            "districts.",
            "fr": "Edmonton Manning n'est pas une circonscription de votre code postal; "
            "choisissez l'une des siennes.",
        },
    ),
    (
        "unknown_district",
        {},
        {"supporter": GATINEAU | {"postal_code": "J8X 2B2"}, "district": "Nowhere"},
        "errors",
        "district",
        {
            "en": "We know no district named Nowhere.",
            "fr": "Nous ne connaissons aucune circonscription nommée Nowhere.",
        },
    ),
    (
        "mp_not_found",
        {},
        {"supporter": {"postal_code": "X0A 1A1", "province": "NU"}},
        "warnings",
        "recipient_not_found",
        {
            "en": "We could not find your MP from your postal code.",
            "fr": "Nous n'avons pas trouvé votre député à partir de votre code postal.",
        },
    ),
    (
        "role_vacant",
        {"targets": [{"type": "own_mp"}, NOBODY]},
        {},
        "warnings",
        "recipient_not_found",
        {
            "en": "Nobody holds the role Minister of Nothing today.",
            "fr": "Personne n'occupe aujourd'hui le rôle Minister of Nothing.",
        },
    ),
    (
        "no_email",
        {},
        {"supporter": GATINEAU, "district": "Hull-Aylmer"},
        "warnings",
        "recipient_not_found",
        {
            "en": "Greg Fergus has no email address, and this campaign writes by email only.",
            "fr": "Greg Fergus n'a pas d'adresse courriel, et cette campagne n'écrit que par "
            "courriel.",
        },
    ),
    (
        "nobody_to_write_to",
        {"targets": [NOBODY]},
        {},
        "detail",
        "",
        {
            "en": "This campaign has nobody to write to for you.",
            "fr": "Cette campagne n'a personne à qui écrire pour vous.",
        },
    ),
    (
        "email",
        {},
        {"supporter": {"email": "not-an-address"}},
        "errors",
        "supporter.email",
        {
            "en": "Your email address is not one we can write to; please check it.",
            "fr": "Votre adresse courriel n'est pas valide; veuillez la vérifier.",
        },
    ),
    (
        "postal_code",
        {},
        {"supporter": {"postal_code": "90210"}},
        "errors",
        "supporter.postal_code",
        {
            "en": "Your postal code must be a Canadian one, such as K1A 0A6.",
            "fr": "Votre code postal doit être un code canadien, comme K1A 0A6.",
        },
    ),
    (
        "province",
        {},
        {"supporter": {"province": "Narnia"}},
        "errors",
        "supporter.province",
        {
            "en": "Your province must be a Canadian province or territory, such as ON or Quebec.",
            "fr": "Votre province doit être une province ou un territoire du Canada, comme QC "
            "ou Québec.",
        },
    ),
    (
        "first_name",
        {},
        {"supporter": {"first_name": ""}},
        "errors",
        "supporter.first_name",
        {
            "en": "Your first name is empty; please write it.",
            "fr": "Votre prénom est vide; veuillez l'écrire.",
        },
    ),
    (
        "last_name",
        {},
        {"supporter": {"last_name": "x" * 301}},
        "errors",
        "supporter.last_name",
        {
            "en": "Your last name is 301 characters; please keep it under 300.",
            "fr": "Votre nom compte 301 caractères; le maximum est de 300.",
        },
    ),
    (
        "phone",
        {},
        {"supporter": {"phone": "819\x07555"}},
        "errors",
        "supporter.phone",
        {
            "en": "Your phone number contains an invisible control character; please remove it.",
            "fr": "Votre numéro de téléphone contient un caractère de contrôle invisible; "
            "veuillez le retirer.",
        },
    ),
    (
        "subject",
        {"subject_editable": True},
        {"subject": "Hi"},
        "errors",
        "subject",
        {
            "en": "Your subject is 2 characters; please write at least 5.",
            "fr": "Votre objet compte 2 caractères; écrivez-en au moins 5.",
        },
    ),
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("campaign_changes", "action_changes", "where", "key", "said"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_every_refusal_and_warning_of_an_action_is_said_in_the_letters_language(
    client: TestClient,
    caller: Caller,
    campaign_changes: dict[str, Any],
    action_changes: dict[str, Any],
    where: str,
    key: str,
    said: dict[str, str],
    language: str,
) -> None:
    make_directory(client, caller)
    imported = client.post(
        "/v1/districts/postal-codes/import",
        content=EXACT_TABLE.encode(),
        headers=caller.headers | {"Content-Type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    make_campaign(client, caller, **campaign_changes)
    body = action_body(language=language, **action_changes)
    if language == "fr":
        body["intro"] = "Je suis infirmière et je vous écris d'Edmonton."
    response = client.post(f"/v1/campaigns/{SLUG}/actions", json=body)
    answer = response.json()
    if where == "warnings":
        assert response.status_code == 201, response.text
        assert said[language] in [w["message"] for w in answer["warnings"] if w["code"] == key]
    elif where == "detail":
        assert response.status_code == 422, response.text
        assert answer["detail"] == said[language]
    else:
        assert response.status_code == 422, response.text
        assert said[language] in [e["message"] for e in answer["errors"] if e["field"] == key]


def test_the_preview_says_its_warnings_in_the_letters_language(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    campaign = make_campaign(client, caller)
    body = action_body(language="fr", supporter=GATINEAU, district="Hull-Aylmer")
    body["intro"] = "Je suis infirmière et je vous écris de Gatineau."
    response = client.post(
        f"/v1/campaigns/{campaign['id']}/preview", json=body, headers=caller.headers
    )
    assert response.status_code == 200, response.text
    warnings = response.json()["warnings"]
    assert [w["message"] for w in warnings if w["code"] == "recipient_not_found"] == [
        "Greg Fergus n'a pas d'adresse courriel, et cette campagne n'écrit que par courriel."
    ]
