"""The sign-in email: the console's one email, sent through the same email lane, header
builder and read-back as every letter (app.delivery.email)."""

from email.message import EmailMessage

from app.console.models import SignInLink, User
from app.console.service import sign_in_url
from app.delivery.email import Envelope, Mailbox, MessageHeaders, build_message
from app.settings import Settings
from app.tokens import bounce_address, message_id

SIGN_IN_TEXT = {
    "en": (
        "Sign in to the {organisation} console",
        "Hello {name},\n\nTo sign in to the letterdesk console of {organisation}, open this "
        "link and press Sign in:\n\n{link}\n\nThe link works once, for {minutes} minutes. If "
        "you did not ask to sign in, ignore this email: nobody can use it without this "
        "mailbox.\n",
    ),
    "fr": (
        "Connexion à la console de {organisation}",
        "Bonjour {name},\n\nPour vous connecter à la console letterdesk de {organisation}, "
        "ouvrez ce lien et appuyez sur Se connecter :\n\n{link}\n\nLe lien ne sert qu'une "
        "fois, pendant {minutes} minutes. Si vous n'avez pas demandé à vous connecter, "
        "ignorez ce courriel : personne ne peut s'en servir sans accès à cette boîte.\n",
    ),
}


def sign_in_message(
    link: SignInLink, user: User, organisation: str, settings: Settings
) -> tuple[EmailMessage, Envelope]:
    language = "fr" if user.language == "fr" else "en"
    subject, text = SIGN_IN_TEXT[language]
    content = text.format(
        name=user.name,
        organisation=organisation,
        link=sign_in_url(settings, link.id),
        minutes=settings.console_link_minutes,
    )
    headers = MessageHeaders(
        sender=Mailbox(organisation, settings.email_from_address),
        to=Mailbox(user.name, user.email),
        subject=subject.format(organisation=organisation),
        message_id=message_id(settings, link.id, "sign-in"),
        language=language,
    )
    return build_message(headers, content), Envelope(
        bounce_address(settings, link.id), [user.email]
    )
