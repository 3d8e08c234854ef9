"""Checks on what a supporter wrote, answered with the preview and the action.

Refusals (422, the letter does not go): abusive or threatening language, from the word
lists in `wordlists/`. Length and emptiness are refused by the request schema.
Warnings (the letter still goes): an intro that does not say where the supporter writes
from, a letter that is the campaign's default text with nothing of the supporter's own
beyond the intro, and an intro identical to several others in the same campaign
(officials discount identical letters)."""

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from app.errors import InvalidInput
from app.fields import PROVINCES, fold
from app.letters.schemas import QualityWarning, Supporter

WORDLISTS = Path(__file__).parent / "wordlists"
IDENTICAL_INTROS_WARNED_FROM = 3

# How people say where they are writing from, folded.
PLACE_PHRASES = (
    "i live in", "i live on", "i am from", "i m from", "resident of", "living in", "writing from",
    "i write from", "i reside in", "my riding", "your riding", "constituent", "my community",
    "j habite", "je vis a", "je vis au", "je vis dans", "je reside", "j ecris de", "j ecris d",
    "j ecris depuis",
    "je suis de", "residente", "resident de", "votre circonscription", "ma circonscription",
    "electrice", "electeur",
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> list[str]:
    """Folded words; apostrophes split them, so "d'Edmonton" holds "edmonton"."""
    return _WORD.findall(fold(text))


@lru_cache
def abusive_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The listed phrases as word tuples, by their first word."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for path in sorted(WORDLISTS.glob("abusive-*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            phrase = tuple(words_of(line.split("#", 1)[0]))
            if phrase:
                by_first.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(phrases) for first, phrases in by_first.items()}


def abusive_found(text: str) -> list[str]:
    """The listed words or phrases `text` contains, matched as whole words."""
    words = words_of(text)
    phrases = abusive_phrases()
    found: list[str] = []
    for position, word in enumerate(words):
        for phrase in phrases.get(word, ()):
            if tuple(words[position : position + len(phrase)]) == phrase:
                found.append(" ".join(phrase))
    return list(dict.fromkeys(found))


def refuse_abuse(parts: dict[str, str]) -> None:
    errors = [
        {
            "field": part,
            "in": "body",
            "message": "contains words we do not send to an official: " + ", ".join(found),
            "code": "abusive_language",
        }
        for part, text in parts.items()
        if (found := abusive_found(text))
    ]
    if errors:
        raise InvalidInput(
            "The letter contains abusive or threatening language; nothing was sent.",
            errors=errors,
        )


def intro_hash(intro: str) -> str:
    """Intros compared as words: case, accents, spacing and punctuation aside."""
    return hashlib.sha256(" ".join(words_of(intro)).encode()).hexdigest()


def says_where_from(intro: str, supporter: Supporter) -> bool:
    """The intro names the supporter's city or province (a code counts only as written
    in capitals: "on" is a word), or says where they write from."""
    folded = " " + " ".join(words_of(intro)) + " "
    places = [supporter.city, *PROVINCES.get(supporter.province, ())]
    if any(f" {' '.join(words_of(place))} " in folded for place in places if words_of(place)):
        return True
    if re.search(rf"\b{supporter.province}\b", intro):
        return True
    return any(f" {phrase} " in folded for phrase in PLACE_PHRASES)


def warnings_for(
    *,
    intro: str,
    supporter: Supporter,
    edited: bool,
    editable: bool,
    identical_intros: int,
) -> list[QualityWarning]:
    warnings = []
    if not says_where_from(intro, supporter):
        warnings.append(
            QualityWarning(
                code="intro_without_place",
                part="intro",
                message="Say where you are writing from: officials give most weight to "
                "the people they represent.",
            )
        )
    if editable and not edited:
        warnings.append(
            QualityWarning(
                code="default_text",
                part="concern",
                message="Apart from your introduction this is the campaign's text; a "
                "sentence of your own in the concern or the ask makes it count for more.",
            )
        )
    if identical_intros >= IDENTICAL_INTROS_WARNED_FROM:
        warnings.append(
            QualityWarning(
                code="identical_intro",
                part="intro",
                message=f"{identical_intros} other people sent this same introduction; "
                "officials discount identical letters, so write it in your own words.",
            )
        )
    return warnings
