"""Checks on what a supporter wrote, answered with the preview and the action, in the
letter's language (messages.py).

What is refused and what is warned follows what the code did before these checks: the
request schema refuses what is empty or too long, and abuse was refused; every judgement
of style was a warning. So:

Refused (422, nothing is stored or sent):
- abusive or threatening language, however spelt (word lists in `wordlists/`, matched
  through leet, masking asterisks, repeated letters and spaced letters);
- an intro of fewer than 3 words: "." or "Bonjour" is an empty intro with punctuation,
  and empty is refused;
- an intro (or a part the campaign asks the supporter to write) that is mostly the
  campaign's own text: the campaign asked for the supporter's words there, and refusing
  a part left unwritten is what the service already does (`must_write`).
Warned (the letter goes; the supporter may improve it):
- a short intro, no place, the campaign's default text unchanged, an intro in the other
  language, capitals throughout, links, the campaign's guidance pasted into an editable
  part, and an intro identical or nearly identical to three or more earlier ones.
Officials can read a letter with any of these, but staff give it less weight."""

import difflib
import hashlib
import re
import struct
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from app.errors import InvalidInput
from app.fields import PROVINCES, fold
from app.letters.messages import LANGUAGE_NAMES, Language, say, sentence_start
from app.letters.schemas import QualityWarning, Supporter

WORDLISTS = Path(__file__).parent / "wordlists"
IDENTICAL_INTROS_WARNED_FROM = 3
NEAR_DUPLICATES_WARNED_FROM = 3
INTRO_WORDS_AT_LEAST = 3  # fewer is refused
INTRO_WORDS_WARNED_BELOW = 6
COPIED_REFUSED_FROM = 0.7  # share of the part's word triples found in the campaign's texts
GUIDANCE_WARNED_FROM = 0.5

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


def word_count(text: str) -> int:
    """Words as the other checks count them: "J'écris d'Edmonton" is four (j', écris,
    d', Edmonton), as it says as much as "I write from Edmonton"."""
    return len(words_of(text))


# --- Abuse, however it is spelt -------------------------------------------------------

# Characters written for a letter, as people disguise words ("sh1t", "a$$hole").
LEET = {"a": "4@", "b": "8", "e": "3", "g": "9", "i": "1!|", "l": "1|", "o": "0", "s": "5$",
        "t": "7+"}  # fmt: skip
MASKS = "*#%"  # "f*ck", "f**k": a masked letter stands inside a word, never first or last
_GAP = r"[^a-z0-9*#%@$!|+]+"  # between the words of a phrase
_BEFORE = r"(?<![a-z0-9])"
_AFTER = r"(?![a-z0-9])"
# Letters written apart: "f u c k", "f.u.c.k", "d-i-e": three or more single characters.
_SPACED = re.compile(r"(?<![a-z0-9])[a-z0-9@$*](?:[\s.\-_]+[a-z0-9@$*]){2,}(?![a-z0-9])")


def _letter_pattern(letter: str, inside: bool) -> str:
    """A letter, its look-alikes, repeated ("fuuuck"), or masked when inside a word."""
    chars = re.escape(letter + LEET.get(letter, "") + (MASKS if inside else ""))
    return f"[{chars}]+"


def _word_pattern(word: str) -> str:
    last = len(word) - 1
    return "".join(_letter_pattern(char, 0 < i < last) for i, char in enumerate(word))


def _entry_pattern(line: str) -> str | None:
    """A list line as a pattern: its words in sequence, each however spelt; words after
    " !" are followers that make the phrase honest ("should be shot !down")."""
    phrase, _, not_followed_by = line.split("#", 1)[0].partition(" !")
    words = words_of(phrase)
    if not words:
        return None
    pattern = _BEFORE + _GAP.join(_word_pattern(word) for word in words) + _AFTER
    honest = words_of(not_followed_by)
    if honest:
        pattern += f"(?!{_GAP}(?:{'|'.join(honest)}){_AFTER})"
    return pattern


