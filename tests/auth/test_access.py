"""Every operation of the OpenAPI document, called with no key, a revoked key, a key of
each scope and another organisation's admin key, answers as its scope says: 401 without
a valid key, 403 naming the scope a key lacks, and never another organisation's rows."""

from typing import Any

import httpx
from fastapi.testclient import TestClient

from app.auth.scopes import Scope
from app.settings import Settings
from tests.api_data import Organisation, make_organisation
from tests.conftest import Caller, MakeCaller
from tests.directory_feeds import MEMBERS_2025, ROLES_2025, feed_server, members, roles

PUBLIC = "public"
# Public operations that take a key if one is sent (it may be told more): a key sent must
# be live, so a revoked one answers 401.
KEY_OPTIONAL = {("POST", "/v1/campaigns/{slug}/actions")}

# The scope each operation needs. A route added without a line here fails the walk:
# say what it needs.
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/v1/api-keys"): "admin",
    ("POST", "/v1/api-keys"): "admin",
    ("GET", "/v1/api-keys/{key_id}"): "admin",
    ("POST", "/v1/api-keys/{key_id}/revoke"): "admin",
    ("GET", "/v1/organisation"): "admin",
    ("PATCH", "/v1/organisation"): "admin",
    ("GET", "/v1/organisation/dkim"): "admin",
    ("PUT", "/v1/organisation/dkim"): "admin",
    ("DELETE", "/v1/organisation/dkim"): "admin",
    ("POST", "/v1/recipients"): "directory:write",
    ("GET", "/v1/recipients"): "directory:read",
    ("GET", "/v1/recipients/{recipient_id}"): "directory:read",
    ("PATCH", "/v1/recipients/{recipient_id}"): "directory:write",
    ("DELETE", "/v1/recipients/{recipient_id}"): "directory:write",
    ("POST", "/v1/recipients/import"): "directory:write",
    ("GET", "/v1/districts/lookup"): "directory:read",
    ("GET", "/v1/directory/status"): "directory:read",
    ("GET", "/v1/districts/search"): "directory:read",
    ("POST", "/v1/directory/sync"): "directory:write",
    ("POST", "/v1/districts/postal-codes/import"): "directory:write",
    ("POST", "/v1/campaigns"): "campaigns:write",
    ("GET", "/v1/campaigns"): "campaigns:read",
    ("GET", "/v1/campaigns/{campaign_id}"): "campaigns:read",
    ("PATCH", "/v1/campaigns/{campaign_id}"): "campaigns:write",
    ("POST", "/v1/campaigns/{campaign_id}/preview"): "campaigns:read",
    ("GET", "/v1/campaigns/{campaign_id}/responsiveness"): "letters:read",
    ("GET", "/v1/campaigns/{campaign_id}/results"): "campaigns:read",
    ("POST", "/v1/campaigns/{slug}/actions"): PUBLIC,
    ("GET", "/v1/campaigns/{slug}/stats"): PUBLIC,
    ("GET", "/v1/actions/{action_id}/confirm"): PUBLIC,
    ("GET", "/v1/actions"): "constituents:read",
    ("GET", "/v1/actions/{action_id}"): "constituents:read",
    ("GET", "/v1/letters"): "letters:read",
    ("GET", "/v1/letters/{letter_id}"): "letters:read",
    ("POST", "/v1/letters/{letter_id}/cancel"): "letters:write",
    ("POST", "/v1/letters/{letter_id}/release"): "letters:write",
    ("GET", "/v1/letters/{letter_id}/pdf"): "letters:read",
    ("POST", "/v1/print-batches"): "letters:write",
    ("GET", "/v1/print-batches"): "letters:read",
    ("GET", "/v1/print-batches/{batch_id}"): "letters:read",
    ("GET", "/v1/print-batches/{batch_id}/pdf"): "letters:read",
    ("GET", "/v1/print-batches/{batch_id}/manifest.csv"): "letters:read",
    ("POST", "/v1/print-batches/{batch_id}/mark-mailed"): "letters:write",
    ("GET", "/v1/constituents/export"): "constituents:read",
    ("DELETE", "/v1/constituents"): "constituents:write",
    ("POST", "/v1/webhooks"): "webhooks:write",
    ("GET", "/v1/webhooks"): "webhooks:read",
    ("GET", "/v1/webhooks/{webhook_id}"): "webhooks:read",
    ("DELETE", "/v1/webhooks/{webhook_id}"): "webhooks:write",
    ("PATCH", "/v1/webhooks/{webhook_id}"): "webhooks:write",
    ("POST", "/v1/webhooks/{webhook_id}/test"): "webhooks:write",
    ("POST", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"): "webhooks:write",
    ("POST", "/v1/webhooks/{webhook_id}/rotate-secret"): "webhooks:write",
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): "webhooks:read",
    # Guarded by LETTERDESK_METRICS_TOKEN when set, not by API keys.
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/c/{slug}"): PUBLIC,
    ("POST", "/c/{slug}"): PUBLIC,
    ("GET", "/embed/c/{slug}"): PUBLIC,
    ("POST", "/embed/c/{slug}"): PUBLIC,
    ("GET", "/c/{slug}/targets"): PUBLIC,
    ("GET", "/c/{slug}/districts"): PUBLIC,
    ("POST", "/c/{slug}/email-check"): PUBLIC,
    ("GET", "/c/{slug}/thanks/{sealed}"): PUBLIC,
    ("GET", "/embed/c/{slug}/thanks/{sealed}"): PUBLIC,
    ("GET", "/actions/{action_id}/confirm"): PUBLIC,
    ("POST", "/actions/{action_id}/confirm"): PUBLIC,
    ("POST", "/c/{slug}/preview"): PUBLIC,
    ("GET", "/c/{slug}/responsiveness"): PUBLIC,
    ("GET", "/letters/{token}"): PUBLIC,
    ("GET", "/letters/{token}/{letter_id}.pdf"): PUBLIC,
    ("POST", "/letters/{token}/stop"): PUBLIC,
    ("GET", "/questionnaires/{questionnaire_id}"): PUBLIC,
    ("POST", "/questionnaires/{questionnaire_id}"): PUBLIC,
    ("GET", "/v1/responsiveness"): "letters:read",
    ("GET", "/brand/{colour}.css"): PUBLIC,
    ("POST", "/v1/campaigns/{campaign_id}/preview-link"): "campaigns:read",
    ("GET", "/c/{slug}/draft/{token}"): PUBLIC,
}
# Served beside the document, not in it: public by design.
OUTSIDE_THE_DOCUMENT = {("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/redoc")}


