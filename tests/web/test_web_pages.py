"""The action pages over HTTP, on SQLite and PostgreSQL: what a browser without
JavaScript gets, and the JSON the page's script asks for."""

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.delivery.models import Delivery
from app.letters.models import Action
from app.web.i18n import counter, page_language, preferred_languages
from app.web.thanks import open_thanks
from tests.campaign_data import make_campaign, make_directory
from tests.conftest import Caller

SLUG = "rescind-stca"
FORM = {
    "first_name": "Amélie",
    "last_name": "Tremblay",
    "email": "amelie@example.org",
    "street_address": "24 Rue Principale",
    "city": "Edmonton",
    "province": "AB",
    "postal_code": "t5a 1b7",
    "intro": "I am a nurse and I write to you from Edmonton.",
    "ask": "Rescind the agreement.",
}


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def form(**changes: str) -> dict[str, str]:
    return FORM | changes


def error_beside(page: str, field: str) -> str:
    """The text of the error shown beside a field ('' when none is)."""
    match = re.search(rf'<p class="error" id="{field}-error"( hidden)?>(.*?)</p>', page, re.S)
    assert match, f"no error slot for {field}"
    return "" if match[1] else html.unescape(match[2])


def value_of(page: str, field: str) -> str:
    match = re.search(rf'<input id="{field}" name="{field}" type="\w+" value="([^"]*)"', page)
    assert match, f"no input {field}"
    return html.unescape(match[1])


def actions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Action)) or 0


