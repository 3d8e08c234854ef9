"""The console's campaign editor over HTTP: create, edit, publish and close through the
campaigns service, errors beside their fields in the console's language, the preview a
sample supporter's letter, CSRF on every form, a viewer refused, another organisation's
campaign not found."""

import re
from typing import Any

from fastapi.testclient import TestClient

from app.settings import Settings
from tests.campaign_data import make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.console.test_supporters import sign_in_as

MILLER_ROLE = "Minister of Immigration, Refugees and Citizenship"


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, page
    return found.group(1)


def editor_form(csrf: str, **more: Any) -> dict[str, Any]:
    """The editor's form as a browser sends it (the inputs' names are the API's paths)."""
    return {
        "csrf": csrf,
        "intent": "save",
        "slug": "protect-the-river",
        "languages": ["en", "fr"],
        "title.en": "Protect the river",
        "title.fr": "Protégez la rivière",
        "subject.en": "Protect the river",
        "subject.fr": "Protégez la rivière",
        "concern.en": "The river feeds our towns and the plan would drain it.",
        "concern.fr": "La rivière nourrit nos villes et le projet l'assécherait.",
        "ask.en": "Stop the plan.",
        "ask.fr": "Arrêtez le projet.",
        "targets": ["own_mp", f"role:{MILLER_ROLE}"],
        "target_texts.own_mp.ask.en": "As my MP, raise this with the Minister.",
        "target_texts.own_mp.ask.fr": "Comme député·e, saisissez-en le ministre.",
        "hold_minutes": "10",
        "goal": "500",
        "counter_offset": "40",
        "image_url": "https://example.org/river.jpg",
        "image_alt.en": "The river at dawn.",
        "image_alt.fr": "La rivière à l'aube.",
        "learn_more.0.url": "https://example.org/report",
        "learn_more.0.label.en": "Our report",
        "learn_more.0.label.fr": "Notre rapport",
        "next_action.url": "https://example.org/petition",
        "next_action.label.en": "Sign the petition",
        "next_action.label.fr": "Signez la pétition",
        **more,
    }


