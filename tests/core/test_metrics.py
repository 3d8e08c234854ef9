"""/metrics, read back with Prometheus' own text parser after real actions and sends."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import utcnow
from app.delivery.email import email_backend
from app.main import create_app
from app.settings import Settings
from app.webhooks.models import WebhookDelivery
from app.worker import Worker
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.delivery_data import queue_supporters_letters

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: TestClient, **headers: str) -> Samples:
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


@pytest.fixture
def acted(client: TestClient, caller: Caller) -> list[dict[str, Any]]:
    make_directory(client, caller)
    make_campaign(client, caller)
    taken = []
    for n in range(3):
        body = action_body(supporter={"email": f"supporter{n}@example.org"})
        answer = client.post("/v1/campaigns/rescind-stca/actions", json=body)
        assert answer.status_code == 201
        taken.append(answer.json())
    return taken


def test_metrics_count_actions_letters_and_the_queue(
    client: TestClient, acted: list[dict[str, Any]]
) -> None:
    samples = scrape(client)
    assert value(samples, "letterdesk_actions") == 3
    assert value(samples, "letterdesk_letters", status="queued", channel="email") == 6
    assert value(samples, "letterdesk_outbox_due", channel="email") == 6
    oldest = value(samples, "letterdesk_outbox_oldest_due_seconds", channel="email")
    assert oldest is not None and oldest >= 0
    route = "/v1/campaigns/{slug}/actions"
    assert (
        value(samples, "letterdesk_http_requests_total", method="POST", route=route, status="201")
        == 3
    )
    assert (
        value(samples, "letterdesk_http_request_duration_seconds_count", method="POST", route=route)
        == 3
    )


def test_metrics_follow_letters_as_they_are_sent(
    client: TestClient, settings: Settings, acted: list[dict[str, Any]]
) -> None:
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    worker = Worker(sessions, email_backend(settings), settings)
    worker.run(until=lambda: worker.idle)
    samples = scrape(client)
    assert value(samples, "letterdesk_letters", status="sent", channel="email") == 6
    assert value(samples, "letterdesk_letters", status="queued", channel="email") is None
    assert value(samples, "letterdesk_outbox_due", channel="email") is None
    assert value(samples, "letterdesk_delivery_latency_seconds_bucket", le="+Inf") == 6
    assert value(samples, "letterdesk_delivery_latency_seconds_gcount") == 6
    assert value(samples, "letterdesk_delivery_latency_seconds_bucket", le="3600.0") == 6
    latency_sum = value(samples, "letterdesk_delivery_latency_seconds_gsum")
    assert latency_sum is not None and latency_sum >= 0


def test_unmatched_paths_do_not_make_a_label_each(client: TestClient) -> None:
    for n in range(3):
        client.get(f"/no/such/page/{n}")
    samples = scrape(client)
    assert (
        value(
            samples, "letterdesk_http_requests_total", method="GET", route="unmatched", status="404"
        )
        == 3
    )


def test_a_metrics_token_is_asked_for_when_set(settings: Settings) -> None:
    guarded = settings.model_copy(update={"metrics_token": "s3cret"})
    with TestClient(create_app(guarded)) as client:
        refused = client.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert scrape(client, Authorization="Bearer s3cret")


def test_webhook_deliveries_are_counted_by_state(
    settings: Settings, acted: list[dict[str, Any]], caller: Caller
) -> None:
    loopback = settings.model_copy(update={"webhook_allow_private_addresses": True})
    with TestClient(create_app(loopback)) as client:
        hook = {"url": "http://127.0.0.1:9/hook", "events": ["action.created"]}
        assert client.post("/v1/webhooks", json=hook, headers=caller.headers).status_code == 201
        for n in range(2):
            body = action_body(supporter={"email": f"later{n}@example.org"})
            assert client.post("/v1/campaigns/rescind-stca/actions", json=body).status_code == 201
        with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
            first = session.scalars(select(WebhookDelivery).limit(1)).one()
            first.status = "failed"
            session.commit()
        samples = scrape(client)
    assert value(samples, "letterdesk_webhook_deliveries", status="failed") == 1
    assert value(samples, "letterdesk_webhook_deliveries", status="pending") == 1


def test_print_letters_waiting_for_a_batch_are_not_a_queue_for_workers(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"])
    answer = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert answer.status_code == 201
    samples = scrape(client)
    assert value(samples, "letterdesk_letters", status="queued", channel="print") == 2
    assert value(samples, "letterdesk_outbox_due", channel="print") is None


def test_queue_age_is_shown_per_destination_domain_with_the_rest_as_other(
    client: TestClient, caller: Caller
) -> None:
    """Twelve domains, one letter waiting longer for each: the ten whose oldest letter
    waited longest are named, the other two are summed up as `other`."""
    campaign = make_campaign(client, caller, targets=[{"type": "own_mp"}])
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    now = utcnow()
    with sessions() as session:
        for n in range(12):
            office = {"display_name": "Office", "email": f"office@d{n}.example.ca"}
            due_at = now - timedelta(minutes=12 - n)  # d0 has waited longest
            queue_supporters_letters(
                session, caller.organisation_id, campaign["id"], n + 1, [office], f"d{n}-", due_at
            )
    samples = scrape(client)
    for n in range(10):
        assert value(samples, "letterdesk_domain_due", domain=f"d{n}.example.ca") == n + 1
        waited = value(samples, "letterdesk_domain_oldest_due_seconds", domain=f"d{n}.example.ca")
        assert waited is not None and (12 - n) * 60 <= waited < (12 - n) * 60 + 60
    assert value(samples, "letterdesk_domain_due", domain="d10.example.ca") is None
    assert value(samples, "letterdesk_domain_due", domain="other") == 11 + 12
    other = value(samples, "letterdesk_domain_oldest_due_seconds", domain="other")
    assert other is not None and 120 <= other < 180
