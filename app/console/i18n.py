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
    # Replies per office (app.console.replies).
    "replies_by_office": {"en": "Replies per office", "fr": "Réponses par fonction"},
    "replies_overall": {
        "en": "Emailed letters: {sent} sent, {bounced} bounced; replies: {captured} captured "
        "at the reply address, {reported} reported by supporters; reply rate {rate}, "
        "median days to a reply: {days}.",
        "fr": "Lettres par courriel : {sent} envoyées, {bounced} revenues ; réponses : "
        "{captured} reçues à l'adresse de réponse, {reported} signalées par les "
        "sympathisant·es ; taux de réponse {rate}, délai médian de réponse (jours) : {days}.",
    },
    "replies_table": {
        "en": "Replies per office, as a table",
        "fr": "Réponses par fonction, en tableau",
    },
    "replies_how": {
        "en": "The reply rate counts the letters whose outcome is known (a reply captured, "
        "or the supporter said whether they got one); the median days run from a letter "
        "leaving to its first captured reply. The same figures are in the API: "
        "GET /v1/campaigns/{id}/responsiveness.",
        "fr": "Le taux de réponse porte sur les lettres dont on connaît l'issue (une réponse "
        "reçue, ou la personne a dit si elle en a eu une) ; le délai médian court de "
        "l'envoi de la lettre à sa première réponse reçue. Les mêmes chiffres sont dans "
        "l'API : GET /v1/campaigns/{id}/responsiveness.",
    },
    "no_replies_yet": {
        "en": "No letter has left by email yet.",
        "fr": "Aucune lettre n'est encore partie par courriel.",
    },
    "replies_sort_sent": {"en": "letters sent", "fr": "lettres envoyées"},
    "replies_sort_office": {"en": "office", "fr": "fonction"},
    "replies_sort_rate": {"en": "reply rate", "fr": "taux de réponse"},
    "office": {"en": "Office", "fr": "Fonction"},
    "held_by": {"en": "Held by", "fr": "Titulaire"},
    "bounced": {"en": "Bounced", "fr": "Revenues"},
    "replies_captured": {"en": "Replies captured", "fr": "Réponses reçues"},
    "replies_reported": {"en": "Replies reported", "fr": "Réponses signalées"},
    "reply_rate": {"en": "Reply rate", "fr": "Taux de réponse"},
    "median_days": {"en": "Median days to reply", "fr": "Délai médian (jours)"},
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
    # The settings pages (app.console.settings).
    "settings": {"en": "Settings", "fr": "Paramètres"},
    "identity": {"en": "Public identity", "fr": "Identité publique"},
    "users": {"en": "Users", "fr": "Utilisateur·rices"},
    "api_keys": {"en": "API keys", "fr": "Clés d'API"},
    "webhooks": {"en": "Webhooks", "fr": "Webhooks"},
    "owners_only": {"en": "Owners only", "fr": "Réservé aux propriétaires"},
    "owners_only_message": {
        "en": "Your role does not allow this. Ask an owner of your organisation.",
        "fr": "Votre rôle ne le permet pas. Adressez-vous à une personne propriétaire de "
        "votre organisme.",
    },
    "identity_intro": {
        "en": "How {name} appears to supporters: on its action pages, beside the consent "
        "question and in its emails.",
        "fr": "Comment {name} se présente aux sympathisant·es : sur ses pages d'action, à côté "
        "de la question de consentement et dans ses courriels.",
    },
    "identity_saved": {"en": "Saved.", "fr": "Enregistré."},
    "form_has_errors": {
        "en": "Some fields need a change: see the messages beside them.",
        "fr": "Certains champs sont à corriger : voyez les messages à côté.",
    },
    "organisation_name": {"en": "Organisation's name", "fr": "Nom de l'organisme"},
    "organisation_name_hint": {
        "en": "Its own name, unique on this service: shown where nothing else is set.",
        "fr": "Son propre nom, unique sur ce service : affiché là où rien d'autre n'est indiqué.",
    },
    "name_taken": {
        "en": "Another organisation has this name: choose another.",
        "fr": "Un autre organisme porte ce nom : choisissez-en un autre.",
    },
    "email_name": {"en": "Name in emails", "fr": "Nom dans les courriels"},
    "email_name_hint": {
        "en": "Blank: {name}.",
        "fr": "Vide : {name}.",
    },
    "logo_url": {"en": "Logo address", "fr": "Adresse du logo"},
    "logo_url_hint": {
        "en": "An https address of a PNG, JPEG, GIF or WebP image.",
        "fr": "Une adresse https d'une image PNG, JPEG, GIF ou WebP.",
    },
    "brand_colour": {"en": "Brand colour", "fr": "Couleur de marque"},
    "brand_colour_hint": {
        "en": "Six hex digits such as #ffff00; the text on it is black or white, whichever "
        "reads better.",
        "fr": "Six chiffres hexadécimaux comme #ffff00 ; le texte y est noir ou blanc, selon "
        "ce qui se lit le mieux.",
    },
    "privacy_url": {"en": "Privacy policy", "fr": "Politique de confidentialité"},
    "https_hint": {"en": "An https address.", "fr": "Une adresse https."},
    "contact_email": {"en": "Contact email", "fr": "Courriel de contact"},
    "contact_address": {"en": "Mailing address", "fr": "Adresse postale"},
    "contact_address_hint": {
        "en": "One line. Canada's anti-spam law asks for one beside a request for consent.",
        "fr": "Une ligne. La loi canadienne anti-pourriel en demande une à côté d'une "
        "demande de consentement.",
    },
    "consent_en": {"en": "Consent question (English)", "fr": "Question de consentement (anglais)"},
    "consent_fr": {"en": "Consent question (French)", "fr": "Question de consentement (français)"},
    "consent_hint": {
        "en": "10 to 500 characters; blank: the default question naming the organisation.",
        "fr": "De 10 à 500 caractères ; vide : la question par défaut, qui nomme l'organisme.",
    },
    "save": {"en": "Save", "fr": "Enregistrer"},
    "preview": {"en": "Preview", "fr": "Aperçu"},
    "preview_intro": {
        "en": "The header and consent box of an action page, as saved.",
        "fr": "L'en-tête et la case de consentement d'une page d'action, tels qu'enregistrés.",
    },
    "preview_send": {"en": "Send my letter", "fr": "Envoyer ma lettre"},
    "invalid_email_name": {
        "en": "A name is 1 to 200 characters on one line.",
        "fr": "Un nom compte de 1 à 200 caractères, sur une ligne.",
    },
    "invalid_logo_url": {
        "en": "Give an https address such as https://example.org/logo.png.",
        "fr": "Indiquez une adresse https comme https://exemple.org/logo.png.",
    },
    "invalid_privacy_url": {
        "en": "Give an https address such as https://example.org/privacy.",
        "fr": "Indiquez une adresse https comme https://exemple.org/confidentialite.",
    },
    "invalid_brand_colour": {
        "en": "Give a colour as # and six hex digits, such as #ffff00.",
        "fr": "Indiquez une couleur avec # et six chiffres hexadécimaux, comme #ffff00.",
    },
    "invalid_contact_email": {
        "en": "Enter an email address such as name@example.org.",
        "fr": "Entrez une adresse courriel comme nom@exemple.org.",
    },
    "invalid_contact_address": {
        "en": "An address is one line of at most 300 characters.",
        "fr": "Une adresse tient sur une ligne d'au plus 300 caractères.",
    },
    "invalid_consent_en": {
        "en": "A consent question is 10 to 500 characters of text.",
        "fr": "Une question de consentement compte de 10 à 500 caractères de texte.",
    },
    "invalid_consent_fr": {
        "en": "A consent question is 10 to 500 characters of text.",
        "fr": "Une question de consentement compte de 10 à 500 caractères de texte.",
    },
    "invalid_email": {
        "en": "Enter an email address such as name@example.org.",
        "fr": "Entrez une adresse courriel comme nom@exemple.org.",
    },
    "invalid_name": {
        "en": "A name is 1 to 200 characters on one line.",
        "fr": "Un nom compte de 1 à 200 caractères, sur une ligne.",
    },
    "bad_role": {"en": "Role", "fr": "Rôle"},
    "bad_role_message": {
        "en": "A role is owner, editor or viewer.",
        "fr": "Un rôle est propriétaire, rédaction ou lecture seule.",
    },
    "invalid_role": {
        "en": "A role is owner, editor or viewer.",
        "fr": "Un rôle est propriétaire, rédaction ou lecture seule.",
    },
    "invalid_language": {
        "en": "Choose English or French.",
        "fr": "Choisissez anglais ou français.",
    },
    "key_name_taken": {
        "en": "Another key of your organisation has this name (revoked keys keep theirs): "
        "choose another.",
        "fr": "Une autre clé de votre organisme porte déjà ce nom (les clés révoquées gardent "
        "le leur) : choisissez-en un autre.",
    },
    "invalid_scopes": {"en": "Tick at least one scope.", "fr": "Cochez au moins une portée."},
    "invalid_url": {
        "en": "Give an http or https address that is reachable on the internet (a receiver on "
        "your own machine needs the service's setting "
        "LETTERDESK_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true).",
        "fr": "Indiquez une adresse http ou https joignable sur Internet (un récepteur sur "
        "votre propre machine demande le réglage du service "
        "LETTERDESK_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true).",
    },
    "invalid_events": {"en": "Tick at least one event.", "fr": "Cochez au moins un événement."},
    "invalid_description": {
        "en": "A description is one line of at most 300 characters.",
        "fr": "Une description tient sur une ligne d'au plus 300 caractères.",
    },
    "role": {"en": "Role", "fr": "Rôle"},
    "language": {"en": "Language", "fr": "Langue"},
    "change": {"en": "Change", "fr": "Modifier"},
    "remove": {"en": "Remove", "fr": "Retirer"},
    "role_of": {"en": "Role of {email}", "fr": "Rôle de {email}"},
    "change_role_of": {"en": "Change the role of {email}", "fr": "Modifier le rôle de {email}"},
    "remove_user": {"en": "Remove {email}", "fr": "Retirer {email}"},
    "roles_explained": {
        "en": "Owners run the organisation: its identity, users, API keys and webhooks. "
        "Editors run campaigns and see supporters. Viewers look and change nothing.",
        "fr": "Les propriétaires gèrent l'organisme : son identité, ses utilisateur·rices, ses "
        "clés d'API et ses webhooks. La rédaction gère les campagnes et voit les "
        "sympathisant·es. La lecture seule regarde sans rien changer.",
    },
    "invite": {"en": "Invite someone", "fr": "Inviter quelqu'un"},
    "invite_intro": {
        "en": "They get an email with a link that signs them in.",
        "fr": "La personne reçoit un courriel avec un lien de connexion.",
    },
    "invite_button": {"en": "Invite", "fr": "Inviter"},
    "user_invited": {
        "en": "{email} was added and emailed a sign-in link.",
        "fr": "{email} a été ajouté·e et a reçu un lien de connexion.",
    },
    "user_exists": {
        "en": "This address is already a console user.",
        "fr": "Cette adresse est déjà celle d'une personne inscrite à la console.",
    },
    "last_owner": {"en": "The last owner", "fr": "La dernière personne propriétaire"},
    "last_owner_message": {
        "en": "The organisation's last owner cannot be removed or given another role: make "
        "someone else an owner first.",
        "fr": "La dernière personne propriétaire de l'organisme ne peut être retirée ni "
        "changer de rôle : nommez d'abord quelqu'un d'autre propriétaire.",
    },
    "keys_intro": {
        "en": "Keys let your other systems use the API. A key is shown once, when it is "
        "made; only its first characters are kept in view. When it was last used is not "
        "recorded.",
        "fr": "Les clés permettent à vos autres systèmes d'utiliser l'API. Une clé n'est "
        "montrée qu'une fois, à sa création ; seuls ses premiers caractères restent "
        "visibles. Sa dernière utilisation n'est pas enregistrée.",
    },
    "key_prefix": {"en": "Starts with", "fr": "Commence par"},
    "scopes": {"en": "Scopes", "fr": "Portées"},
    "created": {"en": "Created", "fr": "Créée"},
    "revoked_on": {"en": "revoked {when}", "fr": "révoquée le {when}"},
    "revoke": {"en": "Revoke", "fr": "Révoquer"},
    "revoke_key": {"en": "Revoke {name} ({prefix})", "fr": "Révoquer {name} ({prefix})"},
    "make_key": {"en": "Make a key", "fr": "Créer une clé"},
    "key_name": {"en": "Name", "fr": "Nom"},
    "key_name_hint": {
        "en": "What uses it, such as: website.",
        "fr": "Ce qui l'utilise, par exemple : site web.",
    },
    "key_made": {"en": "Your new API key", "fr": "Votre nouvelle clé d'API"},
    "key_made_intro": {
        "en": "The key {name}. Copy it now into the system that uses it.",
        "fr": "La clé {name}. Copiez-la maintenant dans le système qui l'utilise.",
    },
    "shown_once": {
        "en": "It is shown this once and never again: if it is lost, revoke it and make another.",
        "fr": "Elle n'est montrée que cette fois : si elle est perdue, révoquez-la et créez-en "
        "une autre.",
    },
    "secret": {"en": "Secret", "fr": "Secret"},
    "last_admin_key": {"en": "The last admin key", "fr": "La dernière clé admin"},
    "last_admin_key_message": {
        "en": "This is the organisation's last live admin key: make another admin key before "
        "revoking it.",
        "fr": "C'est la dernière clé admin active de l'organisme : créez-en une autre avant "
        "de la révoquer.",
    },
    "webhooks_intro": {
        "en": "Webhooks send events (a letter sent, an action taken) to your other systems, "
        "signed with a secret shown once, when the webhook is added.",
        "fr": "Les webhooks envoient des événements (une lettre envoyée, une action) à vos "
        "autres systèmes, signés d'un secret montré une fois, à l'ajout du webhook.",
    },
    "events": {"en": "Events", "fr": "Événements"},
    "event": {"en": "Event", "fr": "Événement"},
    "active": {"en": "active", "fr": "actif"},
    "paused": {"en": "paused", "fr": "en pause"},
    "webhook_log": {"en": "Deliveries", "fr": "Livraisons"},
    "webhook_title": {"en": "Webhook {url}", "fr": "Webhook {url}"},
    "no_webhooks": {"en": "No webhooks yet.", "fr": "Aucun webhook pour l'instant."},
    "add_webhook": {"en": "Add a webhook", "fr": "Ajouter un webhook"},
    "webhook_url_hint": {
        "en": "Where events are posted: http or https.",
        "fr": "Où les événements sont envoyés : http ou https.",
    },
    "description": {"en": "Description", "fr": "Description"},
    "webhook_made": {"en": "Your new webhook", "fr": "Votre nouveau webhook"},
    "webhook_made_intro": {
        "en": "Events for {url} are signed with this secret: give it to the receiver now.",
        "fr": "Les événements pour {url} sont signés avec ce secret : donnez-le maintenant au "
        "récepteur.",
    },
    "send_test": {"en": "Send a test event", "fr": "Envoyer un événement test"},
    "pause": {"en": "Pause", "fr": "Mettre en pause"},
    "resume": {"en": "Resume", "fr": "Reprendre"},
    "deliveries": {"en": "Delivery log", "fr": "Journal des livraisons"},
    "state_filter": {"en": "Show", "fr": "Afficher"},
    "state_all": {"en": "every state", "fr": "tous les états"},
    "state_pending": {"en": "pending", "fr": "en attente"},
    "state_delivered": {"en": "delivered", "fr": "livrée"},
    "state_failed": {"en": "failed", "fr": "échouée"},
    "state_cancelled": {"en": "cancelled", "fr": "annulée"},
    "attempts": {"en": "Attempts (answer)", "fr": "Tentatives (réponse)"},
    "redeliver": {"en": "Send again", "fr": "Renvoyer"},
    "redeliver_one": {"en": "Send {event} again", "fr": "Renvoyer {event}"},
    "edit_webhook": {"en": "Change this webhook", "fr": "Modifier ce webhook"},
    "webhook_paused": {"en": "Paused webhook", "fr": "Webhook en pause"},
    "webhook_paused_message": {
        "en": "This webhook is paused: resume it first.",
        "fr": "Ce webhook est en pause : reprenez-le d'abord.",
    },
    "redeliver_refused": {"en": "Send again", "fr": "Renvoyer"},
    "redeliver_refused_message": {
        "en": "This delivery is still being tried, or the webhook is paused.",
        "fr": "Cette livraison est encore en cours d'essai, ou le webhook est en pause.",
    },
    # --- Letter-writing events (app.events) ---
    "role_advocate": {"en": "advocate", "fr": "bénévole"},
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
