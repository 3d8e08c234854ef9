"""A campaign's results, in the API and on the console's page: counts only, the same
figures in both; another organisation's campaign is a 404."""

from fastapi.testclient import TestClient

from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.console.test_supporters import sign_in_as
from tests.delivery_data import deliver_all


def test_results_count_actions_letters_recipients_and_ridings(
    client: TestClient, settings: Settings, caller: Caller, make_caller: MakeCaller
) -> None:
    make_directory(client, caller)
    campaign = make_campaign(client, caller, goal=4)
    for n in range(3):
        body = action_body(supporter={"email": f"writer{n}@example.org"})
        assert client.post(f"/v1/campaigns/{campaign['slug']}/actions", json=body).status_code in (
            201,
            202,
        )
    deliver_all(client, settings)
    answer = client.get(f"/v1/campaigns/{campaign['id']}/results", headers=caller.headers)
    assert answer.status_code == 200, answer.text
    figures = answer.json()
    assert figures["actions"] == 3 and figures["goal"] == 4 and figures["progress"] == 0.75
    assert sum(day["actions"] for day in figures["actions_per_day"]) == 3
    assert sum(figures["letters_by_state"].values()) == 6  # the minister and the MP, each
    assert figures["letters_by_channel"] == {"email": 6}
    assert figures["letters_by_state"].get("sent") == 6
    assert [(r["letters"], r["sent"]) for r in figures["by_recipient"]] == [(3, 3), (3, 3)]
    # The minister is an MP too: her letters count in her riding.
    ridings = {r["district"]: r["letters"] for r in figures["by_riding"]}
    assert ridings["Edmonton Manning"] == 3 and sum(ridings.values()) == 6
    assert sum(figures["sources"].values()) == 3
    assert "writer0" not in answer.text  # counts only

    # By slug too, and another organisation's campaign is not found.
    assert (
        client.get(f"/v1/campaigns/{campaign['slug']}/results", headers=caller.headers).json()
        == figures
    )
    other = make_caller()
    assert (
        client.get(f"/v1/campaigns/{campaign['id']}/results", headers=other.headers).status_code
        == 404
    )

    # The console's page shows the same figures, to a viewer too.
    sign_in_as(client, settings, caller.organisation_id, "viewer@example.org", "viewer")
    page = client.get(f"/console/campaigns/{campaign['id']}/results")
    assert page.status_code == 200
    assert "3 actions of a goal of 4" in page.text and "Edmonton Manning" in page.text
    assert 'id="per-day-data"' in page.text
    by_name = client.get(f"/console/campaigns/{campaign['id']}/results?sort=name")
    assert by_name.status_code == 200 and 'aria-sort="ascending"' in by_name.text
    assert client.get(f"/console/campaigns/{campaign['id']}/results?sort=evil").status_code == 422
    client.cookies.clear()
    sign_in_as(client, settings, other.organisation_id, "other@example.org", "owner")
    assert client.get(f"/console/campaigns/{campaign['id']}/results").status_code == 404
