"""Forms of address in Canadian protocol, English and French: the address block's name
line, the salutation and the closing. Table-driven: each form is one row below, so a
correction is a one-line change that the table of expected outputs in
tests/campaigns/test_addressing.py checks.

Sources:
- [CH] Canadian Heritage, "Styles of address" (canada.ca, Protocol guidelines): the
  honorific, post-nominals and salutation of the Prime Minister, ministers, the Speakers
  of the Senate and of the House, senators and members ("Dear Prime Minister:",
  "Dear Mr. Speaker:", "Monsieur le Président,", "Madame la Députée,"); its French page
  "Titres et formules d'appel" for the French forms ("Le très honorable", "député").
- [BT] Translation Bureau, Language Portal of Canada (TERMIUM Plus writing tools):
  "Appel" and "Salutation" in Clefs du français pratique and Writing Tips Plus: the
  French appellation takes capitals ("Madame la Ministre,"), the closing formula repeats
  it ("Je vous prie d'agréer, Madame la Ministre, l'expression de ma haute
  considération."), and where the addressee's sex is not known both forms are written,
  the feminine first ("Madame, Monsieur,"); truncated doublets such as "député(e)" are
  for tight spaces such as an address block.
- [CS] The Canadian Style (Translation Bureau): in a formal English letter the
  salutation ends with a colon.

Gendered forms ("Madame la Ministre", "Ms.") are used only where the directory gives a
gender; otherwise the neutral form of each row is used, and no Prime Minister, minister,
senator, Speaker or MP is ever greeted by first and last name. A directory salutation
override for the letter's language wins over the salutation (and is repeated in the
French closing)."""

from dataclasses import dataclass, replace
from typing import Literal

Language = Literal["en", "fr"]
Gender = Literal["female", "male"] | None
Kind = Literal[
    "prime_minister", "deputy_prime_minister", "minister", "speaker", "mp", "senator", "other"
]  # fmt: skip

# Cabinet portfolios whose holders are written to as "Minister" though their title does
# not begin with the word (the federal ministry's usual titles), by how they begin.
MINISTERIAL_TITLES = (
    "minister", "associate minister", "president of the treasury board",
    "leader of the government in the house of commons", "president of the king's privy council",
    "president of the queen's privy council", "secretary of state", "solicitor general",
    "attorney general",
)  # fmt: skip
# The presiding officers of the two houses [CH]; "Deputy Speaker" is not among them.
SPEAKER_TITLES = ("speaker of the house of commons", "speaker of the senate")


@dataclass(frozen=True)
class Addressee:
    """What forms of address need to know of a recipient and of the capacity the letter
    writes to them in (a role, such as "Minister of Foreign Affairs", or none)."""

    last_name: str | None
    display_name: str
    honorific: str | None = None
    post_nominals: str | None = None
    gender: Gender = None
    elected_office: str | None = None
    salutation_override_en: str | None = None
    salutation_override_fr: str | None = None
    role_en: str | None = None
    role_fr: str | None = None

    @property
    def surname(self) -> str:
        return self.last_name or self.display_name

    def with_(self, **changes: object) -> "Addressee":
        return replace(self, **changes)  # type: ignore[arg-type]

    def as_member(self) -> "Addressee":
        """The same person written to in no role: as the supporter's own MP."""
        return replace(self, role_en=None, role_fr=None)

    def override(self, language: Language) -> str | None:
        return self.salutation_override_fr if language == "fr" else self.salutation_override_en


