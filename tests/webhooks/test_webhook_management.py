"""Managing a webhook as a CRM does."""

import pytest
from fastapi.testclient import TestClient

from app.settings import Settings
from tests.conftest import Caller
from tests.http_receiver import http_receiver


@pytest.mark.parametrize("method", ["POST"])
def test_a_loopback_url_is_refused_naming_the_setting_that_allows_it(
    method: str, client: TestClient, caller: Caller, settings: Settings
) -> None:
    settings.webhook_allow_private_addresses = False
    with http_receiver() as receiver:
        body = {"url": receiver.url, "events": ["letter.sent"]}
        path = "/v1/webhooks"
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
