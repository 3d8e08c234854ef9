"""Asking the supporter whether the official answered (WriteToThem's question).

Some days after a letter leaves (the campaign's `questionnaire_days`: after an emailed
letter is sent, or after the print batch holding a letter by post is marked mailed), its
supporter is sent one short email in their language: did you get a reply from
<official>? Yes / No / Not yet, each a link to a page that records the answer only by
its button (app.impact.pages). A week later, one reminder, unless they answered yes or
no. Nothing is sent for a letter that bounced, whose reply was captured, or whose
supporter's data was erased: the job does not queue it, and the email lane checks again
just before sending (`questionnaire_message` raises `NotToAsk`)."""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import ColumnElement, Exists, Select, exists, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.auth.models import Organisation
from app.campaigns.models import Campaign
from app.campaigns.rendering import localised_date
from app.db import utcnow
from app.delivery.email import Envelope, supporter_message
from app.delivery.models import Delivery
from app.ids import new_id
from app.impact.models import Questionnaire
from app.inbound.models import Reply
from app.letters.lifecycle import LetterStatus
from app.letters.models import Action, Letter
from app.settings import Settings
from app.tokens import questionnaire_link, questionnaire_token

ANSWERS = ("yes", "no", "not_yet")
REMINDER_DAYS = 7
# A letter whose question is this many days overdue (a worker stopped for long, a
# campaign that just turned the question on) is not asked about: a late question about
# an old letter is noise.
ASK_WITHIN_DAYS = 7
BATCH = 200
# The letters that left: sent by email, or printed and posted (`sent_at` is when the
# batch was marked mailed, or the day it says it was).
LEFT = (LetterStatus.SENT, LetterStatus.MAILED)

QUESTION_TEXT = {
    "en": (
        "Did you get a reply from {official}?",
        "Hello {name},\n\n{opening} Did you get a reply?\n\n"
        "Yes, I got a reply:\n{yes}\n\n"
        "No reply:\n{no}\n\n"
        "Not yet:\n{not_yet}\n\n"
        "Each link opens a page where a button records your answer. Your answers show "
        "{organisation} which offices answer the people who write to them.\n{last}",
    ),
    "fr": (
        "Avez-vous reçu une réponse de {official} ?",
        "Bonjour {name},\n\n{opening} Avez-vous reçu une réponse ?\n\n"
        "Oui, j'ai reçu une réponse :\n{yes}\n\n"
        "Pas de réponse :\n{no}\n\n"
        "Pas encore :\n{not_yet}\n\n"
        "Chaque lien ouvre une page où un bouton enregistre votre réponse. Vos réponses "
        "montrent à {organisation} quels bureaux répondent aux personnes qui leur "
        "écrivent.\n{last}",
    ),
}
# What the letter was: written and emailed that day, or posted that day (a letter by post
# is asked about from the day its batch was marked mailed).
OPENING = {
    ("email", "en"): 'On {date} you wrote to {official} about "{title}" with {organisation}.',
    ("email", "fr"): "Le {date}, vous avez écrit à {official} au sujet de « {title} » avec "
    "{organisation}.",
    ("print", "en"): 'On {date} {organisation} posted your letter to {official} about "{title}".',
    ("print", "fr"): "Le {date}, {organisation} a posté votre lettre à {official} au sujet de "
    "« {title} ».",
}
LAST_TIME = {
    "en": "\nThis is our only reminder: we will not ask again.\n",
    "fr": "\nC'est notre seul rappel : nous ne vous le demanderons plus.\n",
}


class NotToAsk(Exception):
    """The question is no longer to be sent (answered, a reply captured, data erased)."""


def _reply_captured(letter_id: InstrumentedAttribute[str]) -> Exists:
    return exists().where(Reply.letter_id == letter_id, Reply.kind == "human")


def _letters_to_ask(campaign: Campaign, now: datetime) -> Select[str, str]:
    days = campaign.questionnaire_days or 0
    return (
        select(Letter.id, Letter.action_id)
        .join(Action, Action.id == Letter.action_id)
        .where(
            Letter.campaign_id == campaign.id,
            Letter.status.in_(LEFT),
            Letter.sent_at <= now - timedelta(days=days),
            Letter.sent_at > now - timedelta(days=days + ASK_WITHIN_DAYS),
            Letter.scrubbed_at.is_(None),
            Action.scrubbed_at.is_(None),
            ~exists().where(Questionnaire.letter_id == Letter.id),
            ~_reply_captured(Letter.id),
        )
        .order_by(Letter.sent_at)
    )


def _queue_email(session: Session, organisation_id: str, action_id: str, now: datetime) -> str:
    delivery_id = new_id("dlv")
    session.add(
        Delivery(
            id=delivery_id,
            organisation_id=organisation_id,
            action_id=action_id,
            channel="questionnaire",
            due_at=now,
            attempts=0,
        )
    )
    return delivery_id