def test_a_missing_or_draft_campaign_is_404(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    make_campaign(client, caller, slug="not-yet", status="draft")
    for slug in ("no-such-campaign", "not-yet"):
        for path in (f"/c/{slug}", f"/embed/c/{slug}"):
            page = client.get(path)
            assert page.status_code == 404
            assert "There is no campaign at this address" in page.text
            assert client.post(path, data=FORM).status_code == 404
        assert client.get(f"/c/{slug}/targets?postal_code=T5A1B7").status_code == 404
        assert client.post(f"/c/{slug}/preview", data=FORM).status_code == 404


@pytest.mark.parametrize("slug", ["x" * 81, "x" * 3000, "%00", "a%0Ab", "%F0%9F%92%A9", "%C3%28"])
def test_any_address_that_is_no_campaign_answers_the_html_404_page(
    client: TestClient, slug: str
) -> None:
    """The pages declare HTML: an address that cannot be a campaign's is a page too."""
    for path in (f"/c/{slug}", f"/embed/c/{slug}"):
        for page in (client.get(path), client.post(path, data=FORM)):
            assert page.status_code == 404, (path, page.text)
            assert page.headers["content-type"].startswith("text/html")
            assert "There is no campaign at this address" in page.text


def test_the_page_shows_the_campaign_its_counter_and_whom_the_letter_goes_to(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    page = client.get(f"/c/{SLUG}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "<h1>Rescind the STCA</h1>" in text
    assert "Summary." in text and "Say who you are." in text
    assert "0 people have taken action" in text and "Goal: 100" in text
    assert "<strong>Marc Miller</strong>, <span>Minister of Immigration" in text
    assert "Your MP, once you give your postal code" in text
    assert 'for="intro"' in text and 'name="consent_to_contact"' in text
    assert " checked" not in text  # consent is never assumed
    # the ask may be edited (a textarea holding the campaign's text), the concern not
    assert re.search(r'<textarea id="ask"[^>]*>Rescind the agreement\.</textarea>', text)
    assert '<textarea id="concern"' not in text
    assert "The United States is not safe for everyone." in text


def test_pages_carry_security_headers_and_only_the_embed_page_may_be_framed(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    page = client.get(f"/c/{SLUG}")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    embedded = client.get(f"/embed/c/{SLUG}")
    assert "frame-ancestors *" in embedded.headers["content-security-policy"]
    assert "x-frame-options" not in embedded.headers
    assert '<header class="site">' in page.text and '<header class="site">' not in embedded.text
    assert f'action="/embed/c/{SLUG}?lang=en"' in embedded.text
    assert "<script>" not in page.text and " style=" not in page.text  # nothing inline


def test_posting_the_form_takes_action_and_answers_the_thank_you_page(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    page = client.post(f"/c/{SLUG}", data=form(consent_to_contact="yes"))
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "Thank you, Amélie!" in text
    assert "<strong>Marc Miller</strong>, Minister of Immigration" in text
    assert "<strong>Ziad Aboultaif</strong>, MP for Edmonton Manning" in text
    assert "Subject: Rescind the Safe Third Country Agreement" in text
    assert "Your letters are on their way" in text
    assert "1 person has taken action" in text
    assert 'value="http://127.0.0.1:8000/c/rescind-stca"' in text  # the share link
    assert actions(session) == 1
    action = session.scalars(select(Action)).one()
    assert action.consent_to_contact is True and action.ask == "Rescind the agreement."
    assert client.get(f"/v1/campaigns/{SLUG}/stats").json()["actions"] == 1
    assert "1 person has taken action" in client.get(f"/c/{SLUG}").text


def test_a_bad_form_comes_back_with_each_error_beside_its_field_keeping_what_was_typed(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    page = client.post(
        f"/c/{SLUG}", data=form(first_name="  ", email="amelie@", postal_code="Z9Z 9Z9")
    )
    assert page.status_code == 422
    text = page.text
    assert error_beside(text, "first_name") == "Please fill this in."
    assert error_beside(text, "email") == "Enter an email address such as name@example.org."
    assert error_beside(text, "postal_code") == "Enter a Canadian postal code such as K1A 0A6."
    assert error_beside(text, "city") == ""
    assert value_of(text, "email") == "amelie@" and value_of(text, "city") == "Edmonton"
    assert '<option value="AB" selected>' in text
    assert "I am a nurse and I write to you from Edmonton.</textarea>" in text
    assert 'id="error-summary"' in text and 'href="#email"' in text
    assert 'aria-invalid="true"' in text
    assert actions(session) == 0


def test_a_part_the_campaign_fixes_is_not_taken_from_the_form(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    page = client.post(f"/c/{SLUG}", data=form(concern="Something else entirely."))
    assert page.status_code == 200
    assert session.scalars(select(Action)).one().concern is None


def test_words_refused_by_the_letters_service_are_marked_on_their_field(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    page = client.post(f"/c/{SLUG}", data=form(ask="Rescind it or watch your back."))
    assert page.status_code == 422
    assert error_beside(page.text, "ask") == (
        "This contains words we do not send to an official: watch your back."
    )


def test_a_second_action_with_the_same_email_is_thanked_as_a_first(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    assert client.post(f"/c/{SLUG}", data=form()).status_code == 200
    page = client.post(f"/c/{SLUG}", data=form(email="AMELIE@example.org", first_name="Léa"))
    assert page.status_code == 200  # see test_repeat_actions
    assert "Thank you, Léa" in page.text
    assert actions(session) == 1


def test_a_postal_code_in_two_districts_asks_which(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    page = client.post(f"/c/{SLUG}", data=form(postal_code="J8X 2K5", province="QC"))
    assert page.status_code == 422
    text = html.unescape(page.text)
    assert error_beside(page.text, "district") == "Choose your district."
    assert "<option>Gatineau</option>" in text and "<option>Hull—Aylmer</option>" in text
    page = client.post(
        f"/c/{SLUG}", data=form(postal_code="J8X 2K5", province="QC", district="Gatineau")
    )
    assert page.status_code == 200
    assert "Steven MacKinnon" in page.text
    assert actions(session) == 1


def test_the_preview_button_shows_the_letters_and_warnings_and_stores_nothing(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    page = client.post(
        f"/c/{SLUG}",
        data=form(intro="I am a nurse.", ask="Rescind the agreement.", intent="preview"),
    )
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert text.count('<article class="letter">') == 2
    assert "Dear Minister:\n\nI am a nurse.\n\n" in text
    intro_warnings = text.split('id="intro-warnings"')[1].split("</div>")[0]
    assert "Say where you are writing from" in intro_warnings
    ask_warnings = text.split('id="ask-warnings"')[1].split("</div>")[0]
    assert "this is the campaign's text" in ask_warnings  # beside the part one may change
    assert actions(session) == 0


def test_the_language_is_chosen_by_link_then_by_the_browser(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    french = client.get(f"/c/{SLUG}", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.8"})
    assert '<html lang="fr">' in french.text
    assert "<h1>Annulez l&#39;ETPS</h1>" in french.text
    assert (
        ">Prénom</label>" in french.text and "0 personne est passée à l&#39;action" in french.text
    )
    assert f'href="/c/{SLUG}?lang=en"' in french.text
    english = client.get(f"/c/{SLUG}?lang=en", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in english.text
    assert '<html lang="en">' in client.get(f"/c/{SLUG}?lang=de").text
    page = client.post(f"/c/{SLUG}?lang=fr", data=form(intro="J'écris d'Edmonton."))
    assert "Merci, Amélie !" in html.unescape(page.text)
    assert "Objet : Annuler l'ETPS" in html.unescape(page.text)


def test_a_campaign_in_one_language_shows_no_language_link(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, slug="english-only", languages=["en"])
    page = client.get("/c/english-only?lang=fr", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in page.text and 'class="language"' not in page.text


def test_campaign_text_is_shown_as_text_never_as_markup(client: TestClient, caller: Caller) -> None:
    make_directory(client, caller)
    make_campaign(
        client,
        caller,
        slug="escaped",
        title={"en": "<script>alert(1)</script>", "fr": "Titre"},
        summary={"en": '<img src=x onerror="alert(2)">', "fr": "Résumé"},
    )
    page = client.get("/c/escaped")
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    typed = client.post("/c/escaped", data=form(first_name='"><b>x</b>', email="bad"))
    assert "<b>x</b>" not in typed.text
    assert value_of(typed.text, "first_name") == '"><b>x</b>'


def test_the_thank_you_page_asks_to_confirm_where_the_campaign_does(
    client: TestClient, caller: Caller, session: Session
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, slug="confirming", confirm_email=True)
    page = client.post("/c/confirming", data=form())
    assert page.status_code == 200
    assert "One more step: we have sent an email to amelie@example.org" in page.text
    assert "within 7 days" in page.text and "Waiting for you to confirm" in page.text
    action = session.scalars(select(Action)).one()
    confirmation = session.scalars(
        select(Delivery).where(Delivery.action_id == action.id, Delivery.channel == "confirmation")
    ).one()  # the email the page speaks of is queued
    assert confirmation.due_at is not None


def test_a_closed_campaign_shows_its_counter_and_takes_no_letter(
    client: TestClient, caller: Caller, campaign: dict[str, Any], session: Session
) -> None:
    closed = client.patch(
        f"/v1/campaigns/{campaign['id']}", json={"status": "closed"}, headers=caller.headers
    )
    assert closed.status_code == 200
    page = client.get(f"/c/{SLUG}")
    assert page.status_code == 200
    assert "This campaign has closed" in page.text and "<form" not in page.text
    assert client.post(f"/c/{SLUG}", data=form()).status_code == 409
    assert actions(session) == 0


def test_the_targets_route_names_the_mp_of_a_postal_code(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    answer = client.get(f"/c/{SLUG}/targets?postal_code=t5a1b7")
    assert answer.status_code == 200
    assert answer.json() == {
        "postal_code": "T5A 1B7",
        "recipients": [
            {"name": "Marc Miller", "office": "Minister of Immigration, Refugees and Citizenship"},
            {"name": "Ziad Aboultaif", "office": "MP for Edmonton Manning"},
        ],
        "warnings": [],
        "districts": [],
        "choose_district": False,
    }
    two = client.get(f"/c/{SLUG}/targets?postal_code=J8X2K5&lang=fr").json()
    assert two["districts"] == ["Gatineau", "Hull—Aylmer"]
    assert [r["name"] for r in two["recipients"]] == ["Marc Miller"]
    assert two["recipients"][0]["office"].startswith("ministre de l'Immigration")
    chosen = client.get(f"/c/{SLUG}/targets?postal_code=J8X2K5&district=Gatineau").json()
    assert chosen["recipients"][1] == {"name": "Steven MacKinnon", "office": "MP for Gatineau"}
    unknown = client.get(f"/c/{SLUG}/targets?postal_code=K1A0A6&lang=fr").json()
    assert unknown["warnings"] == [
        "Nous n'avons pas trouvé votre députée ou député à partir de votre code postal."
    ]
    bad = client.get(f"/c/{SLUG}/targets?postal_code=hello")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "postal_code"


def test_the_preview_route_answers_the_letters_or_errors_by_form_field(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    answer = client.post(f"/c/{SLUG}/preview?lang=fr", data=form(intro="Je suis infirmière."))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [letter["recipient"]["display_name"] for letter in body["letters"]] == [
        "Marc Miller",
        "Ziad Aboultaif",
    ]
    assert body["letters"][0]["id"] is None
    assert {"code": "intro_without_place", "part": "intro", "message": (
        "Dites d'où vous écrivez : les élus accordent plus de poids aux personnes qu'ils "
        "représentent."
    )} in body["warnings"]  # fmt: skip
    refused = client.post(f"/c/{SLUG}/preview", data=form(email="", intro=""))
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert {(e["field"], e["message"]) for e in refused.json()["errors"]} == {
        ("email", "Please fill this in."),
        ("intro", "Please fill this in."),
    }
    assert actions(session) == 0


def test_the_browser_language_is_read_with_its_weights() -> None:
    assert preferred_languages("fr-CA,fr;q=0.9,en;q=0.8") == ["fr", "en"]
    assert preferred_languages("en;q=0.2, fr") == ["fr", "en"]
    assert preferred_languages("fr;q=0, en") == ["en"]
    assert preferred_languages("*;q=bad") == []
    assert page_language(["en", "fr"], None, "de, fr;q=0.5") == "fr"
    assert page_language(["fr", "en"], None, "de") == "fr"
    assert page_language(["en", "fr"], "en", "fr") == "en"


def test_the_counter_speaks_each_language() -> None:
    assert counter(0, "en") == "0 people have taken action"
    assert counter(1, "en") == "1 person has taken action"
    assert counter(1204, "en") == "1,204 people have taken action"
    assert counter(1, "fr") == "1 personne est passée à l'action"
    assert counter(1204, "fr") == "1\u202f204 personnes sont passées à l'action"


def test_the_openapi_document_describes_the_page_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    page = paths["/c/{slug}"]
    assert "text/html" in page["get"]["responses"]["200"]["content"]
    form_body = page["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert "postal_code" in form_body["schema"]["properties"]
    assert {"200", "404", "409", "422"} <= set(page["post"]["responses"])
    assert "/embed/c/{slug}" in paths
    targets = paths["/c/{slug}/targets"]["get"]["responses"]["200"]["content"]
    assert targets["application/json"]["schema"]["$ref"].endswith("/PageTargets")
    assert "422" in paths["/c/{slug}/preview"]["post"]["responses"]


def test_a_form_with_too_many_fields_is_refused(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    body = "&".join(f"x{n}=1" for n in range(60)).encode()
    answer = client.post(
        f"/c/{SLUG}", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")  # the page, not JSON
    assert error_beside(answer.text, "email")


def test_a_supporter_writes_their_own_subject_where_the_campaign_allows_it(
    client: TestClient, caller: Caller, session: Session
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller)
    assert 'id="subject"' not in client.get(f"/c/{SLUG}").text
    # Posted where the campaign does not allow it, a subject is not taken from the form.
    assert client.post(f"/c/{SLUG}", data=form(subject="My own subject")).status_code == 200
    make_campaign(client, caller, slug="own-subject", subject_editable=True)
    page = client.get("/c/own-subject?lang=fr").text
    assert value_of(page, "subject") == "Annuler l'ETPS"  # the campaign's, to change
    mine = "Une infirmière d'Edmonton vous écrit"
    short = client.post("/c/own-subject?lang=fr", data=form(subject="Oui", email="b@example.org"))
    assert short.status_code == 422
    assert error_beside(short.text, "subject") == "C'est trop court : 5 caractères au moins."
    taken = client.post("/c/own-subject?lang=fr", data=form(subject=mine, email="b@example.org"))
    assert taken.status_code == 200, taken.text
    assert f"Objet : {mine}" in html.unescape(taken.text)
    assert session.scalars(select(Action).where(Action.email == "b@example.org")).one().subject == (
        mine
    )


def test_the_form_redirects_to_a_thank_you_page_that_can_be_reloaded(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    posted = client.post(f"/c/{SLUG}?lang=fr", data=form(), follow_redirects=False)
    assert posted.status_code == 303
    address = posted.headers["location"]
    assert address.startswith(f"/c/{SLUG}/thanks/") and address.endswith("?lang=fr")
    for _ in range(2):  # a reload is the same page, and takes no second action
        page = client.get(address)
        assert page.status_code == 200 and "Merci, Amélie !" in page.text
        assert "Ziad Aboultaif" in page.text and "déjà" not in page.text
    assert actions(session) == 1
    # The address holds the supporter's name and email sealed: not readable, not forgeable.
    assert "amelie" not in address.lower() and "Aboultaif" not in address
    tampered = address[: -len("?lang=fr") - 5] + "AAAAA?lang=fr"
    assert client.get(tampered).status_code == 404
    embedded = client.post(f"/embed/c/{SLUG}", data=form(email="e@example.org"))
    assert embedded.url.path.startswith(f"/embed/c/{SLUG}/thanks/")
    assert "Thank you, Amélie!" in embedded.text


def test_a_repeat_gets_a_thank_you_address_like_a_first_actions(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    """The thank-you address of an anonymous repeat names nothing stored and opens the
    same page a first action's does: it cannot tell anyone the address wrote before."""
    first = client.post(f"/c/{SLUG}", data=form(), follow_redirects=False)
    repeat = client.post(
        f"/c/{SLUG}", data=form(first_name="Jean", email="Amelie@Example.org"),
        follow_redirects=False,
    )  # fmt: skip
    assert first.status_code == repeat.status_code == 303
    (stored,) = session.scalars(select(Action)).all()
    settings = client.app.state.settings  # type: ignore[attr-defined]
    shown = []
    for answer in (first, repeat):
        opened = open_thanks(settings, answer.headers["location"].split("/thanks/")[1][:-8])
        assert opened is not None
        shown.append(opened)
    assert shown[0].keys() == shown[1].keys()
    for seen in shown:
        assert stored.id not in str(seen)
        assert all("id" not in letter["recipient"] for letter in seen["letters"])
    page = client.get(repeat.headers["location"])
    assert page.status_code == 200 and "Thank you, Jean!" in page.text
    assert "already" not in page.text


def test_the_counter_adds_its_offset_and_hides_below_its_threshold(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, slug="offset", counter_offset=1203)
    make_campaign(client, caller, slug="quiet", counter_hidden_below=2)
    assert "1,203 people have taken action" in client.get("/c/offset").text
    assert "1\u202f203 personnes" in client.get("/c/offset?lang=fr").text
    client.post("/c/offset", data=form())
    assert "1,204 people have taken action" in client.get("/c/offset").text
    assert client.get("/v1/campaigns/offset/stats").json()["actions"] == 1  # the true count
    quiet = client.get("/c/quiet").text
    assert "taken action" not in quiet and "<progress" not in quiet
    thanks = client.post("/c/quiet", data=form(email="q1@example.org"))
    assert "Thank you, Amélie!" in thanks.text and "taken action" not in thanks.text
    client.post("/c/quiet", data=form(email="q2@example.org"))
    assert "2 people have taken action" in client.get("/c/quiet").text
