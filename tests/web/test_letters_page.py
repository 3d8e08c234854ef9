"""The supporter's letters page over HTTP, on SQLite and PostgreSQL: reached from the
thank-you page, its states (held, sent, bounced, replied, stopped), the stop button and
its token, the PDF, French, and the end of it all when the supporter's data is erased."""

import html
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.scopes import Scope
from app.constituents.service import apply_retention
from app.db import utcnow
from app.delivery.models import Delivery
from app.inbound.addresses import id_of_bounce_address
from app.inbound.service import receive
from app.letters.models import Action, Letter
from app.settings import Settings
from app.tokens import letters_page_token
from tests.campaign_data import make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.inbound_mail import postfix_dsn
from tests.smtp_sink import SinkHandler
from tests.web.test_web_pages import FORM

MILLER = "marc.miller@parl.gc.ca"


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int], tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={"email_backend": "smtp", "smtp_port": sink[1], "outbox_dir": tmp_path / "out"}
    )


def send_form(client: TestClient, language: str = "en") -> str:
    """Takes action through the page's form; answers the thank-you page's HTML."""
    sent = client.post(f"/c/rescind-stca?lang={language}", data=FORM, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    thanks = client.get(sent.headers["location"])
    assert thanks.status_code == 200
    return str(thanks.text)


def link_to_letters(thanks: str) -> str:
    match = re.search(r'<p class="letters-page"><a href="([^"]+)"', thanks)
    assert match, "the thank-you page has no link to the letters page"
    return html.unescape(match[1])


def token_of(link: str) -> str:
    return link.removeprefix("/letters/").partition("?")[0]


def states(page: str) -> dict[str, str]:
    """Each letter's state on the page, by letter id."""
    found = re.findall(r'data-state-of="([^"]+)">\s*<p class="state state-([a-z_]+)"', page)
    return dict(found)


def stop(client: TestClient, link: str, letter_id: str, token: str | None = None) -> Any:
    return client.post(
        f"/letters/{token_of(link)}/stop",
        data={"token": token if token is not None else token_of(link), "letter": letter_id},
        follow_redirects=False,
    )


def end_the_window(session: Session) -> None:
    session.execute(update(Letter).values(hold_until=utcnow()))
    session.execute(update(Delivery).values(due_at=utcnow()))
    session.commit()


@pytest.fixture
def held(client: TestClient, caller: Caller) -> str:
    """A campaign that holds letters 5 minutes; the letters page's link after the form."""
    make_directory(client, caller)
    make_campaign(client, caller, hold_minutes=5)
    return link_to_letters(send_form(client))


def test_the_thank_you_page_links_to_the_letters_page_of_held_letters(
    client: TestClient, held: str
) -> None:
    page = client.get(held)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert list(states(page.text).values()) == ["held", "held"]
    assert "Held: it leaves in about 5 min. You can still stop it." in page.text
    assert page.text.count(">Stop this letter</button>") == 2
    assert (
        "Marc Miller" in page.text and "I am a nurse and I write to you from Edmonton." in page.text
    )
    assert "/actions/" not in page.text and "act_" not in held  # the address names nothing


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_letter_for_an_offices_daily_digest_says_it_waits_for_it(
    client: TestClient, caller: Caller, language: str
) -> None:
    """An office that takes one digest a day gets the letter with the next one: the page
    says so, not "it leaves in a moment"."""
    ids = make_directory(client, caller)
    changed = client.patch(
        f"/v1/recipients/{ids['miller']}",
        json={"delivery_preference": "daily_digest"},
        headers=caller.headers,
    )
    assert changed.status_code == 200, changed.text
    make_campaign(client, caller, hold_minutes=0)
    page = client.get(link_to_letters(send_form(client, language))).text
    assert sorted(states(page).values()) == ["digest", "queued"]
    assert ("résumé quotidien" if language == "fr" else "daily digest") in page


def test_a_supporter_stops_a_held_letter_and_the_other_leaves(
    client: TestClient,
    caller: Caller,
    held: str,
    session: Session,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    first, second = states(client.get(held).text)
    stopped = stop(client, held, first)
    assert stopped.status_code == 303
    page = client.get(stopped.headers["location"])
    assert "was stopped: it will not be sent." in page.text
    assert states(page.text) == {first: "cancelled", second: "held"}
    assert page.text.count(">Stop this letter</button>") == 1
    api = client.get(f"/v1/letters/{first}", headers=caller.headers).json()
    assert api["status"] == "cancelled"
    end_the_window(session)
    deliver_all(client, mail_settings)
    assert [item.recipients for item in sink[0].received] == [
        [client.get(f"/v1/letters/{second}", headers=caller.headers).json()["recipient"]["email"]]
    ]
    page = client.get(held)
    assert states(page.text) == {first: "cancelled", second: "sent"}
    assert "Sent on " in page.text
    too_late = client.get(stop(client, held, second).headers["location"])
    assert "had already left: it could not be stopped" in too_late.text
    assert states(too_late.text)[second] == "sent"


def test_stopping_takes_the_pages_own_token_in_the_form(
    client: TestClient, caller: Caller, held: str
) -> None:
    first, _ = states(client.get(held).text)
    forged = stop(client, held, first, token="not-ours")
    assert forged.status_code == 403
    other_action = letters_page_token(client.app.state.settings, "act_01JD3ZK8Y2M0000000000000000")  # type: ignore[attr-defined]
    assert stop(client, held, first, token=other_action).status_code == 403
    assert stop(client, held, "ltr_01JD3ZK8Y2M0000000000000000").status_code == 404
    api = client.get(f"/v1/letters/{first}", headers=caller.headers).json()
    assert api["status"] == "queued"


def test_the_access_log_keeps_no_letters_page_address(
    client: TestClient, held: str, caplog: pytest.LogCaptureFixture
) -> None:
    first, _ = states(client.get(held).text)
    with caplog.at_level(logging.INFO, logger="letterdesk.access"):
        client.get(held)
        client.get(f"/letters/{token_of(held)}/{first}.pdf")
        stop(client, held, first)
    logged = [record for record in caplog.records if record.name == "letterdesk.access"]
    assert [record.path for record in logged] == [  # type: ignore[attr-defined]
        "/letters/…",
        f"/letters/…/{first}.pdf",
        "/letters/…/stop",
    ]
    assert not any(token_of(held) in record.getMessage() for record in logged)


def test_an_address_we_did_not_make_is_a_404_page(client: TestClient, held: str) -> None:
    for token in ("nothing", token_of(held)[:-4] + "AAAA"):
        page = client.get(f"/letters/{token}")
        assert page.status_code == 404
        assert "is not one of our letters pages" in page.text


def test_the_letter_downloads_as_a_pdf(client: TestClient, held: str) -> None:
    first, _ = states(client.get(held).text)
    pdf = client.get(f"/letters/{token_of(held)}/{first}.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/letters/nothing/{first}.pdf").status_code == 404


def test_the_page_speaks_the_supporters_language(client: TestClient, caller: Caller) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, hold_minutes=5)
    link = link_to_letters(send_form(client, "fr"))
    page = client.get(link)
    assert '<html lang="fr">' in page.text
    assert "Vos lettres" in page.text and "Arrêter cette lettre" in page.text
    assert "En attente : elle part dans 5 min environ." in page.text
    english = client.get(f"/letters/{token_of(link)}?lang=en")
    assert "Stop this letter" in english.text


def test_a_bounce_and_a_reply_appear_on_the_page(
    client: TestClient,
    caller: Caller,
    session: Session,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, reply_capture=True)
    link = link_to_letters(send_form(client))
    deliver_all(client, mail_settings)
    letters = {item.recipients[0]: item for item in sink[0].received}
    miller = letters[MILLER]
    reply_to = miller.message["Reply-To"].addresses[0].addr_spec
    reply = f"""From: Marc Miller <{MILLER}>
To: {reply_to}
Subject: RE: {miller.message["Subject"]}
In-Reply-To: {miller.message["Message-ID"]}
Message-ID: <reply-1@parl.gc.ca>
Date: Tue, 01 Dec 2026 15:00:00 -0500
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Dear Ms. Tremblay, <b>thank you</b> for your letter.
""".replace("\n", "\r\n").encode()
    receive(session, mail_settings, reply, [reply_to], send=lambda *_: None)
    (other,) = [item for address, item in letters.items() if address != MILLER]
    receive(
        session,
        mail_settings,
        postfix_dsn(other.sender, other.recipients[0], other.raw),
        [other.sender],
    )
    page = client.get(link).text
    bounced = id_of_bounce_address(mail_settings, other.sender)
    assert bounced is not None
    assert states(page)[bounced] == "bounced"
    assert "the official&#39;s mail server sent it back: " in page
    assert f"A reply from {MILLER}" in page
    assert "Dear Ms. Tremblay, &lt;b&gt;thank you&lt;/b&gt; for your letter." in page


@pytest.mark.parametrize("how", ["erasure", "retention"])
def test_the_page_ends_when_the_supporters_data_is_erased(
    client: TestClient,
    caller: Caller,
    make_caller: MakeCaller,
    held: str,
    session: Session,
    how: str,
) -> None:
    first, _ = states(client.get(held).text)
    if how == "erasure":
        writer = make_caller([Scope.CONSTITUENTS_WRITE], caller.organisation_id)
        erased = client.delete(
            "/v1/constituents", params={"email": FORM["email"]}, headers=writer.headers
        )
        assert erased.status_code == 200
    else:
        settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
        long_ago = utcnow().replace(year=2000)
        for letter_id in states(client.get(held).text):
            client.post(f"/v1/letters/{letter_id}/cancel", headers=caller.headers)
        session.execute(update(Letter).values(created_at=long_ago))
        session.execute(update(Action).values(created_at=long_ago))
        session.commit()
        apply_retention(session, settings)
    for path in (held, f"/letters/{token_of(held)}/{first}.pdf"):
        gone = client.get(path)
        assert gone.status_code == 410
        assert "Your personal data was erased" in gone.text
        assert "Marc Miller" not in gone.text
    assert stop(client, held, first).status_code == 410


def test_where_the_campaign_asks_for_confirmation_the_link_comes_by_email_only(
    client: TestClient, caller: Caller
) -> None:
    """Nothing on the thank-you page then tells a repeat from a first action."""
    make_directory(client, caller)
    make_campaign(client, caller, confirm_email=True)
    first, repeat = send_form(client), send_form(client)
    for thanks in (first, repeat):
        assert 'class="letters-page"' not in thanks
