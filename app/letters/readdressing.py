"""Letters follow the shuffle. A letter written to whoever holds a role ("the Minister of
Foreign Affairs") is checked again when it is sent: if the role has changed hands since
it was written, it is re-addressed to the new holder (re-rendered with their forms of
address) or held for review, as its campaign says (`on_holder_change`); a role nobody
holds, or that the directory says several people hold, holds its letters. Either is
written on the letter and told to webhooks (`letter.readdressed`, `letter.held`).

The send paths call `follow_role_holder` with one line, before they read the letter.
Someone who reviewed a held letter lets it go with `release_held_letter` (written to the
role's holder then, and queued) or cancels it; retention cancels one nobody decided on."""

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.campaigns.addressing import Language
from app.campaigns.models import Campaign
from app.campaigns.rendering import render_text
from app.campaigns.service import letter_template
from app.db import utcnow
from app.delivery.models import Delivery
from app.delivery.pacing import destination_of
from app.errors import LetterNotHeld
from app.letters import lifecycle
from app.letters.events import record_letter_event
from app.letters.lifecycle import LetterStatus
from app.letters.models import Letter
from app.letters.schemas import Supporter
from app.letters.service import (
    ComposedLetter,
    Target,
    addressee_of,
    get_letter,
    letter_context,
    role_targets,
)


def follow_role_holder(session: Session, delivery_id: str, today: date) -> str | None:
    """Make the letter of `delivery_id` go to the role's holder on `today`, committing
    what it changes. Answers why the letter is held instead (its delivery then waits,
    released from the caller's lease, so the caller records nothing), or None when it
    is to be sent as it now stands."""
    letter = session.scalar(
        select(Letter)
        .join(Delivery, Delivery.letter_id == Letter.id)
        .where(Delivery.id == delivery_id)
    )
    if letter is None or letter.role_target is None or letter.scrubbed_at is not None:
        return None
    holders = role_targets(session, letter.organisation_id, letter.role_target, today)
    if any(holder.recipient.id == letter.recipient_id for holder in holders):
        return None
    campaign = session.get_one(Campaign, letter.campaign_id)
    reason = _reason_to_hold(letter, campaign, holders)
    if reason is None:
        _readdress(session, letter, campaign, holders[0], today)
        record_letter_event(session, letter.organisation_id, letter.id, "letter.readdressed")
        session.commit()
        return None
    _hold(session, letter, delivery_id, reason)
    record_letter_event(session, letter.organisation_id, letter.id, "letter.held")
    session.commit()
    return reason


def _reason_to_hold(letter: Letter, campaign: Campaign, holders: list[Target]) -> str | None:
    role = letter.role_target
    written_to = letter.recipient.get("display_name") or "its first addressee"
    if campaign.on_holder_change == "hold" and len(holders) == 1:
        name = addressee_of(holders[0]).display_name
        return (
            f"The role {role} changed hands: the letter was written to {written_to}; "
            f"{name} holds it now."
        )
    return _reason_it_cannot_go_to(letter, holders)


def _reason_it_cannot_go_to(letter: Letter, holders: list[Target]) -> str | None:
    """Why the letter cannot be written again to the role's holder(s), whatever the
    campaign says; None when it can."""
    role = letter.role_target
    if not holders:
        return f"Nobody holds the role {role} today."
    names = ", ".join(addressee_of(holder).display_name for holder in holders)
    if len(holders) > 1:
        return f"The directory says several people hold the role {role} today ({names})."
    if letter.channel == "email" and not holders[0].recipient.email:
        return f"The role {role} changed hands and {names}, who holds it now, has no email address."
    if not letter.parts:
        return f"The role {role} changed hands and this letter cannot be written again."
    return None


