"""Forms of address against one table of expected outputs (Canadian protocol): every
office, with the gender known (female, male) and unknown, in English and French; then
overrides, and a minister written to as the supporter's own MP.

Each row gives the address block's name line, the salutation and the closing. Where the
forms come from is cited beside the tables in app/campaigns/addressing.py."""

from typing import Literal

import pytest

from app.campaigns.addressing import (
    Addressee,
    Gender,
    address_line,
    closing,
    name_line,
    role_line,
    salutation,
)

PRIME_MINISTER = Addressee(
    last_name="Carney",
    display_name="Mark Carney",
    honorific="The Right Honourable",
    post_nominals="P.C., M.P.",
    elected_office="MP",
    role_en="Prime Minister",
    role_fr="premier ministre",
)
DEPUTY_PRIME_MINISTER = Addressee(
    last_name="Freeland",
    display_name="Chrystia Freeland",
    honorific="The Honourable",
    post_nominals="P.C., M.P.",
    elected_office="MP",
    role_en="Deputy Prime Minister",
    role_fr="vice-première ministre",
)
MINISTER = Addressee(
    last_name="Joly",
    display_name="Mélanie Joly",
    honorific="The Honourable",
    post_nominals="P.C., M.P.",
    elected_office="MP",
    role_en="Minister of Foreign Affairs",
    role_fr="ministre des Affaires étrangères",
)
HOUSE_SPEAKER = Addressee(
    last_name="Scarpaleggia",
    display_name="Francis Scarpaleggia",
    honorific="The Honourable",
    post_nominals="M.P.",
    elected_office="MP",
    role_en="Speaker of the House of Commons",
    role_fr="président de la Chambre des communes",
)
SENATE_SPEAKER = Addressee(
    last_name="Gagné",
    display_name="Raymonde Gagné",
    honorific="The Honourable",
    elected_office="Senator",
    role_en="Speaker of the Senate",
    role_fr="présidente du Sénat",
)
# A senator as a directory often holds one: no honorific, no post-nominals. Every
# senator is "The Honourable" and signs as "Senator" all the same.
SENATOR = Addressee(last_name="Omidvar", display_name="Ratna Omidvar", elected_office="Senator")
MP = Addressee(
    last_name="Aboultaif", display_name="Ziad Aboultaif", post_nominals="M.P.", elected_office="MP"
)
# An MP as Represent gives one: no post-nominals in the source.
MP_FROM_REPRESENT = Addressee(last_name="Idlout", display_name="Lori Idlout", elected_office="MP")
COUNCILLOR = Addressee(last_name="Doe", display_name="Jane Doe", elected_office="Councillor")

FR_CLOSING = "Je vous prie d'agréer, {}, l'expression de ma haute considération."
EN_CLOSING = "Sincerely,"

