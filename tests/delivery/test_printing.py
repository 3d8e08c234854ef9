"""Letters by post: a letter's PDF, and print batches merged into one PDF with a manifest,
read back with a real PDF parser."""

import csv
import io
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from app.delivery.models import PrintBatch
from app.delivery.pdf import window_on_page
from app.delivery.printing import manifest_row, mark_mailed
from app.settings import Settings
from app.webhooks.models import WebhookEvent
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all, make_print_batch
from tests.webhook_data import make_webhook


@pytest.fixture
def print_letters(client: TestClient, caller: Caller) -> list[dict[str, Any]]:
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"])
    letters = []
    for number in range(3):
        body = action_body(
            supporter={"email": f"p{number}@example.org", "last_name": f"Tremblay{number}"}
        )
        response = client.post("/v1/campaigns/rescind-stca/actions", json=body)
        assert response.status_code == 201, response.text
        letters += response.json()["letters"]
    assert {letter["channel"] for letter in letters} == {"print"}
    return letters


def pages_of(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() or "" for page in document.pages]


def test_a_letters_pdf_is_the_letter_with_the_address_in_the_window(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]]
) -> None:
    letter = print_letters[0]
    response = client.get(f"/v1/letters/{letter['id']}/pdf", headers=caller.headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    (text,) = pages_of(response.content)
    for line in (
        "Dear Minister:",
        "I am a nurse and I write to you from Edmonton.",
        "Rescind the agreement.",
        "I would be grateful for a reply telling me what you will do.",
    ):
        assert line in text
    window = window_on_page("letter")
    with pdfplumber.open(io.BytesIO(response.content)) as document:
        page = document.pages[0]
        assert (page.width, page.height) == (612, 792)
        words = page.extract_words()
    name = next(w for w in words if w["text"] == "Honourable")
    postal = next(w for w in words if w["text"] == "K1A")
    for word in (name, postal):
        assert window.left <= word["x0"] and word["x1"] <= window.right
        assert window.top <= word["top"] and word["bottom"] <= window.bottom


def test_a_print_batch_is_answered_building_and_built_by_the_worker(
    client: TestClient,
    caller: Caller,
    print_letters: list[dict[str, Any]],
    settings: Settings,
) -> None:
    response = client.post("/v1/print-batches", json={}, headers=caller.headers)
    assert response.status_code == 202, response.text
    building = response.json()
    assert (building["status"], building["letter_count"], building["page_count"]) == (
        "building",
        6,
        0,
    )
    location = response.headers["location"]
    assert location == f"/v1/print-batches/{building['id']}"
    not_ready = client.get(f"{location}/pdf", headers=caller.headers)
    assert not_ready.status_code == 409
    assert not_ready.json()["type"] == "/problems/batch-not-ready"
    assert client.get(location, headers=caller.headers).json()["status"] == "building"
    deliver_all(client, settings)
    batch = client.get(location, headers=caller.headers).json()
    assert (batch["status"], batch["page_count"], batch["failure_reason"]) == ("ready", 6, None)
    pdf = client.get(f"/v1/print-batches/{batch['id']}/pdf", headers=caller.headers)
    pages = pages_of(pdf.content)
    assert len(pages) == 6
    for number in range(3):
        assert sum(f"Amélie Tremblay{number}" in page for page in pages) == 2
    manifest = client.get(f"/v1/print-batches/{batch['id']}/manifest.csv", headers=caller.headers)
    rows = list(csv.DictReader(io.StringIO(manifest.text)))
    assert {row["letter_id"] for row in rows} == {letter["id"] for letter in print_letters}
    assert {row["postage"] for row in rows} == {"no postage required"}
    assert rows[0]["address"] == "House of Commons; Ottawa ON" and rows[0]["pages"] == "1"
    statuses = client.get("/v1/letters", params={"channel": "print"}, headers=caller.headers)
    assert {item["status"] for item in statuses.json()["items"]} == {"batched"}


def test_a_second_batch_has_nothing_to_gather(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]]
) -> None:
    assert client.post("/v1/print-batches", json={}, headers=caller.headers).status_code == 202
    again = client.post("/v1/print-batches", json={}, headers=caller.headers)
    assert again.status_code == 422


def test_a_batch_can_be_of_one_campaign(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]]
) -> None:
    other = client.post(
        "/v1/print-batches",
        json={"campaign_id": "cmp_01M8JKF7EDXK058FMTT6ZN9JNB"},
        headers=caller.headers,
    )
    assert other.status_code == 404
    campaign_id = client.get("/v1/campaigns", headers=caller.headers).json()["items"][0]["id"]
    mine = client.post(
        "/v1/print-batches", json={"campaign_id": campaign_id}, headers=caller.headers
    )
    assert mine.json()["letter_count"] == 6