def _readdress(
    session: Session, letter: Letter, campaign: Campaign, target: Target, today: date
) -> None:
    """The letter written again to `target`, with the supporter's own words as they were."""
    action = letter.action
    supporter = Supporter.model_construct(
        first_name=action.first_name,
        last_name=action.last_name,
        email=action.email,
        street_address=action.street_address,
        city=action.city,
        province=action.province,
        postal_code=action.postal_code,
        phone=action.phone,
    )
    language: Language = "fr" if letter.language == "fr" else "en"
    # The words as the letter carries them (the supporter's own, or the campaign's text
    # for letters to a role, which the new holder is written to as well); the sentence
    # naming the supporter's riding was for the former holder as their MP, so it goes.
    written = letter.parts or {}
    parts = {
        name: written.get(name, "")
        for name in ("subject", "intro", "concern", "ask", "reply_request")
    } | {"constituency": ""}
    context, greeting = letter_context(campaign, supporter, target, language, parts, today)
    text = render_text(letter_template(campaign, language), context)
    # Only its recipient snapshot and content hash are read: no share of own words is shown.
    composed = ComposedLetter(
        target, letter.channel, language, letter.subject, greeting, text, context, 0.0
    )
    letter.readdressed_from = {
        "recipient_id": letter.recipient_id,
        "display_name": letter.recipient.get("display_name"),
        "at": utcnow().isoformat(),
    }
    letter.recipient_id = target.recipient.id
    letter.recipient = composed.recipient_snapshot()
    if letter.delivery is not None:  # paced and timed by its new office from now on
        for name, value in destination_of(letter.recipient, letter.channel).items():
            setattr(letter.delivery, name, value)
    letter.salutation = greeting
    letter.body_text = text
    letter.content_hash = composed.content_hash
    letter.parts = context
    letter.constituent = False  # the riding's sentence went with the former holder
    session.flush()


def release_held_letter(
    session: Session, organisation_id: str, letter_id: str, today: date
) -> Letter:
    """Someone reviewed a held letter and lets it go: re-addressed to whoever holds its
    role on `today` (unless that is still its addressee) and queued, its delivery due now.
    The delivery's row is locked first, as a cancel and a worker's claim lock it; the
    state check and the change are one statement (lifecycle), so a cancel racing this
    either wins (409 here) or finds the letter queued."""
    letter = get_letter(session, organisation_id, letter_id)
    session.execute(select(Delivery.id).where(Delivery.letter_id == letter.id).with_for_update())
    session.refresh(letter)
    if letter.status != LetterStatus.HELD_FOR_REVIEW:
        session.rollback()
        raise LetterNotHeld(
            f"This letter is {letter.status}: only a letter held for review can be released.",
            letter_status=letter.status,
        )
    # Only letters to a role are held today; one to a person would go back as written.
    holders = _holders_of(session, letter, today)
    reason = None if letter.role_target is None else _reason_it_cannot_go_to(letter, holders)
    if reason is not None:
        session.rollback()
        raise LetterNotHeld(
            f"This letter cannot be released yet. {reason}", letter_status=letter.status
        )
    released = session.execute(lifecycle.release_from_review(letter.id))
    if released.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        raise LetterNotHeld(
            "This letter is no longer held for review.", letter_status=letter.status
        )
    if holders and holders[0].recipient.id != letter.recipient_id:
        campaign = session.get_one(Campaign, letter.campaign_id)
        _readdress(session, letter, campaign, holders[0], today)
        record_letter_event(session, letter.organisation_id, letter.id, "letter.readdressed")
    session.execute(
        update(Delivery)
        .where(Delivery.letter_id == letter.id)
        .values(due_at=utcnow(), leased_by=None, leased_until=None)
    )
    session.commit()
    session.refresh(letter)
    return letter


def _holders_of(session: Session, letter: Letter, today: date) -> list[Target]:
    """Whoever holds the letter's role on `today` (nobody, for a letter to a person)."""
    if letter.role_target is None:
        return []
    return role_targets(session, letter.organisation_id, letter.role_target, today)


def _hold(session: Session, letter: Letter, delivery_id: str, reason: str) -> None:
    session.execute(lifecycle.hold_for_review(letter.id, reason))
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(due_at=None, leased_by=None, leased_until=None)
    )


def follow_role_holders_in_print(
    session: Session, organisation_id: str, campaign_id: str | None, today: date
) -> None:
    """Before a print batch gathers its letters: each queued print letter written to a
    role, made to go to the role's holder today or held (a held letter is not gathered)."""
    query = (
        select(Delivery.id)
        .join(Letter, Letter.id == Delivery.letter_id)
        .where(
            Letter.organisation_id == organisation_id,
            Letter.channel == "print",
            Letter.status == LetterStatus.QUEUED,
            Letter.role_target.is_not(None),
        )
    )
    if campaign_id is not None:
        query = query.where(Letter.campaign_id == campaign_id)
    for delivery_id in session.scalars(query).all():
        follow_role_holder(session, delivery_id, today)