# (who, gender, language, name line, salutation); the closing follows from the salutation.
FORMS: list[tuple[str, Addressee, Gender, Literal["en", "fr"], str, str]] = [
    # The Prime Minister
    ("pm", PRIME_MINISTER, "female", "en", "The Right Honourable Mark Carney, P.C., M.P.",
     "Dear Prime Minister:"),
    ("pm", PRIME_MINISTER, "male", "en", "The Right Honourable Mark Carney, P.C., M.P.",
     "Dear Prime Minister:"),
    ("pm", PRIME_MINISTER, None, "en", "The Right Honourable Mark Carney, P.C., M.P.",
     "Dear Prime Minister:"),
    ("pm", PRIME_MINISTER, "female", "fr", "La très honorable Mark Carney, c.p., députée",
     "Madame la Première Ministre,"),
    ("pm", PRIME_MINISTER, "male", "fr", "Le très honorable Mark Carney, c.p., député",
     "Monsieur le Premier Ministre,"),
    ("pm", PRIME_MINISTER, None, "fr", "Le très honorable Mark Carney, c.p., député(e)",
     "Madame la Première Ministre, Monsieur le Premier Ministre,"),
    # The Deputy Prime Minister
    ("dpm", DEPUTY_PRIME_MINISTER, "female", "en",
     "The Honourable Chrystia Freeland, P.C., M.P.", "Dear Deputy Prime Minister:"),
    ("dpm", DEPUTY_PRIME_MINISTER, "male", "en",
     "The Honourable Chrystia Freeland, P.C., M.P.", "Dear Deputy Prime Minister:"),
    ("dpm", DEPUTY_PRIME_MINISTER, None, "en",
     "The Honourable Chrystia Freeland, P.C., M.P.", "Dear Deputy Prime Minister:"),
    ("dpm", DEPUTY_PRIME_MINISTER, "female", "fr",
     "L'honorable Chrystia Freeland, c.p., députée", "Madame la Vice-Première Ministre,"),
    ("dpm", DEPUTY_PRIME_MINISTER, "male", "fr",
     "L'honorable Chrystia Freeland, c.p., député", "Monsieur le Vice-Premier Ministre,"),
    ("dpm", DEPUTY_PRIME_MINISTER, None, "fr", "L'honorable Chrystia Freeland, c.p., député(e)",
     "Madame la Vice-Première Ministre, Monsieur le Vice-Premier Ministre,"),
    # A minister
    ("minister", MINISTER, "female", "en", "The Honourable Mélanie Joly, P.C., M.P.",
     "Dear Minister:"),
    ("minister", MINISTER, "male", "en", "The Honourable Mélanie Joly, P.C., M.P.",
     "Dear Minister:"),
    ("minister", MINISTER, None, "en", "The Honourable Mélanie Joly, P.C., M.P.",
     "Dear Minister:"),
    ("minister", MINISTER, "female", "fr", "L'honorable Mélanie Joly, c.p., députée",
     "Madame la Ministre,"),
    ("minister", MINISTER, "male", "fr", "L'honorable Mélanie Joly, c.p., député",
     "Monsieur le Ministre,"),
    ("minister", MINISTER, None, "fr", "L'honorable Mélanie Joly, c.p., député(e)",
     "Madame la Ministre, Monsieur le Ministre,"),
    # The Speaker of the House of Commons
    ("house speaker", HOUSE_SPEAKER, "female", "en",
     "The Honourable Francis Scarpaleggia, M.P.", "Dear Madam Speaker:"),
    ("house speaker", HOUSE_SPEAKER, "male", "en",
     "The Honourable Francis Scarpaleggia, M.P.", "Dear Mr. Speaker:"),
    ("house speaker", HOUSE_SPEAKER, None, "en",
     "The Honourable Francis Scarpaleggia, M.P.", "Dear Speaker:"),
    ("house speaker", HOUSE_SPEAKER, "female", "fr",
     "L'honorable Francis Scarpaleggia, députée", "Madame la Présidente,"),
    ("house speaker", HOUSE_SPEAKER, "male", "fr",
     "L'honorable Francis Scarpaleggia, député", "Monsieur le Président,"),
    ("house speaker", HOUSE_SPEAKER, None, "fr", "L'honorable Francis Scarpaleggia, député(e)",
     "Madame la Présidente, Monsieur le Président,"),
    # The Speaker of the Senate
    ("senate speaker", SENATE_SPEAKER, "female", "en", "The Honourable Raymonde Gagné, Senator",
     "Dear Madam Speaker:"),
    ("senate speaker", SENATE_SPEAKER, "male", "en", "The Honourable Raymonde Gagné, Senator",
     "Dear Mr. Speaker:"),
    ("senate speaker", SENATE_SPEAKER, None, "en", "The Honourable Raymonde Gagné, Senator",
     "Dear Speaker:"),
    ("senate speaker", SENATE_SPEAKER, "female", "fr", "L'honorable Raymonde Gagné, sénatrice",
     "Madame la Présidente,"),
    ("senate speaker", SENATE_SPEAKER, "male", "fr", "L'honorable Raymonde Gagné, sénateur",
     "Monsieur le Président,"),
    ("senate speaker", SENATE_SPEAKER, None, "fr",
     "L'honorable Raymonde Gagné, sénateur(trice)", "Madame la Présidente, Monsieur le Président,"),
    # A senator
    ("senator", SENATOR, "female", "en", "The Honourable Ratna Omidvar, Senator",
     "Dear Senator Omidvar:"),
    ("senator", SENATOR, "male", "en", "The Honourable Ratna Omidvar, Senator",
     "Dear Senator Omidvar:"),
    ("senator", SENATOR, None, "en", "The Honourable Ratna Omidvar, Senator",
     "Dear Senator Omidvar:"),
    ("senator", SENATOR, "female", "fr", "L'honorable Ratna Omidvar, sénatrice",
     "Madame la Sénatrice,"),
    ("senator", SENATOR, "male", "fr", "L'honorable Ratna Omidvar, sénateur",
     "Monsieur le Sénateur,"),
    ("senator", SENATOR, None, "fr", "L'honorable Ratna Omidvar, sénateur(trice)",
     "Madame la Sénatrice, Monsieur le Sénateur,"),
    # A member of Parliament without a portfolio
    ("mp", MP, "female", "en", "Ms. Ziad Aboultaif, M.P.", "Dear Ms. Aboultaif:"),
    ("mp", MP, "male", "en", "Mr. Ziad Aboultaif, M.P.", "Dear Mr. Aboultaif:"),
    ("mp", MP, None, "en", "Ziad Aboultaif, M.P.", "Dear Member of Parliament:"),
    ("mp", MP, "female", "fr", "Madame Ziad Aboultaif, députée", "Madame la Députée,"),
    ("mp", MP, "male", "fr", "Monsieur Ziad Aboultaif, député", "Monsieur le Député,"),
    ("mp", MP, None, "fr", "Ziad Aboultaif, député(e)", "Madame la Députée, Monsieur le Député,"),
    # An MP whose source gives no post-nominals is still "M.P." / "député(e)"
    ("mp from Represent", MP_FROM_REPRESENT, "female", "en", "Ms. Lori Idlout, M.P.",
     "Dear Ms. Idlout:"),
    ("mp from Represent", MP_FROM_REPRESENT, None, "en", "Lori Idlout, M.P.",
     "Dear Member of Parliament:"),
    ("mp from Represent", MP_FROM_REPRESENT, None, "fr", "Lori Idlout, député(e)",
     "Madame la Députée, Monsieur le Député,"),
    # Anyone else (a councillor, a mayor): courtesy titles only
    ("other", COUNCILLOR, "female", "en", "Ms. Jane Doe", "Dear Ms. Doe:"),
    ("other", COUNCILLOR, "male", "en", "Mr. Jane Doe", "Dear Mr. Doe:"),
    ("other", COUNCILLOR, None, "en", "Jane Doe", "Dear Jane Doe:"),
    ("other", COUNCILLOR, "female", "fr", "Madame Jane Doe", "Madame,"),
    ("other", COUNCILLOR, "male", "fr", "Monsieur Jane Doe", "Monsieur,"),
    ("other", COUNCILLOR, None, "fr", "Jane Doe", "Madame, Monsieur,"),
    # A minister written to as the supporter's own MP is written to in that capacity:
    # as an MP, their honorific and post-nominals kept.
    ("minister as own MP", MINISTER.as_member(), "female", "en",
     "The Honourable Mélanie Joly, P.C., M.P.", "Dear Ms. Joly:"),
    ("minister as own MP", MINISTER.as_member(), None, "en",
     "The Honourable Mélanie Joly, P.C., M.P.", "Dear Member of Parliament:"),
    ("minister as own MP", MINISTER.as_member(), "female", "fr",
     "L'honorable Mélanie Joly, c.p., députée", "Madame la Députée,"),
    ("minister as own MP", MINISTER.as_member(), None, "fr",
     "L'honorable Mélanie Joly, c.p., député(e)", "Madame la Députée, Monsieur le Député,"),
    # Overrides: each language's own, used in that language only, repeated in the closing
    ("override en", MINISTER.with_(salutation_override_en="Dear Mélanie,"), "female", "en",
     "The Honourable Mélanie Joly, P.C., M.P.", "Dear Mélanie,"),
    ("override en on a French letter", MINISTER.with_(salutation_override_en="Dear Mélanie,"),
     "female", "fr", "L'honorable Mélanie Joly, c.p., députée", "Madame la Ministre,"),
    ("override fr", MINISTER.with_(salutation_override_fr="Chère Madame Joly,"), None, "fr",
     "L'honorable Mélanie Joly, c.p., député(e)", "Chère Madame Joly,"),
    ("override fr on an English letter",
     MINISTER.with_(salutation_override_fr="Chère Madame Joly,"), None, "en",
     "The Honourable Mélanie Joly, P.C., M.P.", "Dear Minister:"),
    # Roles that are ministerial without the word "Minister" first
    ("treasury board", MINISTER.with_(role_en="President of the Treasury Board"), None, "en",
     "The Honourable Mélanie Joly, P.C., M.P.", "Dear Minister:"),
    ("privy council",
     MINISTER.with_(role_en="President of the King\u2019s Privy Council for Canada"),
     "male", "fr", "L'honorable Mélanie Joly, c.p., député", "Monsieur le Ministre,"),
    # "Deputy Speaker" is not the Speaker: an MP in that capacity
    ("deputy speaker", MP.with_(role_en="Deputy Speaker and Chair of Committees of the Whole"),
     "male", "en", "Mr. Ziad Aboultaif, M.P.", "Dear Mr. Aboultaif:"),
]  # fmt: skip


