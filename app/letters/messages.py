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
    "subject": {"en": "subject", "fr": "objet"},
}
# The supporter's details, named as a sentence names them ("Your postal code ...").
SUPPORTER_LABELS: dict[str, dict[Language, str]] = {
    "first_name": {"en": "first name", "fr": "prénom"},
    "last_name": {"en": "last name", "fr": "nom"},
    "email": {"en": "email address", "fr": "adresse courriel"},
    "street_address": {"en": "street address", "fr": "adresse"},
    "city": {"en": "city", "fr": "ville"},
    "province": {"en": "province", "fr": "province"},
    "postal_code": {"en": "postal code", "fr": "code postal"},
    "phone": {"en": "phone number", "fr": "numéro de téléphone"},
}
# The campaign's parts with their article, for sentences about the campaign's own text
# (French articles follow the noun's gender: la demande, l'objet).
THE_PART: dict[str, dict[Language, str]] = {
    "concern": {"en": "the concern", "fr": "l'inquiétude"},
    "ask": {"en": "the ask", "fr": "la demande"},
    "subject": {"en": "the subject", "fr": "l'objet"},
}
LEAVE_IT_OUT: dict[str, str] = {
    "concern": "laissez-la",
    "ask": "laissez-la",
    "subject": "laissez-le",
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
    # The letters service's own refusals: the campaign's rules, the district choice.
    "must_write": {
        "en": "This campaign asks you to write {the_part} yourself; please write it.",
        "fr": "Cette campagne vous demande d'écrire vous-même {the_part}; veuillez l'écrire.",
    },
    "fixed_part": {
        "en": "This campaign does not let you change {the_part}; leave it out.",
        "fr": "Cette campagne ne permet pas de modifier {the_part}; {leave} de côté.",
    },
    "language_not_offered": {
        "en": "This campaign writes in {languages} only; choose one of them.",
        "fr": "Cette campagne n'écrit qu'en {languages}; choisissez l'une de ces langues.",
    },
    "choose_district": {
        "en": "Your postal code lies in more than one district; choose yours.",
        "fr": "Votre code postal se trouve dans plus d'une circonscription; choisissez la vôtre.",
    },
    "not_a_district_of_postal_code": {
        "en": "{district} is not a district of your postal code; choose one of its districts.",
        "fr": "{district} n'est pas une circonscription de votre code postal; choisissez "
        "l'une des siennes.",
    },
    "unknown_district": {
        "en": "We know no district named {district}.",
        "fr": "Nous ne connaissons aucune circonscription nommée {district}.",
    },
    "nobody_to_write_to": {
        "en": "This campaign has nobody to write to for you.",
        "fr": "Cette campagne n'a personne à qui écrire pour vous.",
    },
    # Recipients a letter cannot reach (warnings; the other letters go).
    "mp_not_found": {
        "en": "We could not find your MP from your postal code.",
        "fr": "Nous n'avons pas trouvé votre député à partir de votre code postal.",
    },
    "no_mp_on_file": {
        "en": "We have no MP for {district} on file.",
        "fr": "Nous n'avons aucun député pour {district} dans nos données.",
    },
    "representative_across_districts": {
        "en": "Your postal code lies in more than one {office} district we know; we could "
        "not find your {office}.",
        "fr": "Votre code postal se trouve dans plus d'une circonscription ({office}) que "
        "nous connaissons; nous n'avons pas pu trouver votre élu ({office}).",
    },
    "representative_without_district": {
        "en": "Your postal code is in no {office} district we know; we could not find your "
        "{office}.",
        "fr": "Votre code postal n'est dans aucune circonscription ({office}) que nous "
        "connaissons; nous n'avons pas pu trouver votre élu ({office}).",
    },
    "no_representative_on_file": {
        "en": "We have no {office} for {district} on file.",
        "fr": "Nous n'avons aucun élu ({office}) pour {district} dans nos données.",
    },
    "role_vacant": {
        "en": "Nobody holds the role {role} today.",
        "fr": "Personne n'occupe aujourd'hui le rôle {role}.",
    },
    "recipient_left": {
        "en": "A recipient of this campaign left the directory.",
        "fr": "Un destinataire de cette campagne a quitté l'annuaire.",
    },
    "no_email_address": {
        "en": "{name} has no email address, and this campaign writes by email only.",
        "fr": "{name} n'a pas d'adresse courriel, et cette campagne n'écrit que par courriel.",
    },
    "no_postal_address": {
        "en": "{name} has no postal address to print the letter for.",
        "fr": "{name} n'a pas d'adresse postale où envoyer la lettre imprimée.",
    },
    # The schema's errors on the supporter's details and subject.
    "invalid_email": {
        "en": "Your email address is not one we can write to; please check it.",
        "fr": "Votre adresse courriel n'est pas valide; veuillez la vérifier.",
    },
    "invalid_postal_code": {
        "en": "Your postal code must be a Canadian one, such as K1A 0A6.",
        "fr": "Votre code postal doit être un code canadien, comme K1A 0A6.",
    },
    "invalid_province": {
        "en": "Your province must be a Canadian province or territory, such as ON or Quebec.",
        "fr": "Votre province doit être une province ou un territoire du Canada, comme QC ou "
        "Québec.",
    },
    "province_contradicts_postal_code": {
        "en": "Postal codes beginning with {letter} are in {expected}, not {province}: please "
        "check your province and your postal code.",
        "fr": "Les codes postaux qui commencent par {letter} sont ceux de : {expected}. "
        "Vérifiez votre province ({province}) et votre code postal.",
    },
    "control_characters": {
        "en": "Your {label} contains an invisible control character; please remove it.",
        "fr": "Votre {label} contient un caractère de contrôle invisible; veuillez le retirer.",
    },
    "detail_too_long": {
        "en": "Your {label} is {count} characters; please keep it under {most}.",
        "fr": "Votre {label} compte {count} caractères; le maximum est de {most}.",
    },
    "detail_too_short": {
        "en": "Your {label} is {count} characters; please write at least {least}.",
        "fr": "Votre {label} compte {count} caractères; écrivez-en au moins {least}.",
    },
    "detail_empty": {
        "en": "Your {label} is empty; please write it.",
        "fr": "Votre {label} est vide; veuillez l'écrire.",
    },
    "detail_missing": {
        "en": "Your {label} is missing; please write it.",
        "fr": "Votre {label} manque; veuillez l'écrire.",
    },
    "invalid_origin": {
        "en": "The embedding site (embedded_on) must be an http or https address, such as "
        "https://example.org.",
        "fr": "Le site d'intégration (embedded_on) doit être une adresse http ou https, comme "
        "https://example.org.",
    },
    "detail_invalid": {
        "en": "Your {label} is not valid; please check it.",
        "fr": "Votre {label} n'est pas valide; veuillez vérifier ce champ.",
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
    # What comes next, when the letters wait for the supporter's confirmation.
    "confirm_by_email": {
        "en": "One more step: we have sent an email to {email}. Follow the link in it within "
        "{days} days to send your letters. Until then they wait.",
        "fr": "Encore une étape : nous avons envoyé un courriel à {email}. Suivez le lien qu'il "
        "contient d'ici {days} jours pour envoyer vos lettres. D'ici là, elles attendent.",
    },
    "confirm_shared_address": {
        "en": "Many letters have come from your network lately (a school or an office, "
        "perhaps), so we ask you to confirm yours: we have sent an email to {email}. Follow "
        "the link in it within {days} days to send your letters. Until then they wait.",
        "fr": "Beaucoup de lettres sont venues de votre réseau récemment (une école ou un "
        "bureau, peut-être); nous vous demandons donc de confirmer la vôtre : nous avons "
        "envoyé un courriel à {email}. Suivez le lien qu'il contient d'ici {days} jours pour "
        "envoyer vos lettres. D'ici là, elles attendent.",
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
    for entry, raw in zip(named, raw_errors, strict=True):
        label = DETAIL_LABELS.get(entry["field"])
        if label is not None:
            entry["message"] = detail_error(entry["field"], label[language], raw, language)
    return named


# The other fields a supporter fills in, as sentences name them.
DETAIL_LABELS: dict[str, dict[Language, str]] = {
    f"supporter.{name}": label for name, label in SUPPORTER_LABELS.items()
} | {"subject": PART_LABELS["subject"]}
# Where the action came from (ActionOrigin): set by a page or a partner, not typed.
DETAIL_LABELS["embedded_on"] = {"en": "embedding site", "fr": "site d'intégration"}
for _tag in ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"):
    DETAIL_LABELS[_tag] = {"en": f"{_tag} tag", "fr": f"balise {_tag}"}
# Fields whose own check refuses a value in words of its own (a ValueError).
INVALID_VALUE = {
    "supporter.email": "invalid_email",
    "supporter.postal_code": "invalid_postal_code",
    "supporter.province": "invalid_province",
    "embedded_on": "invalid_origin",
}


def detail_error(field: str, label: str, raw: Any, language: Language) -> str:
    """Pydantic's error on one of the supporter's details (or their subject) in plain
    words in the letter's language."""
    kind = raw.get("type", "")
    context = raw.get("ctx") or {}
    given = raw.get("input")
    count = int(context.get("actual_length") or (len(given) if isinstance(given, str) else 0))
    if kind == "missing":
        return say("detail_missing", language, label=label)
    if kind in ("too_long", "string_too_long"):
        most = int(context.get("max_length", 0))
        return say("detail_too_long", language, label=label, count=count, most=most)
    if kind in ("too_short", "string_too_short"):
        least = int(context.get("min_length", 1))
        if count == 0 or least <= 1:
            return say("detail_empty", language, label=label)
        return say("detail_too_short", language, label=label, count=count, least=least)
    if kind == "value_error" and "control characters" in str(raw.get("msg", "")):
        return say("control_characters", language, label=label)
    if kind == "value_error" and field in INVALID_VALUE:
        return say(INVALID_VALUE[field], language)
    return say("detail_invalid", language, label=label)


def part_refusal(code: str, part: str, language: Language) -> str:
    """'This campaign does not let you change the ask; leave it out.' (code "fixed_part"),
    or that it asks the supporter to write it ("must_write")."""
    return say(code, language, the_part=THE_PART[part][language], leave=LEAVE_IT_OUT[part])


def languages_named(codes: list[str], language: Language) -> str:
    """["en", "fr"] as 'English or French' / 'anglais ou français'."""
    joiner = " or " if language == "en" else " ou "
    return joiner.join(LANGUAGE_NAMES[code][language] for code in codes if code in LANGUAGE_NAMES)


def language_of_body(body: Any, fallback: Language) -> Language:
    """The letter's language as a request body names it, before the body is valid."""
    asked = body.get("language") if isinstance(body, dict) else None
    return asked if asked in ("en", "fr") else fallback
