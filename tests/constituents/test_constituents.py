"""Supporters' personal data: export, erasure and retention, on real data made through
the API and delivered by a real worker (a real SMTP server on loopback, or .eml files),
with the raw rows of every table read back."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.auth.scopes import Scope
from app.constituents.service import apply_retention
from app.db import Base, utcnow
from app.delivery.email import email_backend
from app.delivery.models import Delivery, PrintBatch
from app.delivery.sending import ERASED, claim_due_deliveries
from app.letters.models import Action, Letter
from app.settings import Settings
from app.tokens import confirmation_link
from app.worker import Worker
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all, make_print_batch
from tests.letters.test_letters_follow_the_shuffle import queued_to_joly
from tests.smtp_sink import SinkHandler

AMELIE = action_body()  # Amélie Tremblay, amelie@example.org, 24 Rue Principale, T5A 1B7
AMELIE_MARKS = (
    "Amélie",
    "Tremblay",
    "amelie@example.org",
    "24 Rue Principale",
    "T5A 1B7",
    AMELIE["intro"],
)
BOB = action_body(
    supporter={
        "first_name": "Robert",
        "last_name": "Gratton",
        "email": "bob@example.org",
        "street_address": "9 Jasper Avenue",
        "postal_code": "T5A 2C3",
        "province": "AB",
    },
    intro="I teach grade four and I live in Edmonton.",
)


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int], tmp_path: Path) -> Settings:
    """One message at a time, so the order of sending is the order of the queue."""
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "smtp_connections": 1,
            "delivery_backoff_seconds": 0.0,
            "worker_poll_seconds": 0.05,
            "print_dir": tmp_path / "print",
        }
    )


def sessions_of(client: TestClient) -> sessionmaker[Session]:
    return client.app.state.sessionmaker  # type: ignore[attr-defined,no-any-return]


def act(client: TestClient, slug: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/v1/campaigns/{slug}/actions", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def raw_rows(client: TestClient) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table, as the database holds it."""
    rows = []
    with sessions_of(client)() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                rows.append((table.name, dict(row)))
    return rows


