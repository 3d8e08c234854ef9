"""The impact pages' own words in English and French (the question page, the public
responsiveness page); kept beside the feature rather than in the action page's."""

from app.web.i18n import Language

STRINGS: dict[str, dict[Language, str]] = {
    "question_title": {
        "en": "Did you get a reply from {official}?",
        "fr": "Avez-vous reçu une réponse de {official} ?",
    },
    "question_context": {
        "en": 'On {date} you wrote to {official} about "{title}" with {organisation}.',
        "fr": "Le {date}, vous avez écrit à {official} au sujet de « {title} » avec "
        "{organisation}.",
    },
    "your_answer": {"en": "Your answer", "fr": "Votre réponse"},
    "answer_yes": {"en": "Yes, I got a reply", "fr": "Oui, j'ai reçu une réponse"},
    "answer_no": {"en": "No reply", "fr": "Pas de réponse"},
    "answer_not_yet": {"en": "Not yet", "fr": "Pas encore"},
    "record_answer": {"en": "Record my answer", "fr": "Enregistrer ma réponse"},
    "choose_answer": {"en": "Choose an answer.", "fr": "Choisissez une réponse."},
    "answer_recorded": {
        "en": "Thank you: we recorded your answer, “{answer}”.",
        "fr": "Merci : nous avons enregistré votre réponse, « {answer} ».",
    },
    "answer_change": {
        "en": "Something changed? You can change your answer:",
        "fr": "Du nouveau ? Vous pouvez changer votre réponse :",
    },
    "question_invalid_title": {"en": "This link does not work", "fr": "Ce lien ne fonctionne pas"},
    "question_invalid": {
        "en": "This link is not one we sent. Check that you opened the whole link from the email.",
        "fr": "Ce lien n'est pas l'un des nôtres. Vérifiez que vous avez ouvert le lien "
        "complet du courriel.",
    },
    "question_erased": {
        "en": "Your details were erased: there is nothing to answer.",
        "fr": "Vos données ont été effacées : il n'y a rien à répondre.",
    },
    "responsiveness_title": {
        "en": "Who answered: {title}",
        "fr": "Qui a répondu : {title}",
    },
    "responsiveness_period": {
        "en": "Letters sent by email from {start} to {end}; figures as of {today}.",
        "fr": "Lettres envoyées par courriel du {start} au {end} ; chiffres au {today}.",
    },
    "responsiveness_none": {
        "en": "No letter has been sent by email yet.",
        "fr": "Aucune lettre n'a encore été envoyée par courriel.",
    },
    "responsiveness_how": {
        "en": "An official counts as having answered when their reply reached us or when the "
        "person who wrote told us they got one; the share is of the letters whose outcome we "
        "know. A figure shows only when it rests on at least {minimum} letters.",
        "fr": "Un élu compte comme ayant répondu quand sa réponse nous est parvenue ou quand la "
        "personne qui a écrit nous a dit en avoir reçu une ; la part porte sur les lettres dont "
        "nous connaissons l'issue. Un chiffre ne s'affiche que s'il repose sur au moins "
        "{minimum} lettres.",
    },
    "official": {"en": "Official", "fr": "Élu·e"},
    "letters_sent": {"en": "Letters sent", "fr": "Lettres envoyées"},
    "answered_share": {"en": "Answered", "fr": "Ont reçu réponse"},
    "median_days": {"en": "Median days to reply", "fr": "Délai médian de réponse (jours)"},
    "too_few": {"en": "too few to say", "fr": "trop peu pour le dire"},
    "league_caption": {
        "en": "Replies to the campaign's letters, by official",
        "fr": "Réponses aux lettres de la campagne, par élu·e",
    },
}


def text(key: str, language: Language, **values: object) -> str:
    return STRINGS[key][language].format(**values)
