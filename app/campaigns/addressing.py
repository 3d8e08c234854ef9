"""Forms of address in Canadian protocol, English and French: the address block's name
line and the salutation. Table-driven: each form is one row below, so a correction is a
one-line change that the table of expected outputs in the tests checks.

Gendered forms ("Madame la Ministre", "Ms.") are used only where the directory gives a
gender; otherwise the neutral form of each row is used. A directory salutation override
wins over everything."""

from dataclasses import dataclass
from typing import Literal

Language = Literal["en", "fr"]
Gender = Literal["female", "male"] | None
Kind = Literal["prime_minister", "deputy_prime_minister", "minister", "mp", "senator", "other"]

# Cabinet portfolios whose holders are written to as "Minister" though their title does
# not begin with the word (the federal ministry's usual titles), by how they begin.
MINISTERIAL_TITLES = (
    "minister", "associate minister", "president of the treasury board",
    "leader of the government in the house of commons", "president of the king's privy council",
    "president of the queen's privy council", "secretary of state", "solicitor general",
    "attorney general",
)  # fmt: skip


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
    salutation_override: str | None = None
    role_en: str | None = None
    role_fr: str | None = None

    @property
    def surname(self) -> str:
        return self.last_name or self.display_name


# (kind, language) -> (feminine, masculine, neutral); {name} and {surname} filled in.
SALUTATIONS: dict[tuple[Kind, Language], tuple[str, str, str]] = {
    ("prime_minister", "en"): ("Dear Prime Minister,",) * 3,
    ("deputy_prime_minister", "en"): ("Dear Deputy Prime Minister,",) * 3,
    ("minister", "en"): ("Dear Minister,",) * 3,
    ("mp", "en"): ("Dear Ms. {surname},", "Dear Mr. {surname},", "Dear {name},"),
    ("senator", "en"): ("Dear Senator {surname},",) * 3,
    ("other", "en"): ("Dear Ms. {surname},", "Dear Mr. {surname},", "Dear {name},"),
    ("prime_minister", "fr"): (
        "Madame la Première Ministre,",
        "Monsieur le Premier Ministre,",
        "Bonjour {name},",
    ),
    ("deputy_prime_minister", "fr"): (
        "Madame la Vice-première ministre,",
        "Monsieur le Vice-premier ministre,",
        "Bonjour {name},",
    ),
    ("minister", "fr"): ("Madame la Ministre,", "Monsieur le Ministre,", "Bonjour {name},"),
    ("mp", "fr"): ("Madame la Députée,", "Monsieur le Député,", "Bonjour {name},"),
    ("senator", "fr"): ("Madame la Sénatrice,", "Monsieur le Sénateur,", "Bonjour {name},"),
    ("other", "fr"): ("Madame,", "Monsieur,", "Bonjour {name},"),
}

# The English honorific as the directory holds it -> (feminine, masculine, neutral) French.
HONORIFICS_FR: dict[str, tuple[str, str, str]] = {
    "the honourable": ("L'honorable",) * 3,
    "the right honourable": ("La très honorable", "Le très honorable", "Très honorable"),
    "the honorable": ("L'honorable",) * 3,
}

# Post-nominal letters in French; "M.P." is a gendered noun there, so it has three forms
# and the neutral one is to leave it out.
POST_NOMINALS_FR: dict[str, tuple[str, str, str]] = {
    "p.c.": ("c.p.",) * 3,
    "m.p.": ("députée", "député", ""),
    "q.c.": ("c.r.",) * 3,
    "k.c.": ("c.r.",) * 3,
    "senator": ("sénatrice", "sénateur", ""),
}

# Courtesy titles before a name with no honorific, in the address block.
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

CLOSINGS: dict[Language, str] = {
    "en": "Sincerely,",
    "fr": "Je vous prie d'agréer l'expression de ma haute considération.",
}


def _form(forms: tuple[str, str, str], gender: Gender) -> str:
    return forms[0] if gender == "female" else forms[1] if gender == "male" else forms[2]


def kind_of(addressee: Addressee) -> Kind:
    """The capacity a letter writes in: the role it is addressed to, else the office."""
    role = (addressee.role_en or "").casefold().replace("\u2019", "'")
    if role == "prime minister":
        return "prime_minister"
    if role == "deputy prime minister":
        return "deputy_prime_minister"
    if role.startswith(MINISTERIAL_TITLES):
        return "minister"
    office = (addressee.elected_office or "").casefold()
    if office in {"mp", "member of parliament"}:
        return "mp"
    if office == "senator":
        return "senator"
    return "other"


def salutation(addressee: Addressee, language: Language) -> str:
    if addressee.salutation_override:
        return addressee.salutation_override
    form = _form(SALUTATIONS[(kind_of(addressee), language)], addressee.gender)
    return form.format(name=addressee.display_name, surname=addressee.surname)


def _post_nominals(addressee: Addressee, language: Language) -> str:
    if not addressee.post_nominals:
        return ""
    if language == "en":
        return addressee.post_nominals
    parts = [part.strip() for part in addressee.post_nominals.split(",") if part.strip()]
    translated = [
        _form(POST_NOMINALS_FR[part.casefold()], addressee.gender)
        if part.casefold() in POST_NOMINALS_FR
        else part
        for part in parts
    ]
    return ", ".join(part for part in translated if part)


def _honorific(addressee: Addressee, language: Language) -> str:
    if addressee.honorific:
        if language == "en":
            return addressee.honorific
        forms = HONORIFICS_FR.get(addressee.honorific.casefold())
        return _form(forms, addressee.gender) if forms else addressee.honorific
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


def closing(language: Language) -> str:
    return CLOSINGS[language]


def address_line(line: str, language: Language) -> str:
    return ADDRESS_LINES_FR.get(line.casefold(), line) if language == "fr" else line
