"""Targets beyond Ottawa: a campaign writes to the supporter's own representative of any
synced set (here an Ontario MPP), found from their postal code through Represent, end to
end: the set synced from a Represent answer, the postal code looked up on Represent, the
letter written.

The provincial records are made up for the test (the project ships no provincial data):
their names say so."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.settings import Settings
from tests.campaign_data import action_body, make_campaign
from tests.conftest import Caller
from tests.directory_feeds import Feeds, feed_server


@pytest.fixture
def feeds() -> Iterator[Feeds]:
    with feed_server() as served:
        yield served


@pytest.fixture
def settings(database_url: str, tmp_path: Path, feeds: Feeds) -> Settings:
    """Overrides conftest's: lookups and syncs ask the loopback Represent server."""
    settings = Settings(
        database_url=database_url,
        secret_key="test-secret",
        outbox_dir=tmp_path / "outbox",
        lookup_provider="represent",
        represent_url=feeds.url,
        represent_attempts=1,
        _env_file=None,
    )
    feeds.configure(settings)
    return settings


def mpp(name: str, district: str) -> dict[str, Any]:
    first, last = name.split(" ", 1)
    return {
        "name": name, "first_name": first, "last_name": last, "party_name": "Test Party",
        "elected_office": "MPP", "district_name": district,
        "email": f"{first.lower()}.{last.lower().replace(' ', '')}@ola.example.org",
        "url": f"https://ola.example.org/members/{first.lower()}", "photo_url": "",
        "gender": "F",
        "offices": [{"type": "legislature", "postal": "Queen's Park\nToronto ON  M7A 1A1",
                     "tel": "416-555-0100"}],
        "extra": {},
    }  # fmt: skip


def postcode(code: str, *representatives: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": code,
        "province": "ON",
        "representatives_centroid": list(representatives),
        "representatives_concordance": [],
    }


def test_a_campaign_writes_to_the_supporters_own_mpp_found_from_their_postal_code(
    client: TestClient, caller: Caller, feeds: Feeds
) -> None:
    ottawa_centre = mpp("Testa Provincial", "Ottawa Centre")
    feeds.serve_represent(
        "ontario-legislature", [ottawa_centre, mpp("Other Member", "Nepean")], limit=100
    )
    synced = client.post(
        "/v1/directory/sync",
        json={"source": "represent:ontario-legislature"},
        headers=caller.headers,
    )
    assert synced.status_code == 200 and synced.json()["counts"]["created"] == 2
    federal_mp = ottawa_centre | {"name": "Fed Member", "elected_office": "MP"}
    feeds.serve_json("/postcodes/K1A0A6/", postcode("K1A0A6", federal_mp, ottawa_centre))
    make_campaign(client, caller, targets=[{"type": "own_representative", "elected_office": "MPP"}])
    body = action_body(supporter={"postal_code": "K1A 0A6", "city": "Ottawa", "province": "ON"})
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=body)
    assert taken.status_code == 201, taken.text
    (letter,) = taken.json()["letters"]
    assert letter["recipient"]["display_name"] == "Testa Provincial"
    assert letter["recipient"]["district"] == "Ottawa Centre"
    assert "Queen's Park\nToronto ON  M7A 1A1" in letter["body_text"]


def test_a_postal_code_in_no_known_district_of_that_office_says_so(
    client: TestClient, caller: Caller, feeds: Feeds
) -> None:
    feeds.serve_represent("ontario-legislature", [mpp("Testa Provincial", "Ottawa Centre")], 100)
    client.post(
        "/v1/directory/sync",
        json={"source": "represent:ontario-legislature"},
        headers=caller.headers,
    )
    feeds.serve_json("/postcodes/K1A0A6/", postcode("K1A0A6"))
    make_campaign(
        client,
        caller,
        targets=[
            {"type": "own_representative", "elected_office": "MPP"},
            {"type": "own_mp"},
        ],
    )
    body = action_body(supporter={"postal_code": "K1A 0A6", "city": "Ottawa", "province": "ON"})
    refused = client.post("/v1/campaigns/rescind-stca/actions", json=body)
    assert refused.status_code == 422
    messages = [error["message"] for error in refused.json()["errors"]]
    assert any("find your MPP" in message for message in messages)