def query_values(organisation: Organisation) -> dict[str, str]:
    """Values for required query parameters (path parameters are the organisation's ids)."""
    return {
        "postal_code": "T5A 1B7",
        "q": "edmonton",
        "token": organisation.confirm_token,
        "email": "waiting@example.org",
    }


def grants(scope: str, needed: str) -> bool:
    """As the README says: admin grants everything, a write scope its area's read."""
    if needed == PUBLIC:
        return True
    return scope in ("admin", needed) or scope == needed.replace(":read", ":write")


def _request(
    client: TestClient,
    document: dict[str, Any],
    organisation: Organisation,
    method: str,
    path: str,
    caller: Caller | None,
) -> httpx.Response:
    """One call of the operation on the organisation's own objects, with the document's
    example as its body, as `caller` (no key when None)."""
    operation = document["paths"].get(path, {}).get(method.lower(), {})
    query, values = {}, query_values(organisation)
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "query" and parameter.get("required"):
            assert name in values, f"give {name} a value in query_values"
            query[name] = values[name]
        if parameter["in"] == "path":
            assert name in organisation.ids, f"make_organisation makes no {name}"
    headers = caller.headers if caller else {}
    body = operation.get("requestBody", {}).get("content", {})
    kwargs: dict[str, Any] = {}
    if "text/csv" in body:  # an import
        kwargs["content"] = body["text/csv"]["example"].encode()
        headers = headers | {"Content-Type": "text/csv"}
    elif "application/json" in body:
        kwargs["json"] = _example(document, body["application/json"])
    response: httpx.Response = client.request(
        method, organisation.path(path), params=query, headers=headers, **kwargs
    )
    return response


