"""Letter-writing events in the console: an advocate makes an event on a live campaign,
enters attendees (one by one through the letters service, or from a CSV file checked
then applied whole), prints the kit (letters to sign, #10 envelopes in the same order,
a count sheet) and records how many were mailed. Assisted actions meet every quality
check and count like any other; an advocate sees no one else's data."""

import html
import io
import re

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.console.models import User
from app.delivery.models import Delivery
from app.events.router import router as events_router
from app.letters.models import Action, Letter
from app.settings import Settings
from tests.campaign_data import make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.console.test_supporters import sign_in_as

ATTENDEE = {
    "first_name": "Amélie",
    "last_name": "Tremblay",
    "email": "amelie@example.org",
    "street_address": "24 Rue Principale",
    "city": "Edmonton",
    "province": "AB",
    "postal_code": "T5A 1B7",
    "language": "en",
    "intro": "I am a nurse and I write to you from Edmonton, where I care for refugees.",
    "consent_to_contact": "yes",
}
CSV_HEADER = (
    "first_name,last_name,email,street_address,city,province,postal_code,intro,consent_to_contact\n"
)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, page
    return found.group(1)


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, str]:
    make_directory(client, caller)
    return make_campaign(client, caller, hold_minutes=5, send_receipt=True)


def make_event(client: TestClient, campaign: dict[str, str]) -> str:
    csrf = csrf_of(client.get("/console/events").text)
    form = {"csrf": csrf, "campaign_id": campaign["id"], "name": "Write for Rights",
            "place": "Bibliothèque de Gatineau", "held_on": "2026-12-10"}  # fmt: skip
    made = client.post("/console/events", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    return str(made.headers["location"]).rsplit("/", 1)[1]


def advocates_event(
    client: TestClient, settings: Settings, caller: Caller, campaign: dict[str, str]
) -> str:
    """Signed in as the organisation's advocate, an event of theirs."""
    sign_in_as(client, settings, caller.organisation_id, "advocate@example.org", "advocate")
    return make_event(client, campaign)


def enter(client: TestClient, event_id: str, **changes: str) -> httpx.Response:
    csrf = csrf_of(client.get(f"/console/events/{event_id}").text)
    form = ATTENDEE | changes | {"csrf": csrf}
    answer: httpx.Response = client.post(
        f"/console/events/{event_id}/attendees", data=form, follow_redirects=False
    )
    return answer


def test_an_advocate_runs_an_event_from_attendee_to_kit(
    client: TestClient,
    settings: Settings,
    caller: Caller,
    campaign: dict[str, str],
    session: Session,
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "advocate@example.org", "advocate")
    assert 'href="/console/events"' in client.get("/console").text
    event_id = make_event(client, campaign)
    entered = enter(client, event_id)
    assert entered.status_code == 303
    page = client.get(entered.headers["location"])
    assert "2 letters written" in page.text
    enter(client, event_id, email="bob@example.org", first_name="Bob",
          intro="I teach grade six in Edmonton and my students asked me to write.")  # fmt: skip

    actions = session.scalars(select(Action).where(Action.event_id == event_id)).all()
    assert len(actions) == 2 and all(a.assisted and a.source == "event" for a in actions)
    assert {a.consent_to_contact for a in actions} == {True}
    letters = session.scalars(select(Letter).where(Letter.action_id.in_([a.id for a in actions])))
    found = list(letters)
    # printed to sign by hand whatever the campaign's channels (email here), no hold window
    assert {(x.channel, x.status, x.hold_until) for x in found} == {("print", "queued", None)}
    assert all(x.delivery.due_at is None for x in found)
    # the organisation's print batches leave an event's letters to its kit
    assert client.post("/v1/print-batches", json={}, headers=caller.headers).status_code == 422

    results = client.get(f"/v1/campaigns/{campaign['id']}/results", headers=caller.headers).json()
    assert results["actions"] == 2 and results["assisted"] == 2
    assert results["sources"] == {"event": 2}

    csrf = csrf_of(client.get(f"/console/events/{event_id}").text)
    kit = client.post(
        f"/console/events/{event_id}/kit", data={"csrf": csrf}, follow_redirects=False
    )
    assert kit.status_code == 303
    session.expire_all()
    assert {
        x.status
        for x in session.scalars(select(Letter).where(Letter.id.in_([x.id for x in found])))
    } == {"printed"}

    pdf = PdfReader(io.BytesIO(client.get(f"/console/events/{event_id}/kit/letters.pdf").content))
    envelopes_answer = client.get(f"/console/events/{event_id}/kit/envelopes.pdf")
    assert envelopes_answer.headers["content-type"] == "application/pdf"
    envelopes = PdfReader(io.BytesIO(envelopes_answer.content))
    assert len(pdf.pages) == 4 and len(envelopes.pages) == 4
    assert all(
        (float(p.mediabox.width), float(p.mediabox.height)) == (684, 297) for p in envelopes.pages
    )
    # sorted by recipient (the name as addressed): "The Honourable Marc Miller" first
    addressed = [p.extract_text() for p in envelopes.pages]
    names = [("Aboultaif" if "Aboultaif" in text else "Miller") for text in addressed]
    letter_names = [
        ("Aboultaif" if "Aboultaif" in p.extract_text().split("Dear")[0] else "Miller")
        for p in pdf.pages
    ]
    assert names == letter_names == ["Miller", "Miller", "Aboultaif", "Aboultaif"]
    assert all("Bob" in t or "Amélie" in t for t in (p.extract_text() for p in pdf.pages))
    count = PdfReader(io.BytesIO(client.get(f"/console/events/{event_id}/kit/count.pdf").content))
    sheet = count.pages[0].extract_text()
    assert "Ziad Aboultaif" in sheet and "Marc Miller" in sheet
    assert re.search(r"Total\s*4", sheet), sheet

    csrf = csrf_of(client.get(f"/console/events/{event_id}").text)
    too_many = client.post(f"/console/events/{event_id}/mailed", data={"csrf": csrf, "mailed": "5"})
    assert too_many.status_code == 422 and "from 0 to 4" in too_many.text
    mailed = client.post(f"/console/events/{event_id}/mailed", data={"csrf": csrf, "mailed": "3"})
    assert mailed.status_code == 200 and "3 letters recorded as mailed" in mailed.text
    corrected = client.post(
        f"/console/events/{event_id}/mailed", data={"csrf": csrf, "mailed": "4"}
    )
    assert corrected.status_code == 200
    stats = client.get(f"/v1/campaigns/{campaign['slug']}/stats").json()
    assert (stats["actions"], stats["letters"], stats["letters_sent"]) == (2, 4, 4)


def test_an_attendee_is_sent_no_email_on_a_campaign_that_asks_for_confirmation(
    client: TestClient, settings: Settings, caller: Caller, session: Session
) -> None:
    make_directory(client, caller)
    campaign = make_campaign(client, caller, confirm_email=True, send_receipt=True)
    event_id = advocates_event(client, settings, caller, campaign)
    assert enter(client, event_id).status_code == 303
    action = session.scalars(select(Action).where(Action.event_id == event_id)).one()
    assert {letter.status for letter in action.letters} == {"queued"}  # they were there
    emails = session.scalars(select(Delivery).where(Delivery.action_id == action.id)).all()
    assert emails == []  # no confirmation, no receipt


def test_quality_checks_apply_to_assisted_actions(
    client: TestClient,
    settings: Settings,
    caller: Caller,
    campaign: dict[str, str],
    session: Session,
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "avocate@example.org", "advocate")
    user = session.scalar(select(User).where(User.email == "avocate@example.org"))
    assert user is not None
    user.language = "fr"  # the console speaks French to this advocate
    session.commit()
    event_id = make_event(client, campaign)
    copied = enter(client, event_id, intro="The United States is not safe for everyone.")
    assert copied.status_code == 422
    text = copied.text
    assert 'id="e-intro"' in text and 'aria-describedby="e-intro"' in text
    bad_code = enter(client, event_id, postal_code="nope", consent_to_contact="")
    body = bad_code.text
    assert bad_code.status_code == 422
    assert "Posez la question et notez la réponse." in body  # consent asked, never assumed
    bad_code = enter(client, event_id, postal_code="nope")
    assert 'id="e-postal_code"' in bad_code.text
    assert "code postal" in bad_code.text.lower()
    assert session.scalar(select(Action.id).where(Action.event_id == event_id)) is None
    enter(client, event_id)
    again = enter(client, event_id)
    assert again.status_code == 409
    assert "Cette adresse a déjà écrit" in again.text


def test_an_advocate_sees_no_one_elses_data(
    client: TestClient, settings: Settings, caller: Caller, campaign: dict[str, str]
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "advocate@example.org", "advocate")
    for path in (
        f"/console/campaigns/{campaign['id']}/supporters",
        f"/console/campaigns/{campaign['id']}/supporters.csv",
        "/console/supporters",
        "/console/supporters/export?email=amelie@example.org",
    ):
        assert client.get(path).status_code == 403, path
    assert "Supporters" not in client.get("/console").text


def test_a_viewer_runs_no_event(
    client: TestClient, settings: Settings, caller: Caller, campaign: dict[str, str]
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "viewer@example.org", "viewer")
    assert client.get("/console/events").status_code == 403
    assert 'href="/console/events"' not in client.get("/console").text


def test_another_organisations_event_is_not_found(
    client: TestClient,
    settings: Settings,
    caller: Caller,
    make_caller: MakeCaller,
    campaign: dict[str, str],
) -> None:
    event_id = advocates_event(client, settings, caller, campaign)
    client.cookies.clear()
    other = make_caller()
    sign_in_as(client, settings, other.organisation_id, "other@example.org", "advocate")
    csrf = csrf_of(client.get("/console/events").text)
    assert client.get(f"/console/events/{event_id}").status_code == 404
    assert client.get(f"/console/events/{event_id}/kit/letters.pdf").status_code == 404
    posted = client.post(f"/console/events/{event_id}/attendees", data=ATTENDEE | {"csrf": csrf})
    assert posted.status_code == 404
    form = {"csrf": csrf, "campaign_id": campaign["id"], "name": "X", "place": "Y",
            "held_on": "2026-12-10"}  # fmt: skip
    assert client.post("/console/events", data=form).status_code == 422  # not its campaign


def test_forms_without_the_csrf_token_are_refused(
    client: TestClient,
    settings: Settings,
    caller: Caller,
    campaign: dict[str, str],
    session: Session,
) -> None:
    event_id = advocates_event(client, settings, caller, campaign)
    form = {"campaign_id": campaign["id"], "name": "X", "place": "Y", "held_on": "2026-12-10"}
    assert client.post("/console/events", data=form | {"csrf": "0" * 64}).status_code == 403
    assert client.post(f"/console/events/{event_id}/attendees", data=ATTENDEE).status_code == 403
    assert client.post(f"/console/events/{event_id}/kit", data={}).status_code == 403
    assert (
        client.post(f"/console/events/{event_id}/mailed", data={"mailed": "0"}).status_code == 403
    )
    upload = client.post(
        f"/console/events/{event_id}/attendees.csv",
        data={"intent": "apply"},
        files={"file": ("a.csv", CSV_HEADER.encode(), "text/csv")},
    )
    assert upload.status_code == 403
    assert session.scalar(select(Action.id).where(Action.event_id == event_id)) is None


def row(email: str, intro: str, consent: str = "no", postal_code: str = "T5A 1B7") -> str:
    return f'Ana,Lopez,{email},1 Main St,Edmonton,AB,{postal_code},"{intro}",{consent}\n'


def test_a_csv_of_attendees_is_checked_then_applied_whole(
    client: TestClient,
    settings: Settings,
    caller: Caller,
    campaign: dict[str, str],
    session: Session,
) -> None:
    event_id = advocates_event(client, settings, caller, campaign)
    url = f"/console/events/{event_id}/attendees.csv"
    good = CSV_HEADER + row(
        "ana@example.org", "I study nursing in Edmonton and I volunteer.", "yes"
    )
    good += row("ben@example.org", "I am a retired teacher writing from north Edmonton.")
    bad = good + row("ana@example.org", "Another intro, in my own words, from Edmonton.")
    bad += row("cy@example.org", "Short", "maybe", "nope")

    def post(text: str, intent: str) -> tuple[int, str]:
        csrf = csrf_of(client.get(f"/console/events/{event_id}").text)
        answer = client.post(
            url,
            data={"csrf": csrf, "intent": intent},
            files={"file": ("attendees.csv", text.encode(), "text/csv")},
        )
        return answer.status_code, answer.text

    status, page = post(bad, "apply")
    assert status == 422 and "Nothing was written" in page
    rows = re.findall(r'<td class="number">(\d+)</td><td>([a-z_]*)</td>', page)
    assert ("4", "email") in rows and ("5", "consent_to_contact") in rows
    assert "The same address as row 2." in page
    assert session.scalar(select(Action.id).where(Action.event_id == event_id)) is None

    status, page = post(good, "check")
    assert status == 200 and "2 attendees, 4 letters. Nothing is written yet." in page
    assert session.scalar(select(Action.id).where(Action.event_id == event_id)) is None
    csrf = csrf_of(page)
    text = re.search(r'name="csv_text" value="([^"]*)"', page, re.S)
    assert text is not None
    applied = client.post(
        url, data={"csrf": csrf, "intent": "apply", "csv_text": html.unescape(text.group(1))},
        files={"file": ("", b"", "application/octet-stream")},
    )  # fmt: skip
    assert applied.status_code == 200 and "Written: 2 attendees, 4 letters." in applied.text
    written = session.scalars(select(Action).where(Action.event_id == event_id)).all()
    assert sorted((a.email, a.consent_to_contact, a.assisted) for a in written) == [
        ("ana@example.org", True, True), ("ben@example.org", False, True),
    ]  # fmt: skip
    # the same file again: every row has acted already; nothing more is written
    status, page = post(good, "apply")
    assert status == 422 and page.count("This address has already written") == 2


# Every page of events and who may use it: a route added without a line here fails.
EVENT_PAGES = {
    ("GET", "/console/events"),
    ("POST", "/console/events"),
    ("GET", "/console/events/{event_id}"),
    ("POST", "/console/events/{event_id}/attendees"),
    ("POST", "/console/events/{event_id}/attendees.csv"),
    ("POST", "/console/events/{event_id}/kit"),
    ("GET", "/console/events/{event_id}/kit/{part}.pdf"),
    ("POST", "/console/events/{event_id}/mailed"),
}


def test_the_events_access_table_names_every_page() -> None:
    routes = {
        (method, route.path)
        for route in events_router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    assert routes == EVENT_PAGES


@pytest.mark.parametrize("role", ["viewer", None])
def test_every_events_page_refuses_who_runs_no_event(
    client: TestClient,
    settings: Settings,
    caller: Caller,
    campaign: dict[str, str],
    role: str | None,
) -> None:
    event_id = advocates_event(client, settings, caller, campaign)
    client.cookies.clear()
    if role:
        sign_in_as(client, settings, caller.organisation_id, f"{role}@example.org", role)
    for method, path in sorted(EVENT_PAGES):
        url = path.format(event_id=event_id, part="letters")
        answer = client.request(method, url, follow_redirects=False)
        if role is None:
            assert answer.headers.get("location") == "/console/sign-in", (method, path)
        else:
            assert answer.status_code == 403, (method, path)