def ask_due_questions(session: Session, now: datetime | None = None) -> tuple[int, bool]:
    """Queue the question for up to BATCH letters whose day has come; commits. Answers
    how many were queued and whether there may be more."""
    now = now or utcnow()
    campaigns = session.scalars(
        select(Campaign).where(Campaign.questionnaire_days.is_not(None), Campaign.status != "draft")
    ).all()
    queued = 0
    for campaign in campaigns:
        due = session.execute(_letters_to_ask(campaign, now).limit(BATCH - queued)).all()
        for letter_id, action_id in due:
            delivery_id = _queue_email(session, campaign.organisation_id, action_id, now)
            session.add(
                Questionnaire(
                    organisation_id=campaign.organisation_id,
                    letter_id=letter_id,
                    delivery_id=delivery_id,
                    asked_at=now,
                )
            )
        queued += len(due)
        if queued >= BATCH:
            break
    session.commit()
    return queued, queued >= BATCH


def send_due_reminders(session: Session, now: datetime | None = None) -> tuple[int, bool]:
    """Queue the one reminder for up to BATCH questions asked a week ago and not answered
    yes or no; commits."""
    now = now or utcnow()
    due = session.execute(
        select(Questionnaire, Letter.action_id)
        .join(Letter, Letter.id == Questionnaire.letter_id)
        .join(Action, Action.id == Letter.action_id)
        .where(
            Questionnaire.reminded_at.is_(None),
            Questionnaire.asked_at <= now - timedelta(days=REMINDER_DAYS),
            (Questionnaire.answer.is_(None)) | (Questionnaire.answer == "not_yet"),
            Letter.status.in_(LEFT),
            Action.scrubbed_at.is_(None),
            ~_reply_captured(Questionnaire.letter_id),
        )
        .order_by(Questionnaire.asked_at)
        .limit(BATCH)
    ).all()
    for questionnaire, action_id in due:
        questionnaire.delivery_id = _queue_email(
            session, questionnaire.organisation_id, action_id, now
        )
        questionnaire.reminded_at = now
    session.commit()
    return len(due), len(due) == BATCH


@dataclass(frozen=True)
class Asked:
    """A question as its email and page show it."""

    questionnaire: Questionnaire
    letter: Letter
    action: Action
    campaign: Campaign
    organisation: str

    @property
    def language(self) -> str:
        return "fr" if self.action.language == "fr" else "en"

    @property
    def official(self) -> str:
        return str(self.letter.recipient.get("display_name") or "")

    @property
    def title(self) -> str:
        titles = self.campaign.title
        return titles.get(self.language) or next(iter(titles.values()))


def _asked(session: Session, where: ColumnElement[bool]) -> Asked | None:
    row = session.execute(
        select(Questionnaire, Letter, Action, Campaign, Organisation.name_in_email)
        .join(Letter, Letter.id == Questionnaire.letter_id)
        .join(Action, Action.id == Letter.action_id)
        .join(Campaign, Campaign.id == Letter.campaign_id)
        .join(Organisation, Organisation.id == Letter.organisation_id)
        .where(where)
    ).first()
    return Asked(*row) if row else None


def asked_by_link(session: Session, settings: Settings, questionnaire_id: str, token: str) -> Asked:
    """The question a link names, if the link is ours; else NotToAsk (a 404 page)."""
    expected = questionnaire_token(settings, questionnaire_id)
    found = _asked(session, Questionnaire.id == questionnaire_id)
    if found is None or not hmac.compare_digest(expected, token):
        raise NotToAsk("not a link we sent")
    return found


def record_answer(session: Session, asked: Asked, answer: str) -> None:
    """The supporter's answer (which they may change); commits."""
    asked.questionnaire.answer = answer
    asked.questionnaire.answered_at = utcnow()
    session.commit()


def _why_not_ask(session: Session, asked: Asked) -> str | None:
    if asked.action.scrubbed_at is not None or asked.letter.scrubbed_at is not None:
        return "the supporter's personal data was erased"
    if asked.questionnaire.answer in ("yes", "no"):
        return "the supporter answered before it went"
    if asked.letter.status not in LEFT:
        return f"the letter is {asked.letter.status}"
    captured = select(Reply.id).where(Reply.letter_id == asked.letter.id, Reply.kind == "human")
    if session.scalar(captured.limit(1)) is not None:
        return "a reply to the letter was captured"
    return None


def questionnaire_message(
    session: Session, delivery_id: str, settings: Settings
) -> tuple[EmailMessage, Envelope]:
    """The question (or its reminder) that `delivery_id` sends; NotToAsk when it is no
    longer to go."""
    asked = _asked(session, Questionnaire.delivery_id == delivery_id)
    if asked is None:
        raise NotToAsk("the question is gone")
    if why := _why_not_ask(session, asked):
        raise NotToAsk(why)
    language = asked.language
    subject, text = QUESTION_TEXT[language]
    reminder = asked.questionnaire.reminded_at is not None
    links = {a: questionnaire_link(settings, asked.questionnaire.id, a) for a in ANSWERS}
    sent_at = asked.letter.sent_at or asked.letter.created_at
    posted = asked.letter.status == LetterStatus.MAILED
    opening = OPENING["print" if posted else "email", language].format(
        date=localised_date(sent_at.date(), language),
        official=asked.official,
        title=asked.title,
        organisation=asked.organisation,
    )
    content = text.format(
        name=asked.action.first_name,
        opening=opening,
        organisation=asked.organisation,
        last=LAST_TIME[language] if reminder else "",
        **links,
    )
    # Named by its delivery, as a notice is: the question and its reminder are two emails.
    about = (delivery_id, "questionnaire")
    return supporter_message(
        asked.action, subject.format(official=asked.official), content, about, settings,
        asked.organisation,
    )  # fmt: skip
