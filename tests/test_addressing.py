"""Forms of address against a table of expected outputs (Canadian protocol)."""

import pytest

from app.campaigns.addressing import Addressee, address_line, name_line, role_line, salutation

JOLY = Addressee(
    last_name="Joly",
    display_name="Mélanie Joly",
    honorific="The Honourable",
    post_nominals="P.C., M.P.",
    elected_office="MP",
    role_en="Minister of Foreign Affairs",
    role_fr="ministre des Affaires étrangères",
)
TRUDEAU = Addressee(
    last_name="Trudeau",
    display_name="Justin Trudeau",
    honorific="The Right Honourable",
    post_nominals="P.C., M.P.",
    elected_office="MP",
    role_en="Prime Minister",
    role_fr="premier ministre",
)
BACKBENCHER = Addressee(
    last_name="Aboultaif",
    display_name="Ziad Aboultaif",
    post_nominals="M.P.",
    elected_office="MP",
)
SENATOR = Addressee(last_name="Omidvar", display_name="Ratna Omidvar", elected_office="Senator")


def as_(addressee: Addressee, **changes: object) -> Addressee:
    return Addressee(**(addressee.__dict__ | changes))


NAME_LINES = [
    (JOLY, "en", "The Honourable Mélanie Joly, P.C., M.P."),
    (as_(JOLY, gender="female"), "fr", "L'honorable Mélanie Joly, c.p., députée"),
    (as_(JOLY, gender="male"), "fr", "L'honorable Mélanie Joly, c.p., député"),
    (JOLY, "fr", "L'honorable Mélanie Joly, c.p."),
    (TRUDEAU, "en", "The Right Honourable Justin Trudeau, P.C., M.P."),
    (as_(TRUDEAU, gender="male"), "fr", "Le très honorable Justin Trudeau, c.p., député"),
    (as_(TRUDEAU, gender="female"), "fr", "La très honorable Justin Trudeau, c.p., députée"),
    (TRUDEAU, "fr", "Très honorable Justin Trudeau, c.p."),
    (BACKBENCHER, "en", "Ziad Aboultaif, M.P."),
    (as_(BACKBENCHER, gender="male"), "en", "Mr. Ziad Aboultaif, M.P."),
    (as_(BACKBENCHER, gender="female"), "en", "Ms. Ziad Aboultaif, M.P."),
    (as_(BACKBENCHER, gender="male"), "fr", "Monsieur Ziad Aboultaif, député"),
    (BACKBENCHER, "fr", "Ziad Aboultaif"),
    (SENATOR, "en", "Ratna Omidvar"),
]

SALUTATIONS = [
    (JOLY, "en", "Dear Minister,"),
    (as_(JOLY, gender="female"), "en", "Dear Minister,"),
    (as_(JOLY, gender="female"), "fr", "Madame la Ministre,"),
    (as_(JOLY, gender="male"), "fr", "Monsieur le Ministre,"),
    (JOLY, "fr", "Bonjour Mélanie Joly,"),
    (TRUDEAU, "en", "Dear Prime Minister,"),
    (as_(TRUDEAU, gender="male"), "fr", "Monsieur le Premier Ministre,"),
    (as_(TRUDEAU, gender="female"), "fr", "Madame la Première Ministre,"),
    (BACKBENCHER, "en", "Dear Ziad Aboultaif,"),
    (as_(BACKBENCHER, gender="male"), "en", "Dear Mr. Aboultaif,"),
    (as_(BACKBENCHER, gender="female"), "en", "Dear Ms. Aboultaif,"),
    (as_(BACKBENCHER, gender="female"), "fr", "Madame la Députée,"),
    (BACKBENCHER, "fr", "Bonjour Ziad Aboultaif,"),
    (SENATOR, "en", "Dear Senator Omidvar,"),
    (as_(JOLY, role_en="President of the Treasury Board"), "en", "Dear Minister,"),
    (as_(JOLY, role_en="Leader of the Government in the House of Commons"), "en", "Dear Minister,"),
    (
        as_(JOLY, role_en="President of the King\u2019s Privy Council for Canada"),
        "en",
        "Dear Minister,",
    ),
    (as_(JOLY, role_en="Deputy Prime Minister"), "en", "Dear Deputy Prime Minister,"),
    (
        as_(JOLY, role_en="Deputy Prime Minister", gender="female"),
        "fr",
        "Madame la Vice-première ministre,",
    ),
    (as_(SENATOR, gender="female"), "fr", "Madame la Sénatrice,"),
    # A minister written to as the supporter's MP is addressed as an MP.
    (as_(JOLY, role_en=None, role_fr=None, gender="female"), "en", "Dear Ms. Joly,"),
    (as_(JOLY, salutation_override="Dear Mélanie,"), "en", "Dear Mélanie,"),
    (as_(JOLY, salutation_override="Chère Mélanie,", gender="female"), "fr", "Chère Mélanie,"),
]


@pytest.mark.parametrize(("addressee", "language", "expected"), NAME_LINES)
def test_the_name_line_follows_protocol(addressee: Addressee, language: str, expected: str) -> None:
    assert name_line(addressee, language) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("addressee", "language", "expected"), SALUTATIONS)
def test_the_salutation_follows_protocol(
    addressee: Addressee, language: str, expected: str
) -> None:
    assert salutation(addressee, language) == expected  # type: ignore[arg-type]


def test_the_house_of_commons_is_named_in_the_letters_language() -> None:
    assert address_line("House of Commons", "fr") == "Chambre des communes"
    assert address_line("House of Commons", "en") == "House of Commons"
    assert address_line("225 Chabanel West", "fr") == "225 Chabanel West"


def test_a_french_letter_leaves_out_a_role_without_a_french_title() -> None:
    assert role_line(as_(JOLY, role_fr=None), "fr") is None
    assert role_line(JOLY, "fr") == "Ministre des Affaires étrangères"
    assert role_line(JOLY, "en") == "Minister of Foreign Affairs"