def test_marking_a_batch_mailed_counts_its_letters_as_sent(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]]
) -> None:
    batch = make_print_batch(client, caller.headers)
    url = f"/v1/print-batches/{batch['id']}/mark-mailed"
    mailed = client.post(url, headers=caller.headers)
    assert mailed.status_code == 200 and mailed.json()["status"] == "mailed"
    assert client.post(url, headers=caller.headers).status_code == 200
    letter = client.get(f"/v1/letters/{print_letters[0]['id']}", headers=caller.headers).json()
    assert letter["status"] == "mailed" and letter["sent_at"] is not None
    assert client.get("/v1/campaigns/rescind-stca/stats").json()["letters_sent"] == 6
    cancel = client.post(f"/v1/letters/{print_letters[0]['id']}/cancel", headers=caller.headers)
    assert cancel.status_code == 409


def test_a_batch_may_be_marked_mailed_on_a_past_day_but_not_one_to_come(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]]
) -> None:
    batch = make_print_batch(client, caller.headers)
    url = f"/v1/print-batches/{batch['id']}/mark-mailed"
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    refused = client.post(url, json={"mailed_on": tomorrow}, headers=caller.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "mailed_on"
    letter = client.get(f"/v1/letters/{print_letters[0]['id']}", headers=caller.headers).json()
    assert letter["status"] == "batched"
    posted = (date.today() - timedelta(days=3)).isoformat()
    mailed = client.post(url, json={"mailed_on": posted}, headers=caller.headers)
    assert mailed.status_code == 200 and mailed.json()["mailed_at"].startswith(posted)
    letter = client.get(f"/v1/letters/{print_letters[0]['id']}", headers=caller.headers).json()
    assert letter["status"] == "mailed" and letter["sent_at"].startswith(posted)
    # Marked again with another day: the first stands.
    again = client.post(url, json={"mailed_on": date.today().isoformat()}, headers=caller.headers)
    assert again.json()["mailed_at"].startswith(posted)


def test_print_batches_stay_in_their_organisation(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]], make_caller: MakeCaller
) -> None:
    batch = make_print_batch(client, caller.headers)
    other = make_caller()
    for path in ("", "/pdf", "/manifest.csv"):
        assert (
            client.get(f"/v1/print-batches/{batch['id']}{path}", headers=other.headers).status_code
            == 404
        )
    assert (
        client.post(
            f"/v1/print-batches/{batch['id']}/mark-mailed", headers=other.headers
        ).status_code
        == 404
    )
    assert client.post("/v1/print-batches", json={}, headers=other.headers).status_code == 422
    assert (
        client.get(f"/v1/letters/{print_letters[0]['id']}/pdf", headers=other.headers).status_code
        == 404
    )
    assert client.get("/v1/print-batches", headers=other.headers).json()["items"] == []


def test_the_manifest_gives_start_page_pages_language_and_postage(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]]
) -> None:
    batch = make_print_batch(client, caller.headers)
    manifest = client.get(f"/v1/print-batches/{batch['id']}/manifest.csv", headers=caller.headers)
    rows = list(csv.DictReader(io.StringIO(manifest.text)))
    assert list(rows[0]) == [
        "letter_id", "recipient", "address", "postal_code", "start_page", "pages", "language",
        "postage",
    ]  # fmt: skip
    assert [row["start_page"] for row in rows] == ["1", "2", "3", "4", "5", "6"]
    assert {row["language"] for row in rows} == {"en"}
    pdf = pages_of(
        client.get(f"/v1/print-batches/{batch['id']}/pdf", headers=caller.headers).content
    )
    for row in rows:  # each row's start page is where its letter begins
        assert row["recipient"].split()[-1] in pdf[int(row["start_page"]) - 1]


def test_a_duplex_batch_pads_each_letter_to_an_even_page_count(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]]
) -> None:
    batch = make_print_batch(client, caller.headers, {"duplex": True})
    assert batch["duplex"] is True and batch["page_count"] == 12
    manifest = client.get(f"/v1/print-batches/{batch['id']}/manifest.csv", headers=caller.headers)
    rows = list(csv.DictReader(io.StringIO(manifest.text)))
    assert [(row["start_page"], row["pages"]) for row in rows] == [
        (str(start), "2") for start in (1, 3, 5, 7, 9, 11)
    ]
    pages = pages_of(
        client.get(f"/v1/print-batches/{batch['id']}/pdf", headers=caller.headers).content
    )
    assert [page.strip() == "" for page in pages] == [False, True] * 6


