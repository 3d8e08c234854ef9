"""The example letters in the README are what the code writes: each is composed here
through the API (a minister, the supporter's own MP, a named senator; English and
French) and must appear in the README word for word, the date aside.

To print them for the README: pytest tests/letters/test_readme_letters.py -k sqlite -s
with LETTERDESK_PRINT_EXAMPLES=1."""

import os
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.campaigns.rendering import localised_date
from tests.campaign_data import HILL, action_body, make_campaign, make_directory
from tests.conftest import Caller

README = Path(__file__).parent.parent.parent / "README.md"
README_DATES = {"en": "November 30, 2026", "fr": "30 novembre 2026"}
SENATOR = {
    "first_name": "Rosemary",
    "last_name": "Moodie",
    "elected_office": "Senator",
    "gender": "female",
    "district": {"name": "Ontario", "province": "ON"},
    "email": "rosemary.moodie@sen.parl.gc.ca",
    "addresses": [HILL | {"lines": ["The Senate of Canada"], "postal_code": "K1A 0A4"}],
}
TARGET_TEXTS: dict[str, Any] = {
    "own_mp": {
        "subject": {
            "en": "A constituent asks you to press for an end to the STCA",
            "fr": "Une personne de votre circonscription vous demande d'agir contre l'ETPS",
        },
        "ask": {
            "en": "As my Member of Parliament, I ask you to raise this with the Minister and "
            "to speak in the House for rescinding the agreement.",
            "fr": "Je vous demande, à titre de députée ou de député de ma circonscription, d'en "
            "saisir la ou le ministre et de plaider à la Chambre pour l'annulation de l'entente.",
        },
        "reply_request": {
            "en": "I would be grateful for a reply telling me where you stand.",
            "fr": "Je vous saurais gré de me répondre et de me dire quelle est votre position.",
        },
    },
    "recipient": {
        "ask": {
            "en": "As a member of the Senate's human rights committee, I ask you to look into "
            "how the agreement is applied at our border.",
            "fr": "Membre du comité sénatorial des droits de la personne, vous pouvez examiner "
            "la façon dont l'entente est appliquée à notre frontière : je vous le demande.",
        },
    },
}
EMAILS = {"en": "amelie@example.org", "fr": "amelie.tremblay@example.org"}
INTROS = {
    "en": "I am a nurse in Edmonton, and I have cared for refugee families who crossed at "
    "Roxham Road.",
    "fr": "Je suis infirmière à Edmonton et j'ai soigné des familles réfugiées arrivées par "
    "le chemin Roxham.",
}


def example_letters(client: TestClient, caller: Caller) -> dict[tuple[str, str], str]:
    """(kind, language) -> the letter's text, for kinds minister, own_mp, recipient."""
    make_directory(client, caller)
    senator = client.post("/v1/recipients", json=SENATOR, headers=caller.headers).json()
    targets = [
        {"type": "role", "role": "Minister of Immigration, Refugees and Citizenship"},
        {"type": "own_mp"},
        {"type": "recipient", "recipient_id": senator["id"]},
    ]
    make_campaign(client, caller, targets=targets, target_texts=TARGET_TEXTS)
    kinds = {"Marc Miller": "minister", "Ziad Aboultaif": "own_mp", "Rosemary Moodie": "recipient"}
    letters = {}
    for language in ("en", "fr"):
        body = action_body(
            language=language, intro=INTROS[language], supporter={"email": EMAILS[language]}
        )
        answer = client.post("/v1/campaigns/rescind-stca/actions", json=body)
        assert answer.status_code == 201, answer.text
        today = localised_date(date.today(), language)
        for letter in answer.json()["letters"]:
            text = letter["body_text"].replace(today, README_DATES[language])
            letters[(kinds[letter["recipient"]["display_name"]], language)] = text
    return letters


def test_the_readme_shows_the_letters_the_code_writes(client: TestClient, caller: Caller) -> None:
    letters = example_letters(client, caller)
    assert len(letters) == 6
    if os.environ.get("LETTERDESK_PRINT_EXAMPLES"):
        for (kind, language), text in letters.items():
            print(f"\n=== {kind} {language}\n```text\n{text}```")
    readme = README.read_text(encoding="utf-8")
    for (kind, language), text in letters.items():
        assert f"```text\n{text}```" in readme, f"the README's {kind} letter in {language}"