def rows_holding(client: TestClient, marks: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """The rows with any of `marks` in any column (JSON documents as their text)."""
    return [
        (table, row)
        for table, row in raw_rows(client)
        if any(mark in str(value) for value in row.values() for mark in marks)
    ]


@pytest.fixture
def amelie_everywhere(
    client: TestClient,
    caller: Caller,
    make_caller: MakeCaller,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> dict[str, Any]:
    """Amélie wrote three times, Bob twice, in our organisation; Amélie once in another.

    - `rescind-stca` (email, a copy to the supporter): both letters sent, the first
      after a refusal that quotes her address;
    - `confirm-first` (email confirmation): the confirmation emails written as .eml
      files, the letters waiting for it;
    - `other-org`, the other organisation's: her letters sent, as .eml files;
    - `both-ways` (email and post): her letters queued, not yet sent."""
    handler, _ = sink
    make_directory(client, caller)
    make_campaign(client, caller, copy_to_supporter=True)
    make_campaign(client, caller, slug="confirm-first", confirm_email=True)
    make_campaign(client, caller, slug="both-ways", channels=["email", "print"])
    sent = act(client, "rescind-stca", AMELIE)
    bob = act(client, "rescind-stca", BOB)
    handler.script = ["451 4.2.0 <amelie@example.org>: mailbox busy, try later"]
    deliver_all(client, mail_settings)
    assert len(handler.received) == 8  # four letters, four copies
    waiting = act(client, "confirm-first", AMELIE)
    act(client, "confirm-first", BOB)
    other = make_caller()
    make_directory(client, other)
    make_campaign(client, other, slug="other-org")
    elsewhere = act(client, "other-org", AMELIE)
    deliver_all(client, mail_settings.model_copy(update={"email_backend": "file"}))
    queued = act(client, "both-ways", AMELIE)
    return {
        "sent": sent,
        "bob": bob,
        "waiting": waiting,
        "queued": queued,
        "other": other,
        "elsewhere": elsewhere,
    }


def test_an_export_holds_everything_on_the_supporter_and_nobody_else(
    client: TestClient, caller: Caller, make_caller: MakeCaller, amelie_everywhere: dict[str, Any]
) -> None:
    reader = make_caller([Scope.CONSTITUENTS_READ], caller.organisation_id)
    response = client.get(
        "/v1/constituents/export", params={"email": "AMELIE@Example.ORG"}, headers=reader.headers
    )
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["email"] == "AMELIE@example.org"
    actions = document["actions"]
    slugs = [action["campaign"]["slug"] for action in actions]
    assert slugs == ["rescind-stca", "confirm-first", "both-ways"]
    first = actions[0]
    assert (first["first_name"], first["last_name"], first["email"]) == (
        "Amélie",
        "Tremblay",
        "amelie@example.org",
    )
    assert (first["street_address"], first["city"], first["postal_code"]) == (
        "24 Rue Principale",
        "Edmonton",
        "T5A 1B7",
    )
    assert first["intro"] == AMELIE["intro"] and first["consent_to_contact"] is False
    sent_letters = {letter["id"]: letter for letter in first["letters"]}
    assert set(sent_letters) == {letter["id"] for letter in amelie_everywhere["sent"]["letters"]}
    for letter in sent_letters.values():
        assert letter["status"] == "sent" and letter["sent_at"] is not None
        assert AMELIE["intro"] in letter["body_text"]
        assert letter["recipient"]["display_name"] in ("Marc Miller", "Ziad Aboultaif")
        assert letter["attempts"][-1]["outcome"] == "sent"
    refused = [a for letter in first["letters"] for a in letter["attempts"] if a["error"]]
    assert [a["outcome"] for a in refused] == ["retry"]
    assert "amelie@example.org" in refused[0]["error"]
    waiting = actions[1]
    assert [a["outcome"] for a in waiting["confirmation_attempts"]] == ["sent"]
    assert {letter["status"] for letter in waiting["letters"]} == {"pending_confirmation"}
    assert sorted(letter["channel"] for letter in actions[2]["letters"]) == [
        "email",
        "email",
        "print",
        "print",
    ]
    text = response.text
    assert "bob@example.org" not in text and "Gratton" not in text
    assert amelie_everywhere["elsewhere"]["id"] not in text
    # The other organisation sees its own action by her, and only that.
    other: Caller = amelie_everywhere["other"]
    theirs = client.get(
        "/v1/constituents/export", params={"email": "amelie@example.org"}, headers=other.headers
    ).json()
    assert [a["id"] for a in theirs["actions"]] == [amelie_everywhere["elsewhere"]["id"]]
    nobody = client.get(
        "/v1/constituents/export", params={"email": "nobody@example.org"}, headers=caller.headers
    )
    assert nobody.status_code == 200 and nobody.json()["actions"] == []


def test_erasure_leaves_nothing_of_the_supporter_in_any_table(
    client: TestClient,
    caller: Caller,
    make_caller: MakeCaller,
    amelie_everywhere: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    other: Caller = amelie_everywhere["other"]
    outbox = mail_settings.outbox_dir
    assert len(list(outbox.glob("*.eml"))) == 4  # two confirmations, two letters elsewhere
    stats_before = client.get("/v1/campaigns/rescind-stca/stats").json()
    writer = make_caller([Scope.CONSTITUENTS_WRITE], caller.organisation_id)
    response = client.delete(
        "/v1/constituents", params={"email": "Amelie@example.org"}, headers=writer.headers
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "email": "Amelie@example.org",
        "actions": 3,
        "letters": 8,
        "letters_cancelled": 6,
        "delivery_attempts": 1,
        "files_deleted": 1,
        "print_batches": [],
    }
    # Every row that still holds her is the other organisation's.
    holding = rows_holding(client, AMELIE_MARKS)
    assert holding, "the other organisation's action by her is still there"
    assert {row.get("organisation_id") for _, row in holding} == {other.organisation_id}
    assert rows_holding(client, ("Gratton", "bob@example.org", BOB["intro"]))  # Bob is untouched
    assert len(list(outbox.glob("*.eml"))) == 3  # hers elsewhere, and Bob's confirmation
    # Counts, states, dates and recipients stay.
    assert client.get("/v1/campaigns/rescind-stca/stats").json() == stats_before
    for item in amelie_everywhere["sent"]["letters"]:
        letter = client.get(f"/v1/letters/{item['id']}", headers=caller.headers).json()
        assert letter["status"] == "sent" and letter["sent_at"] is not None
        assert letter["body_text"] == letter["body_html"] == "redacted"
        assert letter["scrubbed_at"] is not None
        assert letter["recipient"]["display_name"] == item["recipient"]["display_name"]
        pdf = client.get(f"/v1/letters/{item['id']}/pdf", headers=caller.headers)
        assert pdf.status_code == 410
    errors = [
        attempt["error"]
        for item in amelie_everywhere["sent"]["letters"]
        for attempt in client.get(f"/v1/letters/{item['id']}", headers=caller.headers).json()[
            "attempts"
        ]
        if attempt["error"]
    ]
    assert errors == ["redacted"]
    unsent = amelie_everywhere["waiting"]["letters"] + amelie_everywhere["queued"]["letters"]
    for item in unsent:
        letter = client.get(f"/v1/letters/{item['id']}", headers=caller.headers).json()
        assert letter["status"] == "cancelled"
    link = confirmation_link(mail_settings, amelie_everywhere["waiting"]["id"])
    assert client.get(link.removeprefix(mail_settings.public_url)).status_code == 410
    # Nothing of hers leaves afterwards: not by email, not in a print batch.
    received = len(handler.received)
    deliver_all(client, mail_settings)
    assert len(handler.received) == received
    batch = client.post("/v1/print-batches", headers=caller.headers)
    assert batch.status_code == 422
    # She is no longer found here; the other organisation still holds its own.
    export = client.get(
        "/v1/constituents/export", params={"email": "amelie@example.org"}, headers=caller.headers
    )
    assert export.json()["actions"] == []
    theirs = client.get(
        "/v1/constituents/export", params={"email": "amelie@example.org"}, headers=other.headers
    )
    assert len(theirs.json()["actions"]) == 1
    again = client.delete(
        "/v1/constituents", params={"email": "amelie@example.org"}, headers=writer.headers
    ).json()
    assert again["actions"] == again["letters"] == again["letters_cancelled"] == 0
    # She may write again: her old action no longer holds her address.
    act(client, "rescind-stca", AMELIE)


def test_a_letter_erased_while_a_worker_holds_it_is_not_sent(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    handler, _ = sink
    make_directory(client, caller)
    make_campaign(client, caller)
    taken = act(client, "rescind-stca", AMELIE)
    worker = Worker(sessions_of(client), email_backend(mail_settings), mail_settings)
    with sessions_of(client)() as session:
        claimed = claim_due_deliveries(session, worker.name, 10, 120)
    assert len(claimed) == 2
    erased = client.delete(
        "/v1/constituents", params={"email": "amelie@example.org"}, headers=caller.headers
    ).json()
    assert (erased["letters"], erased["letters_cancelled"]) == (2, 0)  # being sent: not cancelled
    for delivery_id in claimed:
        assert worker.email.deliver(delivery_id)
    assert handler.received == []
    for item in taken["letters"]:
        letter = client.get(f"/v1/letters/{item['id']}", headers=caller.headers).json()
        assert letter["status"] == "failed" and letter["failed_reason"] == ERASED
        assert letter["attempts"][-1]["outcome"] == "failed"
    with sessions_of(client)() as session:
        reasons = set(session.scalars(select(Letter.failed_reason)))
    assert reasons == {ERASED}


def test_constituents_need_their_scopes(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller)
    taken = act(client, "rescind-stca", AMELIE)
    params = {"email": "amelie@example.org"}
    letters = make_caller([Scope.LETTERS_WRITE], caller.organisation_id)
    reader = make_caller([Scope.CONSTITUENTS_READ], caller.organisation_id)
    writer = make_caller([Scope.CONSTITUENTS_WRITE], caller.organisation_id)
    export, erase = "/v1/constituents/export", "/v1/constituents"
    assert client.get(export, params=params).status_code == 401
    assert client.delete(erase, params=params).status_code == 401
    assert client.get(export, params=params, headers=letters.headers).status_code == 403
    assert client.delete(erase, params=params, headers=letters.headers).status_code == 403
    assert client.get(export, params=params, headers=reader.headers).status_code == 200
    refused = client.delete(erase, params=params, headers=reader.headers)
    assert refused.status_code == 403
    assert refused.json()["required_scope"] == "constituents:write"
    assert client.get(export, params=params, headers=writer.headers).status_code == 200
    # Another organisation neither reaches her nor her letters.
    stranger = make_caller()
    nothing = client.delete(erase, params=params, headers=stranger.headers).json()
    assert nothing["actions"] == nothing["letters"] == 0
    letter_id = taken["letters"][0]["id"]
    assert client.get(f"/v1/letters/{letter_id}", headers=stranger.headers).status_code == 404
    mine = client.get(f"/v1/letters/{letter_id}", headers=caller.headers).json()
    assert mine["scrubbed_at"] is None and AMELIE["intro"] in mine["body_text"]


@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize("email", [None, "not-an-address", "amelie@", "a@b@example.org"])
def test_an_email_that_is_not_one_is_422_naming_it(
    client: TestClient, caller: Caller, method: str, email: str | None
) -> None:
    path = "/v1/constituents/export" if method == "GET" else "/v1/constituents"
    params = {"email": email} if email is not None else {}
    response = client.request(method, path, params=params, headers=caller.headers)
    assert response.status_code == 422, response.text
    assert [(e["field"], e["in"]) for e in response.json()["errors"]] == [("email", "query")]


def _age(client: TestClient, action_ids: list[str], days: int, sent_days: int | None) -> None:
    """Make these actions and their letters `days` old, sent `sent_days` ago."""
    then = utcnow() - timedelta(days=days)
    sent = utcnow() - timedelta(days=sent_days) if sent_days is not None else None
    with sessions_of(client)() as session:
        session.execute(update(Action).where(Action.id.in_(action_ids)).values(created_at=then))
        letters = update(Letter).where(Letter.action_id.in_(action_ids))
        session.execute(letters.values(created_at=then))
        if sent is not None:
            session.execute(letters.where(Letter.sent_at.is_not(None)).values(sent_at=sent))
        session.commit()


def _scrubbed(client: TestClient, action_id: str) -> tuple[bool, set[bool]]:
    with sessions_of(client)() as session:
        action = session.get_one(Action, action_id)
        letters = session.scalars(select(Letter).where(Letter.action_id == action_id)).all()
        scrubbed = {letter.scrubbed_at is not None for letter in letters}
        return action.scrubbed_at is not None, scrubbed


def test_retention_scrubs_what_is_done_and_old_in_batches_and_only_that(
    client: TestClient, caller: Caller, mail_settings: Settings
) -> None:
    file_settings = mail_settings.model_copy(update={"email_backend": "file"})
    make_directory(client, caller)
    make_campaign(client, caller)
    make_campaign(client, caller, slug="later", channels=["print"])
    old = act(client, "rescind-stca", AMELIE)
    recent = act(client, "rescind-stca", BOB)
    deliver_all(client, file_settings)
    outbox = file_settings.outbox_dir
    assert len(list(outbox.glob("*.eml"))) == 4
    waiting = act(client, "later", AMELIE)  # print letters queued, never batched
    _age(client, [old["id"], waiting["id"]], days=100, sent_days=95)
    _age(client, [recent["id"]], days=100, sent_days=10)  # written long ago, sent lately
    stats_before = client.get("/v1/campaigns/rescind-stca/stats").json()
    with sessions_of(client)() as session:
        first = apply_retention(session, file_settings, limit=1)
        assert (first.letters, first.actions, first.more) == (1, 0, True)
        second = apply_retention(session, file_settings, limit=1)
        # Her second letter, then her action, whose letters are all scrubbed now.
        assert (second.letters, second.actions, second.more) == (1, 1, True)
        third = apply_retention(session, file_settings, limit=1)
        assert (third.letters, third.actions, third.more) == (0, 0, False)
    assert _scrubbed(client, old["id"]) == (True, {True})
    assert _scrubbed(client, recent["id"]) == (False, {False})
    assert _scrubbed(client, waiting["id"]) == (False, {False})  # not done: kept
    assert len(list(outbox.glob("*.eml"))) == 2  # Bob's two letters
    holding = rows_holding(client, ("24 Rue Principale", AMELIE["intro"]))
    assert {table for table, _ in holding} == {"actions", "letters"}
    assert {row["id"] for table, row in holding if table == "actions"} == {waiting["id"]}
    for item in old["letters"]:
        letter = client.get(f"/v1/letters/{item['id']}", headers=caller.headers)
        assert letter.status_code == 200
        assert letter.json()["status"] == "sent" and letter.json()["body_text"] == "redacted"
    assert client.get("/v1/campaigns/rescind-stca/stats").json() == stats_before
    # The worker runs it on its own; again, it finds nothing more to do.
    with sessions_of(client)() as session:
        scrubbed_at = session.scalars(select(Letter.scrubbed_at).order_by(Letter.id)).all()
    deliver_all(client, file_settings)
    with sessions_of(client)() as session:
        assert session.scalars(select(Letter.scrubbed_at).order_by(Letter.id)).all() == scrubbed_at


def test_a_letter_held_for_review_past_retention_is_cancelled_and_scrubbed(
    client: TestClient, caller: Caller, settings: Settings, mail_settings: Settings
) -> None:
    """A held letter waits for someone to decide; if nobody does within the retention
    period, it is cancelled (as an erasure cancels unsent letters) and scrubbed with the
    rest: the supporter's details are not kept for ever by a letter nobody will send."""
    settings.webhook_allow_private_addresses = True
    held = queued_to_joly(client, caller)  # nobody holds the role now: held when sent
    deliver_all(client, mail_settings)
    with sessions_of(client)() as session:
        letter = session.get_one(Letter, held["letter_id"])
        action_id = letter.action_id
        assert letter.status == "held_for_review"
        recent = apply_retention(session, mail_settings)
        assert (recent.letters, recent.actions, recent.held_cancelled) == (0, 0, 0)
    assert _scrubbed(client, action_id) == (False, {False})
    _age(client, [action_id], days=100, sent_days=None)
    with sessions_of(client)() as session:
        run = apply_retention(session, mail_settings)
        assert (run.held_cancelled, run.letters, run.actions) == (1, 1, 1)
        delivery = session.scalars(select(Delivery).where(Delivery.letter_id == held["letter_id"]))
        assert delivery.one().due_at is None
    assert _scrubbed(client, action_id) == (True, {True})
    letter_shown = client.get(f"/v1/letters/{held['letter_id']}", headers=caller.headers).json()
    assert letter_shown["status"] == "cancelled" and letter_shown["body_text"] == "redacted"
    assert rows_holding(client, AMELIE_MARKS) == []


def test_the_worker_scrubs_past_retention_and_deletes_mailed_batches(
    client: TestClient, caller: Caller, mail_settings: Settings
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"])
    taken = [
        act(client, "rescind-stca", action_body(supporter={"email": f"p{n}@example.org"}))
        for n in range(3)
    ]
    ids = [item["id"] for item in taken]
    client.app.state.settings = mail_settings  # type: ignore[attr-defined]
    batch = make_print_batch(client, caller.headers)
    mailed = client.post(f"/v1/print-batches/{batch['id']}/mark-mailed", headers=caller.headers)
    assert mailed.status_code == 200
    files = sorted(p.name for p in mail_settings.print_dir.iterdir())
    assert files == [f"{batch['id']}.csv", f"{batch['id']}.pdf"]
    _age(client, ids[:2], days=100, sent_days=100)
    # Not yet: the batch was mailed today, with the third letter.
    deliver_all(client, mail_settings)
    assert [_scrubbed(client, i) for i in ids] == [(True, {True})] * 2 + [(False, {False})]
    assert sorted(p.name for p in mail_settings.print_dir.iterdir()) == files
    _age(client, ids[2:], days=100, sent_days=100)
    with sessions_of(client)() as session:
        long_ago = utcnow() - timedelta(days=100)
        session.execute(update(PrintBatch).values(mailed_at=long_ago))
        session.commit()
    worker = Worker(sessions_of(client), email_backend(mail_settings), mail_settings)
    worker.run(until=lambda: worker.idle)
    assert _scrubbed(client, ids[2]) == (True, {True})
    assert list(mail_settings.print_dir.iterdir()) == []
    shown = client.get(f"/v1/print-batches/{batch['id']}", headers=caller.headers).json()
    assert shown["status"] == "mailed" and shown["files_deleted_at"] is not None
    pdf = client.get(f"/v1/print-batches/{batch['id']}/pdf", headers=caller.headers)
    assert pdf.status_code == 410
    assert rows_holding(client, AMELIE_MARKS) == []
    with sessions_of(client)() as session:
        assert set(session.scalars(select(Letter.status))) == {"mailed"}
        assert all(d.due_at is None for d in session.scalars(select(Delivery)))


def test_a_print_letter_erased_while_its_batch_is_built_leaves_the_batch(
    client: TestClient, caller: Caller, mail_settings: Settings
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"])
    hers = act(client, "rescind-stca", AMELIE)
    act(client, "rescind-stca", BOB)
    # As `POST /v1/print-batches` leaves them while it writes the PDF.
    with sessions_of(client)() as session:
        session.add(
            PrintBatch(
                id="pbt_building", organisation_id=caller.organisation_id,
                status="building", page_size="letter", letter_count=4, page_count=0,
            )
        )  # fmt: skip
        session.flush()
        session.execute(update(Letter).values(status="batched", print_batch_id="pbt_building"))
        session.commit()
    erased = client.delete(
        "/v1/constituents", params={"email": "amelie@example.org"}, headers=caller.headers
    ).json()
    assert erased["letters_cancelled"] == 2
    assert erased["print_batches"] == ["pbt_building"]  # its PDF may hold them already
    with sessions_of(client)() as session:
        batched = session.scalars(
            select(Letter.action_id).where(Letter.print_batch_id == "pbt_building")
        ).all()
        assert hers["id"] not in batched and len(batched) == 2
    for item in hers["letters"]:
        letter = client.get(f"/v1/letters/{item['id']}", headers=caller.headers).json()
        assert letter["status"] == "cancelled"


def test_an_action_waits_for_its_last_letter_and_its_export_says_what_was_scrubbed(
    client: TestClient, caller: Caller, mail_settings: Settings
) -> None:
    file_settings = mail_settings.model_copy(update={"email_backend": "file"})
    make_directory(client, caller)
    make_campaign(client, caller, channels=["email", "print"])
    taken = act(client, "rescind-stca", AMELIE)
    deliver_all(client, file_settings)  # the emails go; the print letters wait for a batch
    _age(client, [taken["id"]], days=100, sent_days=95)
    with sessions_of(client)() as session:
        run = apply_retention(session, file_settings)
    assert (run.letters, run.actions) == (2, 0)
    assert _scrubbed(client, taken["id"]) == (False, {True, False})
    document = client.get(
        "/v1/constituents/export", params={"email": "amelie@example.org"}, headers=caller.headers
    ).json()
    (action,) = document["actions"]
    assert action["intro"] == AMELIE["intro"]
    by_channel = {
        channel: [
            (letter["body_text"] == "redacted", letter["scrubbed_at"] is not None)
            for letter in action["letters"]
            if letter["channel"] == channel
        ]
        for channel in ("email", "print")
    }
    assert by_channel == {"email": [(True, True)] * 2, "print": [(False, False)] * 2}


def test_a_batch_file_that_cannot_be_deleted_is_tried_again_and_stops_nothing(
    client: TestClient, caller: Caller, mail_settings: Settings
) -> None:
    long_ago = utcnow() - timedelta(days=100)
    with sessions_of(client)() as session:
        session.add(
            PrintBatch(
                id="pbt_stuck", organisation_id=caller.organisation_id, status="mailed",
                page_size="letter", letter_count=0, page_count=0, mailed_at=long_ago,
            )
        )  # fmt: skip
        session.commit()
    print_dir = mail_settings.print_dir
    (print_dir / "pbt_stuck.pdf").mkdir(parents=True)  # unlink() refuses a folder
    (print_dir / "pbt_stuck.csv").write_text("letter_id\n")
    with sessions_of(client)() as session:
        run = apply_retention(session, mail_settings)
        assert (run.print_batches, run.files_deleted) == (0, 1)
        assert session.get_one(PrintBatch, "pbt_stuck").files_deleted_at is None
    (print_dir / "pbt_stuck.pdf").rmdir()
    with sessions_of(client)() as session:
        assert apply_retention(session, mail_settings).print_batches == 1
        assert session.get_one(PrintBatch, "pbt_stuck").files_deleted_at is not None
