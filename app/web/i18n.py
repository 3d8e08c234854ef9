"""The action page's own words in English and French, and the choice between them.

Campaign texts come from the campaign in the page's language; these are the words
around them (labels, buttons, messages), and the supporter-facing wording of the errors
and warnings the letters service answers by code."""

from typing import Literal

from app.letters.schemas import INTRO_MAX, PART_MAX, SUBJECT_MAX, SUBJECT_MIN

Language = Literal["en", "fr"]

STRINGS: dict[str, dict[Language, str]] = {
    "skip": {"en": "Skip to the form", "fr": "Aller au formulaire"},
    "other_language": {"en": "Français", "fr": "English"},
    "powered_by": {"en": "Letters sent with letterdesk", "fr": "Lettres envoyées avec letterdesk"},
    "goal": {"en": "Goal: {goal}", "fr": "Objectif : {goal}"},
    "progress_label": {"en": "Progress to the goal", "fr": "Progression vers l'objectif"},
    "cta": {
        "en": "Send your letter: it takes two minutes.",
        "fr": "Envoyez votre lettre : cela prend deux minutes.",
    },
    "your_information": {"en": "Your information", "fr": "Vos coordonnées"},
    "information_hint": {
        "en": "Your letter is signed with your name and address: officials give most weight "
        "to the people they represent.",
        "fr": "Votre lettre est signée de votre nom et de votre adresse : les élus accordent "
        "plus de poids aux personnes qu'ils représentent.",
    },
    "first_name": {"en": "First name", "fr": "Prénom"},
    "last_name": {"en": "Last name", "fr": "Nom"},
    "email": {"en": "Email", "fr": "Courriel"},
    "street_address": {"en": "Street address", "fr": "Adresse"},
    "city": {"en": "City or town", "fr": "Ville"},
    "province": {"en": "Province or territory", "fr": "Province ou territoire"},
    "choose_province": {"en": "Choose…", "fr": "Choisissez…"},
    "postal_code": {"en": "Postal code", "fr": "Code postal"},
    "postal_code_hint": {"en": "For example K1A 0A6", "fr": "Par exemple K1A 0A6"},
    "district": {"en": "Your electoral district", "fr": "Votre circonscription"},
    "district_hint": {
        "en": "Your postal code lies in more than one district: choose yours.",
        "fr": "Votre code postal chevauche plusieurs circonscriptions : choisissez la vôtre.",
    },
    "recipients": {"en": "Your letter goes to", "fr": "Votre lettre sera envoyée à"},
    "your_mp_pending": {
        "en": "Your MP, once you give your postal code",
        "fr": "Votre députée ou député, dès que vous donnez votre code postal",
    },
    "looking_up": {"en": "Looking up your MP…", "fr": "Recherche de votre députée ou député…"},
    "mp_for": {"en": "MP for {district}", "fr": "députée ou député ({district})"},
    "colon": {"en": ": ", "fr": " : "},
    "your_letter": {"en": "Your letter", "fr": "Votre lettre"},
    "subject": {"en": "Subject", "fr": "Objet"},
    "subject_hint": {
        "en": "One line. A subject in your own words shows the office the letter is yours.",
        "fr": "Une ligne. Un objet dans vos propres mots montre au bureau que la lettre est "
        "de vous.",
    },
    "intro": {"en": "Introduce yourself", "fr": "Présentez-vous"},
    "intro_hint": {
        "en": "A sentence or two in your own words: who you are and where you write from.",
        "fr": "Une phrase ou deux dans vos propres mots : qui vous êtes et d'où vous écrivez.",
    },
    "guidance": {"en": "How to write it", "fr": "Comment l'écrire"},
    "concern": {"en": "Your concern", "fr": "Votre inquiétude"},
    "ask": {"en": "Your ask", "fr": "Votre demande"},
    "editable_hint": {
        "en": "The campaign's text: change it as you wish, a sentence of your own counts.",
        "fr": "Le texte de la campagne : modifiez-le à votre guise, une phrase de vous compte.",
    },
    "must_write_hint": {"en": "In your own words.", "fr": "Dans vos propres mots."},
    "fixed_hint": {
        "en": "The campaign's text, as every letter says it.",
        "fr": "Le texte de la campagne, tel que chaque lettre le dit.",
    },
    "preview": {"en": "Preview your letter", "fr": "Aperçu de votre lettre"},
    "preview_button": {"en": "Preview my letter", "fr": "Voir l'aperçu"},
    "preview_hint": {
        "en": "Fill in your information and your introduction to see your letter "
        "exactly as it will be sent.",
        "fr": "Remplissez vos coordonnées et votre présentation pour voir votre lettre "
        "exactement telle qu'elle sera envoyée.",
    },
    "preview_updated": {"en": "Preview updated.", "fr": "Aperçu mis à jour."},
    "preview_to": {"en": "To", "fr": "À"},
    "preview_subject": {"en": "Subject", "fr": "Objet"},
    "own_words": {
        "en": "{percent}% of this letter is in your own words: the more, the more it counts.",
        "fr": "{percent} % de cette lettre sont vos propres mots : plus il y en a, plus elle "
        "compte.",
    },
    "by_email": {"en": "by email", "fr": "par courriel"},
    "by_post": {"en": "by post", "fr": "par la poste"},
    "submit": {"en": "Send my letter", "fr": "Envoyer ma lettre"},
    "sending": {"en": "Sending…", "fr": "Envoi en cours…"},
    "error_title": {"en": "Error: {title}", "fr": "Erreur : {title}"},
    "char_limit": {"en": "At most {max} characters.", "fr": "{max} caractères au plus."},
    "char_count": {"en": "{count} of {max} characters", "fr": "{count} sur {max} caractères"},
    "char_over": {
        "en": "{count} characters: {over} too many (at most {max})",
        "fr": "{count} caractères : {over} de trop ({max} au plus)",
    },
    "error_summary": {
        "en": "Please correct what is marked below",
        "fr": "Veuillez corriger ce qui est signalé ci-dessous",
    },
    "closed": {
        "en": "This campaign has closed: it takes no more letters. Thank you to everyone who "
        "wrote.",
        "fr": "Cette campagne est terminée : elle ne reçoit plus de lettres. Merci à toutes "
        "les personnes qui ont écrit.",
    },
    "not_found_title": {"en": "Campaign not found", "fr": "Campagne introuvable"},
    "not_found": {
        "en": "There is no campaign at this address. Check the link you followed.",
        "fr": "Il n'y a pas de campagne à cette adresse. Vérifiez le lien que vous avez suivi.",
    },
    "thanks_title": {"en": "Thank you, {name}!", "fr": "Merci, {name} !"},
    "thanks_letters": {"en": "Your letters", "fr": "Vos lettres"},
    "thanks_gone_title": {"en": "Page not found", "fr": "Page introuvable"},
    "thanks_gone": {
        "en": "This thank-you page is not one we made, or it is more than 30 days old. "
        "Letters you sent are not affected.",
        "fr": "Cette page de remerciement n'est pas l'une des nôtres, ou elle date de plus de "
        "30 jours. Les lettres que vous avez envoyées n'en sont pas touchées.",
    },
    "thanks_confirm": {
        "en": "One more step: we have sent an email to {email}. Follow the link in it within "
        "{days} days to send your letters. Until then they wait.",
        "fr": "Encore une étape : nous avons envoyé un courriel à {email}. Suivez le lien qu'il "
        "contient d'ici {days} jours pour envoyer vos lettres. D'ici là, elles attendent.",
    },
    "thanks_sent": {
        "en": "Your letters are on their way. Replies from officials come to {email}.",
        "fr": "Vos lettres sont en route. Les réponses des élus vous parviendront à {email}.",
    },
    "next": {"en": "What happens next", "fr": "Et maintenant"},
    "thanks_letters_page": {
        "en": "Follow your letters, read them again or stop one before it leaves",
        "fr": "Suivez vos lettres, relisez-les ou arrêtez-en une avant son départ",
    },
    "status_pending_confirmation": {
        "en": "Waiting for you to confirm your email address.",
        "fr": "En attente de la confirmation de votre adresse courriel.",
    },
    "status_queued": {"en": "Queued: it leaves in a moment.", "fr": "Prête : elle part sous peu."},
    "status_held": {"en": "Held until {time}.", "fr": "Retenue jusqu'à {time}."},
    "status_held_stop": {
        "en": " You can still stop it from your letters page.",
        "fr": " Vous pouvez encore l'arrêter depuis la page de vos lettres.",
    },
    "status_hold_over": {
        "en": "Its hold window ended at {time}: your letters page says whether it has left.",
        "fr": "Son délai d'attente a pris fin à {time} : la page de vos lettres indique si "
        "elle est partie.",
    },
    "thanks_held": {
        "en": "Your letters wait a few minutes before they leave, in case you change your "
        "mind: until then you can stop any of them. Replies from officials come to {email}.",
        "fr": "Vos lettres attendent quelques minutes avant de partir, au cas où vous "
        "changeriez d'avis : d'ici là, vous pouvez arrêter chacune d'elles. Les réponses des "
        "élus vous parviendront à {email}.",
    },
    "share": {"en": "Ask your friends to write too", "fr": "Invitez vos proches à écrire aussi"},
    "share_link": {"en": "Link to share", "fr": "Lien à partager"},
    "copy": {"en": "Copy the link", "fr": "Copier le lien"},
    "copied": {"en": "Copied", "fr": "Copié"},
    # The organisation and campaign (app.web.identity).
    "privacy_policy": {"en": "Privacy policy", "fr": "Politique de confidentialité"},
    "learn_more": {"en": "Learn more", "fr": "En savoir plus"},
    "next_action": {"en": "One more thing you can do", "fr": "Vous pouvez aussi"},
    "next_action_closed": {
        "en": "You can still help: here is what to do now.",
        "fr": "Vous pouvez encore agir : voici quoi faire maintenant.",
    },
    "continue": {"en": "Continue", "fr": "Continuer"},
    "draft_banner": {
        "en": "Preview: this is how the page will look. It cannot send letters until the "
        "campaign is live.",
        "fr": "Aperçu : voici la page telle qu'elle paraîtra. Elle ne peut pas envoyer de "
        "lettres avant que la campagne soit en ligne.",
    },
    "share_message": {
        "en": "I just wrote to my elected officials: {title}. Will you write too?",
        "fr": "Je viens d'écrire à mes élus : {title}. Écrivez-leur vous aussi?",
    },
    "share_email": {"en": "Email", "fr": "Courriel"},
    "share_on": {"en": "Share it", "fr": "Partagez-la"},
    # Errors, as a supporter reads them beside the field.
    "confirm_title": {"en": "Confirm your letters", "fr": "Confirmez vos lettres"},
    "confirm_ask": {
        "en": 'Hello {name}, you wrote about "{title}". Your letters go as soon as you '
        "confirm that this email address is yours.",
        "fr": "Bonjour {name}, vous avez écrit au sujet de « {title} ». Vos lettres partent "
        "dès que vous confirmez que cette adresse courriel est la vôtre.",
    },
    "confirm_button": {"en": "Yes, send my letters", "fr": "Oui, envoyer mes lettres"},
    "confirm_ignore": {
        "en": "If you did not write, close this page: nothing is sent. The link works for "
        "{days} days.",
        "fr": "Si vous n'avez pas écrit, fermez cette page : rien n'est envoyé. Le lien est "
        "valable {days} jours.",
    },
    "confirmed_title": {
        "en": "Thank you: your letters are on their way",
        "fr": "Merci : vos lettres sont en route",
    },
    "confirmed_held_title": {
        "en": "Thank you: your email address is confirmed",
        "fr": "Merci : votre adresse courriel est confirmée",
    },
    "confirmed_held": {
        "en": "Your letters leave at {time}. Until then you can still stop one from your "
        "letters page.",
        "fr": "Vos lettres partent à {time}. D'ici là, vous pouvez encore en arrêter une "
        "depuis la page de vos lettres.",
    },
    "confirmed": {
        "en": "Your email address is confirmed: your letters no longer wait.",
        "fr": "Votre adresse courriel est confirmée : vos lettres n'attendent plus.",
    },
    "confirmed_already": {
        "en": "You had already confirmed: your letters were on their way.",
        "fr": "Vous aviez déjà confirmé : vos lettres étaient en route.",
    },
    "next_email": {
        "en": "Letters by email are sent within minutes.",
        "fr": "Les lettres par courriel partent dans les minutes qui suivent.",
    },
    "next_post": {
        "en": "Letters by post are printed and mailed with the organisation's next batch.",
        "fr": "Les lettres par la poste sont imprimées et postées avec le prochain envoi de "
        "l'organisme.",
    },
    "next_replies": {
        "en": "Officials who answer write to your email address.",
        "fr": "Les élus qui répondent écrivent à votre adresse courriel.",
    },
    "back_to_campaign": {"en": "Back to the campaign", "fr": "Retour à la campagne"},
    "confirm_failed_title": {"en": "This link does not work", "fr": "Ce lien ne fonctionne pas"},
    "confirm_invalid": {
        "en": "This confirmation link is not one we sent. Check that you opened the whole "
        "link from the email.",
        "fr": "Ce lien de confirmation n'est pas l'un des nôtres. Vérifiez que vous avez "
        "ouvert le lien complet du courriel.",
    },
    "confirm_expired": {
        "en": "This link was valid for {days} days and has expired: your letters were not "
        "sent. You can write again from the campaign's page.",
        "fr": "Ce lien était valable {days} jours et a expiré : vos lettres n'ont pas été "
        "envoyées. Vous pouvez écrire de nouveau depuis la page de la campagne.",
    },
    "confirm_erased": {
        "en": "Your details were erased: your letters were not sent.",
        "fr": "Vos données ont été effacées : vos lettres n'ont pas été envoyées.",
    },
    "confirm_too_many": {
        "en": "Too many confirmation links were opened from here just now. Please try again "
        "in a few minutes.",
        "fr": "Trop de liens de confirmation ont été ouverts d'ici à l'instant. Réessayez "
        "dans quelques minutes.",
    },
    "required": {"en": "Please fill this in.", "fr": "Veuillez remplir ce champ."},
    "email_invalid": {
        "en": "Enter an email address such as name@example.org.",
        "fr": "Entrez une adresse courriel comme nom@exemple.org.",
    },
    "email_suggestion": {"en": "Did you mean {email}?", "fr": "Vouliez-vous dire {email} ?"},
    "email_typo": {
        "en": "Did you mean {email}? If your address is right as typed, press Send again.",
        "fr": "Vouliez-vous dire {email} ? Si votre adresse est juste telle quelle, appuyez de "
        "nouveau sur Envoyer.",
    },
    "use_suggestion": {"en": "Use this address", "fr": "Utiliser cette adresse"},
    "postal_code_invalid": {
        "en": "Enter a Canadian postal code such as K1A 0A6.",
        "fr": "Entrez un code postal canadien comme K1A 0A6.",
    },
    "province_invalid": {
        "en": "Choose your province or territory.",
        "fr": "Choisissez votre province ou territoire.",
    },
    "too_short": {
        "en": "This is too short: {min} characters at least.",
        "fr": "C'est trop court : {min} caractères au moins.",
    },
    "too_long": {
        "en": "This is too long: {max} characters at most.",
        "fr": "C'est trop long : {max} caractères au plus.",
    },
    "control_characters": {
        "en": "This contains invisible characters we cannot send; please retype it.",
        "fr": "Ce texte contient des caractères invisibles que nous ne pouvons pas envoyer; "
        "veuillez le retaper.",
    },
    "choose_district": {"en": "Choose your district.", "fr": "Choisissez votre circonscription."},
    "not_your_district": {
        "en": "This is not a district of your postal code.",
        "fr": "Ce n'est pas une circonscription de votre code postal.",
    },
    "no_recipients": {
        "en": "We found nobody to send your letter to.",
        "fr": "Nous n'avons trouvé personne à qui envoyer votre lettre.",
    },
    "lookup_unavailable": {
        "en": "We could not look up your MP just now. Please try again in a minute.",
        "fr": "Nous n'avons pas pu trouver votre députée ou député pour le moment. "
        "Réessayez dans une minute.",
    },
    "mp_not_found": {
        "en": "We could not find your MP from your postal code.",
        "fr": "Nous n'avons pas trouvé votre députée ou député à partir de votre code postal.",
    },
    "district_choice": {"en": "{district}: {mps}", "fr": "{district} : {mps}"},
    "and": {"en": "and", "fr": "et"},
    "choose_mp": {
        "en": "Choose your riding or your MP",
        "fr": "Choisissez votre circonscription ou votre députée ou député",
    },
    "choose_mp_hint": {
        "en": "We do not know the riding of this postal code. Type the name of your riding "
        "or of your MP, then choose.",
        "fr": "Nous ne connaissons pas la circonscription de ce code postal. Tapez le nom de "
        "votre circonscription ou de votre députée ou député, puis choisissez.",
    },
    "district_search": {
        "en": "Riding or MP",
        "fr": "Circonscription, députée ou député",
    },
    "choose_mp_first": {
        "en": "We do not know the riding of your postal code: choose your riding or your MP "
        "below, or press Send again to send without a letter to your MP.",
        "fr": "Nous ne connaissons pas la circonscription de votre code postal : choisissez "
        "ci-dessous votre circonscription ou votre députée ou député, ou appuyez de nouveau "
        "sur Envoyer pour envoyer sans lettre à votre députée ou député.",
    },
    "find_district": {"en": "Find", "fr": "Chercher"},
    "no_district_found": {
        "en": "No riding or MP has this name. Try fewer or other words.",
        "fr": "Aucune circonscription ni aucun député ne porte ce nom. Essayez moins de mots "
        "ou d'autres mots.",
    },
    "search_too_short": {
        "en": "Type at least {min} letters.",
        "fr": "Tapez au moins {min} lettres.",
    },
    "districts_found": {
        "en": "Ridings found: {count}",
        "fr": "Circonscriptions trouvées : {count}",
    },
    "no_letter": {"en": "No letter", "fr": "Aucune lettre"},
    "too_many": {
        "en": "Too many letters have been sent from here just now. Please try again in "
        "{minutes} minutes: what you wrote is kept below.",
        "fr": "Trop de lettres ont été envoyées d'ici à l'instant. Réessayez dans "
        "{minutes} minutes : ce que vous avez écrit est conservé ci-dessous.",
    },
    "closed_short": {
        "en": "This campaign has closed: it takes no more letters.",
        "fr": "Cette campagne est terminée : elle ne reçoit plus de lettres.",
    },
}

