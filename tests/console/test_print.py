"""Print batches in the console: made by a POST and built by the worker (the page shows
`building` until then), downloaded, and marked mailed on a day, which moves the letters
to `mailed`, announces each once, and shows on the supporter's letters page; viewers
change nothing, and another organisation's batch is a 404."""

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.delivery.printing import build_due_print_batches
from app.letters.models import Letter
from app.settings import Settings
from app.tokens import letters_page_token
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.console.test_directory import csrf_of
from tests.console.test_supporters import sign_in_as
from tests.delivery_data import deliver_all
from tests.http_receiver import Receiver, http_receiver
from tests.smtp_sink import SinkHandler
from tests.webhook_data import bodies, make_webhook


@pytest.fixture
def settings(settings: Settings, sink: tuple[SinkHandler, int]) -> Settings:
    """Letters' mail to a sink, webhooks allowed to the receiver on loopback."""
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "worker_poll_seconds": 0.05,
            "webhook_allow_private_addresses": True,
        }
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with http_receiver() as running:
        yield running


@pytest.fixture
def letters(client: TestClient, caller: Caller) -> list[dict[str, Any]]:
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"])
    body = action_body()
    answer = client.post("/v1/campaigns/rescind-stca/actions", json=body)
    assert answer.status_code == 201, answer.text
    made: list[dict[str, Any]] = answer.json()["letters"]
    return made


def statuses(client: TestClient) -> set[str]:
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    with sessions() as db:
        return set(db.scalars(select(Letter.status)))


def build(client: TestClient) -> None:
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    with sessions() as db:
        build_due_print_batches(db, "test-worker", client.app.state.settings)  # type: ignore[attr-defined]


def make_batch(client: TestClient) -> str:
    page = client.get("/console/print")
    made = client.post(
        "/console/print", data={"csrf": csrf_of(page.text), "campaign_id": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303, made.text
    return str(made.headers["location"])


def test_an_editor_makes_a_batch_downloads_it_and_marks_it_mailed(
    client: TestClient, settings: Settings, caller: Caller, letters: list[dict[str, Any]],
    receiver: Receiver, tmp_path: Path,
) -> None:  # fmt: skip
    make_webhook(client, caller, receiver.url, ["letter.mailed"])
    sign_in_as(client, settings, caller.organisation_id, "editor@example.org", "editor")
    assert "Letters waiting for the next batch: 2." in client.get("/console/print").text
    location = make_batch(client)
    building = client.get(location)
    assert building.status_code == 200
    assert 'id="batch-status" role="status">building' in building.text
    assert "data-building" in building.text  # print.js asks for the page until it is built
    assert client.get(f"{location}/pdf").status_code == 409
    assert statuses(client) == {"batched"}
    build(client)
    ready = client.get(location)
    assert "ready to print" in ready.text and "data-building" not in ready.text
    pdf = client.get(f"{location}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    manifest = client.get(f"{location}/manifest.csv")
    assert manifest.status_code == 200 and manifest.text.startswith("letter_id,")
    csrf = csrf_of(ready.text)
    future = (date.today() + timedelta(days=2)).isoformat()
    refused = client.post(f"{location}/mailed", data={"csrf": csrf, "mailed_on": future})
    assert refused.status_code == 422 and statuses(client) == {"batched"}
    posted = (date.today() - timedelta(days=1)).isoformat()
    for _ in range(2):  # twice: the second changes nothing
        marked = client.post(f"{location}/mailed", data={"csrf": csrf, "mailed_on": posted})
        assert marked.status_code == 200, marked.text
    assert f"<dd>{posted}</dd>" in marked.text and "mailed" in marked.text
    assert statuses(client) == {"mailed"}
    deliver_all(client, settings)
    mailed = [body["data"]["id"] for body in bodies(receiver) if body["type"] == "letter.mailed"]
    assert sorted(mailed) == sorted(letter["id"] for letter in letters)


def test_a_viewer_makes_nothing_and_marks_nothing(
    client: TestClient, settings: Settings, caller: Caller, letters: list[dict[str, Any]]
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "editor@example.org", "editor")
    location = make_batch(client)
    build(client)
    client.cookies.clear()
    sign_in_as(client, settings, caller.organisation_id, "viewer@example.org", "viewer")
    shown = client.get(location)
    assert shown.status_code == 200 and "Mark mailed" not in shown.text
    assert client.get(f"{location}/pdf").status_code == 403  # supporters' names inside
    assert client.get(f"{location}/manifest.csv").status_code == 200
    csrf = csrf_of(shown.text)
    assert client.post("/console/print", data={"csrf": csrf}).status_code == 403
    mailed = client.post(f"{location}/mailed", data={"csrf": csrf, "mailed_on": ""})
    assert mailed.status_code == 403
    assert statuses(client) == {"batched"}


def test_nothing_to_print_says_so(client: TestClient, settings: Settings, caller: Caller) -> None:
    sign_in_as(client, settings, caller.organisation_id, "owner@example.org", "owner")
    page = client.get("/console/print")
    made = client.post("/console/print", data={"csrf": csrf_of(page.text)})
    assert made.status_code == 422 and "There are no letters waiting" in made.text


def test_another_organisations_batch_is_not_found(
    client: TestClient, settings: Settings, caller: Caller, letters: list[dict[str, Any]],
    make_caller: MakeCaller,
) -> None:  # fmt: skip
    sign_in_as(client, settings, caller.organisation_id, "editor@example.org", "editor")
    location = make_batch(client)
    build(client)
    client.cookies.clear()
    other = make_caller()
    sign_in_as(client, settings, other.organisation_id, "other@example.org", "owner")
    for path in ("", "/pdf", "/manifest.csv"):
        assert client.get(f"{location}{path}").status_code == 404, path
    csrf = csrf_of(client.get("/console/print").text)
    assert client.post(f"{location}/mailed", data={"csrf": csrf}).status_code == 404
    assert statuses(client) == {"batched"}


def test_the_supporters_letters_page_shows_the_day_it_was_posted(
    client: TestClient, settings: Settings, caller: Caller, letters: list[dict[str, Any]]
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "editor@example.org", "editor")
    location = make_batch(client)
    build(client)
    csrf = csrf_of(client.get(location).text)
    posted = date.today() - timedelta(days=1)
    marked = client.post(f"{location}/mailed", data={"csrf": csrf, "mailed_on": posted.isoformat()})
    assert marked.status_code == 200
    client.cookies.clear()
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    with sessions() as db:
        action_id = db.get_one(Letter, letters[0]["id"]).action_id
    shown = client.get(f"/letters/{letters_page_token(settings, action_id)}")
    assert shown.status_code == 200
    assert "Printed and posted on" in shown.text
