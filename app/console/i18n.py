"""The console's words in English and French (the user's language once signed in, the
browser's before)."""

from app.web.i18n import Language

STRINGS: dict[str, dict[Language, str]] = {
    "console": {"en": "Console", "fr": "Console"},
    "skip": {"en": "Skip to the content", "fr": "Aller au contenu"},
    "nav": {"en": "Console", "fr": "Console"},
    "campaigns": {"en": "Campaigns", "fr": "Campagnes"},
    "sessions": {"en": "Sessions", "fr": "Sessions"},
    "sign_out": {"en": "Sign out", "fr": "Se déconnecter"},
    "signed_in_as": {
        "en": "Signed in as {name} ({role})",
        "fr": "Connecté·e : {name} ({role})",
    },
    "role_owner": {"en": "owner", "fr": "propriétaire"},
    "role_editor": {"en": "editor", "fr": "rédaction"},
    "role_viewer": {"en": "viewer", "fr": "lecture seule"},
    "sign_in_title": {"en": "Sign in to the console", "fr": "Connexion à la console"},
    "sign_in_intro": {
        "en": "Give the email address your organisation registered for you: we email you a "
        "link that signs you in. There is no password.",
        "fr": "Indiquez l'adresse courriel que votre organisme a enregistrée pour vous : nous "
        "vous envoyons un lien de connexion. Il n'y a pas de mot de passe.",
    },
    "email": {"en": "Email", "fr": "Courriel"},
    "send_link": {"en": "Email me a sign-in link", "fr": "M'envoyer un lien de connexion"},
    "link_sent_title": {"en": "Check your email", "fr": "Consultez vos courriels"},
    "link_sent": {
        "en": "If {email} belongs to a console user, a sign-in link is on its way. It works "
        "once, for {minutes} minutes.",
        "fr": "Si {email} appartient à une personne inscrite à la console, un lien de "
        "connexion est en route. Il ne sert qu'une fois, pendant {minutes} minutes.",
    },
    "email_invalid": {
        "en": "Enter an email address such as name@example.org.",
        "fr": "Entrez une adresse courriel comme nom@exemple.org.",
    },
    "error_title": {"en": "Error: {title}", "fr": "Erreur : {title}"},
    "confirm_sign_in": {
        "en": "Sign in as {email}?",
        "fr": "Vous connecter en tant que {email} ?",
    },
    "sign_in": {"en": "Sign in", "fr": "Se connecter"},
    "link_not_ours": {
        "en": "This sign-in link is not one we sent. Ask for a new one.",
        "fr": "Ce lien de connexion ne vient pas de nous. Demandez-en un nouveau.",
    },
    "link_gone": {
        "en": "This sign-in link was already used or has expired. Ask for a new one.",
        "fr": "Ce lien de connexion a déjà servi ou a expiré. Demandez-en un nouveau.",
    },
    "ask_again": {"en": "Ask for a new link", "fr": "Demander un nouveau lien"},
    "too_many": {
        "en": "Too many sign-in links were asked for from this address. Try again later.",
        "fr": "Trop de liens de connexion ont été demandés depuis cette adresse. Réessayez "
        "plus tard.",
    },
    "no_campaigns": {"en": "No campaigns yet.", "fr": "Aucune campagne pour l'instant."},
    "campaign": {"en": "Campaign", "fr": "Campagne"},
    "status": {"en": "Status", "fr": "État"},
    "actions": {"en": "Actions", "fr": "Actions"},
    "letters_sent": {"en": "Letters sent", "fr": "Lettres envoyées"},
    "page": {"en": "Page", "fr": "Page"},
    "status_draft": {"en": "draft", "fr": "brouillon"},
    "status_live": {"en": "live", "fr": "en cours"},
    "status_closed": {"en": "closed", "fr": "fermée"},
    "sessions_intro": {
        "en": "Where you are signed in. End a session you do not recognise.",
        "fr": "Là où vous êtes connecté·e. Mettez fin à une session que vous ne reconnaissez pas.",
    },
    "started": {"en": "Started", "fr": "Ouverte"},
    "last_seen": {"en": "Last used", "fr": "Dernière utilisation"},
    "browser": {"en": "Browser", "fr": "Navigateur"},
    "this_one": {"en": "this browser", "fr": "ce navigateur"},
    "end": {"en": "End", "fr": "Terminer"},
    "end_session": {
        "en": "End the session started {started}",
        "fr": "Terminer la session ouverte le {started}",
    },
    "forbidden_form": {
        "en": "This form expired or did not come from the console. Go back, reload the page "
        "and try again.",
        "fr": "Ce formulaire a expiré ou ne vient pas de la console. Revenez en arrière, "
        "rechargez la page et réessayez.",
    },
    "not_found": {"en": "Not found", "fr": "Introuvable"},
    "language_link": {"en": "Français", "fr": "English"},
    "supporters": {"en": "Supporters", "fr": "Sympathisant·es"},
    "results": {"en": "Results", "fr": "Résultats"},
    "results_of": {"en": "Results: {title}", "fr": "Résultats : {title}"},
    "progress": {
        "en": "{actions} actions of a goal of {goal}",
        "fr": "{actions} actions sur un objectif de {goal}",
    },
    "no_goal": {"en": "{actions} actions (no goal set)", "fr": "{actions} actions (sans objectif)"},
    "confirmed_share": {
        "en": "{confirmed} of {actions} supporters confirmed their address ({share}).",
        "fr": "{confirmed} des {actions} personnes ont confirmé leur adresse ({share}).",
    },
    "per_day": {"en": "Actions per day", "fr": "Actions par jour"},
    "per_day_table": {"en": "Actions per day, as a table", "fr": "Actions par jour, en tableau"},
    "day": {"en": "Day (UTC)", "fr": "Jour (UTC)"},
    "by_state": {"en": "Letters by state", "fr": "Lettres par état"},
    "by_channel": {"en": "Letters by channel", "fr": "Lettres par canal"},
    "by_recipient": {"en": "By recipient", "fr": "Par destinataire"},
    "by_riding": {"en": "By riding", "fr": "Par circonscription"},
    "sources": {"en": "Where actions came from", "fr": "Provenance des actions"},
    "utm_campaigns": {
        "en": "By link campaign (utm_campaign)",
        "fr": "Par campagne de lien (utm_campaign)",
    },
    "utm_sources": {"en": "By link source (utm_source)", "fr": "Par source de lien (utm_source)"},
    "embedding_sites": {"en": "Sites that embed the page", "fr": "Sites qui intègrent la page"},
    "recipient": {"en": "Recipient", "fr": "Destinataire"},
    "riding": {"en": "Riding", "fr": "Circonscription"},
    "sent": {"en": "Sent", "fr": "Envoyées"},
    "count": {"en": "Count", "fr": "Nombre"},
    "none_yet": {"en": "Nothing yet.", "fr": "Rien pour l'instant."},
    "sort_by": {"en": "Sort by", "fr": "Trier par"},
    "supporters_of": {"en": "Supporters: {title}", "fr": "Sympathisant·es : {title}"},
    "personal_data": {"en": "Personal data", "fr": "Données personnelles"},
    "personal_data_message": {
        "en": "Your role does not show supporters' personal data. Ask an owner of your "
        "organisation.",
        "fr": "Votre rôle ne donne pas accès aux données personnelles des sympathisant·es. "
        "Adressez-vous à une personne propriétaire de votre organisme.",
    },
    "not_found_message": {
        "en": "There is nothing here, or it is not your organisation's.",
        "fr": "Il n'y a rien ici, ou cela n'appartient pas à votre organisme.",
    },
    "consent_filter": {"en": "Show", "fr": "Afficher"},
    "consent_all": {"en": "everyone", "fr": "tout le monde"},
    "consent_yes": {
        "en": "those who agreed to hear from us",
        "fr": "les personnes qui acceptent d'avoir de nos nouvelles",
    },
    "consent_no": {"en": "those who did not", "fr": "les autres"},
    "apply": {"en": "Apply", "fr": "Appliquer"},
    "matching": {
        "en": "{total} supporters match; the newest {shown} are shown. The export has them all.",
        "fr": "{total} personnes correspondent ; les {shown} plus récentes sont affichées. "
        "L'export les contient toutes.",
    },
    "export_opt_in": {
        "en": "Download the opt-in list (CSV)",
        "fr": "Télécharger la liste des consentements (CSV)",
    },
    "export_shown": {"en": "Download this list (CSV)", "fr": "Télécharger cette liste (CSV)"},
    "name": {"en": "Name", "fr": "Nom"},
    "postal_code": {"en": "Postal code", "fr": "Code postal"},
    "consent": {"en": "Consent", "fr": "Consentement"},
    "yes": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    "taken": {"en": "Acted", "fr": "Action"},
    "confirmed": {"en": "Confirmed", "fr": "Confirmé"},
    "letters": {"en": "Letters", "fr": "Lettres"},
    "one_person": {"en": "One person's data", "fr": "Les données d'une personne"},
    "one_person_intro": {
        "en": "Everything your organisation holds on one supporter, by email address: "
        "download it to give them, or erase it. Erasing removes their details and words from "
        "every action and letter and cancels letters not yet sent; counts stay.",
        "fr": "Tout ce que votre organisme détient sur une personne, par adresse courriel : "
        "téléchargez-le pour le lui remettre, ou effacez-le. L'effacement retire ses "
        "coordonnées et ses mots de chaque action et lettre et annule les lettres pas encore "
        "envoyées ; les totaux restent.",
    },
    "export": {"en": "Download their data (JSON)", "fr": "Télécharger ses données (JSON)"},
    "erase": {"en": "Erase their data", "fr": "Effacer ses données"},
    "erased": {
        "en": "Erased for {email}: {actions} actions, {letters} letters ({cancelled} cancelled).",
        "fr": "Effacé pour {email} : {actions} actions, {letters} lettres ({cancelled} annulées).",
    },
}


def text(key: str, language: Language, /, **values: object) -> str:
    words = STRINGS[key][language]
    return words.format(**values) if values else words
