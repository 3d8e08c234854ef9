"""The webhooks' tests: an SMTP sink for the letters, a receiver on loopback (which the
settings allow), a directory and a campaign."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.settings import Settings
from tests.campaign_data import make_campaign, make_directory
from tests.conftest import Caller
from tests.http_receiver import Receiver, http_receiver
from tests.smtp_sink import SinkHandler


@pytest.fixture
def settings(settings: Settings, sink: tuple[SinkHandler, int]) -> Settings:
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "delivery_backoff_seconds": 0.0,
            "delivery_max_attempts": 3,
            "worker_poll_seconds": 0.05,
            "webhook_timeout_seconds": 30.0,
            "webhook_allow_private_addresses": True,
        }
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with http_receiver() as running:
        yield running


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)
