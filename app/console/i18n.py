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


# The campaign editor's words (app/console/campaigns.py, templates/campaign_*.html).
CAMPAIGN_EDITOR: dict[str, dict[Language, str]] = {
    "new_campaign": {"en": "New campaign", "fr": "Nouvelle campagne"},
    "edit_campaign": {"en": "Campaign: {title}", "fr": "Campagne : {title}"},
    "editor": {"en": "Edit", "fr": "Modifier"},
    "view": {"en": "View", "fr": "Voir"},
    "edit_of": {"en": "Edit {title}", "fr": "Modifier {title}"},
    "saved": {"en": "Saved.", "fr": "Enregistré."},
    "read_only": {"en": "Read only", "fr": "Lecture seule"},
    "read_only_message": {
        "en": "Your role lets you look at campaigns, not change them.",
        "fr": "Votre rôle permet de consulter les campagnes, pas de les modifier.",
    },
    "errors_below": {
        "en": "The campaign was not saved: see the fields marked below.",
        "fr": "La campagne n'a pas été enregistrée : voyez les champs signalés ci-dessous.",
    },
    "identity": {"en": "The page", "fr": "La page"},
    "slug": {"en": "Address (slug)", "fr": "Adresse (identifiant)"},
    "slug_hint": {
        "en": "Lower-case words and dashes: the page is /c/<slug>.",
        "fr": "Mots en minuscules et tirets : la page est /c/<identifiant>.",
    },
    "languages": {"en": "Languages", "fr": "Langues"},
    "language_en": {"en": "English", "fr": "Anglais"},
    "language_fr": {"en": "French", "fr": "Français"},
    "texts": {"en": "Texts", "fr": "Textes"},
    "text_title": {"en": "Title", "fr": "Titre"},
    "text_summary": {"en": "Summary", "fr": "Résumé"},
    "text_guidance": {"en": "Guidance for supporters", "fr": "Conseils aux sympathisant·es"},
    "text_subject": {"en": "Subject", "fr": "Objet"},
    "text_concern": {"en": "Concern", "fr": "Préoccupation"},
    "text_ask": {"en": "Ask", "fr": "Demande"},
    "text_reply_request": {"en": "Request for a reply", "fr": "Demande de réponse"},
    "in_language": {"en": "{text} ({language})", "fr": "{text} ({language})"},
    "targets": {"en": "Targets", "fr": "Destinataires"},
    "targets_chosen": {"en": "Letters go to", "fr": "Les lettres vont à"},
    "target_own_mp": {"en": "The supporter's own MP", "fr": "La ou le député·e de la personne"},
    "target_role": {"en": "Whoever holds the role: {role}", "fr": "La personne titulaire : {role}"},
    "target_own_representative": {
        "en": "The supporter's own {office}",
        "fr": "Sa ou son représentant·e ({office})",
    },
    "target_gone": {
        "en": "A recipient no longer in the directory",
        "fr": "Une personne qui n'est plus dans l'annuaire",
    },
    "target_search": {
        "en": "Search the directory (name, role or riding)",
        "fr": "Chercher dans l'annuaire (nom, rôle ou circonscription)",
    },
    "search": {"en": "Search", "fr": "Chercher"},
    "no_matches": {"en": "Nothing matches.", "fr": "Aucun résultat."},
    "matches": {"en": "Matches: tick to add", "fr": "Résultats : cochez pour ajouter"},
    "target_texts": {"en": "Texts per kind of target", "fr": "Textes selon le destinataire"},
    "target_texts_hint": {
        "en": "Left blank, a letter uses the campaign's text above.",
        "fr": "Laissé vide, la lettre reprend le texte de la campagne ci-dessus.",
    },
    "kind_role": {"en": "To a role's holder", "fr": "À la personne titulaire d'un rôle"},
    "kind_own_mp": {"en": "To the supporter's MP", "fr": "À la ou au député·e de la personne"},
    "kind_recipient": {"en": "To a named recipient", "fr": "À une personne nommée"},
    "letters_settings": {"en": "Letters and counter", "fr": "Lettres et compteur"},
    "hold_minutes": {"en": "Hold window (minutes)", "fr": "Délai de retenue (minutes)"},
    "goal": {"en": "Goal (actions)", "fr": "Objectif (actions)"},
    "counter_offset": {
        "en": "Counter offset (actions taken elsewhere)",
        "fr": "Ajout au compteur (actions faites ailleurs)",
    },
    "image": {"en": "Image", "fr": "Image"},
    "image_url": {"en": "Image address (https)", "fr": "Adresse de l'image (https)"},
    "image_alt": {"en": "What the image shows", "fr": "Ce que montre l'image"},
    "learn_more": {"en": "Learn more links", "fr": "Liens « En savoir plus »"},
    "link_url": {"en": "Address (https)", "fr": "Adresse (https)"},
    "link_label": {"en": "Words", "fr": "Libellé"},
    "link_n": {"en": "Link {n}", "fr": "Lien {n}"},
    "next_action": {
        "en": "Next step (thank-you page)",
        "fr": "Étape suivante (page de remerciement)",
    },
    "save": {"en": "Save", "fr": "Enregistrer"},
    "create": {"en": "Create the draft", "fr": "Créer le brouillon"},
    "publish": {"en": "Publish", "fr": "Publier"},
    "close": {"en": "Close", "fr": "Fermer"},
    "publish_hint": {
        "en": "Publishing opens the page to supporters.",
        "fr": "La publication ouvre la page aux sympathisant·es.",
    },
    "close_hint": {
        "en": "Closing stops new letters; the page stays, with the next step.",
        "fr": "La fermeture arrête les nouvelles lettres ; la page reste, avec l'étape suivante.",
    },
    "preview": {"en": "Preview", "fr": "Aperçu"},
    "preview_title": {
        "en": "The letter a supporter receives",
        "fr": "La lettre que reçoit une personne",
    },
    "preview_intro": {
        "en": "A sample supporter in the riding you pick, writing a short introduction and "
        "keeping the campaign's texts. It updates as you type.",
        "fr": "Une personne fictive de la circonscription choisie, qui écrit une courte "
        "introduction et garde les textes de la campagne. L'aperçu suit votre saisie.",
    },
    "preview_riding": {"en": "Riding", "fr": "Circonscription"},
    "preview_language": {"en": "Language", "fr": "Langue"},
    "preview_target": {"en": "Letter to", "fr": "Lettre à"},
    "preview_fix_errors": {
        "en": "The preview needs a complete campaign: fill in the fields marked as missing.",
        "fr": "L'aperçu demande une campagne complète : remplissez les champs manquants.",
    },
    "preview_no_letters": {
        "en": "This supporter would write to no one.",
        "fr": "Cette personne n'écrirait à personne.",
    },
    "warnings": {"en": "Checks", "fr": "Vérifications"},
    "no_warnings": {"en": "No warnings.", "fr": "Aucun avertissement."},
    "subject_line": {"en": "Subject: {subject}", "fr": "Objet : {subject}"},
    "to_line": {"en": "To: {name}", "fr": "À : {name}"},
    "sample_first_name": {"en": "Sam", "fr": "Camille"},
    "sample_last_name": {"en": "Sample", "fr": "Exemple"},
    "sample_street": {"en": "1 Main Street", "fr": "1, rue Principale"},
    "sample_city": {"en": "Ottawa", "fr": "Ottawa"},
    "sample_intro": {
        "en": "I live in {riding}, where I have raised my family, and I am writing to you "
        "because this matters to my neighbours and to me.",
        "fr": "J'habite {riding}, où j'ai élevé ma famille, et je vous écris parce que cette "
        "question compte pour mes voisins et pour moi.",
    },
    "sample_concern": {
        "en": "I have followed this closely and I am worried about what it means for people here.",
        "fr": "Je suis ce dossier de près et je m'inquiète de ce qu'il signifie pour les "
        "gens d'ici.",
    },
    "sample_ask": {
        "en": "I ask you to act on this and to tell me what you will do.",
        "fr": "Je vous demande d'agir et de me dire ce que vous ferez.",
    },
    "field_required": {"en": "Fill this in.", "fr": "Remplissez ce champ."},
    "field_too_long": {"en": "This is too long.", "fr": "C'est trop long."},
    "field_slug": {
        "en": "Use 3 to 80 lower-case letters, digits and single dashes, such as save-the-river.",
        "fr": "Utilisez de 3 à 80 minuscules, chiffres et tirets simples, comme sauver-la-riviere.",
    },
    "field_slug_taken": {
        "en": "Another campaign has this address. Choose another.",
        "fr": "Une autre campagne a cette adresse. Choisissez-en une autre.",
    },
    "field_slug_fixed": {
        "en": "This campaign has been public: its address cannot change.",
        "fr": "Cette campagne a été publique : son adresse ne peut plus changer.",
    },
    "field_number": {
        "en": "Enter a whole number in range.",
        "fr": "Entrez un nombre entier dans les limites.",
    },
    "field_choose_one": {"en": "Choose at least one.", "fr": "Choisissez-en au moins un."},
    "field_too_many": {"en": "There are too many.", "fr": "Il y en a trop."},
    "field_url": {
        "en": "Enter an https address, such as https://example.org/page.",
        "fr": "Entrez une adresse https, comme https://exemple.org/page.",
    },
    "field_recipient_gone": {
        "en": "A chosen recipient is no longer in the directory.",
        "fr": "Une personne choisie n'est plus dans l'annuaire.",
    },
    "field_control": {
        "en": "Remove the control characters.",
        "fr": "Retirez les caractères de contrôle.",
    },
    "field_unused_texts": {
        "en": "There are texts for a kind of target the campaign does not write to: add such a "
        "target or clear them.",
        "fr": "Il y a des textes pour un type de destinataire absent de la campagne : ajoutez-en "
        "un ou effacez-les.",
    },
    "field_invalid": {"en": "This value is not valid.", "fr": "Cette valeur n'est pas valide."},
}
STRINGS.update(CAMPAIGN_EDITOR)


def text(key: str, language: Language, /, **values: object) -> str:
    words = STRINGS[key][language]
    return words.format(**values) if values else words
