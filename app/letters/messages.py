"""What the letters service says to a supporter about their letter, in the letter's
language: quality refusals and warnings, and plain words for the request schema's own
errors on the parts they write. The API and the action page show these same sentences."""

from typing import Any, Literal

from app.errors import field_errors

Language = Literal["en", "fr"]

PART_LABELS: dict[str, dict[Language, str]] = {
    "intro": {"en": "introduction", "fr": "présentation"},
    "concern": {"en": "concern", "fr": "inquiétude"},
    "ask": {"en": "ask", "fr": "demande"},
}
LANGUAGE_NAMES: dict[str, dict[Language, str]] = {
    "en": {"en": "English", "fr": "anglais"},
    "fr": {"en": "French", "fr": "français"},
}

MESSAGES: dict[str, dict[Language, str]] = {
    # Refusals (422): the letter does not go.
    "refused": {
        "en": "Your letter was not sent: {reasons}",
        "fr": "Votre lettre n'est pas partie : {reasons}",
    },
    "invalid_body": {
        "en": "One or more fields are not valid; see errors.",
        "fr": "Un ou plusieurs champs ne sont pas valides; voyez les erreurs.",
    },
    "intro_too_short": {
        "en": "Your introduction has {count} words; please write at least {least} words "
        "about who you are and where you write from.",
        "fr": "Votre présentation compte {count} mots; écrivez au moins {least} mots sur qui "
        "vous êtes et d'où vous écrivez.",
    },
    "copied_campaign_text": {
        "en": "Your {part} repeats the campaign's own text; officials set copies aside, so "
        "please write it in your own words.",
        "fr": "Votre {part} reprend le texte de la campagne; les élus mettent les copies de "
        "côté : écrivez-la dans vos propres mots.",
    },
    "abusive_language": {
        "en": "This contains words we do not send to an official: {words}.",
        "fr": "Ce texte contient des mots que nous n'envoyons pas à un élu : {words}.",
    },
    "string_too_long": {
        "en": "Your {part} is {count} characters; please keep it under {most}.",
        "fr": "Votre {part} compte {count} caractères; gardez-la sous {most}.",
    },
    "string_too_short": {
        "en": "Your {part} is empty; please write it.",
        "fr": "Votre {part} est vide; veuillez l'écrire.",
    },
    "missing": {
        "en": "Your {part} is missing; please write it.",
        "fr": "Votre {part} manque; veuillez l'écrire.",
    },
    # Warnings: the letter goes, and would count for more with a change.
    "intro_short": {
        "en": "Your introduction is only {count} words; a sentence or two about who you are "
        "and where you write from counts for more.",
        "fr": "Votre présentation ne compte que {count} mots; une phrase ou deux sur qui vous "
        "êtes et d'où vous écrivez lui donne plus de poids.",
    },
    "intro_without_place": {
        "en": "Say where you are writing from: officials give most weight to the people they "
        "represent.",
        "fr": "Dites d'où vous écrivez : les élus accordent plus de poids aux personnes qu'ils "
        "représentent.",
    },
    "default_text": {
        "en": "Apart from your introduction this is the campaign's text; a sentence of your "
        "own in the concern or the ask makes it count for more.",
        "fr": "À part votre présentation, c'est le texte de la campagne; une phrase de vous "
        "dans l'inquiétude ou la demande lui donne plus de poids.",
    },
    "identical_intro": {
        "en": "{count} other people sent this same introduction; officials discount identical "
        "letters, so write it in your own words.",
        "fr": "{count} autres personnes ont envoyé cette même présentation; les élus accordent "
        "peu de poids aux lettres identiques : écrivez-la dans vos propres mots.",
    },
    "near_duplicate_intro": {
        "en": "{count} other introductions in this campaign are nearly the same as yours; "
        "officials discount form letters, so write it in your own words.",
        "fr": "{count} autres présentations de cette campagne sont presque les mêmes que la "
        "vôtre; les élus accordent peu de poids aux lettres types : écrivez-la dans vos "
        "propres mots.",
    },
    "intro_other_language": {
        "en": "Your introduction seems to be in {found} while the letter is in {letter}; "
        "write it in {letter}, or choose the letter in {found}.",
        "fr": "Votre présentation semble être en {found} alors que la lettre est en {letter}; "
        "écrivez-la en {letter}, ou choisissez la lettre en {found}.",
    },
    "all_caps": {
        "en": "Your {part} is in capital letters, which reads as shouting; please write it "
        "in ordinary case.",
        "fr": "Votre {part} est en majuscules, ce qui se lit comme un cri; écrivez-la en "
        "minuscules.",
    },
    "link": {
        "en": "Your {part} contains a link ({link}); staff rarely open links and mail filters "
        "may hold the letter: say in your own words what it shows.",
        "fr": "Votre {part} contient un lien ({link}); le personnel ouvre rarement les liens "
        "et les filtres peuvent retenir la lettre : dites dans vos mots ce qu'il montre.",
    },
    "copied_guidance": {
        "en": "Your {part} repeats the campaign's advice on how to write; keep only what you "
        "want the official to read.",
        "fr": "Votre {part} reprend les conseils de la campagne sur la manière d'écrire; ne "
        "gardez que ce que l'élu doit lire.",
    },
}


def number(value: int, language: Language) -> str:
    """6000 as '6,000' in English and '6 000' (narrow no-break space) in French."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if language == "fr" else grouped


def say(code: str, language: Language, **values: Any) -> str:
    """The sentence for `code`; `part` is given as its key ("intro") and said as a word,
    numbers are grouped as the language groups them."""
    shown = {
        name: number(value, language) if isinstance(value, int) else value
        for name, value in values.items()
    }
    if "part" in shown:
        shown["part"] = PART_LABELS[str(shown["part"])][language]
    return MESSAGES[code][language].format(**shown)


def sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


# The parts a supporter writes: pydantic's own errors on them are said in plain words.
WRITTEN_PARTS = ("intro", "concern", "ask")


def plain_field_errors(raw_errors: Any, language: Language) -> list[dict[str, Any]]:
    """Pydantic's errors as the problem's `errors` list, those on the parts a supporter
    writes (length, emptiness) said in plain words in the letter's language: "Your
    introduction is 6,000 characters; please keep it under 1,500." Other fields keep
    pydantic's message (they are named, and the page words them itself)."""
    named = field_errors(raw_errors)
    for entry, raw in zip(named, raw_errors, strict=True):
        part = entry["field"]
        if part not in WRITTEN_PARTS:
            continue
        context = raw.get("ctx") or {}
        given = raw.get("input")
        if entry["code"] in ("too_long", "string_too_long"):
            count = int(
                context.get("actual_length") or len(given if isinstance(given, str) else "")
            )
            most = int(context.get("max_length", 0))
            entry["code"] = "string_too_long"
            entry["message"] = say("string_too_long", language, part=part, count=count, most=most)
        elif entry["code"] in ("too_short", "string_too_short"):
            entry["code"] = "string_too_short"
            entry["message"] = say("string_too_short", language, part=part)
        elif entry["code"] == "missing":
            entry["message"] = say("missing", language, part=part)
    return named


def language_of_body(body: Any, fallback: Language) -> Language:
    """The letter's language as a request body names it, before the body is valid."""
    asked = body.get("language") if isinstance(body, dict) else None
    return asked if asked in ("en", "fr") else fallback
