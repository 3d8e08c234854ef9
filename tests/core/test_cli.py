"""The `letterdesk` command, run as a user runs it, on a real database file."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.console.models import SignInLink
from app.main import create_app
from app.settings import Settings
from tests.conftest import ThrowawayPostgres
from tests.directory_feeds import MEMBERS_2025, ROLES_2025, feed_server, members, roles

LETTERDESK = str(Path(sys.executable).parent / "letterdesk")


def run(
    database_url: str, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"LETTERDESK_DATABASE_URL": database_url, "COLUMNS": "200"} | (env or {})
    return subprocess.run(
        [LETTERDESK, *args], env=env, capture_output=True, text=True, check=check, timeout=120
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, postgres: ThrowawayPostgres
) -> Iterator[str]:
    """A database of each kind that the command itself migrates, as a user's would be."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/cli.db"
        run(url, "db", "upgrade")
        yield url
        return
    url = postgres.create("letterdesk_cli")
    try:
        run(url, "db", "upgrade")
        yield url
    finally:
        postgres.drop(url)


def test_org_create_prints_a_working_key_once(database: str, tmp_path: Path) -> None:
    output = run(database, "org", "create", "Amnistie").stdout
    key = output.strip().splitlines()[-1]
    assert key.startswith("ld_")
    settings = Settings(database_url=database, secret_key="test-secret", _env_file=None)
    with TestClient(create_app(settings)) as client:
        response = client.get("/v1/api-keys", headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 200
        assert key not in response.text
    again = run(database, "org", "create", "Amnistie", check=False)
    assert again.returncode == 1 and "already exists" in again.stdout


def test_import_prints_a_summary_of_what_changed(database: str, tmp_path: Path) -> None:
    run(database, "org", "create", "Amnistie")
    source = tmp_path / "mps.csv"
    source.write_text(
        "external_id,first_name,last_name,district_name,province\n"
        "1,Jane,Doe,Ottawa Centre,ON\n2,Luc,Roy,Gatineau,QC\n",
        encoding="utf-8",
    )
    dry = run(database, "import", str(source), "--dry-run").stdout
    assert "Would change 2 rows for Amnistie: 2 created, 0 updated, 0 unchanged, 0 retired." in dry
    done = run(database, "import", str(source)).stdout
    assert "Imported 2 rows for Amnistie: 2 created, 0 updated, 0 unchanged, 0 retired." in done
    again = run(database, "import", str(source)).stdout
    assert "0 created, 0 updated, 2 unchanged" in again


def test_import_of_a_bad_file_names_the_row_and_imports_nothing(
    database: str, tmp_path: Path
) -> None:
    run(database, "org", "create", "Amnistie")
    source = tmp_path / "mps.csv"
    source.write_text("external_id,last_name,email\n1,Doe,doe@example.org\n2,Roy,roy@\n")
    result = run(database, "import", str(source), check=False)
    assert result.returncode == 1
    assert "row 2, email" in result.stdout
    assert (
        "0 unchanged" not in run(database, "import", str(source), "--dry-run", check=False).stdout
    )


def test_import_needs_the_organisation_named_when_there_are_several(
    database: str, tmp_path: Path
) -> None:
    run(database, "org", "create", "One")
    run(database, "org", "create", "Two")
    source = tmp_path / "mps.json"
    source.write_text('[{"external_id": "1", "last_name": "Doe"}]')
    assert run(database, "import", str(source), check=False).returncode != 0
    assert "1 created" in run(database, "import", str(source), "--org", "Two").stdout


def test_postal_codes_import_from_the_command_line(database: str, tmp_path: Path) -> None:
    run(database, "org", "create", "Amnistie")
    source = tmp_path / "table.csv"
    source.write_text("postal_code,district_name\nK1A,Ottawa—Vanier\n", encoding="utf-8")
    output = run(database, "import", str(source), "--postal-codes").stdout
    assert "Postal-code table: 1 entries (replacing 0)." in output
    refused = run(database, "import", str(source), "--postal-codes", "--dry-run", check=False)
    assert refused.returncode == 2 and "replaces the table" in refused.stderr


def test_an_unknown_organisation_is_said_plainly(database: str, tmp_path: Path) -> None:
    run(database, "org", "create", "Amnistie")
    source = tmp_path / "mps.json"
    source.write_text('[{"external_id": "1", "last_name": "Doe"}]')
    result = run(database, "import", str(source), "--org", "Nope", check=False)
    assert result.returncode == 1
    assert "No organisation 'Nope'." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_directory_sync_plans_applies_and_stops_at_the_guard(database: str) -> None:
    run(database, "org", "create", "Amnistie")
    with feed_server() as feeds:
        house = members(MEMBERS_2025)
        feeds.serve_house(house, roles(ROLES_2025))
        env = {
            "LETTERDESK_SYNC_HOUSE_OF_COMMONS_MEMBERS_URL": f"{feeds.url}/members.xml",
            "LETTERDESK_SYNC_HOUSE_OF_COMMONS_MINISTRY_URL_EN": f"{feeds.url}/ministry-en.xml",
            "LETTERDESK_SYNC_HOUSE_OF_COMMONS_MINISTRY_URL_FR": f"{feeds.url}/ministry-fr.xml",
        }
        sync = ("directory", "sync", "house-of-commons")
        dry = run(database, *sync, "--dry-run", env=env).stdout
        assert "Would change house-of-commons (343 rows" in dry and "343 created" in dry
        assert "Synced house-of-commons" in run(database, *sync, env=env).stdout
        feeds.serve_house(house[:100], roles(ROLES_2025))
        stopped = run(database, *sync, env=env, check=False)
        assert stopped.returncode == 1 and "would retire 243 of the source's 343" in stopped.stdout
        forced = run(database, *sync, "--force", env=env).stdout
        assert "243 retired" in forced


def test_user_add_makes_a_console_user_who_can_ask_for_a_link(database: str) -> None:
    run(database, "org", "create", "Amnistie")
    output = run(
        database, "user", "add", "Owner@Example.org", "--org", "Amnistie", "--role", "owner"
    )
    assert "owner@example.org, owner" in output.stdout and "/console/sign-in" in output.stdout
    again = run(database, "user", "add", "owner@example.org", "--org", "Amnistie", check=False)
    assert again.returncode == 1 and "already a user" in again.stdout
    unknown = run(database, "user", "add", "x@example.org", "--org", "Nobody", check=False)
    assert unknown.returncode == 1 and "No organisation" in unknown.stdout
    settings = Settings(database_url=database, secret_key="test-secret", _env_file=None)
    with TestClient(create_app(settings)) as client:
        client.post("/console/sign-in", data={"email": "owner@example.org"})
        with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
            assert session.scalar(select(SignInLink.id)) is not None


def test_every_line_the_worker_writes_is_json_in_json_log_format(database: str) -> None:
    done = run(
        database,
        "worker",
        "--once",
        env={"LETTERDESK_LOG_FORMAT": "json", "LETTERDESK_SECRET_KEY": "test-secret"},
    )
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert lines, "the worker wrote nothing"
    entries = [json.loads(line) for line in lines]
    assert entries[0]["message"] == "worker started"
    assert entries[-1]["message"] == "worker stopped" and entries[-1]["sent"] == 0


def test_the_demo_refuses_a_demo_key_not_shaped_as_a_key(database: str) -> None:
    refused = run(database, "demo", check=False, env={"LETTERDESK_DEMO_API_KEY": "notakey"})
    assert refused.returncode == 1
    assert "LETTERDESK_DEMO_API_KEY is not an API key" in refused.stdout
