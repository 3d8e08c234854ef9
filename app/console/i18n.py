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
    # --- Letter-writing events (app.events) ---
    "role_advocate": {"en": "advocate", "fr": "bénévole"},
    "events": {"en": "Events", "fr": "Événements"},
    "events_forbidden": {"en": "Events", "fr": "Événements"},
    "events_forbidden_message": {
        "en": "Your role does not run letter-writing events. Ask an owner of your organisation.",
        "fr": "Votre rôle ne permet pas d'animer des événements d'écriture. Adressez-vous à "
        "une personne propriétaire de votre organisme.",
    },
    "events_intro": {
        "en": "A letter-writing event: a table where people write to their officials by hand. "
        "Enter each attendee's letter, print the kit, and record how many were mailed.",
        "fr": "Un événement d'écriture : une table où l'on écrit à la main aux élu·es. "
        "Saisissez la lettre de chaque participant·e, imprimez la trousse et indiquez combien "
        "de lettres ont été postées.",
    },
    "no_events": {"en": "No events yet.", "fr": "Aucun événement pour l'instant."},
    "new_event": {"en": "New event", "fr": "Nouvel événement"},
    "no_live_campaigns": {
        "en": "No campaign is live: an event is held for a live campaign.",
        "fr": "Aucune campagne n'est en cours : un événement se tient pour une campagne en cours.",
    },
    "event_name": {"en": "Event name", "fr": "Nom de l'événement"},
    "event_place": {"en": "Place", "fr": "Lieu"},
    "event_date": {"en": "Date", "fr": "Date"},
    "create_event": {"en": "Create the event", "fr": "Créer l'événement"},
    "event_required": {"en": "Fill this in.", "fr": "Remplissez ce champ."},
    "event_text_invalid": {
        "en": "Use at most 200 characters, on one line.",
        "fr": "Au plus 200 caractères, sur une ligne.",
    },
    "event_date_invalid": {
        "en": "Give a date such as 2026-12-10.",
        "fr": "Indiquez une date comme 2026-12-10.",
    },
    "event_campaign_invalid": {
        "en": "Choose one of your live campaigns.",
        "fr": "Choisissez une de vos campagnes en cours.",
    },
    "event_campaign_not_live": {
        "en": "This event's campaign is no longer live: no more letters can be written for it.",
        "fr": "La campagne de cet événement n'est plus en cours : on ne peut plus y écrire.",
    },
    "event_summary": {
        "en": "{campaign} · {place} · {date}",
        "fr": "{campaign} · {place} · {date}",
    },
    "event_figures": {
        "en": "{actions} attendees wrote; {to_print} letters to print, {printed} printed.",
        "fr": "{actions} participant·es ont écrit ; {to_print} lettres à imprimer, "
        "{printed} imprimées.",
    },
    "attendee": {"en": "An attendee's letter", "fr": "La lettre d'une personne participante"},
    "attendee_intro": {
        "en": "Type what the attendee tells you, in their own words. Their letters are printed "
        "for them to sign by hand; nothing is emailed. The email address is required, as for "
        "any action: it is how the organisation finds their data to give it to them or erase "
        "it.",
        "fr": "Tapez ce que la personne vous dit, avec ses propres mots. Ses lettres sont "
        "imprimées pour qu'elle les signe à la main ; rien n'est envoyé par courriel. "
        "L'adresse courriel est obligatoire, comme pour toute action : c'est ainsi que "
        "l'organisme retrouve ses données pour les lui remettre ou les effacer.",
    },
    "own_words": {"en": "Their own words", "fr": "Ses propres mots"},
    "letter_language": {"en": "Language of the letter", "fr": "Langue de la lettre"},
    "consent_question": {
        "en": "Ask: may {organisation} keep in touch with you? Record the answer.",
        "fr": "Demandez : {organisation} peut-il vous tenir au courant ? Notez la réponse.",
    },
    "consent_yes_answer": {"en": "Yes, they agree", "fr": "Oui, la personne accepte"},
    "consent_no_answer": {"en": "No", "fr": "Non"},
    "consent_not_asked": {
        "en": "Ask the attendee and record their answer.",
        "fr": "Posez la question et notez la réponse.",
    },
    "enter_attendee": {"en": "Write the letters", "fr": "Écrire les lettres"},
    "entered": {
        "en": "Done: {letters} letters written, to print in the kit.",
        "fr": "C'est fait : {letters} lettres écrites, à imprimer dans la trousse.",
    },
    "attendee_repeat": {
        "en": "This address has already written on this campaign.",
        "fr": "Cette adresse a déjà écrit pour cette campagne.",
    },
    "fix_errors": {
        "en": "The letter was not written: see the messages beside the fields.",
        "fr": "La lettre n'a pas été écrite : voyez les messages près des champs.",
    },
    "upload": {"en": "Attendees from a file", "fr": "Participant·es depuis un fichier"},
    "upload_intro": {
        "en": "A CSV file (UTF-8), one attendee a row, with a header row naming these columns "
        "(the first eight and intro are required; consent_to_contact is yes or no): {columns}. "
        "Check it first; applying writes every row, or none.",
        "fr": "Un fichier CSV (UTF-8), une personne par ligne, avec une ligne d'en-tête qui "
        "nomme ces colonnes (les huit premières et intro sont obligatoires ; "
        "consent_to_contact vaut yes ou no) : {columns}. Vérifiez-le d'abord ; l'application "
        "écrit toutes les lignes, ou aucune.",
    },
    "csv_file": {"en": "CSV file", "fr": "Fichier CSV"},
    "check_file": {"en": "Check the file", "fr": "Vérifier le fichier"},
    "apply_file": {
        "en": "Write the letters of these {rows} attendees",
        "fr": "Écrire les lettres de ces {rows} personnes",
    },
    "csv_checked": {
        "en": "The file is ready: {rows} attendees, {letters} letters. Nothing is written yet.",
        "fr": "Le fichier est prêt : {rows} personnes, {letters} lettres. Rien n'est encore écrit.",
    },
    "csv_applied": {
        "en": "Written: {rows} attendees, {letters} letters.",
        "fr": "C'est écrit : {rows} personnes, {letters} lettres.",
    },
    "csv_refused": {
        "en": "Nothing was written: fix these rows and check the file again.",
        "fr": "Rien n'a été écrit : corrigez ces lignes et vérifiez le fichier à nouveau.",
    },
    "row": {"en": "Row", "fr": "Ligne"},
    "column": {"en": "Column", "fr": "Colonne"},
    "problem": {"en": "Problem", "fr": "Problème"},
    "csv_missing": {"en": "This column is missing.", "fr": "Cette colonne manque."},
    "csv_unknown": {"en": "This column is not one we know.", "fr": "Colonne inconnue."},
    "csv_too_many": {
        "en": "A file holds at most {most} attendees.",
        "fr": "Un fichier contient au plus {most} personnes.",
    },
    "csv_yes_or_no": {"en": "Write yes or no.", "fr": "Écrivez yes ou no."},
    "csv_same_email": {
        "en": "The same address as row {row}.",
        "fr": "La même adresse qu'à la ligne {row}.",
    },
    "csv_already_acted": {
        "en": "This address has already written on this campaign.",
        "fr": "Cette adresse a déjà écrit pour cette campagne.",
    },
    "csv_unreadable": {"en": "The file could not be read.", "fr": "Le fichier est illisible."},
    "csv_too_big": {"en": "The file is over 1 MB.", "fr": "Le fichier dépasse 1 Mo."},
    "csv_not_utf8": {
        "en": "Save the file as UTF-8 CSV and try again.",
        "fr": "Enregistrez le fichier en CSV UTF-8 et réessayez.",
    },
    "csv_empty": {"en": "Choose a CSV file.", "fr": "Choisissez un fichier CSV."},
    "kit": {"en": "The kit", "fr": "La trousse"},
    "kit_intro": {
        "en": "Printing the kit adds the letters written since the last one. The kit holds "
        "every printed letter of the event, sorted by recipient, a #10 envelope for each in "
        "the same order, and a count sheet.",
        "fr": "Imprimer la trousse y ajoute les lettres écrites depuis la dernière fois. La "
        "trousse contient toutes les lettres imprimées de l'événement, triées par "
        "destinataire, une enveloppe n° 10 pour chacune dans le même ordre, et une feuille "
        "de compte.",
    },
    "print_kit": {
        "en": "Print the kit ({letters} new letters)",
        "fr": "Imprimer la trousse ({letters} nouvelles lettres)",
    },
    "kit_letters": {"en": "Letters to sign (PDF)", "fr": "Lettres à signer (PDF)"},
    "kit_envelopes": {"en": "#10 envelopes (PDF)", "fr": "Enveloppes n° 10 (PDF)"},
    "kit_count": {"en": "Count sheet (PDF)", "fr": "Feuille de compte (PDF)"},
    "kit_empty": {"en": "No letter printed yet.", "fr": "Aucune lettre imprimée pour l'instant."},
    "mailed": {"en": "Mailed", "fr": "Postées"},
    "mailed_label": {
        "en": "How many of the {printed} printed letters were mailed?",
        "fr": "Combien des {printed} lettres imprimées ont été postées ?",
    },
    "record_mailed": {"en": "Record", "fr": "Enregistrer"},
    "mailed_recorded": {
        "en": "{count} letters recorded as mailed.",
        "fr": "{count} lettres indiquées comme postées.",
    },
    "mailed_invalid": {
        "en": "Give a number from 0 to {most}.",
        "fr": "Indiquez un nombre de 0 à {most}.",
    },
    "language_en": {"en": "English", "fr": "anglais"},
    "language_fr": {"en": "French", "fr": "français"},
}


def text(key: str, language: Language, /, **values: object) -> str:
    words = STRINGS[key][language]
    return words.format(**values) if values else words