# (kind, language) -> (feminine, masculine, unknown); {name} and {surname} filled in.
SALUTATIONS: dict[tuple[Kind, Language], tuple[str, str, str]] = {
    # [CH] [CS]: by title, the same for everyone who holds it.
    ("prime_minister", "en"): ("Dear Prime Minister:",) * 3,
    ("deputy_prime_minister", "en"): ("Dear Deputy Prime Minister:",) * 3,
    ("minister", "en"): ("Dear Minister:",) * 3,
    ("senator", "en"): ("Dear Senator {surname}:",) * 3,
    # [CH] "Dear Mr. Speaker:" / "Dear Madam Speaker:"; without a gender, the title alone.
    ("speaker", "en"): ("Dear Madam Speaker:", "Dear Mr. Speaker:", "Dear Speaker:"),
    # [CH] "Dear Mr./Ms. Lastname:"; without a gender, the office (never the full name).
    ("mp", "en"): ("Dear Ms. {surname}:", "Dear Mr. {surname}:", "Dear Member of Parliament:"),
    # [BT] Writing Tips Plus: without a gender, "Dear" and the full name.
    ("other", "en"): ("Dear Ms. {surname}:", "Dear Mr. {surname}:", "Dear {name}:"),
    # [CH] French forms; [BT] both forms, feminine first, when the sex is not known.
    ("prime_minister", "fr"): (
        "Madame la Première Ministre,",
        "Monsieur le Premier Ministre,",
        "Madame la Première Ministre, Monsieur le Premier Ministre,",
    ),
    ("deputy_prime_minister", "fr"): (
        "Madame la Vice-Première Ministre,",
        "Monsieur le Vice-Premier Ministre,",
        "Madame la Vice-Première Ministre, Monsieur le Vice-Premier Ministre,",
    ),
    ("minister", "fr"): (
        "Madame la Ministre,",
        "Monsieur le Ministre,",
        "Madame la Ministre, Monsieur le Ministre,",
    ),
    ("speaker", "fr"): (
        "Madame la Présidente,",
        "Monsieur le Président,",
        "Madame la Présidente, Monsieur le Président,",
    ),
    ("mp", "fr"): (
        "Madame la Députée,",
        "Monsieur le Député,",
        "Madame la Députée, Monsieur le Député,",
    ),
    ("senator", "fr"): (
        "Madame la Sénatrice,",
        "Monsieur le Sénateur,",
        "Madame la Sénatrice, Monsieur le Sénateur,",
    ),
    ("other", "fr"): ("Madame,", "Monsieur,", "Madame, Monsieur,"),
}

# The English honorific as the directory holds it -> (feminine, masculine, unknown)
# French [CH]: "Le très honorable" is the title's form where the sex is not known.
HONORIFICS_FR: dict[str, tuple[str, str, str]] = {
    "the honourable": ("L'honorable",) * 3,
    "the honorable": ("L'honorable",) * 3,
    "hon.": ("L'honorable",) * 3,
    "the right honourable": ("La très honorable", "Le très honorable", "Le très honorable"),
    "right hon.": ("La très honorable", "Le très honorable", "Le très honorable"),
}

# Post-nominal letters in French [CH]; "M.P." and "Senator" are gendered nouns there,
# written as a truncated doublet where the sex is not known [BT].
POST_NOMINALS_FR: dict[str, tuple[str, str, str]] = {
    "p.c.": ("c.p.",) * 3,
    "m.p.": ("députée", "député", "député(e)"),
    "q.c.": ("c.r.",) * 3,
    "k.c.": ("c.r.",) * 3,
    "senator": ("sénatrice", "sénateur", "sénateur(trice)"),
}

# What every holder of an office is styled, whether or not the directory says so [CH]:
# a senator is "The Honourable ..., Senator"; a member is "..., M.P.".
OFFICE_HONORIFICS: dict[Kind, str] = {"senator": "The Honourable"}
OFFICE_POST_NOMINALS: dict[str, str] = {"mp": "M.P.", "senator": "Senator"}

# Courtesy titles before a name with no honorific, in the address block [CH].
COURTESY_TITLES: dict[Language, tuple[str, str, str]] = {
    "en": ("Ms.", "Mr.", ""),
    "fr": ("Madame", "Monsieur", ""),
}