def _example(document: dict[str, Any], media: dict[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    schema = media["schema"]
    ref = schema.get("$ref") or next(o["$ref"] for o in schema["anyOf"] if "$ref" in o)
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]["examples"][0]


def _assert_unauthenticated(response: httpx.Response, where: str) -> None:
    assert response.status_code == 401, where
    assert response.headers["content-type"] == "application/problem+json", where
    assert response.headers["www-authenticate"].startswith("Bearer"), where
    assert response.json()["type"] == "/problems/unauthenticated", where


def _assert_forbidden(response: httpx.Response, needed: str, where: str) -> None:
    assert response.status_code == 403, where
    assert response.headers["content-type"] == "application/problem+json", where
    problem = response.json()
    assert problem["required_scope"] == needed and needed in problem["detail"], where


def _ids_held(client: TestClient, admin: Caller) -> set[str]:
    """The ids of everything the organisation's lists show."""
    ids = set()
    for kind in ("api-keys", "recipients", "campaigns", "letters", "print-batches", "webhooks"):
        items = client.get(f"/v1/{kind}", headers=admin.headers).json()["items"]
        ids |= {item["id"] for item in items}
    return ids


def _revoked_key(client: TestClient, organisation: Organisation, make_caller: MakeCaller) -> Caller:
    revoked = make_caller([Scope.ADMIN], organisation_id=organisation.admin.organisation_id)
    keys = client.get("/v1/api-keys", headers=organisation.admin.headers).json()["items"]
    key_id = next(key["id"] for key in keys if key["prefix"] == revoked.key[:11])
    answer = client.post(f"/v1/api-keys/{key_id}/revoke", headers=organisation.admin.headers)
    assert answer.status_code == 200
    return revoked


def test_the_access_table_names_every_operation(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operations = {(m.upper(), path) for path, ops in document["paths"].items() for m in ops}
    assert operations - set(ACCESS) == set(), "add these operations to ACCESS"
    assert set(ACCESS) - operations == set(), "these operations are gone from the document"
    for (method, path), needed in ACCESS.items():
        declared = document["paths"][path][method.lower()].get("x-required-scope", PUBLIC)
        assert declared == needed, (method, path)


def test_every_operation_answers_each_key_as_its_scope_says(
    client: TestClient, make_caller: MakeCaller, settings: Settings
) -> None:
    with feed_server() as feeds:  # directory syncs read a recorded feed on loopback
        feeds.configure(settings)
        feeds.serve_house(members(MEMBERS_2025)[:5], roles(ROLES_2025))
        walk_every_operation(client, make_caller)


def walk_every_operation(client: TestClient, make_caller: MakeCaller) -> None:
    document = client.get("/openapi.json").json()
    organisation = make_organisation(client, make_caller)
    own_ids = _ids_held(client, organisation.admin)
    stranger = make_caller([Scope.ADMIN])
    revoked = _revoked_key(client, organisation, make_caller)
    scoped = {
        scope.value: make_caller([scope], organisation_id=organisation.admin.organisation_id)
        for scope in Scope
    }
    for (method, path), needed in [*ACCESS.items(), *((op, PUBLIC) for op in OUTSIDE_THE_DOCUMENT)]:
        where = f"{method} {path}"

        def call(caller: Caller | None, method: str = method, path: str = path) -> httpx.Response:
            response = _request(client, document, organisation, method, path, caller)
            assert response.status_code < 500, (method, path, response.text)
            return response

        # Another organisation first, while the first one's objects are all still there.
        foreign = call(stranger)
        if needed != PUBLIC:
            asked_for = organisation.path(path)  # a 404 names what was asked for
            shown = {i for i in own_ids if i in foreign.text and i not in asked_for}
            assert shown == set(), where
            if "{" in path:
                assert foreign.status_code == 404, where
        for absent, named in ((None, "no key"), (revoked, "a revoked key")):
            answer = call(absent)
            if needed == PUBLIC and absent is not None and (method, path) in KEY_OPTIONAL:
                _assert_unauthenticated(answer, f"{where} with {named}")
            elif needed == PUBLIC:
                assert answer.status_code not in (401, 403), (where, named)
            else:
                _assert_unauthenticated(answer, f"{where} with {named}")
        for scope, caller in scoped.items():
            answer = call(caller)
            if grants(scope, needed):
                assert answer.status_code not in (401, 403), (where, scope, answer.text)
            else:
                _assert_forbidden(answer, needed, f"{where} with {scope}")
