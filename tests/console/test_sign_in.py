"""The console's sign-in: a link emailed through the outbox and a real SMTP server,
read back with the strict parser, that works once and briefly; sessions in cookies that
can be listed and ended; a CSRF token on every form."""

import email.policy
import re
from collections.abc import Iterator
from datetime import timedelta
from email.parser import BytesParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.console import service
from app.console.models import ConsoleSession, SignInLink, User
from app.db import utcnow
from app.delivery.models import Delivery
from app.errors import Conflict, InvalidInput
from app.main import create_app
from app.settings import Settings
from tests.campaign_data import make_campaign
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.smtp_sink import SinkHandler

LINK = re.compile(r"https?://\S+/console/sign-in/(sil_\w+)\?token=(\w+)")


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int]) -> Settings:
    return settings.model_copy(update={"email_backend": "smtp", "smtp_port": sink[1]})


@pytest.fixture
def mail_client(mail_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(mail_settings)) as test_client:
        yield test_client


def add(client: TestClient, organisation_id: str, email: str, **more: str) -> User:
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        user = service.add_user(db, organisation_id, email, more.pop("role", "owner"), **more)
        db.commit()
        db.refresh(user)
        db.expunge(user)
        return user


def emailed_link(client: TestClient, settings: Settings, sink: SinkHandler) -> tuple[str, str]:
    """Runs the worker; answers the link in the one sign-in email that arrived, read
    back strictly."""
    deliver_all(client, settings)
    [received] = [
        r
        for r in sink.received
        if "sign in" in str(r.message["Subject"]).lower()
        or "connexion" in str(r.message["Subject"]).lower()
    ]
    parsed = BytesParser(policy=email.policy.strict).parsebytes(received.raw)
    body = parsed.get_body(("plain",))
    assert body is not None
    match = LINK.search(body.get_content())
    assert match, body.get_content()
    return match[1], match[2]


