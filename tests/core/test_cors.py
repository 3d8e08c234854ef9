"""CORS: the organisation's own front-end origins may call the API from a browser;
no other origin may, and none may when none is set."""

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import Caller

FRONT_END = "https://act.example.org"


@pytest.fixture
def cors_client(settings: Settings) -> TestClient:
    configured = settings.model_copy(update={"cors_origins": f"{FRONT_END}, https://example.org"})
    return TestClient(create_app(configured))


def test_a_front_end_origin_may_call_from_a_browser(cors_client: TestClient) -> None:
    allowed = cors_client.options(
        "/v1/campaigns/rescind-stca/actions",
        headers={
            "Origin": FRONT_END,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key, authorization",
        },
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == FRONT_END
    assert "idempotency-key" in allowed.headers["access-control-allow-headers"].lower()
    stats = cors_client.get("/v1/campaigns/nothing/stats", headers={"Origin": FRONT_END})
    assert stats.status_code == 404  # errors too, so the page can read them
    assert stats.headers["access-control-allow-origin"] == FRONT_END
    assert "Retry-After" in stats.headers["access-control-expose-headers"]


def test_another_origin_is_refused(cors_client: TestClient, caller: Caller) -> None:
    refused = cors_client.options(
        "/v1/campaigns/rescind-stca/actions",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    read = cors_client.get(
        "/v1/campaigns", headers={"Origin": "https://evil.example", **caller.headers}
    )
    assert "access-control-allow-origin" not in read.headers


def test_no_origin_is_allowed_unless_configured(client: TestClient) -> None:
    answer = client.get("/healthz", headers={"Origin": FRONT_END})
    assert "access-control-allow-origin" not in answer.headers


@pytest.mark.parametrize("wrong", ["act.example.org", "https://act.example.org/", "*"])
def test_a_malformed_origin_stops_the_service_starting(settings: Settings, wrong: str) -> None:
    with pytest.raises(ValueError, match="LETTERDESK_CORS_ORIGINS"):
        create_app(settings.model_copy(update={"cors_origins": wrong}))
