"""A draft campaign's page, previewed by a key holder (issue 14, from the review): an
address from `POST /v1/campaigns/{id}/preview-link`, never the public page, saying it is
a preview and unable to send; on SQLite and PostgreSQL."""

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.scopes import Scope
from app.letters.models import Action
from app.sealing import sealer
from app.web.draft_preview import PURPOSE, VALID_FOR
from tests.campaign_data import make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.web.test_web_pages import FORM


@pytest.fixture
def draft(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller, status="draft")


def preview_path(client: TestClient, caller: Caller, campaign: str) -> str:
    answer = client.post(f"/v1/campaigns/{campaign}/preview-link", headers=caller.headers)
    assert answer.status_code == 201, answer.text
    public_url = str(client.app.state.settings.public_url).rstrip("/")  # type: ignore[attr-defined]
    url: str = answer.json()["url"]
    assert url.startswith(f"{public_url}/c/rescind-stca/draft/")
    return url.removeprefix(public_url)


def test_a_key_holder_previews_a_draft_that_the_public_cannot_see(
    client: TestClient, caller: Caller, make_caller: MakeCaller, draft: dict[str, Any]
) -> None:
    assert client.get("/c/rescind-stca").status_code == 404
    reader = make_caller([Scope.CAMPAIGNS_READ], organisation_id=caller.organisation_id)
    page = client.get(preview_path(client, reader, draft["id"]) + "?lang=fr")
    assert page.status_code == 200
    assert "Aperçu : voici la page telle qu'elle paraîtra." in page.text.replace("&#39;", "'")
    assert 'class="primary" data-busy="Envoi en cours…" disabled' in page.text
    assert page.headers["x-robots-tag"] == "noindex, nofollow"
    assert page.headers["referrer-policy"] == "no-referrer"
    # a slug works as well as an id
    assert client.get(preview_path(client, caller, "rescind-stca")).status_code == 200


def test_the_preview_cannot_send(
    client: TestClient, caller: Caller, draft: dict[str, Any], session: Session
) -> None:
    path = preview_path(client, caller, draft["id"])
    assert client.post(path, data=FORM).status_code == 405  # the address takes no form
    assert client.post("/c/rescind-stca", data=FORM).status_code == 404  # nor does the page
    assert session.scalar(select(func.count()).select_from(Action)) == 0


def test_another_organisation_gets_no_preview_link(
    client: TestClient, make_caller: MakeCaller, draft: dict[str, Any]
) -> None:
    stranger = make_caller([Scope.ADMIN])
    answer = client.post(f"/v1/campaigns/{draft['id']}/preview-link", headers=stranger.headers)
    assert answer.status_code == 404


def test_a_forged_misused_or_old_preview_address_is_not_found(
    client: TestClient, caller: Caller, draft: dict[str, Any]
) -> None:
    path = preview_path(client, caller, draft["id"])
    token = path.rsplit("/", 1)[1]
    assert client.get(path[:-4] + "AAAA").status_code == 404
    other = make_campaign(client, caller, slug="another-draft", status="draft")
    assert client.get(f"/c/{other['slug']}/draft/{token}").status_code == 404
    settings = client.app.state.settings  # type: ignore[attr-defined]
    old = sealer(settings, PURPOSE).encrypt_at_time(
        draft["id"].encode(), int(time.time() - VALID_FOR.total_seconds() - 60)
    )
    assert client.get(f"/c/rescind-stca/draft/{old.decode()}").status_code == 404
    # a thank-you address is sealed for another purpose: it opens no preview
    thanks = sealer(settings, "thank-you page").encrypt(draft["id"].encode()).decode()
    assert client.get(f"/c/rescind-stca/draft/{thanks}").status_code == 404