# Singular and plural: "1 person has", "1,204 people have".
COUNTER: dict[Language, tuple[str, str]] = {
    "en": ("{count} person has taken action", "{count} people have taken action"),
    "fr": ("{count} personne est passée à l'action", "{count} personnes sont passées à l'action"),
}
MAX_LENGTHS = {"intro": INTRO_MAX, "concern": PART_MAX, "ask": PART_MAX, "subject": SUBJECT_MAX}
MIN_LENGTHS = {"subject": SUBJECT_MIN}
SINGLE_LINE_MAX = 300


def text(key: str, language: Language, **values: object) -> str:
    return STRINGS[key][language].format(**values)


def join_names(names: list[str], language: Language) -> str:
    """'A', 'A and B', 'A, B and C' ('et' in French)."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {text('and', language)} {names[-1]}"


def number(value: int, language: Language) -> str:
    """1204 as '1,204' in English and '1 204' (a narrow no-break space) in French."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if language == "fr" else grouped


def counter(count: int, language: Language) -> str:
    one, many = COUNTER[language]
    plural = count > 1 if language == "fr" else count != 1
    return (many if plural else one).format(count=number(count, language))


def page_language(languages: list[str], asked: str | None, accept_language: str | None) -> Language:
    """The page's language: the one the link asked for, else the browser's first
    preference the campaign speaks, else the campaign's first."""
    if asked in languages:
        return "fr" if asked == "fr" else "en"
    for wanted in preferred_languages(accept_language or ""):
        if wanted in languages:
            return "fr" if wanted == "fr" else "en"
    return "fr" if languages[0] == "fr" else "en"


def preferred_languages(accept_language: str) -> list[str]:
    """Accept-Language's primary tags, most wanted first ('fr-CA,fr;q=0.9,en;q=0.8' gives
    fr, en); a tag with q=0 is not wanted at all."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary and quality > 0:
            ranked.append((-quality, position, primary))
    return list(dict.fromkeys(primary for _, _, primary in sorted(ranked)))
