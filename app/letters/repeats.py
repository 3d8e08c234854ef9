"""Someone takes action with an address that already acted on the campaign.

Nobody may learn from us whether a person took action, so an anonymous caller is
answered as a first action is answered: 201, the letters rendered from what was just
sent, with ids that name nothing stored (see `service.take_action`). Nothing new is
written or sent to anyone but the address itself, which is told by email, at most once
per mailbox and `repeat_notice_hours` (a row per mailbox, so the limit holds across
processes and hosts, and commits with the notice or not at all)."""

from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.auth.identity import email_footer
from app.auth.models import Organisation
from app.campaigns.models import Campaign
from app.campaigns.rendering import localised_date
from app.db import utcnow
from app.delivery.email import Envelope, supporter_message
from app.delivery.models import Delivery
from app.letters.models import Action, Letter, RepeatNotice
from app.rate_limits import mailbox_digest
from app.settings import Settings

NOTICE_TEXT = {
    "en": (
        "You have already written about this",
        'Hello {name},\n\nSomeone, perhaps you, has just taken action again on "{title}" '
        "with this email address. This address did so already on {date}, so nothing new "
        "was written and nothing new was sent.\n\nThe letters of that first time:\n"
        "{letters}\n\nThe campaign's page: {link}\n\nIf it was not you, there is nothing "
        "to do. We send this notice at most once every {hours} hours.\n",
    ),
    "fr": (
        "Vous avez déjà écrit à ce sujet",
        "Bonjour {name},\n\nQuelqu'un, vous peut-être, vient d'agir de nouveau pour « {title} » "
        "avec cette adresse courriel. Cette adresse l'avait déjà fait le {date} : rien de "
        "nouveau n'a été écrit ni envoyé.\n\nLes lettres de cette première fois :\n{letters}"
        "\n\nLa page de la campagne : {link}\n\nSi ce n'était pas vous, vous n'avez rien à "
        "faire. Nous n'envoyons cet avis qu'une fois toutes les {hours} heures au plus.\n",
    ),
}
# A letter's state as its supporter reads it; a letter waiting for confirmation goes
# only if the link already emailed is followed (the notice offers none: the first
# action may not have been theirs).
LETTER_STATES = {
    "en": {
        "pending_confirmation": "waits for the confirmation link we emailed you; it goes "
        "only if you follow it",
        "queued": "on its way",
        "sending": "on its way",
        "sent": "sent",
        "batched": "printed for the post",
        "printed": "printed for the post",
        "mailed": "posted",
        "failed": "could not be delivered",
        "bounced": "sent, but the official's mail server sent it back",
        "cancelled": "cancelled",
        "expired": "not sent: it was not confirmed in time",
    },
    "fr": {
        "pending_confirmation": "attend le lien de confirmation que nous vous avons envoyé ; "
        "elle ne part que si vous le suivez",
        "queued": "en route",
        "sending": "en route",
        "sent": "envoyée",
        "batched": "imprimée pour la poste",
        "printed": "imprimée pour la poste",
        "mailed": "postée",
        "failed": "n'a pas pu être remise",
        "bounced": "envoyée, mais le serveur de courriel de l'élu l'a renvoyée",
        "cancelled": "annulée",
        "expired": "non envoyée : elle n'a pas été confirmée à temps",
    },
}


def claim_notice_window(session: Session, email: str, settings: Settings) -> bool:
    """Whether the mailbox of `email` may be told now: true at most once per window. The
    row is written in the caller's transaction; of racing callers one wins."""
    now = utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RepeatNotice).values(
        mailbox_digest=mailbox_digest(settings, email), sent_at=now
    )
    claimed = session.scalar(
        statement.on_conflict_do_update(
            index_elements=[RepeatNotice.mailbox_digest],
            set_={"sent_at": statement.excluded.sent_at},
            where=RepeatNotice.sent_at <= now - timedelta(hours=settings.repeat_notice_hours),
        ).returning(RepeatNotice.mailbox_digest)
    )
    return claimed is not None


def queue_notice(session: Session, first: Action, email: str, settings: Settings) -> None:
    """Tell the owner of `email` that their address was used again, through the outbox,
    unless their mailbox was told within the window. The caller commits."""
    if claim_notice_window(session, email, settings):
        session.add(
            Delivery(
                organisation_id=first.organisation_id,
                action_id=first.id,
                channel="notice",
                due_at=utcnow(),
                attempts=0,
            )
        )


def purge_notice_windows(session: Session, settings: Settings) -> int:
    """Forget the windows that closed (the worker calls it with retention)."""
    cutoff = utcnow() - timedelta(hours=settings.repeat_notice_hours)
    purged = session.execute(delete(RepeatNotice).where(RepeatNotice.sent_at <= cutoff))
    session.commit()
    return int(purged.rowcount)  # type: ignore[attr-defined]


def notice_message(
    session: Session, delivery_id: str, action: Action, settings: Settings
) -> tuple[EmailMessage, Envelope]:
    """The notice, in the first action's language, naming its letters and their state."""
    language = "fr" if action.language == "fr" else "en"
    campaign = session.get_one(Campaign, action.campaign_id)
    letters = session.execute(
        select(Letter.recipient, Letter.status).where(Letter.action_id == action.id)
    ).all()
    subject, text = NOTICE_TEXT[language]
    states = LETTER_STATES[language]
    listed = "\n".join(
        f"- {recipient.get('display_name')}: {states.get(status, status)}"
        for recipient, status in letters
    )
    page = f"{settings.public_url.rstrip('/')}/c/{campaign.slug}?lang={language}"
    content = text.format(
        name=action.first_name,
        title=campaign.title.get(language) or next(iter(campaign.title.values())),
        date=localised_date(action.created_at.date(), language),
        letters=listed,
        link=page,
        hours=settings.repeat_notice_hours,
    )
    organisation = session.get_one(Organisation, action.organisation_id)
    return supporter_message(
        action,
        subject,
        content,
        (delivery_id, "notice"),
        settings,
        organisation.name_in_email,
        email_footer(organisation, language),
    )