def _list_lines(pattern: str) -> list[str]:
    return [
        line
        for path in sorted(WORDLISTS.glob(pattern))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


@lru_cache
def abusive_patterns() -> list[re.Pattern[str]]:
    """One pattern for the listed words and phrases, and one for chained sacres."""
    entries = [p for line in _list_lines("abusive-*.txt") if (p := _entry_pattern(line))]
    sacres = [
        _word_pattern(word)
        for line in _list_lines("sacres-*.txt")
        for word in words_of(line.split("#", 1)[0])
    ]
    sacre = f"{_BEFORE}(?:{'|'.join(sacres)}){_AFTER}"
    chained = f"{sacre}(?:{_GAP}de{_GAP}|{_GAP}d'|{_GAP}){sacre}"
    return [re.compile("|".join(f"(?:{e})" for e in entries)), re.compile(chained)]


def warm_up() -> None:
    """Compile the word lists' patterns (about a second of CPU) and read the small words,
    before the first action: else the first actions a process takes at once each compile
    them, and wait seconds for each other."""
    abusive_patterns()
    for language in ("en", "fr"):
        stop_words(language)


def _readings(text: str) -> list[str]:
    """The text folded, and again with letters written apart joined up."""
    folded = fold(text)
    joined = _SPACED.sub(lambda m: re.sub(r"[\s.\-_]+", "", m.group()), folded)
    return [folded] if joined == folded else [folded, joined]


def abusive_found(text: str) -> list[str]:
    """The abusive words or phrases `text` contains, as written, matched as whole words.
    A match needs a real letter: "455" is a number, not a disguised word."""
    found = [
        " ".join(match.group().split())
        for reading in _readings(text)
        for pattern in abusive_patterns()
        for match in pattern.finditer(reading)
        if re.search("[a-z]", match.group())
    ]
    return list(dict.fromkeys(found))


# --- Language, shouting, links --------------------------------------------------------


@lru_cache
def stop_words(language: Language) -> frozenset[str]:
    """The small words of `language` (wordlists/stopwords-*.txt)."""
    lines = (WORDLISTS / f"stopwords-{language}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines for word in words_of(line.split("#", 1)[0]))


STOP_WORDS_NEEDED = 3


def language_guess(text: str) -> Language | None:
    """English or French, from the small words; None when there are too few to tell or
    neither has twice the other's count (a name and a place say nothing)."""
    words = words_of(text)
    english = sum(word in stop_words("en") for word in words)
    french = sum(word in stop_words("fr") for word in words)
    if max(english, french) < STOP_WORDS_NEEDED:
        return None
    if english >= 2 * french:
        return "en"
    if french >= 2 * english:
        return "fr"
    return None


def is_shouting(text: str) -> bool:
    """Nearly all capitals over enough letters to be more than acronyms ("RCMP")."""
    letters = [char for char in text if char.isalpha()]
    if len(letters) < 16:
        return False
    return sum(char.isupper() for char in letters) >= 0.8 * len(letters)


_LINK = re.compile(
    r"(?<![\w@./])(?:https?://[^\s<>\"]+|www\.[^\s<>\"]+"
    r"|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|ca|org|net|info|io|ly|gov|fr|co|me)\b"
    r"(?:/[^\s<>\"]*)?)",
    re.IGNORECASE,
)


def links_in(text: str) -> list[str]:
    return [match.group().rstrip(".,;:!?)]»'\"") for match in _LINK.finditer(text)]


# --- Copies of campaign text ----------------------------------------------------------


def _triples(text: str) -> set[tuple[str, ...]]:
    words = words_of(text)
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def copied_share(text: str, sources: Iterable[str]) -> float:
    """The share of `text`'s word triples that are in `sources`: 1.0 for a paste."""
    own = _triples(text)
    if not own:
        return 0.0
    return len(own & sources_triples(tuple(sources))) / len(own)


@lru_cache(maxsize=256)
def sources_triples(sources: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """The word triples of a campaign's texts, kept: every action of the campaign is
    checked against the same texts (until the campaign changes them, which asks anew)."""
    return frozenset().union(*(_triples(source) for source in sources))


def own_words_share(
    *, intro: str, concern: str, ask: str, default_concern: str, default_ask: str
) -> float:
    """How much of the letter's message (intro, concern, ask) is the supporter's own
    writing: the intro, and the words they added to the campaign's concern and ask."""
    own = len(words_of(intro))
    total = own
    for given, default in ((concern, default_concern), (ask, default_ask)):
        words, defaults = words_of(given), words_of(default)
        total += len(words)
        if words == defaults:  # the campaign's text as it is (most letters): none is theirs
            continue
        kept = difflib.SequenceMatcher(a=defaults, b=words, autojunk=False).get_matching_blocks()
        own += len(words) - sum(block.size for block in kept)
    return round(own / total, 2) if total else 0.0


# --- Near-duplicate intros: MinHash over words and word pairs, banded for an index ----

NEAR_DUPLICATE_FROM = 0.6  # resemblance (Jaccard) from which two intros are near copies
BANDS = 20
ROWS = 4  # 20 bands of 4: an intro at 0.6 from an earlier one shares a band 94% of times
_SIGNATURE = struct.Struct(f"<{BANDS * ROWS}Q")


def shingles(text: str) -> set[str]:
    """Words and word pairs: one word changed in an intro of eight words leaves the two
    at 0.67, while two intros that only share a frame ("I am a ... in ...") stay apart."""
    words = words_of(text)
    return set(words) | {f"{a} {b}" for a, b in pairwise(words)}


@lru_cache(maxsize=1024)
def held_shingles(text: str) -> frozenset[str]:
    """`shingles(text)`, kept for the earlier intros the near-duplicate check reads: the
    oldest actions holding each band, much the same from one action to the next."""
    return frozenset(shingles(text))


def resemblance(one: str, other: str) -> float:
    return resemblance_of(shingles(one), shingles(other))


def resemblance_of(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Jaccard: shingles shared over shingles of either."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


def band_keys(text: str) -> list[int]:
    """The intro's MinHash signature cut in bands, each band hashed to one signed 63-bit
    key (with its band's number, so bands never meet): two intros sharing a key are
    candidates, checked by `resemblance` on their text. The signature's 80 hash functions
    are 80 slices of one SHAKE-128 output per shingle: independent, and one call each
    (0.1 ms an intro, where 80 modular permutations in Python took 3 ms)."""
    rows = [
        _SIGNATURE.unpack(hashlib.shake_128(shingle.encode()).digest(_SIGNATURE.size))
        for shingle in shingles(text) or {""}
    ]
    signature = list(map(min, zip(*rows, strict=True)))
    keys = []
    for band in range(BANDS):
        values = signature[band * ROWS : (band + 1) * ROWS]
        keys.append(_hash64(f"{band}:{values}") >> 1)
    return list(dict.fromkeys(keys))


def intro_hash(intro: str) -> str:
    """Intros compared as words: case, accents, spacing and punctuation aside."""
    return hashlib.sha256(" ".join(words_of(intro)).encode()).hexdigest()


# --- Refusals ---------------------------------------------------------------------------


def _error(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "in": "body", "message": message, "code": code}


def refusals(
    *,
    written: dict[str, str],
    own_parts: list[str],
    campaign_texts: list[str],
    language: Language,
) -> list[dict[str, str]]:
    """Why the letter cannot go, by field: abuse in anything the supporter typed, an intro
    too short, and a part that is the supporter's to write copied from the campaign."""
    errors = [
        _error(field, "abusive_language", say("abusive_language", language, words=", ".join(f)))
        for field, text in written.items()
        if (f := abusive_found(text))
    ]
    intro = written.get("intro", "")
    count = word_count(intro)
    if count < INTRO_WORDS_AT_LEAST:
        least = INTRO_WORDS_AT_LEAST
        message = say("intro_too_short", language, count=count, least=least)
        errors.append(_error("intro", "intro_too_short", message))
    for part in own_parts:
        if copied_share(written.get(part, ""), campaign_texts) >= COPIED_REFUSED_FROM:
            message = say("copied_campaign_text", language, part=part)
            errors.append(_error(part, "copied_campaign_text", message))
    return errors


def refuse(errors: list[dict[str, str]], language: Language) -> None:
    if errors:
        reasons = " ".join(sentence_start(error["message"]) for error in errors)
        raise InvalidInput(say("refused", language, reasons=reasons), errors=errors)


# --- Warnings -------------------------------------------------------------------------


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


def _warning(code: str, part: str, language: Language, **values: object) -> QualityWarning:
    return QualityWarning(
        code=code,
        part=part,
        message=say(code, language, **({"part": part} | values)),
    )


def _style_warnings(
    parts: dict[str, str], guidance: list[str], language: Language
) -> list[QualityWarning]:
    """Capitals, links and pasted guidance, in each part the supporter wrote."""
    warnings = []
    for part, text in parts.items():
        if is_shouting(text):
            warnings.append(_warning("all_caps", part, language))
        if found := links_in(text):
            warnings.append(_warning("link", part, language, link=", ".join(found)))
        if part != "intro" and copied_share(text, guidance) >= GUIDANCE_WARNED_FROM:
            warnings.append(_warning("copied_guidance", part, language))
    return warnings


def _intro_warnings(intro: str, supporter: Supporter, language: Language) -> list[QualityWarning]:
    warnings = []
    count = word_count(intro)
    if count < INTRO_WORDS_WARNED_BELOW:
        warnings.append(_warning("intro_short", "intro", language, count=count))
    if not says_where_from(intro, supporter):
        warnings.append(_warning("intro_without_place", "intro", language))
    found = language_guess(intro)
    if found is not None and found != language:
        names = {
            "found": LANGUAGE_NAMES[found][language],
            "letter": LANGUAGE_NAMES[language][language],
        }
        warnings.append(_warning("intro_other_language", "intro", language, **names))
    return warnings


def warnings_for(
    *,
    intro: str,
    own_parts: dict[str, str],
    guidance: list[str],
    supporter: Supporter,
    language: Language,
    edited: bool,
    editable: bool,
    identical_intros: int,
    near_duplicates: int,
) -> list[QualityWarning]:
    warnings = _intro_warnings(intro, supporter, language)
    if editable and not edited:
        warnings.append(_warning("default_text", "concern", language))
    warnings += _style_warnings({"intro": intro} | own_parts, guidance, language)
    if identical_intros >= IDENTICAL_INTROS_WARNED_FROM:
        warnings.append(_warning("identical_intro", "intro", language, count=identical_intros))
    elif near_duplicates >= NEAR_DUPLICATES_WARNED_FROM:
        warnings.append(_warning("near_duplicate_intro", "intro", language, count=near_duplicates))
    return warnings
