"""Small builders for campaign tests: a directory, a campaign body, a supporter's action."""

import copy
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Caller

HILL = {
    "kind": "legislature",
    "lines": ["House of Commons"],
    "city": "Ottawa",
    "province": "ON",
    "postal_code": "K1A 0A6",
}
RECIPIENTS: dict[str, dict[str, Any]] = {
    "joly": {
        "honorific": "The Honourable",
        "first_name": "Mélanie",
        "last_name": "Joly",
        "post_nominals": "P.C., M.P.",
        "elected_office": "MP",
        "gender": "female",
        "district": {"name": "Ahuntsic-Cartierville", "province": "QC"},
        "email": "melanie.joly@parl.gc.ca",
        "addresses": [HILL],
        "roles": [
            {
                "title_en": "Minister of Foreign Affairs",
                "title_fr": "ministre des Affaires étrangères",
                "start_date": "2021-10-26",
            }
        ],
    },
    "miller": {
        "honorific": "The Honourable",
        "first_name": "Marc",
        "last_name": "Miller",
        "post_nominals": "P.C., M.P.",
        "elected_office": "MP",
        "district": {"name": "Ville-Marie—Le Sud-Ouest—Île-des-Soeurs", "province": "QC"},
        "email": "marc.miller@parl.gc.ca",
        "addresses": [HILL],
        "roles": [
            {
                "title_en": "Minister of Immigration, Refugees and Citizenship",
                "title_fr": "ministre de l'Immigration, des Réfugiés et de la Citoyenneté",
                "start_date": "2023-07-26",
            }
        ],
    },
    "aboultaif": {
        "first_name": "Ziad",
        "last_name": "Aboultaif",
        "post_nominals": "M.P.",
        "elected_office": "MP",
        "district": {"name": "Edmonton Manning", "province": "AB"},
        "email": "ziad.aboultaif@parl.gc.ca",
        "addresses": [HILL],
    },
    "fergus": {
        "first_name": "Greg",
        "last_name": "Fergus",
        "elected_office": "MP",
        "district": {"name": "Hull—Aylmer", "province": "QC"},
        "addresses": [HILL],
    },
    "macKinnon": {
        "first_name": "Steven",
        "last_name": "MacKinnon",
        "elected_office": "MP",
        "district": {"name": "Gatineau", "province": "QC"},
        "email": "steven.mackinnon@parl.gc.ca",
        "addresses": [HILL],
    },
}
POSTAL_TABLE = "postal_code,district_name\nT5A,Edmonton Manning\nJ8X,Gatineau\nJ8X,Hull—Aylmer\n"


def make_directory(client: TestClient, caller: Caller) -> dict[str, str]:
    """The recipients above and a postal-code table; answers their ids by key."""
    ids = {}
    for key, body in RECIPIENTS.items():
        response = client.post("/v1/recipients", json=body, headers=caller.headers)
        assert response.status_code == 201, response.text
        ids[key] = response.json()["id"]
    response = client.post(
        "/v1/districts/postal-codes/import",
        content=POSTAL_TABLE.encode(),
        headers=caller.headers | {"Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    return ids


CAMPAIGN: dict[str, Any] = {
    "slug": "rescind-stca",
    "status": "live",
    "languages": ["en", "fr"],
    "title": {"en": "Rescind the STCA", "fr": "Annulez l'ETPS"},
    "summary": {"en": "Summary.", "fr": "Résumé."},
    "guidance": {"en": "Say who you are.", "fr": "Dites qui vous êtes."},
    "subject": {"en": "Rescind the Safe Third Country Agreement", "fr": "Annuler l'ETPS"},
    "concern": {
        "en": "The United States is not safe for everyone.",
        "fr": "Les États-Unis ne sont pas sûrs pour tous.",
    },
    "ask": {"en": "Rescind the agreement.", "fr": "Annulez l'entente."},
    "may_edit": ["ask"],
    "targets": [
        {"type": "role", "role": "Minister of Immigration, Refugees and Citizenship"},
        {"type": "own_mp"},
    ],
    "channels": ["email"],
    "goal": 100,
    # Letters leave at once, and alone: the tests of the hold window and the receipt say so.
    "hold_minutes": 0,
    "send_receipt": False,
}


def campaign_body(**changes: Any) -> dict[str, Any]:
    return copy.deepcopy(CAMPAIGN) | changes


def make_campaign(client: TestClient, caller: Caller, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/campaigns", json=campaign_body(**changes), headers=caller.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


SUPPORTER = {
    "first_name": "Amélie",
    "last_name": "Tremblay",
    "email": "amelie@example.org",
    "street_address": "24 Rue Principale",
    "city": "Edmonton",
    "province": "AB",
    "postal_code": "t5a 1b7",
}


def action_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "supporter": dict(SUPPORTER),
        "language": "en",
        "intro": "I am a nurse and I write to you from Edmonton.",
        "consent_to_contact": False,
    }
    supporter = changes.pop("supporter", {})
    body["supporter"] |= supporter
    return body | changes