def test_an_editor_creates_edits_publishes_and_closes_a_campaign(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    make_directory(client, caller)
    sign_in_as(client, settings, caller.organisation_id, "editor@example.org", "editor")
    new = client.get("/console/campaigns/new")
    assert new.status_code == 200 and 'name="title.fr"' in new.text
    made = client.post(
        "/console/campaigns", data=editor_form(csrf_of(new.text)), follow_redirects=False
    )
    assert made.status_code == 303, made.text
    campaign_id = made.headers["location"].split("/")[-1].split("?")[0]

    # The API sees what the editor saved: one service, one set of rules.
    stored = client.get(f"/v1/campaigns/{campaign_id}", headers=caller.headers).json()
    assert stored["status"] == "draft" and stored["counter_offset"] == 40
    assert stored["targets"] == [{"type": "own_mp"}, {"type": "role", "role": MILLER_ROLE}]
    assert stored["target_texts"]["own_mp"]["ask"]["fr"].startswith("Comme député·e")
    assert stored["learn_more"][0]["label"] == {"en": "Our report", "fr": "Notre rapport"}
    assert stored["next_action"]["url"] == "https://example.org/petition"
    assert stored["hold_minutes"] == 10 and stored["goal"] == 500

    page = client.get(f"/console/campaigns/{campaign_id}?saved=true")
    assert page.status_code == 200 and "Saved." in page.text
    csrf = csrf_of(page.text)
    edited = client.post(
        f"/console/campaigns/{campaign_id}",
        data=editor_form(csrf, **{"goal": "", "learn_more.0.url": "", "learn_more.0.label.en": "",
                                  "learn_more.0.label.fr": "", "title.en": "Save the river",
                                  "hold_minutes": ""}),
        follow_redirects=False,
    )  # fmt: skip
    assert edited.status_code == 303, edited.text
    stored = client.get(f"/v1/campaigns/{campaign_id}", headers=caller.headers).json()
    assert stored["title"]["en"] == "Save the river"
    assert stored["goal"] is None and stored["learn_more"] == []
    assert stored["hold_minutes"] == 10  # left blank: as it was, not 0 (letters at once)

    published = client.post(
        f"/console/campaigns/{campaign_id}/publish", data={"csrf": csrf}, follow_redirects=False
    )
    assert published.status_code == 303
    assert client.get("/c/protect-the-river").status_code == 200
    closed = client.post(
        f"/console/campaigns/{campaign_id}/close", data={"csrf": csrf}, follow_redirects=False
    )
    assert closed.status_code == 303
    stored = client.get(f"/v1/campaigns/{campaign_id}", headers=caller.headers).json()
    assert stored["status"] == "closed"
    # Once public, the address stays: the service says so, beside the field.
    moved = client.post(
        f"/console/campaigns/{campaign_id}", data=editor_form(csrf, slug="another-river")
    )
    assert moved.status_code == 422
    assert "its address cannot change" in moved.text


def test_the_preview_is_the_letter_a_sample_supporter_of_the_riding_gets(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    make_directory(client, caller)
    sign_in_as(client, settings, caller.organisation_id, "editor@example.org", "editor")
    csrf = csrf_of(client.get("/console/campaigns/new").text)
    form = editor_form(csrf, preview_riding="Ahuntsic-Cartierville", preview_language="fr")
    partial = client.post("/console/campaigns/new/preview", data=form)
    assert partial.status_code == 200, partial.text
    assert "<html" not in partial.text  # a partial, for htmx
    # The riding's MP, with the text for letters to one's own MP, in French.
    assert "Comme député·e, saisissez-en le ministre." in partial.text
    assert "J&#39;habite Ahuntsic-Cartierville" in partial.text
    assert "Mélanie Joly" in partial.text and "Marc Miller" in partial.text
    # Another target: the minister, with the campaign's own ask.
    miller = re.search(r'<option value="(rcp_[^"]+)"[^>]*>Marc Miller', partial.text)
    assert miller, partial.text
    to_miller = client.post(
        "/console/campaigns/new/preview", data=form | {"preview_target": miller.group(1)}
    )
    assert "Arrêtez le projet." in to_miller.text
    assert "Comme député·e" not in to_miller.text

    # Without JavaScript: the Preview button reloads the page with the letter, storing nothing.
    fallback = client.post("/console/campaigns", data=form | {"intent": "preview"})
    assert fallback.status_code == 200 and "<html" in fallback.text
    assert "Comme député·e, saisissez-en le ministre." in fallback.text
    assert client.get("/v1/campaigns", headers=caller.headers).json()["items"] == []

    # The search without JavaScript: the page again, with the matches to tick.
    searched = client.post(
        "/console/campaigns", data=form | {"intent": "search", "target_q": "foreign affairs"}
    )
    assert searched.status_code == 200
    assert 'value="role:Minister of Foreign Affairs"' in searched.text
    assert client.get("/v1/campaigns", headers=caller.headers).json()["items"] == []

    # The directory search finds roles and people, by name, role or riding.
    found = client.get("/console/campaigns/targets?target_q=immigration")
    assert f'value="role:{MILLER_ROLE}"' in found.text and "Marc Miller" in found.text
    by_riding = client.get("/console/campaigns/targets?target_q=ahuntsic")
    assert "Mélanie Joly" in by_riding.text


def test_errors_are_shown_beside_their_fields_in_the_users_language(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, slug="taken-slug")
    sign_in_as(client, settings, caller.organisation_id, "editrice@example.org", "editor")
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        from app.console.models import User

        user = db.query(User).filter_by(email="editrice@example.org").one()
        user.language = "fr"
        db.commit()
    csrf = csrf_of(client.get("/console/campaigns/new").text)
    bad = client.post(
        "/console/campaigns",
        data=editor_form(csrf, slug="Not A Slug", goal="many", image_url="http://x"),
    )
    assert bad.status_code == 422
    assert "Erreur" in bad.text and "La campagne n&#39;a pas été enregistrée" in bad.text
    for name, words in (
        ("slug", "minuscules"),
        ("goal", "nombre entier"),
        ("image_url", "adresse https"),
    ):
        assert re.search(rf'id="f-{name}-error">[^<]*{words}', bad.text), name
    # A text missing in one of the campaign's languages, beside that language's field.
    missing = client.post("/console/campaigns", data=editor_form(csrf, **{"title.fr": ""}))
    assert missing.status_code == 422
    assert re.search(r'id="f-title-fr-error">Remplissez ce champ.', missing.text)
    assert 'value="many"' in bad.text  # what was typed stays
    taken = client.post("/console/campaigns", data=editor_form(csrf, slug="taken-slug"))
    assert taken.status_code == 422 and "Une autre campagne a cette adresse" in taken.text
    assert len(client.get("/v1/campaigns", headers=caller.headers).json()["items"]) == 1


def test_every_form_needs_its_csrf_token(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    make_directory(client, caller)
    campaign = make_campaign(client, caller, status="draft")
    sign_in_as(client, settings, caller.organisation_id, "editor@example.org", "editor")
    for path, data in (
        ("/console/campaigns", editor_form("0" * 64)),
        (f"/console/campaigns/{campaign['id']}", editor_form("")),
        (f"/console/campaigns/{campaign['id']}/publish", {}),
        (f"/console/campaigns/{campaign['id']}/close", {"csrf": "nope"}),
        (f"/console/campaigns/{campaign['id']}/preview", editor_form("x")),
    ):
        answer = client.post(path, data=data)
        assert answer.status_code == 403, path
    stored = client.get(f"/v1/campaigns/{campaign['id']}", headers=caller.headers).json()
    assert stored["status"] == "draft" and stored["slug"] == campaign["slug"]
    assert len(client.get("/v1/campaigns", headers=caller.headers).json()["items"]) == 1


def test_a_viewer_looks_and_changes_nothing(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    make_directory(client, caller)
    campaign = make_campaign(client, caller, status="draft")
    sign_in_as(client, settings, caller.organisation_id, "viewer@example.org", "viewer")
    page = client.get(
        f"/console/campaigns/{campaign['id']}?preview_riding=Edmonton+Manning&preview_language=fr"
    )
    assert page.status_code == 200
    assert '<fieldset class="plain fields" disabled>' in page.text
    assert "/publish" not in page.text and 'name="csrf"' not in page.text.split("<main")[1]
    assert "Ziad Aboultaif" in page.text  # the preview of the saved campaign, by GET
    csrf = csrf_of(page.text)  # the sign-out form's: a real token, still refused
    for path, data in (
        ("/console/campaigns", editor_form(csrf)),
        (f"/console/campaigns/{campaign['id']}", editor_form(csrf, slug="hijacked")),
        (f"/console/campaigns/{campaign['id']}/publish", {"csrf": csrf}),
        (f"/console/campaigns/{campaign['id']}/close", {"csrf": csrf}),
        (f"/console/campaigns/{campaign['id']}/preview", editor_form(csrf)),
    ):
        assert client.post(path, data=data).status_code == 403, path
    assert client.get("/console/campaigns/new").status_code == 403
    assert client.get("/console/campaigns/targets?target_q=joly").status_code == 403
    stored = client.get(f"/v1/campaigns/{campaign['id']}", headers=caller.headers).json()
    assert stored["status"] == "draft" and stored["slug"] == campaign["slug"]


def test_another_organisations_campaign_is_not_found(
    client: TestClient, settings: Settings, caller: Caller, make_caller: MakeCaller
) -> None:
    campaign = make_campaign(client, caller, status="draft")
    other = make_caller()
    sign_in_as(client, settings, other.organisation_id, "other@example.org", "owner")
    csrf = csrf_of(client.get("/console").text)
    assert client.get(f"/console/campaigns/{campaign['id']}").status_code == 404
    for path, data in (
        (f"/console/campaigns/{campaign['id']}", editor_form(csrf)),
        (f"/console/campaigns/{campaign['id']}/publish", {"csrf": csrf}),
        (f"/console/campaigns/{campaign['id']}/close", {"csrf": csrf}),
        (f"/console/campaigns/{campaign['id']}/preview", editor_form(csrf)),
    ):
        assert client.post(path, data=data).status_code == 404, path
    stored = client.get(f"/v1/campaigns/{campaign['id']}", headers=caller.headers).json()
    assert stored["status"] == "draft"
