"""API keys: hashed, shown once, scoped, revocable; organisations see only their own rows."""

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import ApiKey
from app.auth.scopes import Scope
from app.auth.service import lock_organisation
from app.db import utcnow
from tests.conftest import Caller, MakeCaller

RECIPIENT = {"first_name": "Jane", "last_name": "Doe", "external_id": "jd-1"}


def test_a_call_without_a_key_is_401_problem(client: TestClient) -> None:
    response = client.get("/v1/recipients")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["type"] == "/problems/unauthenticated"


def test_an_unknown_key_is_401(client: TestClient) -> None:
    response = client.get("/v1/recipients", headers={"Authorization": "Bearer ld_nope"})
    assert response.status_code == 401
    assert response.json()["detail"] == "The API key is not known."


def test_keys_are_stored_hashed_and_shown_once(
    client: TestClient, caller: Caller, session: Session
) -> None:
    created = client.post(
        "/v1/api-keys",
        json={"name": "website", "scopes": ["directory:read"]},
        headers=caller.headers,
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("ld_") and created.json()["prefix"] == key[:11]
    stored = session.scalars(select(ApiKey)).all()
    assert all(key not in (row.digest, row.prefix) for row in stored)
    listed = client.get("/v1/api-keys", headers=caller.headers).json()["items"]
    assert {item["name"] for item in listed} == {"test", "website"}
    assert all("key" not in item for item in listed)


def test_a_revoked_key_is_401(client: TestClient, caller: Caller, make_caller: MakeCaller) -> None:
    reader = make_caller([Scope.DIRECTORY_READ], organisation_id=caller.organisation_id)
    assert client.get("/v1/recipients", headers=reader.headers).status_code == 200
    keys = client.get("/v1/api-keys", headers=caller.headers).json()["items"]
    reader_id = next(k["id"] for k in keys if k["prefix"] == reader.key[:11])
    revoked = client.post(f"/v1/api-keys/{reader_id}/revoke", headers=caller.headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    response = client.get("/v1/recipients", headers=reader.headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "The API key has been revoked."


def test_a_key_without_the_scope_is_403(client: TestClient, make_caller: MakeCaller) -> None:
    reader = make_caller([Scope.DIRECTORY_READ])
    assert client.get("/v1/recipients", headers=reader.headers).status_code == 200
    response = client.post("/v1/recipients", json=RECIPIENT, headers=reader.headers)
    assert response.status_code == 403
    assert response.json()["required_scope"] == "directory:write"
    assert client.get("/v1/api-keys", headers=reader.headers).status_code == 403


def test_a_write_scope_grants_reading_the_same_area(
    client: TestClient, make_caller: MakeCaller
) -> None:
    writer = make_caller([Scope.DIRECTORY_WRITE])
    assert client.post("/v1/recipients", json=RECIPIENT, headers=writer.headers).status_code == 201
    assert client.get("/v1/recipients", headers=writer.headers).status_code == 200
    campaigns_only = make_caller([Scope.CAMPAIGNS_WRITE])
    assert client.get("/v1/recipients", headers=campaigns_only.headers).status_code == 403


def test_an_unknown_scope_is_refused_naming_the_field(client: TestClient, caller: Caller) -> None:
    response = client.post(
        "/v1/api-keys", json={"name": "x", "scopes": ["directory:delete"]}, headers=caller.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "scopes.0"


def test_another_organisations_recipient_is_404_as_a_missing_one(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    other = make_caller()
    theirs = client.post("/v1/recipients", json=RECIPIENT, headers=other.headers).json()["id"]
    missing = client.get("/v1/recipients/rcp_missing", headers=caller.headers)
    for response in (
        client.get(f"/v1/recipients/{theirs}", headers=caller.headers),
        client.patch(f"/v1/recipients/{theirs}", json={"party": "X"}, headers=caller.headers),
        client.delete(f"/v1/recipients/{theirs}", headers=caller.headers),
    ):
        assert response.status_code == missing.status_code == 404
        assert response.json()["type"] == missing.json()["type"]
    assert client.get("/v1/recipients", headers=caller.headers).json()["items"] == []
    assert client.get(f"/v1/recipients/{theirs}", headers=other.headers).json()["party"] is None


def test_another_organisations_key_cannot_be_revoked(
    client: TestClient, caller: Caller, make_caller: MakeCaller, session: Session
) -> None:
    other = make_caller()
    their_key = session.scalar(
        select(ApiKey).where(ApiKey.organisation_id == other.organisation_id)
    )
    assert their_key is not None
    response = client.post(f"/v1/api-keys/{their_key.id}/revoke", headers=caller.headers)
    assert response.status_code == 404
    assert client.get("/v1/recipients", headers=other.headers).status_code == 200


def _key_id(client: TestClient, admin: Caller, key: Caller) -> str:
    keys = client.get("/v1/api-keys", headers=admin.headers).json()["items"]
    return str(next(k["id"] for k in keys if k["prefix"] == key.key[:11]))


def test_the_last_live_admin_key_cannot_be_revoked(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    """An organisation left without an admin key could never make or revoke a key again."""
    reader = make_caller([Scope.DIRECTORY_READ], organisation_id=caller.organisation_id)
    own_id = _key_id(client, caller, caller)
    refused = client.post(f"/v1/api-keys/{own_id}/revoke", headers=caller.headers)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "/problems/last-admin-key"
    assert client.get("/v1/api-keys", headers=caller.headers).status_code == 200
    reader_id = _key_id(client, caller, reader)
    assert (
        client.post(f"/v1/api-keys/{reader_id}/revoke", headers=caller.headers).status_code == 200
    )
    second = make_caller([Scope.ADMIN], organisation_id=caller.organisation_id)
    revoked = client.post(f"/v1/api-keys/{own_id}/revoke", headers=caller.headers)
    assert revoked.status_code == 200  # another admin key is live
    second_id = _key_id(client, second, second)
    refused = client.post(f"/v1/api-keys/{second_id}/revoke", headers=second.headers)
    assert refused.status_code == 409
    again = client.post(f"/v1/api-keys/{own_id}/revoke", headers=second.headers)
    assert again.status_code == 200  # revoking a revoked key changes nothing


def test_two_admin_keys_revoking_each_other_at_once_leave_one(
    client: TestClient, caller: Caller, make_caller: MakeCaller, database_url: str
) -> None:
    """Each of two concurrent revocations sees the other key live; the organisation's row
    lock makes the second wait for the first and then refuse. Here the first is held open
    in a session while the second runs in a thread: whenever the thread reaches its check,
    the first's revocation is either still held (it waits) or committed (it sees it)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises every write on its one database lock")
    second = make_caller([Scope.ADMIN], organisation_id=caller.organisation_id)
    first_id = _key_id(client, caller, caller)
    second_id = _key_id(client, caller, second)
    answers: list[int] = []
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        lock_organisation(session, caller.organisation_id)
        session.get_one(ApiKey, second_id).revoked_at = utcnow()  # the first revocation
        thread = threading.Thread(
            target=lambda: answers.append(
                client.post(f"/v1/api-keys/{first_id}/revoke", headers=caller.headers).status_code
            )
        )
        thread.start()
        session.commit()
    thread.join()
    assert answers == [409]
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        assert session.get_one(ApiKey, first_id).revoked_at is None


def test_a_key_name_is_taken_once_in_an_organisation(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    def create(who: Caller) -> Any:
        body = {"name": "CRM sync", "scopes": ["campaigns:read"]}
        return client.post("/v1/api-keys", json=body, headers=who.headers)

    first = create(caller)
    assert first.status_code == 201, first.text
    client.post(f"/v1/api-keys/{first.json()['id']}/revoke", headers=caller.headers)
    again = create(caller)  # a revoked key keeps its name
    assert again.status_code == 409, again.text
    assert again.json()["type"] == "/problems/key-name-taken"
    assert again.json()["errors"] == [{"field": "name", "in": "body", "message": "is taken"}]
    names = [
        key["name"] for key in client.get("/v1/api-keys", headers=caller.headers).json()["items"]
    ]
    assert names.count("CRM sync") == 1
    assert create(make_caller()).status_code == 201  # another organisation's is its own