@pytest.mark.parametrize(
    ("postal_code", "postage"),
    [
        ("K1A 0A6", "no postage required"),  # the House of Commons
        ("K1A 0A4", "no postage required"),  # the Senate
        ("T5A 1B7", ""),  # a constituency office
    ],
)
def test_mail_to_parliament_is_marked_postage_free(postal_code: str, postage: str) -> None:
    recipient = {
        "display_name": "Jane Smith",
        "addresses": [
            {"kind": "legislature", "lines": ["Parliament"], "city": "Ottawa", "province": "ON",
             "postal_code": postal_code}
        ],
    }  # fmt: skip
    row = manifest_row("ltr_x", recipient, start_page=1, pages=1, language="fr")
    assert row["postage"] == postage and row["language"] == "fr"


def unwritable_folder(tmp_path: Path) -> Path:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker / "print"


def test_an_unwritable_print_folder_answers_503_naming_it(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]], tmp_path: Path
) -> None:
    folder = unwritable_folder(tmp_path)
    app_state = client.app.state  # type: ignore[attr-defined]
    app_state.settings = app_state.settings.model_copy(update={"print_dir": folder})
    response = client.post("/v1/print-batches", json={}, headers=caller.headers)
    assert response.status_code == 503, response.text
    assert response.json()["type"] == "/problems/upstream-unavailable"
    assert str(folder) in response.json()["detail"]
    statuses = client.get("/v1/letters", params={"channel": "print"}, headers=caller.headers)
    assert {letter["status"] for letter in statuses.json()["items"]} == {"queued"}
    assert client.get("/v1/print-batches", headers=caller.headers).json()["items"] == []


def test_a_batch_the_worker_cannot_write_fails_naming_the_folder_and_frees_its_letters(
    client: TestClient,
    caller: Caller,
    print_letters: list[dict[str, Any]],
    settings: Settings,
    tmp_path: Path,
) -> None:
    made = client.post("/v1/print-batches", json={}, headers=caller.headers)
    assert made.status_code == 202, made.text
    folder = unwritable_folder(tmp_path)
    deliver_all(client, settings.model_copy(update={"print_dir": folder}))
    batch = client.get(made.headers["location"], headers=caller.headers).json()
    assert batch["status"] == "failed"
    assert str(folder) in batch["failure_reason"] and "back in the queue" in batch["failure_reason"]
    assert (
        client.get(f"/v1/print-batches/{batch['id']}/pdf", headers=caller.headers).status_code
        == 409
    )
    statuses = client.get("/v1/letters", params={"channel": "print"}, headers=caller.headers)
    assert {letter["status"] for letter in statuses.json()["items"]} == {"queued"}
    again = make_print_batch(client, caller.headers)  # the next batch takes them
    assert (again["status"], again["letter_count"]) == ("ready", 6)


def test_two_marking_a_batch_mailed_at_once_announce_each_letter_once(
    client: TestClient, caller: Caller, print_letters: list[dict[str, Any]],
    settings: Settings, database_url: str,
) -> None:  # fmt: skip
    """The second waits for the first's lock on the batch, then finds it mailed."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL: two transactions at once (SQLite writes one at a time)")
    settings.webhook_allow_private_addresses = True
    make_webhook(client, caller, "http://127.0.0.1:9/events", ["letter.mailed"])
    batch = make_print_batch(client, caller.headers)
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    with sessions() as first, sessions() as watcher:
        # The first holds the batch's row, as its UPDATE does until it commits.
        first.execute(select(PrintBatch).where(PrintBatch.id == batch["id"]).with_for_update())
        second_done = threading.Event()

        def second() -> None:
            with sessions() as other:
                mark_mailed(other, caller.organisation_id, batch["id"])
            second_done.set()

        runner = threading.Thread(target=second)
        runner.start()
        waiting = text(
            "select count(*) from pg_stat_activity "
            "where wait_event_type = 'Lock' and datname = current_database()"
        )
        while not watcher.scalar(waiting):  # the second is blocked on the batch's row
            assert not second_done.is_set()
            watcher.rollback()
            time.sleep(0.01)
        mark_mailed(first, caller.organisation_id, batch["id"])  # commits: the second goes on
        runner.join()
    with sessions() as session:
        types = session.scalars(select(WebhookEvent.type)).all()
    assert types == ["letter.mailed"] * len(print_letters)
