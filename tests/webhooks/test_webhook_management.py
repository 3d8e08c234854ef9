"""Managing a webhook as a CRM does: change it without a new secret, pause it, send it
a test event, redeliver one delivery, and read its log (filtered by state) with what was
sent."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth.scopes import Scope
from app.settings import Settings
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.http_receiver import Receiver, http_receiver
from tests.webhook_data import bodies, deliveries, make_webhook, readme_verify, take_action


def patch(client: TestClient, caller: Caller, webhook_id: str, body: dict[str, Any]) -> Any:
    return client.patch(f"/v1/webhooks/{webhook_id}", json=body, headers=caller.headers)


def test_a_webhook_is_changed_and_keeps_its_secret(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, "http://127.0.0.1:9/old", ["letter.sent"])
    changed = patch(
        client,
        caller,
        made["id"],
        {"url": receiver.url, "events": ["action.created", "action.created"], "description": "v2"},
    )
    assert changed.status_code == 200, changed.text
    shown = changed.json()
    assert "secret" not in shown
    assert (shown["url"], shown["events"], shown["description"], shown["active"]) == (
        receiver.url, ["action.created"], "v2", True,
    )  # fmt: skip
    assert client.get(f"/v1/webhooks/{made['id']}", headers=caller.headers).json() == shown
    take_action(client)
    deliver_all(client, settings)
    (received,) = receiver.received
    assert json.loads(received.body)["type"] == "action.created"
    assert readme_verify()(made["secret"], received.headers["letterdesk-signature"], received.body)
    # What the body leaves out stays as it is.
    only = patch(client, caller, made["id"], {"description": None})
    assert only.json() | {"description": "v2"} == shown and only.json()["description"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": None}, "url"),
        ({"events": None}, "events"),
        ({"active": None}, "active"),
        ({"events": []}, "events"),
        ({"events": ["letter.opened"]}, "events.0"),
        ({"url": "ftp://8.8.8.8/"}, "url"),
        ({"secret": "whsec_mine"}, "secret"),
    ],
)
def test_a_bad_change_is_refused_naming_the_field(
    body: dict[str, Any], field: str, client: TestClient, caller: Caller
) -> None:
    made = make_webhook(client, caller, "https://8.8.8.8/hook", ["letter.sent"])
    refused = patch(client, caller, made["id"], body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == field
    assert client.get(f"/v1/webhooks/{made['id']}", headers=caller.headers).json() == {
        key: value for key, value in made.items() if key != "secret"
    }


def test_changing_a_webhook_needs_its_scopes_and_its_organisation(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    made = make_webhook(client, caller, "https://8.8.8.8/hook", ["letter.sent"])
    reader = make_caller([Scope.WEBHOOKS_READ], caller.organisation_id)
    hooks_only = make_caller([Scope.WEBHOOKS_WRITE], caller.organisation_id)
    refused = patch(client, reader, made["id"], {"active": False})
    assert refused.status_code == 403 and refused.json()["required_scope"] == "webhooks:write"
    personal = patch(client, hooks_only, made["id"], {"events": ["action.created"]})
    assert personal.status_code == 403
    assert personal.json()["required_scope"] == "constituents:read"
    assert patch(client, hooks_only, made["id"], {"events": ["action.confirmed"]}).is_success
    # A webhook that receives supporters' details is not pointed elsewhere by a key that
    # may not read them.
    personal_hook = make_webhook(client, caller, "https://8.8.8.8/crm", ["action.created"])
    moved = patch(client, hooks_only, personal_hook["id"], {"url": "https://8.8.4.4/elsewhere"})
    assert moved.status_code == 403 and moved.json()["required_scope"] == "constituents:read"
    shown = client.get(f"/v1/webhooks/{personal_hook['id']}", headers=caller.headers).json()
    assert shown["url"] == "https://8.8.8.8/crm"
    safe = patch(client, hooks_only, personal_hook["id"], {"events": ["letter.sent"]})
    assert safe.status_code == 200, safe.text
    stranger = make_caller()
    for method, path in (
        ("PATCH", f"/v1/webhooks/{made['id']}"),
        ("POST", f"/v1/webhooks/{made['id']}/test"),
        ("POST", f"/v1/webhooks/{made['id']}/deliveries/wdl_01JDQ9X5V6W7Y8Z9A0B1C2D3E4/redeliver"),
    ):
        answer = client.request(method, path, json={"active": False}, headers=stranger.headers)
        assert answer.status_code == 404, path
        answer = client.request(method, path, json={"active": False}, headers=reader.headers)
        assert answer.status_code == 403, path


def test_a_paused_webhook_is_sent_nothing_until_it_is_active_again(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url)
    take_action(client, "before@example.org")  # pending when the webhook is paused
    paused = patch(client, caller, made["id"], {"active": False})
    assert paused.status_code == 200 and paused.json()["active"] is False
    take_action(client, "during@example.org")
    deliver_all(client, settings)
    assert receiver.received == []
    assert [d["status"] for d in deliveries(client, caller, made["id"])] == ["cancelled"]
    test = client.post(f"/v1/webhooks/{made['id']}/test", headers=caller.headers)
    assert test.status_code == 409 and "paused" in test.json()["detail"]
    assert test.json()["type"] == "/problems/webhook-paused"
    assert patch(client, caller, made["id"], {"active": True}).json()["active"] is True
    take_action(client, "after@example.org")
    deliver_all(client, settings)
    (received,) = bodies(receiver)
    assert received["data"]["supporter"]["email"] == "after@example.org"


def test_a_test_event_is_signed_sent_and_logged(
    client: TestClient, caller: Caller, receiver: Receiver, settings: Settings
) -> None:
    made = make_webhook(client, caller, receiver.url, ["letter.sent"])
    answer = client.post(f"/v1/webhooks/{made['id']}/test", headers=caller.headers)
    assert answer.status_code == 202, answer.text
    queued = answer.json()
    assert (queued["event_type"], queued["status"], queued["attempts"]) == (
        "webhook.test", "pending", [],
    )  # fmt: skip
    deliver_all(client, settings)
    (received,) = receiver.received
    body = json.loads(received.body)
    assert body["type"] == "webhook.test" and body["id"] == queued["event_id"]
    assert body["data"]["webhook_id"] == made["id"]
    assert received.headers["letterdesk-event-type"] == "webhook.test"
    assert readme_verify()(made["secret"], received.headers["letterdesk-signature"], received.body)
    (logged,) = deliveries(client, caller, made["id"])
    assert (logged["id"], logged["status"]) == (queued["id"], "delivered")
    assert logged["request_body"].encode() == received.body
    (attempt,) = logged["attempts"]
    sent = {name.lower(): value for name, value in attempt["request_headers"].items()}
    timestamp = received.headers["letterdesk-signature"].split(",")[0]
    assert sent.pop("letterdesk-signature") == f"{timestamp},v1=(not kept)"
    assert sent == {name: received.headers[name] for name in sent}
    assert made["secret"] not in json.dumps(logged)
    assert {"content-type", "letterdesk-event-id", "host"} <= set(sent)
    assert (attempt["status_code"], attempt["response_body"]) == (200, "thanks")


def test_a_failed_delivery_is_redelivered_with_the_same_event(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url)
    receiver.script = [500, 500, 500]
    take_action(client)
    deliver_all(client, settings)
    (failed,) = deliveries(client, caller, made["id"])
    assert failed["status"] == "failed"
    path = f"/v1/webhooks/{made['id']}/deliveries/{failed['id']}/redeliver"
    again = client.post(path, headers=caller.headers)
    assert again.status_code == 202, again.text
    repeat = again.json()
    assert repeat["id"] != failed["id"] and repeat["redelivery_of"] == failed["id"]
    assert (repeat["event_id"], repeat["status"]) == (failed["event_id"], "pending")
    still = client.post(
        f"/v1/webhooks/{made['id']}/deliveries/{repeat['id']}/redeliver", headers=caller.headers
    )
    assert still.status_code == 409 and "still being tried" in still.json()["detail"]
    assert still.json()["type"] == "/problems/delivery-pending"
    deliver_all(client, settings)
    assert len(receiver.received) == 4
    first, last = receiver.received[0], receiver.received[-1]
    assert last.body == first.body
    assert last.headers["letterdesk-event-id"] == failed["event_id"]
    assert readme_verify()(made["secret"], last.headers["letterdesk-signature"], last.body)
    logged = {item["id"]: item for item in deliveries(client, caller, made["id"])}
    assert logged[failed["id"]]["status"] == "failed" and len(logged[failed["id"]]["attempts"]) == 3
    assert logged[repeat["id"]]["status"] == "delivered"
    assert [a["status_code"] for a in logged[repeat["id"]]["attempts"]] == [200]
    # A delivered one may be sent again too (the receiver lost it).
    assert client.post(path.replace(failed["id"], repeat["id"]), headers=caller.headers).is_success


def test_redelivering_what_is_not_this_webhooks_is_not_found(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    mine = make_webhook(client, caller, receiver.url)
    other = make_webhook(client, caller, "https://8.8.8.8/hook", ["letter.sent"])
    take_action(client)
    deliver_all(client, settings)
    (delivery,) = deliveries(client, caller, mine["id"])
    for webhook_id, delivery_id in (
        (other["id"], delivery["id"]),
        (mine["id"], "wdl_01JDQ9X5V6W7Y8Z9A0B1C2D3E4"),
        (mine["id"], "not-an-id"),
    ):
        path = f"/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"
        assert client.post(path, headers=caller.headers).status_code == 404, path


def test_the_log_is_filtered_by_state(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url)
    receiver.script = [500, 500, 500]
    take_action(client, "first@example.org")
    deliver_all(client, settings)
    take_action(client, "second@example.org")
    deliver_all(client, settings)
    everything = deliveries(client, caller, made["id"])
    assert sorted(item["status"] for item in everything) == ["delivered", "failed"]
    for state in ("delivered", "failed"):
        (only,) = deliveries(client, caller, made["id"], status=state)
        assert only["status"] == state
    assert deliveries(client, caller, made["id"], status="pending") == []
    first = client.get(
        f"/v1/webhooks/{made['id']}/deliveries",
        params={"status": "delivered", "limit": 1},
        headers=caller.headers,
    ).json()
    assert len(first["items"]) == 1 and first["has_more"] is False  # filtered before paging
    refused = client.get(
        f"/v1/webhooks/{made['id']}/deliveries", params={"status": "lost"}, headers=caller.headers
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "status"


def test_what_was_sent_of_personal_events_needs_the_constituents_scope(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings, make_caller: MakeCaller,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url, ["action.created", "letter.sent"])
    take_action(client)
    deliver_all(client, settings)
    reader = make_caller([Scope.WEBHOOKS_READ], caller.organisation_id)
    seen = {item["event_type"]: item for item in deliveries(client, reader, made["id"])}
    assert seen["action.created"]["request_body"] is None
    assert json.loads(seen["letter.sent"]["request_body"])["type"] == "letter.sent"
    assert seen["action.created"]["attempts"][0]["request_headers"] is not None
    full = {item["event_type"]: item for item in deliveries(client, caller, made["id"])}
    assert "amelie@example.org" in full["action.created"]["request_body"]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_loopback_url_is_refused_naming_the_setting_that_allows_it(
    method: str, client: TestClient, caller: Caller, settings: Settings
) -> None:
    made = make_webhook(client, caller, "https://8.8.8.8/hook", ["letter.sent"])
    settings.webhook_allow_private_addresses = False
    with http_receiver() as receiver:
        body = {"url": receiver.url, "events": ["letter.sent"]}
        path = "/v1/webhooks" if method == "POST" else f"/v1/webhooks/{made['id']}"
        refused = client.request(method, path, json=body, headers=caller.headers)
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["field"] == "url"
    assert error["setting"] == "LETTERDESK_WEBHOOK_ALLOW_PRIVATE_ADDRESSES"
    assert "LETTERDESK_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true" in error["message"]
    assert "loopback" in error["message"]
    # A URL refused for another reason does not point at the setting.
    other = client.request(
        method, path, json={"url": "ftp://8.8.8.8/", "events": ["letter.sent"]},
        headers=caller.headers,
    )  # fmt: skip
    assert "LETTERDESK_" not in other.json()["errors"][0]["message"]
