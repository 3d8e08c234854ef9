"""The console's settings: the organisation's identity (through the service PATCH
/v1/organisation uses), its users, API keys and webhooks. Owners change them; editors
and viewers are refused (403) and nothing changes; another organisation's key, webhook
or user is 404; a secret is shown once; every form needs its CSRF token."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.auth.models import ApiKey
from app.console import service
from app.console.models import ConsoleSession, User
from app.console.router import COOKIE
from app.console.settings import router as settings_router
from app.delivery.models import Delivery
from app.settings import Settings
from app.webhooks.models import Webhook, WebhookDelivery
from tests.conftest import Caller, MakeCaller
from tests.console.test_sign_in import emailed_link, mail_client, mail_settings
from tests.delivery_data import deliver_all
from tests.http_receiver import Receiver, http_receiver
from tests.smtp_sink import SinkHandler

__all__ = ["mail_client", "mail_settings"]  # the sign-in tests' fixtures, shared
HOOK = "http://127.0.0.1:9/hook"  # nothing is sent to it: its webhooks are never tested


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Webhooks' receivers on loopback, as a developer's are."""
    return settings.model_copy(
        update={"webhook_allow_private_addresses": True, "webhook_timeout_seconds": 30.0}
    )


def key_id(client: TestClient, caller: Caller) -> str:
    [key] = client.get("/v1/api-keys", headers=caller.headers).json()["items"]
    return str(key["id"])


def sign_in(
    client: TestClient,
    settings: Settings,
    organisation_id: str,
    email: str,
    role: str = "owner",
    language: str = "en",
) -> str:
    """A user of the organisation, signed in on `client`; answers their session's id."""
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        service.add_user(db, organisation_id, email, role, language=language)
        db.commit()
        link = service.request_sign_in(db, email, settings)
        assert link is not None
        opened = service.open_session(
            db, link.id, service.link_token(settings, link.id), "test", settings
        )
        session_id = opened.session.id
    client.cookies.set(COOKIE, opened.cookie)
    return session_id


def csrf(client: TestClient, path: str = "/console/settings/identity") -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(path).text)
    assert found
    return found[1]


def count(client: TestClient, model: Any, *where: Any) -> int:
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


IDENTITY = {
    "email_name": "Amnistie internationale",
    "logo_url": "https://amnistie.ca/logo.png",
    "brand_colour": "#FFFF00",
    "privacy_url": "https://amnistie.ca/confidentialite",
    "contact_email": "info@amnistie.ca",
    "contact_address": "50, rue Ste-Catherine Ouest, Montréal QC H2X 3V4",
    "consent_en": "",
    "consent_fr": "Oui, Amnistie peut m'écrire au sujet de ses campagnes.",
}


