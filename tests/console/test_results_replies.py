"""The results page's replies per office, from replies fed through the inbound path as
a mail server would (tests.impact.test_responsiveness: two replies captured at the
minister's reply addresses, one MP letter bounced, supporters' answers to the question):
the same figures as GET /v1/campaigns/{id}/responsiveness, to a viewer, in English and
French, sorted as asked."""

import re
from typing import Any

from fastapi.testclient import TestClient

from app.settings import Settings
from tests.conftest import Caller
from tests.console.test_settings import sign_in
from tests.impact.test_responsiveness import MINISTER, campaign, settings

__all__ = ["campaign", "settings"]  # the responsiveness tests' fixtures, shared


def reply_table(page: str) -> list[list[str]]:
    """The replies table's rows: the office, then each cell's text."""
    table = re.search(r'<table id="replies-table">(.*?)</table>', page, re.S)
    assert table, "no replies table"
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table[1], re.S)
    return [[office, *re.findall(r"<td[^>]*>(.*?)</td>", cells)] for office, cells in rows]


def test_a_viewer_sees_replies_per_office_as_the_api_counts_them(
    client: TestClient, settings: Settings, caller: Caller, campaign: dict[str, Any]
) -> None:
    api = client.get(f"/v1/campaigns/{campaign['id']}/responsiveness", headers=caller.headers)
    offices = {row["office"]: row for row in api.json()["offices"]}
    mp = next(office for office in offices if office.startswith("MP, "))
    sign_in(client, settings, caller.organisation_id, "viewer@example.org", "viewer")
    page = client.get(f"/console/campaigns/{campaign['id']}/results")
    assert page.status_code == 200
    # Sent, bounced, captured, reported, rate, median days; most letters first, then by name.
    assert reply_table(page.text) == sorted(
        [
            [MINISTER, "Marc Miller", "6", "0", "2", "1", "50%", "14.1"],
            [mp, offices[mp]["holders"][0], "6", "1", "0", "2", "100%", "—"],
        ],
        key=lambda row: row[0].casefold(),
    )
    assert "12 sent, 1 bounced; replies: 2 captured" in page.text
    assert "reply rate 62%, median days to a reply: 14.1." in page.text  # 5 of 8 known
    assert "writer0" not in page.text  # officials and counts, no supporter

    by_rate = client.get(f"/console/campaigns/{campaign['id']}/results?replies=rate")
    assert [row[0] for row in reply_table(by_rate.text)] == [mp, MINISTER]
    assert re.search(r'aria-sort="descending">Reply rate', by_rate.text)
    by_office = client.get(f"/console/campaigns/{campaign['id']}/results?replies=office")
    assert [row[0] for row in reply_table(by_office.text)] == sorted(
        [mp, MINISTER], key=str.casefold
    )
    bad = client.get(f"/console/campaigns/{campaign['id']}/results?replies=evil")
    assert bad.status_code == 422


def test_the_replies_table_speaks_french(
    client: TestClient, settings: Settings, caller: Caller, campaign: dict[str, Any]
) -> None:
    sign_in(client, settings, caller.organisation_id, "lecture@example.org", "viewer", "fr")
    page = client.get(f"/console/campaigns/{campaign['id']}/results?replies=rate")
    assert "Réponses par fonction" in page.text and "Taux de réponse" in page.text
    rows = reply_table(page.text)
    assert rows[0][-2:] == ["100\u202f%", "—"] and rows[1][-2:] == ["50\u202f%", "14,1"]