# Address lines that have a French name of their own, for letters in French.
ADDRESS_LINES_FR: dict[str, str] = {
    "house of commons": "Chambre des communes",
    "senate of canada": "Sénat du Canada",
    "the senate of canada": "Sénat du Canada",
}

CLOSING_EN = "Sincerely,"
# [BT]: the closing formula repeats the appellation, between commas.
CLOSING_FR = "Je vous prie d'agréer, {appellation}, l'expression de ma haute considération."


def _form(forms: tuple[str, str, str], gender: Gender) -> str:
    return forms[0] if gender == "female" else forms[1] if gender == "male" else forms[2]


def _office(addressee: Addressee) -> str:
    office = (addressee.elected_office or "").casefold()
    return "mp" if office in {"mp", "member of parliament"} else office


def kind_of(addressee: Addressee) -> Kind:
    """The capacity a letter writes in: the role it is addressed to, else the office."""
    role = (addressee.role_en or "").casefold().replace("\u2019", "'")
    if role in {"prime minister", "prime minister of canada"}:
        return "prime_minister"
    if role == "deputy prime minister":
        return "deputy_prime_minister"
    if role.startswith(MINISTERIAL_TITLES):
        return "minister"
    if role.startswith(SPEAKER_TITLES):
        return "speaker"
    office = _office(addressee)
    if office == "mp":
        return "mp"
    if office == "senator":
        return "senator"
    return "other"


def salutation(addressee: Addressee, language: Language) -> str:
    override = addressee.override(language)
    if override:
        return override
    form = _form(SALUTATIONS[(kind_of(addressee), language)], addressee.gender)
    return form.format(name=addressee.display_name, surname=addressee.surname)


def _post_nominal_parts(addressee: Addressee) -> list[str]:
    """The directory's post-nominals, with the office's own added where missing: a
    source such as Represent gives none, yet every MP is "M.P."."""
    parts = [part.strip() for part in (addressee.post_nominals or "").split(",") if part.strip()]
    own = OFFICE_POST_NOMINALS.get(_office(addressee))
    if own and own.casefold() not in {part.casefold() for part in parts}:
        parts.append(own)
    return parts


def _post_nominals(addressee: Addressee, language: Language) -> str:
    parts = _post_nominal_parts(addressee)
    if language == "en":
        return ", ".join(parts)
    translated = [
        _form(POST_NOMINALS_FR[part.casefold()], addressee.gender)
        if part.casefold() in POST_NOMINALS_FR
        else part
        for part in parts
    ]
    return ", ".join(part for part in translated if part)


def _honorific(addressee: Addressee, language: Language) -> str:
    honorific = addressee.honorific or OFFICE_HONORIFICS.get(kind_of(addressee.as_member()))
    if honorific:
        if language == "en":
            return honorific
        forms = HONORIFICS_FR.get(honorific.casefold())
        return _form(forms, addressee.gender) if forms else honorific
    return _form(COURTESY_TITLES[language], addressee.gender)


def name_line(addressee: Addressee, language: Language) -> str:
    """'The Honourable Jane Doe, P.C., M.P.' / "L'honorable Jane Doe, c.p., députée"."""
    name = " ".join(
        part for part in (_honorific(addressee, language), addressee.display_name) if part
    )
    letters = _post_nominals(addressee, language)
    return f"{name}, {letters}" if letters else name


def role_line(addressee: Addressee, language: Language) -> str | None:
    """The title of the role the letter is addressed to, capitalised as a heading; a
    French letter leaves out a role the directory has no French title for."""
    title = addressee.role_fr if language == "fr" else addressee.role_en
    return title[0].upper() + title[1:] if title else None


def closing(addressee: Addressee, language: Language) -> str:
    if language == "en":
        return CLOSING_EN
    appellation = salutation(addressee, language).rstrip().rstrip(",:")
    return CLOSING_FR.format(appellation=appellation)


def address_line(line: str, language: Language) -> str:
    return ADDRESS_LINES_FR.get(line.casefold(), line) if language == "fr" else line
