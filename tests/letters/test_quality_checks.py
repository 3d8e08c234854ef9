"""The quality checks staff would apply, through the API and the action page: a real
introduction, the supporter's own words, one language, no shouting or links, no near copy
of earlier letters, no abuse however it is spelt; every message in the letter's language."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.letters import quality
from app.letters.models import Action
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller

# Every name and district of both House of Commons files of the shared data, extracted
# with their provenance (see the file's head).
NAMES = Path(__file__).parent.parent / "data" / "directory-names.txt"
ORDINARY = Path(__file__).parent.parent / "data" / "ordinary-words.txt"
SLUG = "rescind-stca"


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def act(client: TestClient, body: dict[str, Any]) -> Any:
    return client.post(f"/v1/campaigns/{SLUG}/actions", json=body)


def stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Action)) or 0


def codes(response: Any) -> set[str]:
    return {warning["code"] for warning in response.json()["warnings"]}


# --- Abuse, however it is spelt -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "You are a f*ck.",
        "What the f**k, minister.",
        "FUUUUCK this policy.",
        "f u c k your plan",
        "f.u.c.k your plan",
        "This is sh1t and you know it.",
        "You a$$hole.",
        "Tabarnac de câlice, faites quelque chose!",
        "Hostie de câlice de ministre.",
        "Mon tabarnak.",
        "You should be shot.",
        "Ministers like you ought to be shot",
        "T'es un c0nnard.",
        "Vous méritez de mourir.",
        "I hope you d i e",
    ],
)
def test_obfuscated_abuse_is_found(text: str) -> None:
    assert quality.abusive_found(text), text


def _directory_names() -> list[str]:
    lines = NAMES.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _ordinary_words() -> list[str]:
    lines = ORDINARY.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_the_directorys_real_names_and_districts_are_not_abuse() -> None:
    names = _directory_names()
    assert len(names) > 900  # both parliaments' members and districts were read
    assert [name for name in names if quality.abusive_found(name)] == []


@pytest.mark.parametrize("line", _ordinary_words())
def test_ordinary_words_are_not_abuse(line: str) -> None:
    assert quality.abusive_found(line) == []


# --- Language, shouting, links, copies: the helpers -----------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I am a nurse and I write to you from Edmonton about the families at the border.", "en"),
        ("Je suis infirmière et je vous écris de Gatineau pour les familles à la frontière.", "fr"),
        ("Amélie Tremblay, Trois-Rivières.", None),
        ("Bonjour", None),
    ],
)
def test_the_language_of_a_text_is_guessed_from_its_small_words(
    text: str, language: str | None
) -> None:
    assert quality.language_guess(text) == language


def test_shouting_and_links_are_seen() -> None:
    assert quality.is_shouting("I AM FURIOUS THAT NOTHING HAS BEEN DONE ABOUT THIS")
    assert not quality.is_shouting("I work for the CBC and the RCMP in Edmonton, AB.")
    assert quality.links_in("See https://example.org/x and www.example.com") == [
        "https://example.org/x",
        "www.example.com",
    ]
    assert quality.links_in("I live at 24 Rue Principale, St. John's.") == []


def test_one_word_changed_is_a_near_copy_and_another_intro_is_not() -> None:
    first = "I am a retired teacher and I have lived in Edmonton for forty years."
    changed = "I am a retired nurse and I have lived in Edmonton for forty years."
    other = "My grandparents came as refugees; I write from Calgary about the border."
    assert quality.resemblance(first, changed) >= quality.NEAR_DUPLICATE_FROM
    assert quality.resemblance(first, other) < quality.NEAR_DUPLICATE_FROM
    assert set(quality.band_keys(first)) & set(quality.band_keys(changed))


def test_the_share_of_own_words_counts_what_the_supporter_wrote() -> None:
    default_ask = "Rescind the agreement."
    share = quality.own_words_share(
        intro="I am a nurse in Edmonton.",
        concern="The United States is not safe.",
        ask="Rescind the agreement before the summer.",
        default_concern="The United States is not safe.",
        default_ask=default_ask,
    )
    # 6 intro words and 3 added to the ask ("before the summer") of 6 + 6 + 6 words.
    assert share == pytest.approx(9 / 18)


# --- Through the API ------------------------------------------------------------------


@pytest.mark.parametrize("intro", [".", "Bonjour", "Hello there!", "!!! ???"])
def test_an_intro_of_fewer_than_three_words_is_refused(
    client: TestClient, campaign: dict[str, Any], session: Session, intro: str
) -> None:
    response = act(client, action_body(intro=intro))
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == "intro" and error["code"] == "intro_too_short"
    assert "at least 3 words" in error["message"]
    assert stored(session) == 0


def test_a_refusal_speaks_the_letters_language(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    response = act(client, action_body(language="fr", intro="Bonjour"))
    assert response.status_code == 422
    assert "au moins 3 mots" in response.json()["errors"][0]["message"]
    assert "mots" in response.json()["detail"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_too_long_an_intro_is_said_in_plain_words_in_the_letters_language(
    client: TestClient, campaign: dict[str, Any], language: str
) -> None:
    response = act(client, action_body(language=language, intro="x" * 6000))
    assert response.status_code == 422
    (error,) = [e for e in response.json()["errors"] if e["field"] == "intro"]
    expected = {
        "en": "Your introduction is 6,000 characters; please keep it under 1,500.",
        "fr": "Votre présentation compte 6\u202f000 caractères; gardez-la sous 1\u202f500.",
    }
    assert error["message"] == expected[language]
    assert error["code"] == "string_too_long"


def test_the_campaigns_guidance_pasted_as_intro_is_refused(
    client: TestClient, caller: Caller, session: Session
) -> None:
    make_directory(client, caller)
    guidance = "Tell the minister who you are, where you live and why refugees matter to you."
    make_campaign(client, caller, guidance={"en": guidance, "fr": "Dites qui vous êtes."})
    response = act(client, action_body(intro=guidance))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["code"] == "copied_campaign_text"
    default = "The United States is not safe for everyone, and I live in Edmonton."
    response = act(client, action_body(intro=default))
    assert response.status_code == 201  # a few words of the concern are not a copy
    assert stored(session) == 1


def test_guidance_pasted_into_an_editable_part_is_warned(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    guidance = "Tell the minister who you are, where you live and why refugees matter to you."
    make_campaign(client, caller, guidance={"en": guidance, "fr": "Dites qui vous êtes."})
    response = act(client, action_body(ask=f"Rescind it. {guidance}"))
    assert response.status_code == 201
    assert "copied_guidance" in codes(response)


def test_an_intro_in_the_other_language_is_warned(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    intro = "Je suis infirmière et je vous écris d'Edmonton pour les familles."
    response = act(client, action_body(language="en", intro=intro))
    assert response.status_code == 201
    warned = [w for w in response.json()["warnings"] if w["code"] == "intro_other_language"]
    assert warned and "in French" in warned[0]["message"]


def test_shouting_and_links_are_warned_in_the_letters_language(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    shouting = act(client, action_body(intro="I LIVE IN EDMONTON AND I AM ANGRY ABOUT THIS."))
    assert "all_caps" in codes(shouting)
    linked = act(
        client,
        action_body(
            supporter={"email": "b@example.org"},
            language="fr",
            intro="J'habite Edmonton, voyez https://example.org/rapport pour les faits.",
        ),
    )
    (warning,) = [w for w in linked.json()["warnings"] if w["code"] == "link"]
    assert "lien" in warning["message"]


def test_a_short_intro_is_warned(client: TestClient, campaign: dict[str, Any]) -> None:
    response = act(client, action_body(intro="I live in Edmonton."))
    assert response.status_code == 201
    assert "intro_short" in codes(response)


def test_intros_with_one_word_changed_are_near_duplicates(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    template = "I am a retired {} and I have lived in Edmonton for forty years."
    for number, job in enumerate(("teacher", "nurse", "welder")):
        body = action_body(
            supporter={"email": f"p{number}@example.org"}, intro=template.format(job)
        )
        assert "near_duplicate_intro" not in codes(act(client, body))
    body = action_body(supporter={"email": "p9@example.org"}, intro=template.format("baker"))
    response = act(client, body)
    (warning,) = [w for w in response.json()["warnings"] if w["code"] == "near_duplicate_intro"]
    assert warning["part"] == "intro" and "3 other" in warning["message"]
    own = action_body(
        supporter={"email": "own@example.org"},
        intro="My grandparents came as refugees; I write from Edmonton about the border.",
    )
    assert "near_duplicate_intro" not in codes(act(client, own))


def test_the_preview_says_how_much_of_the_letter_is_the_supporters_own(
    client: TestClient, campaign: dict[str, Any], caller: Caller
) -> None:
    url = f"/v1/campaigns/{campaign['id']}/preview"
    plain = client.post(url, json=action_body(), headers=caller.headers).json()
    own = client.post(
        url,
        json=action_body(ask="Rescind the agreement, and meet the families at Roxham Road."),
        headers=caller.headers,
    ).json()
    first, more = plain["letters"][0]["own_words_share"], own["letters"][0]["own_words_share"]
    assert 0 < first < more < 1


def test_the_action_page_preview_shows_the_share_and_french_refusals(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    form = {
        "first_name": "Amélie",
        "last_name": "Tremblay",
        "email": "amelie@example.org",
        "street_address": "24 Rue Principale",
        "city": "Edmonton",
        "province": "AB",
        "postal_code": "t5a 1b7",
        "intro": "Je suis infirmière et je vous écris d'Edmonton.",
        "ask": "Annulez l'entente.",
    }
    page = client.post(f"/c/{SLUG}?lang=fr", data=form | {"intent": "preview"})
    assert page.status_code == 200
    assert "de cette lettre sont vos propres mots" in page.text
    refused = client.post(f"/c/{SLUG}/preview?lang=fr", data=form | {"intro": "Bonjour"})
    assert refused.status_code == 422
    assert "au moins 3 mots" in refused.json()["errors"][0]["message"]
