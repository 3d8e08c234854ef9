"""The quality checks' word lists and place detection, on their own."""

from pathlib import Path

import pytest

from app.letters.quality import abusive_found, says_where_from
from app.letters.schemas import Supporter

WORDLISTS = Path(__file__).parent.parent.parent / "app" / "letters" / "wordlists"
ENTRIES = [
    line.split("#", 1)[0].strip()
    for path in sorted(WORDLISTS.glob("abusive-*.txt"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.split("#", 1)[0].strip()
]
HONEST = [
    "Families fleeing bombs and gangs deserve to be heard.",
    "People are killed after being deported; many die on the way.",
    "I read about the assassination of a journalist in Honduras.",
    "Ça me crève le cœur de voir des familles refoulées.",
    "I live on Scunthorpe Street and I am a class teacher.",
    "Les passeurs font payer très cher la traversée.",
    "Je vous demande de faire sauter ce verrou administratif.",
    "Vous allez payer moins cher si vous agissez maintenant.",
    "A prickly question, in a Dickensian bureaucracy.",
]
SUPPORTER = Supporter.model_validate(
    {
        "first_name": "Amélie",
        "last_name": "Tremblay",
        "email": "amelie@example.org",
        "street_address": "24 Rue Principale",
        "city": "Trois-Rivières",
        "province": "QC",
        "postal_code": "G9A 1A1",
    }
)


@pytest.mark.parametrize("entry", ENTRIES)
def test_every_listed_entry_is_found_in_a_sentence(entry: str) -> None:
    assert abusive_found(f"Minister, {entry.upper()}! I write from Ottawa.")


@pytest.mark.parametrize("sentence", HONEST)
def test_honest_sentences_pass(sentence: str) -> None:
    assert abusive_found(sentence) == []


@pytest.mark.parametrize(
    ("intro", "expected"),
    [
        ("J'écris de Trois-Rivieres.", True),
        ("I am a nurse in trois rivières.", True),
        ("Je suis une électrice du Québec.", True),
        ("I'm from the Mauricie region.", True),
        ("I am a retired teacher.", False),
        ("Refugees need protection.", False),
    ],
)
def test_an_intro_says_where_the_supporter_writes_from(intro: str, expected: bool) -> None:
    assert says_where_from(intro, SUPPORTER) is expected


def test_a_province_code_counts_only_in_capitals() -> None:
    ontario = SUPPORTER.model_copy(update={"province": "ON", "city": "Kingston"})
    assert says_where_from("I write from ON.", ontario) is True
    assert says_where_from("I work on weekends.", ontario) is False
