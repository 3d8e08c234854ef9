"""Webhooks as a test makes and reads them through the API, and the README's receiver."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.campaign_data import action_body
from tests.conftest import Caller
from tests.http_receiver import Receiver

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_verify() -> Callable[[str, str, bytes], bool]:
    """The receiver's example in the README, run exactly as it is written there."""
    text = README.read_text()
    marker = text.index("<!-- webhook-verify-example")
    code = re.search(r"```python\n(.*?)```", text[marker:], re.DOTALL)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    return namespace["verify"]  # type: ignore[no-any-return]


def make_webhook(
    client: TestClient, caller: Caller, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    body = {"url": url, "events": events or ["action.created"], "description": "our CRM"}
    response = client.post("/v1/webhooks", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def take_action(client: TestClient, email: str = "amelie@example.org") -> dict[str, Any]:
    response = client.post(
        "/v1/campaigns/rescind-stca/actions", json=action_body(supporter={"email": email})
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def deliveries(
    client: TestClient, caller: Caller, webhook_id: str, **params: str
) -> list[dict[str, Any]]:
    response = client.get(
        f"/v1/webhooks/{webhook_id}/deliveries", params=params, headers=caller.headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def bodies(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(item.body) for item in receiver.received]