def test_an_owner_changes_the_identity_as_the_api_does(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    sign_in(client, settings, caller.organisation_id, "owner@example.org")
    answer = client.post("/console/settings/identity", data=IDENTITY | {"csrf": csrf(client)})
    assert answer.status_code == 200 and "Saved." in answer.text
    shown = client.get("/v1/organisation", headers=caller.headers).json()
    assert shown["brand_colour"] == "#ffff00"
    assert shown["email_name"] == "Amnistie internationale"
    assert shown["consent_text"] == {"fr": IDENTITY["consent_fr"]}
    # The preview shows the header in the brand colour and the consent box.
    assert 'class="preview"' in answer.text and "amnistie.ca/confidentialite" in answer.text
    css = client.get("/console/settings/identity/brand.css")
    assert css.headers["content-type"].startswith("text/css") and "#ffff00" in css.text


def test_an_owner_renames_the_organisation_but_not_to_another_ones_name(
    client: TestClient, settings: Settings, caller: Caller, make_caller: MakeCaller
) -> None:
    sign_in(client, settings, caller.organisation_id, "owner@example.org")
    form = client.get("/console/settings/identity").text
    before = client.get("/v1/organisation", headers=caller.headers).json()["name"]
    assert f'id="name" name="name" type="text" value="{before}"' in form
    renamed = IDENTITY | {"name": "Amnistie internationale Canada", "csrf": csrf(client)}
    answer = client.post("/console/settings/identity", data=renamed)
    assert answer.status_code == 200 and "Saved." in answer.text
    shown = client.get("/v1/organisation", headers=caller.headers).json()
    assert shown["name"] == "Amnistie internationale Canada"
    assert shown["email_name"] == IDENTITY["email_name"]

    other = make_caller()
    taken = client.get("/v1/organisation", headers=other.headers).json()["name"]
    clash = client.post("/console/settings/identity", data=renamed | {"name": taken})
    assert clash.status_code == 409
    assert re.search(r'id="name-error">Another organisation has this name', clash.text)
    assert f'value="{taken}"' in clash.text  # what was typed is kept to correct
    blank = client.post("/console/settings/identity", data=renamed | {"name": "  "})
    assert blank.status_code == 422
    assert re.search(r'id="name-error">A name is 1 to 200 characters', blank.text)
    after = client.get("/v1/organisation", headers=caller.headers).json()["name"]
    assert after == "Amnistie internationale Canada"


def test_bad_identity_fields_are_named_in_the_users_language_and_nothing_changes(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    sign_in(client, settings, caller.organisation_id, "proprio@example.org", language="fr")
    bad = IDENTITY | {"brand_colour": "yellow", "logo_url": "http://insecure.example/logo.png"}
    answer = client.post("/console/settings/identity", data=bad | {"csrf": csrf(client)})
    assert answer.status_code == 422
    assert 'id="brand_colour" name="brand_colour"' in answer.text
    assert re.search(r'id="brand_colour-error">Indiquez une couleur', answer.text)
    assert re.search(r'id="logo_url-error">Indiquez une adresse https', answer.text)
    assert 'value="yellow"' in answer.text  # what was typed is kept to correct
    assert client.get("/v1/organisation", headers=caller.headers).json()["brand_colour"] is None


def test_a_form_without_its_csrf_token_changes_nothing(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    sign_in(client, settings, caller.organisation_id, "owner@example.org")
    for path, data in (
        ("/console/settings/identity", IDENTITY | {"name": "Taken over"}),
        ("/console/settings/keys", {"name": "x", "scope:admin": "on"}),
        ("/console/settings/users", {"email": "new@example.org", "role": "owner"}),
        ("/console/settings/webhooks", {"url": HOOK, "event:letter.sent": "on"}),
    ):
        answer = client.post(path, data=data | {"csrf": "0" * 64})
        assert answer.status_code == 403, path
    assert client.get("/v1/organisation", headers=caller.headers).json()["brand_colour"] is None
    assert count(client, ApiKey) == 1  # the caller's
    assert count(client, User) == 1
    assert count(client, Webhook) == 0


def make_webhook(client: TestClient, caller: Caller, url: str = HOOK) -> str:
    made = client.post(
        "/v1/webhooks", json={"url": url, "events": ["letter.sent"]}, headers=caller.headers
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_advocates_see_no_settings_page(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    """Advocates run events and see nothing of the organisation's staff or set-up."""
    webhook_id = make_webhook(client, caller)
    sign_in(client, settings, caller.organisation_id, "advocate@example.org", "advocate")
    for path in (
        "/console/settings/identity",
        "/console/settings/users",
        "/console/settings/keys",
        "/console/settings/webhooks",
        f"/console/settings/webhooks/{webhook_id}",
    ):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "advocate@example.org" not in answer.text


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_change_no_setting(
    client: TestClient, settings: Settings, caller: Caller, role: str
) -> None:
    webhook_id = make_webhook(client, caller)
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        owner = service.add_user(db, caller.organisation_id, "owner@example.org", "owner")
        db.commit()
        owner_id = owner.id
    sign_in(client, settings, caller.organisation_id, f"{role}@example.org", role)
    token = csrf(client)
    assert client.get("/console/settings/identity").status_code == 200
    assert client.get("/console/settings/users").status_code == 200
    assert client.get("/console/settings/keys").status_code == 403
    expected_webhooks = 200 if role == "editor" else 403
    assert client.get("/console/settings/webhooks").status_code == expected_webhooks
    assert client.get(f"/console/settings/webhooks/{webhook_id}").status_code == (expected_webhooks)
    for path, data in (
        ("/console/settings/identity", IDENTITY | {"name": "Taken over"}),
        ("/console/settings/keys", {"name": "x", "scope:admin": "on"}),
        (f"/console/settings/keys/{key_id(client, caller)}/revoke", {}),
        ("/console/settings/users", {"email": "new@example.org", "role": "owner"}),
        (f"/console/settings/users/{owner_id}/role", {"role": "viewer"}),
        (f"/console/settings/users/{owner_id}/remove", {}),
        ("/console/settings/webhooks", {"url": HOOK, "event:letter.sent": "on"}),
        (f"/console/settings/webhooks/{webhook_id}", {"url": HOOK + "/y"}),
        (f"/console/settings/webhooks/{webhook_id}/active", {"active": "false"}),
        (f"/console/settings/webhooks/{webhook_id}/test", {}),
    ):
        answer = client.post(path, data=data | {"csrf": token})
        assert answer.status_code == 403, path
    shown = client.get("/v1/organisation", headers=caller.headers).json()
    assert shown["brand_colour"] is None and shown["name"] != "Taken over"
    assert count(client, ApiKey, ApiKey.revoked_at.is_(None)) == 1
    assert count(client, User) == 2 and count(client, User, User.role == "owner") == 1
    hooks = client.get("/v1/webhooks", headers=caller.headers).json()["items"]
    assert [(h["url"], h["active"]) for h in hooks] == [(HOOK, True)]
    assert count(client, WebhookDelivery) == 0


def test_another_organisations_key_webhook_and_user_are_not_found(
    client: TestClient, settings: Settings, caller: Caller, make_caller: MakeCaller
) -> None:
    other = make_caller()
    webhook_id = make_webhook(client, other)
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        theirs = service.add_user(db, other.organisation_id, "theirs@example.org", "owner")
        db.commit()
        their_id = theirs.id
    sign_in(client, settings, caller.organisation_id, "owner@example.org")
    token = csrf(client)
    assert client.get(f"/console/settings/webhooks/{webhook_id}").status_code == 404
    for path, data in (
        (f"/console/settings/keys/{key_id(client, other)}/revoke", {}),
        (f"/console/settings/users/{their_id}/role", {"role": "viewer"}),
        (f"/console/settings/users/{their_id}/remove", {}),
        (f"/console/settings/webhooks/{webhook_id}", {"url": HOOK + "/y"}),
        (f"/console/settings/webhooks/{webhook_id}/active", {"active": "false"}),
        (f"/console/settings/webhooks/{webhook_id}/test", {}),
        (f"/console/settings/webhooks/{webhook_id}/deliveries/wdl_x/redeliver", {}),
    ):
        answer = client.post(path, data=data | {"csrf": token})
        assert answer.status_code == 404, path
    assert (
        client.get("/v1/api-keys", headers=other.headers).json()["items"][0]["revoked_at"] is None
    )
    assert count(client, User, User.id == their_id, User.role == "owner") == 1
    hook = client.get(f"/v1/webhooks/{webhook_id}", headers=other.headers).json()
    assert (hook["url"], hook["active"]) == (HOOK, True)
    assert count(client, WebhookDelivery) == 0


def test_a_key_is_shown_once_works_and_is_revoked(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    admin_id = key_id(client, caller)
    sign_in(client, settings, caller.organisation_id, "owner@example.org")
    token = csrf(client)
    refused = client.post("/console/settings/keys", data={"name": "website", "csrf": token})
    assert refused.status_code == 422 and 'id="scopes-error"' in refused.text
    made = client.post(
        "/console/settings/keys",
        data={"name": "website", "scope:campaigns:read": "on", "csrf": token},
    )
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    key = re.search(r'value="(ld_[\w-]+)"', made.text)
    assert key, made.text
    bearer = {"Authorization": f"Bearer {key[1]}"}
    assert client.get("/v1/campaigns", headers=bearer).status_code == 200
    listed = client.get("/console/settings/keys")
    assert key[1] not in listed.text and key[1][:11] in listed.text
    assert "campaigns:read" in listed.text
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        made_id = db.scalar(select(ApiKey.id).where(ApiKey.name == "website"))
    revoked = client.post(
        f"/console/settings/keys/{made_id}/revoke", data={"csrf": token}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert client.get("/v1/campaigns", headers=bearer).status_code == 401
    # The organisation's last live admin key stays.
    last = client.post(f"/console/settings/keys/{admin_id}/revoke", data={"csrf": token})
    assert last.status_code == 409
    assert client.get("/v1/campaigns", headers=caller.headers).status_code == 200


def test_a_key_name_already_taken_is_said_beside_the_name(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    """Key names are unique in an organisation (revoked keys' too): the form says so in
    the user's language and makes no second key."""
    sign_in(client, settings, caller.organisation_id, "owner@example.org", language="fr")
    token = csrf(client)
    form = {"name": "site web", "scope:campaigns:read": "on", "csrf": token}
    assert client.post("/console/settings/keys", data=form).status_code == 200
    again = client.post("/console/settings/keys", data=form)
    assert again.status_code == 422 and 'id="name-error"' in again.text
    assert "déjà" in again.text
    assert count(client, ApiKey, ApiKey.name == "site web") == 1


def test_the_last_owner_stays_and_a_removed_user_is_signed_out(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    first = TestClient(client.app)
    sign_in(first, settings, caller.organisation_id, "first@example.org")
    first_id = user_id(client, "first@example.org")
    token = csrf(first)
    demoted = first.post(
        f"/console/settings/users/{first_id}/role", data={"role": "editor", "csrf": token}
    )
    assert demoted.status_code == 409 and "last owner" in demoted.text
    removed = first.post(f"/console/settings/users/{first_id}/remove", data={"csrf": token})
    assert removed.status_code == 409
    assert count(client, User, User.role == "owner") == 1

    sign_in(client, settings, caller.organisation_id, "second@example.org")
    token = csrf(client)
    answer = client.post(
        f"/console/settings/users/{first_id}/remove", data={"csrf": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert count(client, ConsoleSession, ConsoleSession.user_id == first_id) == 0
    assert first.get("/console", follow_redirects=False).headers["location"] == ("/console/sign-in")
    second_id = user_id(client, "second@example.org")
    again = client.post(
        f"/console/settings/users/{second_id}/role", data={"role": "viewer", "csrf": token}
    )
    assert again.status_code == 409
    assert count(client, User, User.role == "owner") == 1


def user_id(client: TestClient, email: str) -> str:
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        found = db.scalar(select(User.id).where(User.email == email))
    assert found
    return str(found)


def test_an_invited_user_signs_in_from_the_emailed_link(
    mail_client: TestClient,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
    caller: Caller,
) -> None:
    sign_in(mail_client, mail_settings, caller.organisation_id, "owner@example.org")
    deliver_all(mail_client, mail_settings)  # the owner's own link, not looked at
    sink[0].received.clear()
    token = csrf(mail_client)
    bad = mail_client.post(
        "/console/settings/users", data={"email": "nope", "role": "editor", "csrf": token}
    )
    assert bad.status_code == 422 and 'id="email-error"' in bad.text
    answer = mail_client.post(
        "/console/settings/users",
        data={
            "email": "Editor@Example.org",
            "name": "Éloi",
            "role": "editor",
            "language": "fr",
            "csrf": token,
        },
    )
    assert answer.status_code == 200 and "editor@example.org" in answer.text
    again = mail_client.post(
        "/console/settings/users",
        data={"email": "editor@example.org", "role": "viewer", "language": "en", "csrf": token},
    )
    assert again.status_code == 409 and 'id="email-error"' in again.text

    link_id, link_token = emailed_link(mail_client, mail_settings, sink[0])
    invited = TestClient(mail_client.app)
    invited.post(f"/console/sign-in/{link_id}", data={"token": link_token})
    home = invited.get("/console")
    assert "Connecté·e : Éloi (rédaction)" in home.text


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with http_receiver() as running:
        yield running


def test_a_webhook_is_added_tested_and_its_delivery_logged(
    client: TestClient, settings: Settings, caller: Caller, receiver: Receiver
) -> None:
    sign_in(client, settings, caller.organisation_id, "owner@example.org")
    token = csrf(client)
    none = client.post("/console/settings/webhooks", data={"url": receiver.url, "csrf": token})
    assert none.status_code == 422 and 'id="events-error"' in none.text
    made = client.post(
        "/console/settings/webhooks",
        data={"url": receiver.url, "event:letter.sent": "on", "csrf": token},
    )
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = re.search(r'id="secret" type="text" readonly value="([^"]+)"', made.text)
    assert secret
    [hook] = client.get("/v1/webhooks", headers=caller.headers).json()["items"]
    page = client.get(f"/console/settings/webhooks/{hook['id']}")
    assert page.status_code == 200 and secret[1] not in page.text

    tested = client.post(
        f"/console/settings/webhooks/{hook['id']}/test",
        data={"csrf": token},
        follow_redirects=False,
    )
    assert tested.status_code == 303
    deliver_all(client, settings)
    [received] = receiver.received
    assert json.loads(received.body)["type"] == "webhook.test"
    log = client.get(f"/console/settings/webhooks/{hook['id']}?state=delivered")
    assert "webhook.test" in log.text and ">200<" in log.text
    assert (
        "webhook.test"
        not in client.get(f"/console/settings/webhooks/{hook['id']}?state=failed").text
    )

    delivery_id = re.search(r"/deliveries/(wdl_\w+)/redeliver", log.text)
    assert delivery_id
    client.post(
        f"/console/settings/webhooks/{hook['id']}/deliveries/{delivery_id[1]}/redeliver",
        data={"csrf": token},
    )
    deliver_all(client, settings)
    assert len(receiver.received) == 2

    changed = client.post(
        f"/console/settings/webhooks/{hook['id']}",
        data={
            "url": receiver.url,
            "event:letter.sent": "on",
            "event:letter.failed": "on",
            "csrf": token,
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    client.post(
        f"/console/settings/webhooks/{hook['id']}/active", data={"active": "false", "csrf": token}
    )
    hook = client.get(f"/v1/webhooks/{hook['id']}", headers=caller.headers).json()
    assert hook["events"] == ["letter.sent", "letter.failed"] and hook["active"] is False
    paused = client.post(f"/console/settings/webhooks/{hook['id']}/test", data={"csrf": token})
    assert paused.status_code == 409


def test_a_user_removed_before_their_link_is_sent_is_sent_nothing(
    mail_client: TestClient,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
    caller: Caller,
) -> None:
    sign_in(mail_client, mail_settings, caller.organisation_id, "owner@example.org")
    deliver_all(mail_client, mail_settings)
    sink[0].received.clear()
    token = csrf(mail_client)
    mail_client.post(
        "/console/settings/users",
        data={"email": "gone@example.org", "role": "viewer", "language": "en", "csrf": token},
    )
    gone_id = user_id(mail_client, "gone@example.org")
    removed = mail_client.post(
        f"/console/settings/users/{gone_id}/remove", data={"csrf": token}, follow_redirects=False
    )
    assert removed.status_code == 303
    deliver_all(mail_client, mail_settings)
    assert sink[0].received == []
    assert (
        count(mail_client, Delivery, Delivery.channel == "sign_in", Delivery.due_at.is_not(None))
        == 0
    )


# The least role each settings page needs. A route added without a line here fails the
# walk: say who may use it.
SETTINGS_ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/console/settings"): "viewer",
    ("GET", "/console/settings/identity"): "viewer",
    ("GET", "/console/settings/identity/brand.css"): "viewer",
    ("POST", "/console/settings/identity"): "owner",
    ("GET", "/console/settings/users"): "viewer",
    ("POST", "/console/settings/users"): "owner",
    ("POST", "/console/settings/users/{user_id}/role"): "owner",
    ("POST", "/console/settings/users/{user_id}/remove"): "owner",
    ("GET", "/console/settings/keys"): "owner",
    ("POST", "/console/settings/keys"): "owner",
    ("POST", "/console/settings/keys/{key_id}/revoke"): "owner",
    ("GET", "/console/settings/webhooks"): "editor",
    ("POST", "/console/settings/webhooks"): "owner",
    ("GET", "/console/settings/webhooks/{webhook_id}"): "editor",
    ("POST", "/console/settings/webhooks/{webhook_id}"): "owner",
    ("POST", "/console/settings/webhooks/{webhook_id}/active"): "owner",
    ("POST", "/console/settings/webhooks/{webhook_id}/test"): "owner",
    ("POST", "/console/settings/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"): (
        "owner"
    ),
}
RANK = {"viewer": 0, "editor": 1, "owner": 2}


def settings_routes() -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in settings_router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }


def test_the_settings_access_table_names_every_page() -> None:
    assert settings_routes() == set(SETTINGS_ACCESS)


@pytest.mark.parametrize("role", ["viewer", "editor", "owner"])
def test_each_settings_page_answers_each_role_as_the_table_says(
    client: TestClient, settings: Settings, caller: Caller, role: str
) -> None:
    webhook_id = make_webhook(client, caller)
    ids = {"webhook_id": webhook_id, "key_id": "key_nothing", "delivery_id": "wdl_nothing"}
    sign_in(client, settings, caller.organisation_id, f"{role}@example.org", role)
    ids["user_id"] = user_id(client, f"{role}@example.org")
    token = csrf(client)
    for (method, path), least in SETTINGS_ACCESS.items():
        if role == "owner" and method == "POST":
            continue  # what an owner's forms do, the tests above check
        answer = client.request(
            method,
            path.format(**ids),
            data={"csrf": token} if method == "POST" else None,
            follow_redirects=False,
        )
        refused = RANK[role] < RANK[least]
        assert (answer.status_code == 403) == refused, (role, method, path, answer.status_code)


def test_no_settings_page_opens_without_signing_in(client: TestClient, caller: Caller) -> None:
    webhook_id = make_webhook(client, caller)
    ids = {"webhook_id": webhook_id, "key_id": "k", "delivery_id": "d", "user_id": "u"}
    for method, path in SETTINGS_ACCESS:
        answer = client.request(method, path.format(**ids), follow_redirects=False)
        assert answer.status_code == 303, (method, path)
        assert answer.headers["location"] in ("/console/sign-in", "/console/settings/identity")