def signed_in(
    client: TestClient, settings: Settings, sink: SinkHandler, email_address: str
) -> None:
    answer = client.post("/console/sign-in", data={"email": email_address})
    assert answer.status_code == 200
    link_id, token = emailed_link(client, settings, sink)
    answer = client.post(
        f"/console/sign-in/{link_id}", data={"token": token}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/console"


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert match, page
    return match[1]


def test_the_emailed_link_signs_in_once_by_its_button(
    mail_client: TestClient,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
    make_caller: MakeCaller,
) -> None:
    caller = make_caller()
    add(mail_client, caller.organisation_id, "Organiser@Example.org", name="Amélie")
    assert mail_client.get("/console", follow_redirects=False).headers["location"] == (
        "/console/sign-in"
    )
    answer = mail_client.post("/console/sign-in", data={"email": "organiser@example.org"})
    assert answer.status_code == 200 and "organiser@example.org" in answer.text
    link_id, token = emailed_link(mail_client, mail_settings, sink[0])
    [received] = sink[0].received
    assert received.recipients == ["organiser@example.org"]

    # Following the link (as a mail scanner does) signs no one in.
    shown = mail_client.get(f"/console/sign-in/{link_id}", params={"token": token})
    assert shown.status_code == 200 and "set-cookie" not in shown.headers
    assert f'value="{token}"' in shown.text
    assert mail_client.get("/console", follow_redirects=False).status_code == 303

    pressed = mail_client.post(
        f"/console/sign-in/{link_id}", data={"token": token}, follow_redirects=False
    )
    assert pressed.status_code == 303 and pressed.headers["location"] == "/console"
    cookie = pressed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # the test service is on loopback, over http
    home = mail_client.get("/console")
    assert home.status_code == 200 and "Amélie" in home.text

    # Once only.
    mail_client.cookies.clear()
    again = mail_client.post(f"/console/sign-in/{link_id}", data={"token": token})
    assert again.status_code == 410
    assert (
        mail_client.get(f"/console/sign-in/{link_id}", params={"token": token}).status_code == 410
    )


def test_an_address_without_an_account_is_answered_alike_and_sent_nothing(
    client: TestClient, session: Session
) -> None:
    answer = client.post("/console/sign-in", data={"email": "nobody@example.org"})
    assert answer.status_code == 200 and "nobody@example.org" in answer.text
    assert session.scalar(select(Delivery).where(Delivery.channel == "sign_in")) is None
    refused = client.post("/console/sign-in", data={"email": "not an address"})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text


def test_a_link_not_ours_or_expired_signs_no_one_in(
    client: TestClient, settings: Settings, session: Session, caller: Caller
) -> None:
    add(client, caller.organisation_id, "late@example.org")
    link = service.request_sign_in(session, "late@example.org", settings)
    assert link is not None
    token = service.link_token(settings, link.id)
    wrong = client.post(f"/console/sign-in/{link.id}", data={"token": "0" * 64})
    assert wrong.status_code == 404 and "set-cookie" not in wrong.headers
    assert client.post("/console/sign-in/sil_nothing", data={"token": token}).status_code == 404
    session.execute(
        update(SignInLink)
        .where(SignInLink.id == link.id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    late = client.post(f"/console/sign-in/{link.id}", data={"token": token})
    assert late.status_code == 410 and "set-cookie" not in late.headers


def test_an_expired_link_is_not_emailed(
    mail_client: TestClient,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
    caller: Caller,
) -> None:
    add(mail_client, caller.organisation_id, "queued@example.org")
    with mail_client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        link = service.request_sign_in(db, "queued@example.org", mail_settings)
        assert link is not None
        db.execute(update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    deliver_all(mail_client, mail_settings)
    assert sink[0].received == []


def test_forms_without_the_sessions_csrf_token_change_nothing(
    mail_client: TestClient,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
    caller: Caller,
) -> None:
    add(mail_client, caller.organisation_id, "owner@example.org")
    signed_in(mail_client, mail_settings, sink[0], "owner@example.org")
    page = mail_client.get("/console/sessions")
    assert page.status_code == 200
    forged = mail_client.post("/console/sign-out", data={"csrf": "0" * 64})
    assert forged.status_code == 403
    assert mail_client.post("/console/sign-out").status_code == 403
    assert mail_client.get("/console").status_code == 200  # still signed in
    out = mail_client.post(
        "/console/sign-out", data={"csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert out.status_code == 303
    assert mail_client.get("/console", follow_redirects=False).status_code == 303


def test_sessions_are_listed_and_ended_by_their_own_user_only(
    mail_client: TestClient,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
    caller: Caller,
    make_caller: MakeCaller,
) -> None:
    add(mail_client, caller.organisation_id, "first@example.org")
    other = make_caller()
    add(mail_client, other.organisation_id, "second@example.org")
    signed_in(mail_client, mail_settings, sink[0], "second@example.org")
    with mail_client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        theirs = db.scalars(select(ConsoleSession.id)).one()
    mail_client.cookies.clear()
    sink[0].received.clear()
    signed_in(mail_client, mail_settings, sink[0], "first@example.org")
    page = mail_client.get("/console/sessions")
    assert "testclient" in page.text and theirs not in page.text
    csrf = csrf_of(page.text)
    assert (
        mail_client.post(f"/console/sessions/{theirs}/end", data={"csrf": csrf}).status_code == 404
    )
    with mail_client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        assert db.get_one(ConsoleSession, theirs).ended_at is None
        [mine] = db.scalars(select(ConsoleSession.id).where(ConsoleSession.id != theirs)).all()
    ended = mail_client.post(
        f"/console/sessions/{mine}/end", data={"csrf": csrf}, follow_redirects=False
    )
    assert ended.status_code == 303
    assert mail_client.get("/console", follow_redirects=False).status_code == 303


def test_an_idle_session_ends(
    mail_client: TestClient,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
    caller: Caller,
) -> None:
    add(mail_client, caller.organisation_id, "idle@example.org")
    signed_in(mail_client, mail_settings, sink[0], "idle@example.org")
    assert mail_client.get("/console").status_code == 200
    idle = timedelta(hours=mail_settings.console_session_idle_hours, seconds=1)
    with mail_client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        db.execute(update(ConsoleSession).values(last_seen_at=utcnow() - idle))
        db.commit()
    assert mail_client.get("/console", follow_redirects=False).status_code == 303


def test_the_console_shows_only_its_own_organisations_campaigns(
    mail_client: TestClient,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
    make_caller: MakeCaller,
) -> None:
    ours, theirs = make_caller(), make_caller()
    for caller, slug in ((ours, "ours-campaign"), (theirs, "their-campaign")):
        title = {"en": f"Title of {slug}", "fr": f"Titre de {slug}"}
        make_campaign(mail_client, caller, slug=slug, title=title)
    add(mail_client, ours.organisation_id, "viewer@example.org", role="viewer", language="fr")
    signed_in(mail_client, mail_settings, sink[0], "viewer@example.org")
    home = mail_client.get("/console")
    assert "Titre de ours-campaign" in home.text and "their-campaign" not in home.text
    assert '<html lang="fr">' in home.text and "lecture seule" in home.text


def test_the_root_leads_organisers_to_the_console(client: TestClient) -> None:
    for path in ("/", "/admin"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/console"


def test_the_cookie_is_secure_outside_loopback(settings: Settings, caller: Caller) -> None:
    public = settings.model_copy(update={"public_url": "https://act.example.org"})
    with TestClient(create_app(public), base_url="https://act.example.org") as client:
        add(client, caller.organisation_id, "secure@example.org")
        with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
            link = service.request_sign_in(db, "secure@example.org", public)
            assert link is not None
            link_id = link.id
        answer = client.post(
            f"/console/sign-in/{link_id}",
            data={"token": service.link_token(public, link_id)},
            follow_redirects=False,
        )
        assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]


def test_an_address_is_one_user(client: TestClient, session: Session, caller: Caller) -> None:
    add(client, caller.organisation_id, "once@example.org")
    with pytest.raises(Conflict, match="already a user"):
        service.add_user(session, caller.organisation_id, "ONCE@example.org", "viewer")
    for field, bad in (("role", {"role": "admin"}), ("email", {"email": "once"})):
        values = {"email": "x@example.org", "role": "viewer"} | bad
        with pytest.raises(InvalidInput) as refused:
            service.add_user(session, caller.organisation_id, values["email"], values["role"])
        assert refused.value.errors and refused.value.errors[0]["field"] == field
