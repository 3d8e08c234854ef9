"""The directory in the console: browsed and searched, one recipient edited (and the
field locked against syncs), a file's dry run shown as a diff and applied from the file
kept on the server, the sync's status; viewers change nothing, and another
organisation's recipient is a 404."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.console.models import User
from app.directory.models import Recipient
from app.settings import Settings
from tests.conftest import Caller, MakeCaller
from tests.console.test_supporters import sign_in_as
from tests.directory_feeds import MEMBERS_2025, ROLES_2025, feed_server, members, roles

FIRST = (
    "external_id,first_name,last_name,elected_office,district_name,province,email\n"
    "88384,Mélanie,Joly,MP,Ahuntsic-Cartierville,QC,melanie.joly@parl.gc.ca\n"
    "25446,Marc,Miller,MP,Ville-Marie,QC,marc.miller@parl.gc.ca\n"
)
SECOND = (
    "external_id,first_name,last_name,elected_office,district_name,province,email\n"
    "88384,Mélanie,Joly,MP,Ahuntsic-Cartierville,QC,joly@example.org\n"
    "25446,Marc,Miller,MP,Ville-Marie,QC,marc.miller@parl.gc.ca\n"
    "89010,Greg,Fergus,MP,Hull-Aylmer,QC,greg.fergus@parl.gc.ca\n"
)
BAD = (
    "external_id,first_name,last_name,elected_office,district_name,province,email\n"
    "88384,Mélanie,Joly,MP,Ahuntsic-Cartierville,QC,not-an-address\n"
)


def import_first(client: TestClient, caller: Caller) -> None:
    answer = client.post(
        "/v1/recipients/import",
        content=FIRST.encode(),
        headers=caller.headers | {"Content-Type": "text/csv"},
    )
    assert answer.status_code == 200, answer.text


def csrf_of(text: str) -> str:
    found = re.search(r'name="csrf" value="([\w-]+)"', text)
    assert found
    return found[1]


def emails(client: TestClient) -> dict[str, str | None]:
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        return {r.external_id or "": r.email for r in db.scalars(select(Recipient))}


def test_an_editor_browses_searches_and_edits_a_recipient(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    import_first(client, caller)
    sign_in_as(client, settings, caller.organisation_id, "editor@example.org", "editor")
    listed = client.get("/console/directory")
    assert (
        listed.status_code == 200 and "Mélanie Joly" in listed.text and "Marc Miller" in listed.text
    )
    found = client.get("/console/directory", params={"q": "joly"})
    assert "Mélanie Joly" in found.text and "Marc Miller" not in found.text
    link = re.search(r'href="(/console/directory/recipients/rcp_\w+)"', found.text)
    assert link
    shown = client.get(link[1])
    assert shown.status_code == 200 and "melanie.joly@parl.gc.ca" in shown.text
    form = {
        "csrf": csrf_of(shown.text), "honorific": "", "first_name": "Mélanie",
        "last_name": "Joly", "post_nominals": "", "language": "fr", "party": "",
        "elected_office": "MP", "email": "bad address", "phone": "",
    }  # fmt: skip
    refused = client.post(link[1], data=form)
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert emails(client)["88384"] == "melanie.joly@parl.gc.ca"
    saved = client.post(link[1], data=form | {"email": "joly@example.org"})
    assert saved.status_code == 200 and "Saved." in saved.text
    assert emails(client)["88384"] == "joly@example.org"
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        joly = db.scalars(select(Recipient).where(Recipient.external_id == "88384")).one()
        assert joly.language == "fr"
        assert sorted(joly.locked_fields or []) == ["email", "language"]


def test_an_import_is_shown_as_a_diff_and_applied_from_the_kept_file(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    import_first(client, caller)
    sign_in_as(client, settings, caller.organisation_id, "owner@example.org", "owner")
    form = client.get("/console/directory/import")
    csrf = csrf_of(form.text)
    bad = client.post(
        "/console/directory/import",
        data={"csrf": csrf},
        files={"file": ("list.csv", BAD.encode(), "text/csv")},
    )
    assert bad.status_code == 422
    # The error names the row and the column.
    row = re.search(r"<tr><td>1</td><td>email</td><td>[^<]+</td></tr>", bad.text)
    assert row, bad.text
    dry = client.post(
        "/console/directory/import",
        data={"csrf": csrf},
        files={"file": ("list.csv", SECOND.encode(), "text/csv")},
    )
    assert dry.status_code == 200
    assert "1 added, 1 changed, 1 unchanged, 0 retired." in dry.text
    assert "<ins>Greg Fergus</ins> (89010)" in dry.text
    changed = re.search(
        r"<td>email</td><td><del>(.*?)</del></td><td><ins>(.*?)</ins></td>", dry.text
    )
    assert changed and changed.groups() == ("melanie.joly@parl.gc.ca", "joly@example.org")
    assert emails(client)["88384"] == "melanie.joly@parl.gc.ca"  # a dry run writes nothing
    token = re.search(r'name="token" value="([\w-]+)"', dry.text)
    assert token
    applied = client.post(
        "/console/directory/import/apply",
        data={"csrf": csrf, "token": token[1], "complete": "no"},
    )
    assert applied.status_code == 200
    assert "Imported: 1 added, 1 changed, 1 unchanged, 0 retired." in applied.text
    assert emails(client) == {
        "88384": "joly@example.org",
        "25446": "marc.miller@parl.gc.ca",
        "89010": "greg.fergus@parl.gc.ca",
    }
    again = client.post(
        "/console/directory/import/apply",
        data={"csrf": csrf, "token": token[1], "complete": "no"},
    )
    assert again.status_code == 410
    forged = client.post(
        "/console/directory/import/apply",
        data={"csrf": csrf, "token": "../" + token[1][3:], "complete": "no"},
    )
    assert forged.status_code == 410


def test_the_sync_page_shows_the_status(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    import_first(client, caller)
    sign_in_as(client, settings, caller.organisation_id, "viewer@example.org", "viewer")
    shown = client.get("/console/directory/sync")
    assert shown.status_code == 200
    assert "Recipients entered by hand or by file: 2." in shown.text
    assert "Run a sync now" not in shown.text


def test_a_viewer_changes_nothing(client: TestClient, settings: Settings, caller: Caller) -> None:
    import_first(client, caller)
    sign_in_as(client, settings, caller.organisation_id, "viewer@example.org", "viewer")
    listed = client.get("/console/directory")
    link = re.search(r'href="(/console/directory/recipients/rcp_\w+)"', listed.text)
    assert link
    shown = client.get(link[1])
    assert shown.status_code == 200 and "readonly" in shown.text
    csrf = csrf_of(shown.text)
    before = emails(client)
    assert client.post(link[1], data={"csrf": csrf, "email": "x@example.org"}).status_code == 403
    dry = client.post(
        "/console/directory/import",
        data={"csrf": csrf},
        files={"file": ("list.csv", SECOND.encode(), "text/csv")},
    )
    assert dry.status_code == 403
    apply = client.post("/console/directory/import/apply", data={"csrf": csrf, "token": "x"})
    assert apply.status_code == 403
    sync = client.post("/console/directory/sync", data={"csrf": csrf, "source": "house-of-commons"})
    assert sync.status_code == 403
    assert emails(client) == before


def test_a_form_without_its_token_is_refused(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    import_first(client, caller)
    sign_in_as(client, settings, caller.organisation_id, "owner@example.org", "owner")
    listed = client.get("/console/directory")
    link = re.search(r'href="(/console/directory/recipients/rcp_\w+)"', listed.text)
    assert link
    before = emails(client)
    assert client.post(link[1], data={"email": "x@example.org"}).status_code == 403
    no_token = client.post(
        "/console/directory/import", files={"file": ("list.csv", SECOND.encode(), "text/csv")}
    )
    assert no_token.status_code == 403
    assert emails(client) == before


def test_another_organisations_recipient_is_not_found(
    client: TestClient, settings: Settings, caller: Caller, make_caller: MakeCaller
) -> None:
    import_first(client, caller)
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        theirs = db.scalars(select(Recipient.id)).first()
    other = make_caller()
    sign_in_as(client, settings, other.organisation_id, "other@example.org", "owner")
    assert "Mélanie Joly" not in client.get("/console/directory").text
    shown = client.get(f"/console/directory/recipients/{theirs}")
    assert shown.status_code == 404
    csrf = csrf_of(client.get("/console/directory").text)
    edit = client.post(
        f"/console/directory/recipients/{theirs}", data={"csrf": csrf, "email": "x@example.org"}
    )
    assert edit.status_code == 404
    assert emails(client)["88384"] == "melanie.joly@parl.gc.ca"


def test_an_owner_runs_a_sync_and_sees_its_status(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "owner@example.org", "owner")
    with feed_server() as feeds:
        feeds.configure(settings)
        page = client.get("/console/directory/sync")
        assert "The directory was never synced." in page.text
        csrf = csrf_of(page.text)
        # The feed answers nothing yet: the page says why, nothing changes.
        failed = client.post(
            "/console/directory/sync", data={"csrf": csrf, "source": "house-of-commons"}
        )
        assert failed.status_code in (502, 503) and "The sync did not run" in failed.text
        refused = client.post("/console/directory/sync", data={"csrf": csrf, "source": "../x"})
        assert refused.status_code == 422
        assert emails(client) == {}
        feeds.serve_house(members(MEMBERS_2025), roles(ROLES_2025))
        synced = client.post(
            "/console/directory/sync", data={"csrf": csrf, "source": "house-of-commons"}
        )
    assert synced.status_code == 200, synced.text
    assert "Synced house-of-commons: 343 added" in synced.text
    assert re.search(r"<th scope=\"row\">house-of-commons</th>.*?343", synced.text, re.S)
    assert len(emails(client)) == 343


def test_a_french_editor_reads_the_errors_in_french(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    import_first(client, caller)
    sign_in_as(client, settings, caller.organisation_id, "fr@example.org", "editor")
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        db.execute(update(User).where(User.email == "fr@example.org").values(language="fr"))
        db.commit()
    listed = client.get("/console/directory", params={"q": "joly"})
    link = re.search(r'href="(/console/directory/recipients/rcp_\w+)"', listed.text)
    assert link
    csrf = csrf_of(listed.text)
    form = {"csrf": csrf, "first_name": "Mélanie", "last_name": "Joly", "email": "non"}
    refused = client.post(link[1], data=form | {"honorific": "H" * 150})
    assert refused.status_code == 422
    assert "Entrez une adresse courriel" in refused.text
    assert (
        "Cette valeur n&#39;est pas valide." in refused.text and '<span lang="en">' in refused.text
    )
    bad = client.post(
        "/console/directory/import",
        data={"csrf": csrf},
        files={"file": ("list.csv", BAD.encode(), "text/csv")},
    )
    assert "<td>1</td><td>email</td><td>Entrez une adresse courriel" in bad.text


def test_the_apply_imports_what_the_dry_run_showed_whatever_the_form_says(
    client: TestClient, settings: Settings, caller: Caller
) -> None:
    import_first(client, caller)
    sign_in_as(client, settings, caller.organisation_id, "owner@example.org", "owner")
    csrf = csrf_of(client.get("/console/directory/import").text)
    only_joly = "\n".join(FIRST.splitlines()[:2]) + "\n"
    dry = client.post(
        "/console/directory/import",
        data={"csrf": csrf},  # not the whole list: nobody is retired
        files={"file": ("list.csv", only_joly.encode(), "text/csv")},
    )
    assert "0 added, 0 changed, 1 unchanged, 0 retired." in dry.text
    token = re.search(r'name="token" value="([\w-]+)"', dry.text)
    assert token
    applied = client.post(
        "/console/directory/import/apply",
        data={"csrf": csrf, "token": token[1], "complete": "yes"},  # a forged option
    )
    assert "0 retired." in applied.text
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        assert db.scalars(select(Recipient).where(Recipient.retired_at.is_not(None))).all() == []
    # 122 recipients: 50 a page, the next page by its cursor, the first again from there.
    many = (
        FIRST.splitlines()[0]
        + "\n"
        + "".join(
            f"p-{n},Member,Number {n},MP,Riding {n},ON,member{n}@parl.gc.ca\n" for n in range(120)
        )
    )
    added = client.post(
        "/v1/recipients/import",
        content=many.encode(),
        headers=caller.headers | {"Content-Type": "text/csv"},
    )
    assert added.status_code == 200, added.text
    first = client.get("/console/directory")
    names = re.findall(r'href="/console/directory/recipients/(rcp_\w+)"', first.text)
    assert len(names) == 50
    following = re.search(r'href="(/console/directory\?q=&amp;cursor=[^"]+)">Next page', first.text)
    assert following
    second = client.get(following[1].replace("&amp;", "&"))
    later = re.findall(r'href="/console/directory/recipients/(rcp_\w+)"', second.text)
    assert len(later) == 50 and not set(later) & set(names)
    assert 'href="/console/directory?q=">First page' in second.text