def expected_closing(language: str, greeting: str) -> str:
    return FR_CLOSING.format(greeting.rstrip(",:")) if language == "fr" else EN_CLOSING


@pytest.mark.parametrize(
    ("addressee", "gender", "language", "expected_name", "expected_salutation"),
    [row[1:] for row in FORMS],
    ids=[f"{row[0]}-{row[2] or 'unknown'}-{row[3]}" for row in FORMS],
)
def test_forms_of_address_follow_protocol(
    addressee: Addressee,
    gender: Gender,
    language: Literal["en", "fr"],
    expected_name: str,
    expected_salutation: str,
) -> None:
    someone = addressee.with_(gender=gender)
    assert name_line(someone, language) == expected_name
    assert salutation(someone, language) == expected_salutation
    assert closing(someone, language) == expected_closing(language, expected_salutation)


def test_the_table_covers_every_office_gender_and_language() -> None:
    offices = {"pm", "dpm", "minister", "house speaker", "senate speaker", "senator", "mp"}
    covered = {(row[0], row[2], row[3]) for row in FORMS}
    for office in offices | {"other"}:
        for gender in ("female", "male", None):
            for language in ("en", "fr"):
                assert (office, gender, language) in covered


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "addressee", [PRIME_MINISTER, MINISTER, SENATOR, MP, MINISTER.as_member(), HOUSE_SPEAKER]
)
def test_no_official_is_greeted_by_first_and_last_name(
    addressee: Addressee, language: Literal["en", "fr"]
) -> None:
    assert addressee.display_name not in salutation(addressee, language)
    assert "Bonjour" not in salutation(addressee, language)


def test_the_house_of_commons_is_named_in_the_letters_language() -> None:
    assert address_line("House of Commons", "fr") == "Chambre des communes"
    assert address_line("House of Commons", "en") == "House of Commons"
    assert address_line("225 Chabanel West", "fr") == "225 Chabanel West"


def test_a_french_letter_leaves_out_a_role_without_a_french_title() -> None:
    assert role_line(MINISTER.with_(role_fr=None), "fr") is None
    assert role_line(MINISTER, "fr") == "Ministre des Affaires étrangères"
    assert role_line(MINISTER, "en") == "Minister of Foreign Affairs"
