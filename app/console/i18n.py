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
    # Directory and print pages (app/console/directory.py, app/console/printing.py) ------
    "directory": {"en": "Directory", "fr": "Répertoire"},
    "print_batches": {"en": "Print batches", "fr": "Lots d'impression"},
    "viewer_cannot": {"en": "Not allowed", "fr": "Non autorisé"},
    "viewer_cannot_message": {
        "en": "Your role lets you look, not change anything. Ask an owner or an editor.",
        "fr": "Votre rôle permet de consulter, pas de modifier. Demandez à une personne "
        "propriétaire ou à la rédaction.",
    },
    "print_intro": {
        "en": "Letters by post wait in a queue until a batch gathers them: one PDF to print "
        "and a manifest listing each letter. Once the batch is in the post, mark it mailed: "
        "its supporters then see their letters as posted.",
        "fr": "Les lettres par la poste attendent qu'un lot les rassemble : un PDF à imprimer "
        "et un manifeste qui liste chaque lettre. Une fois le lot posté, indiquez-le : les "
        "sympathisant·es voient alors leurs lettres comme postées.",
    },
    "print_queued": {
        "en": "Letters waiting for the next batch: {count}.",
        "fr": "Lettres en attente du prochain lot : {count}.",
    },
    "print_which": {"en": "Letters of", "fr": "Lettres de"},
    "print_all_campaigns": {"en": "every campaign", "fr": "toutes les campagnes"},
    "print_duplex": {"en": "Printed on both sides", "fr": "Impression recto verso"},
    "print_make": {"en": "Make a batch", "fr": "Créer un lot"},
    "print_made": {"en": "Made", "fr": "Créé"},
    "print_pages": {"en": "Pages", "fr": "Pages"},
    "print_none": {"en": "No batches yet.", "fr": "Aucun lot pour l'instant."},
    "print_batch": {"en": "Print batch of {created}", "fr": "Lot d'impression du {created}"},
    "print_back": {"en": "All print batches", "fr": "Tous les lots d'impression"},
    "print_building": {
        "en": "The batch is being built in the background; this page updates when it is ready.",
        "fr": "Le lot se prépare en arrière-plan ; cette page se met à jour quand il est prêt.",
    },
    "print_reload": {"en": "Reload", "fr": "Actualiser"},
    "print_building_list": {
        "en": "A batch is being built in the background; this page updates when it is ready.",
        "fr": "Un lot se prépare en arrière-plan ; cette page se met à jour quand il est prêt.",
    },
    "print_files": {"en": "Files", "fr": "Fichiers"},
    "print_download_pdf": {"en": "Download the PDF", "fr": "Télécharger le PDF"},
    "print_download_manifest": {
        "en": "Download the manifest (CSV)",
        "fr": "Télécharger le manifeste (CSV)",
    },
    "print_mark_mailed": {"en": "Mark mailed", "fr": "Indiquer comme posté"},
    "print_mark_mailed_intro": {
        "en": "When the letters are in the post, give the day they went: each letter is then "
        "mailed, its supporter sees it, and the reply question counts its days from then.",
        "fr": "Quand les lettres sont à la poste, indiquez le jour de l'envoi : chaque lettre "
        "est alors postée, sa ou son signataire le voit, et la question sur la réponse compte "
        "ses jours à partir de là.",
    },
    "print_mailed_on": {"en": "Mailed on", "fr": "Date de mise à la poste"},
    "batch_building": {"en": "building", "fr": "en préparation"},
    "batch_ready": {"en": "ready to print", "fr": "prêt à imprimer"},
    "batch_mailed": {"en": "mailed", "fr": "posté"},
    "batch_failed": {"en": "failed", "fr": "échoué"},
    "nothing_to_print": {
        "en": "There are no letters waiting to be printed: nothing was made.",
        "fr": "Aucune lettre n'attend d'être imprimée : rien n'a été créé.",
    },
    "print_folder_unwritable": {
        "en": "The print folder cannot be written to; no letter was gathered. Tell whoever "
        "runs the service.",
        "fr": "Le dossier d'impression n'est pas accessible en écriture ; aucune lettre n'a "
        "été rassemblée. Prévenez la personne qui gère le service.",
    },
    "mailed_on_invalid": {
        "en": "Mailed on: give a day, today or before.",
        "fr": "Date de mise à la poste : indiquez un jour, aujourd'hui ou avant.",
    },
    "batch_not_ready": {
        "en": "This batch is not ready: only a ready batch can be mailed.",
        "fr": "Ce lot n'est pas prêt : seul un lot prêt peut être posté.",
    },
    "batch_no_files": {"en": "No files yet", "fr": "Pas encore de fichiers"},
    "batch_no_files_message": {
        "en": "This batch has no files: it is still being built, or it failed.",
        "fr": "Ce lot n'a pas de fichiers : il se prépare encore, ou il a échoué.",
    },
    "batch_files_gone": {"en": "Files deleted", "fr": "Fichiers supprimés"},
    "batch_files_gone_message": {
        "en": "This batch's files were deleted after the retention period.",
        "fr": "Les fichiers de ce lot ont été supprimés après la durée de conservation.",
    },
    "value_invalid": {"en": "This value is not valid.", "fr": "Cette valeur n'est pas valide."},
    "directory_search": {"en": "Search by name", "fr": "Chercher par nom"},
    "directory_search_button": {"en": "Search", "fr": "Chercher"},
    "directory_office": {"en": "Office", "fr": "Fonction"},
    "directory_district": {"en": "District", "fr": "Circonscription"},
    "directory_party": {"en": "Party", "fr": "Parti"},
    "directory_none": {"en": "No recipients found.", "fr": "Aucun destinataire trouvé."},
    "directory_pages": {"en": "Pages", "fr": "Pages"},
    "directory_first": {"en": "First page", "fr": "Première page"},
    "directory_next": {"en": "Next page", "fr": "Page suivante"},
    "directory_back": {"en": "Back to the directory", "fr": "Retour au répertoire"},
    "directory_saved": {"en": "Saved.", "fr": "Enregistré."},
    "directory_not_saved": {
        "en": "Nothing was saved: correct the fields marked below.",
        "fr": "Rien n'a été enregistré : corrigez les champs signalés ci-dessous.",
    },
    "directory_external_id": {"en": "Source's id", "fr": "Identifiant de la source"},
    "directory_address": {"en": "Address", "fr": "Adresse"},
    "directory_role": {"en": "Role", "fr": "Rôle"},
    "directory_locked": {
        "en": "Edited by hand (syncs leave these alone)",
        "fr": "Modifié à la main (les synchronisations n'y touchent pas)",
    },
    "directory_edit": {"en": "Edit", "fr": "Modifier"},
    "directory_details": {"en": "Details", "fr": "Détails"},
    "directory_edit_intro": {
        "en": "A field you change here is kept as you set it: syncs no longer overwrite it.",
        "fr": "Un champ modifié ici reste tel que vous l'avez saisi : les synchronisations ne "
        "le remplacent plus.",
    },
    "directory_save": {"en": "Save", "fr": "Enregistrer"},
    "field_honorific": {"en": "Honorific", "fr": "Titre honorifique"},
    "field_first_name": {"en": "First name", "fr": "Prénom"},
    "field_last_name": {"en": "Last name", "fr": "Nom de famille"},
    "field_post_nominals": {"en": "Post-nominals", "fr": "Lettres post-nominales"},
    "field_language": {"en": "Language", "fr": "Langue"},
    "field_party": {"en": "Party", "fr": "Parti"},
    "field_elected_office": {"en": "Elected office", "fr": "Charge élective"},
    "field_email": {"en": "Email", "fr": "Courriel"},
    "field_phone": {"en": "Phone", "fr": "Téléphone"},
    "import_title": {"en": "Import recipients", "fr": "Importer des destinataires"},
    "import_intro": {
        "en": "Upload a CSV or JSON file of recipients (by their source's id). You first see "
        "what it would change; nothing is written until you apply it.",
        "fr": "Téléversez un fichier CSV ou JSON de destinataires (par l'identifiant de leur "
        "source). Vous voyez d'abord ce qu'il changerait ; rien n'est écrit avant que vous "
        "l'appliquiez.",
    },
    "import_file": {"en": "File (CSV or JSON)", "fr": "Fichier (CSV ou JSON)"},
    "import_complete": {
        "en": "This file is the whole list: retire recipients absent from it",
        "fr": "Ce fichier est la liste complète : retirer les destinataires qui n'y sont pas",
    },
    "import_dry_run": {"en": "Show what would change", "fr": "Voir ce qui changerait"},
    "import_no_file": {"en": "File: choose a file.", "fr": "Fichier : choisissez un fichier."},
    "import_invalid": {
        "en": "Nothing was imported: the file has errors.",
        "fr": "Rien n'a été importé : le fichier comporte des erreurs.",
    },
    "import_errors": {"en": "Errors in the file", "fr": "Erreurs dans le fichier"},
    "import_row": {"en": "Row", "fr": "Ligne"},
    "import_column": {"en": "Column", "fr": "Colonne"},
    "import_problem": {"en": "Problem", "fr": "Problème"},
    "import_diff": {"en": "What the import would change", "fr": "Ce que l'import changerait"},
    "import_summary": {
        "en": "{added} added, {changed} changed, {unchanged} unchanged, {retired} retired.",
        "fr": "{added} ajoutés, {changed} modifiés, {unchanged} inchangés, {retired} retirés.",
    },
    "import_added": {"en": "Added", "fr": "Ajoutés"},
    "import_changed": {"en": "Changed", "fr": "Modifiés"},
    "import_retired": {"en": "Retired", "fr": "Retirés"},
    "import_field": {"en": "Field", "fr": "Champ"},
    "import_old": {"en": "Now", "fr": "Actuel"},
    "import_new": {"en": "After the import", "fr": "Après l'import"},
    "import_apply": {"en": "Apply this import", "fr": "Appliquer cet import"},
    "import_expired": {
        "en": "This import is no longer waiting (applied, or left too long). Upload the file "
        "again.",
        "fr": "Cet import n'attend plus (déjà appliqué, ou laissé trop longtemps). "
        "Téléversez de nouveau le fichier.",
    },
    "import_done": {
        "en": "Imported: {created} added, {updated} changed, {unchanged} unchanged, "
        "{retired} retired.",
        "fr": "Importé : {created} ajoutés, {updated} modifiés, {unchanged} inchangés, "
        "{retired} retirés.",
    },
    "sync_title": {"en": "Directory sync", "fr": "Synchronisation du répertoire"},
    "sync_source": {"en": "Source", "fr": "Source"},
    "sync_last": {"en": "Last synced", "fr": "Dernière synchronisation"},
    "sync_recipients": {"en": "Recipients", "fr": "Destinataires"},
    "sync_newest_fact": {"en": "Newest fact", "fr": "Fait le plus récent"},
    "sync_never": {
        "en": "The directory was never synced.",
        "fr": "Le répertoire n'a jamais été synchronisé.",
    },
    "sync_by_hand": {
        "en": "Recipients entered by hand or by file: {count}.",
        "fr": "Destinataires saisis à la main ou par fichier : {count}.",
    },
    "sync_run": {"en": "Run a sync now", "fr": "Synchroniser maintenant"},
    "sync_unknown_source": {
        "en": "Source: choose one of the sources listed.",
        "fr": "Source : choisissez l'une des sources proposées.",
    },
    "sync_failed": {
        "en": "The sync did not run: {reason}",
        "fr": "La synchronisation n'a pas eu lieu : {reason}",
    },
    "sync_stopped": {
        "en": "The sync changed nothing: {reason}",
        "fr": "La synchronisation n'a rien changé : {reason}",
    },
    "sync_done": {
        "en": "Synced {source}: {created} added, {updated} changed, {unchanged} unchanged, "
        "{retired} retired.",
        "fr": "{source} synchronisé : {created} ajoutés, {updated} modifiés, {unchanged} "
        "inchangés, {retired} retirés.",
    },
}


def text(key: str, language: Language, /, **values: object) -> str:
    words = STRINGS[key][language]
    return words.format(**values) if values else words
