"""Daily digests: an office that takes one (`Recipient.delivery_preference` =
`daily_digest`) gets one email a day per address, with every letter due to it then.

A letter to such an office is written with a delivery on channel "digest", which the
email lane never claims. Once a day per address, from `digest_hour` in the
office's time zone, the periodic job `gather_digests` (app.delivery.jobs) puts the letters
due then (confirmed, past their hold window, queued) into one `Digest` and writes its
email as one delivery of the outbox (channel "daily_digest"), in one transaction. From there
the digest is sent as a letter is: the email lane claims its delivery with a lease, and
the claim takes its letters `sending` in the same transaction (a letter stopped before
then is not in it); the message is built from the letters then, with the manifest
first, and checked and signed as every email; the outcome is recorded only under the
lease, moving every letter it carried to `sent` (with `letter.sent`) once. A worker that
dies leaves a lease that runs out: the digest is claimed again and its letters with it;
the Message-ID is the digest's, so a receiver drops the copy of the rare one sent twice
(a crash between the server's accept and our record).

An office that leaves the digest: its letters waiting for one go one by one again."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from email.message import EmailMessage
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import Organisation
from app.campaigns.models import Campaign
from app.campaigns.texts import all_defaults
from app.db import utcnow
from app.delivery.email import Envelope, Mailbox, MessageHeaders, build_message
from app.delivery.models import Delivery, Digest
from app.directory.models import Recipient
from app.ids import new_id
from app.inbound.addresses import reply_address
from app.letters import lifecycle
from app.letters.models import Action, Letter
from app.letters.readdressing import follow_role_holder
from app.outbox.periodic import Pass
from app.settings import Settings
from app.tokens import bounce_address, message_id
from app.zones import province_zone

log = logging.getLogger("letterdesk.digests")

# A letter's delivery while it waits for its office's digest (the email lane never
# claims it), and the digest's own email (the email lane sends it).
WAITING = "digest"
CHANNEL = "daily_digest"

# The office's time zone comes from its province (the district's, else its first
# address's), as app.zones says; no province: Ottawa's.


def office_zone(settings: Settings, province: str | None) -> tzinfo:
    if settings.digest_time_zone != "office":
        return ZoneInfo(settings.digest_time_zone)
    try:
        return ZoneInfo(province_zone(province))
    except ZoneInfoNotFoundError:  # a system without the time zone database
        return ZoneInfo("UTC")


def office_day(settings: Settings, province: str | None, now: datetime) -> date | None:
    """The office's day whose digest may go at `now`, or None before its hour."""
    local = now.astimezone(office_zone(settings, province))
    return local.date() if local.hour >= settings.digest_hour else None


def route_left_digests(session: Session) -> int:
    """Letters waiting for the digest of an office that no longer takes one (or whose
    recipient was deleted, or that a letter to a role no longer goes to) go one by one,
    as email, from the next poll. Only deliveries still due are read (by the channel's
    index): one whose letter is in a digest is done."""
    takes_digest = (
        select(Letter.id)
        .join(Recipient, Recipient.id == Letter.recipient_id)
        .where(Letter.id == Delivery.letter_id, Recipient.delivery_preference == "daily_digest")
        .exists()
    )
    moved = session.execute(
        update(Delivery)
        .where(Delivery.channel == WAITING, Delivery.due_at.is_not(None), ~takes_digest)
        .values(channel="email")
    )
    return int(moved.rowcount)  # type: ignore[attr-defined]


@dataclass
class Office:
    """One address of one organisation's recipient, and the letters due to it."""

    organisation_id: str
    address: str
    recipient_id: str
    language: str
    letter_ids: list[str]


def _waiting(now: datetime) -> ColumnElement[bool]:
    """Letters waiting for their office's digest that may go at `now`."""
    return and_(
        Delivery.channel == WAITING,
        Delivery.due_at <= now,
        Letter.digest_id.is_(None),
        Letter.status == lifecycle.LetterStatus.QUEUED,
        lifecycle.hold_over(now),
    )


def waiting_recipients(session: Session, now: datetime) -> list[Recipient]:
    """The recipients with letters waiting for a digest, one row each: an office whose
    digest has gone today is read again at every pass, but its letters are not."""
    ids = select(Letter.recipient_id).join(Delivery, Delivery.letter_id == Letter.id)
    ids = ids.where(_waiting(now)).distinct()
    return list(session.scalars(select(Recipient).where(Recipient.id.in_(ids))))


def province_of(recipient: Recipient) -> str | None:
    """The office's province: its district's, else its first address's that has one."""
    provinces = (address.get("province") for address in recipient.addresses or [])
    return recipient.district_province or next((p for p in provinces if p), None)


def offices_of(session: Session, recipient: Recipient, now: datetime) -> list[Office]:
    """A recipient's due letters, by the address they were written to (one, unless the
    address changed since some were written), oldest first."""
    rows = session.execute(
        select(Letter.id, Letter.recipient, Letter.language)
        .join(Delivery, Delivery.letter_id == Letter.id)
        .where(_waiting(now), Letter.recipient_id == recipient.id)
        .order_by(Letter.created_at, Letter.id)
    ).all()
    offices: dict[str, Office] = {}
    for letter_id, snapshot, language in rows:
        address = str(snapshot.get("email") or "")
        if not address:
            continue  # cannot happen: a letter without an address is not an email
        office = offices.setdefault(
            address.casefold(),
            Office(
                recipient.organisation_id,
                address,
                recipient.id,
                recipient.language or language,
                [],
            ),
        )
        office.letter_ids.append(letter_id)
    return list(offices.values())


def gather_digests(session: Session, settings: Settings, now: datetime | None = None) -> Pass:
    """Put each office's due letters into its digest for the day, if its hour has come and
    it has had none that day; each digest and its email in a transaction of its own (two
    workers gathering at once: the unique key lets one win, the other's rolls back)."""
    now = now or utcnow()
    routed = route_left_digests(session)
    session.commit()
    gathered = 0
    for recipient in waiting_recipients(session, now):
        day = office_day(settings, province_of(recipient), now)
        if day is None:
            continue
        for office in offices_of(session, recipient, now):
            gathered += _gather(session, office, day, now)
    # Letters re-addressed on the way, to an office that takes email, go by email.
    routed += route_left_digests(session)
    session.commit()
    return Pass(routed + gathered)


def _gather(session: Session, office: Office, day: date, now: datetime) -> int:
    """1 when the office's digest for `day` was written now, else 0."""
    if _has_digest(session, office, day):
        return 0
    office.letter_ids = still_to_office(session, office, day)
    if not office.letter_ids:
        return 0
    try:
        _write_digest(session, office, day, now)
        session.commit()
    except IntegrityError:
        session.rollback()
        return 0
    return 1


def still_to_office(session: Session, office: Office, day: date) -> list[str]:
    """A letter to a role is checked again as it goes, as every letter is
    (letters.readdressing): one whose role changed hands is re-addressed or held, as its
    campaign says. Answers the office's letters that still go to it."""

    def addressed() -> set[tuple[str, str | None]]:
        rows = session.execute(
            select(Letter.id, Letter.recipient_id).where(
                Letter.id.in_(office.letter_ids), Letter.status == lifecycle.LetterStatus.QUEUED
            )
        )
        return {(letter_id, recipient_id) for letter_id, recipient_id in rows}

    before = addressed()
    to_roles = session.scalars(
        select(Delivery.id)
        .join(Letter, Letter.id == Delivery.letter_id)
        .where(Letter.id.in_(office.letter_ids), Letter.role_target.is_not(None))
    ).all()
    for delivery_id in to_roles:
        follow_role_holder(session, delivery_id, day)
    session.commit()
    kept = {letter_id for letter_id, _ in before & addressed()}  # not re-addressed nor held
    return [letter_id for letter_id in office.letter_ids if letter_id in kept]


def _has_digest(session: Session, office: Office, day: date) -> bool:
    return (
        session.scalar(
            select(Digest.id).where(
                Digest.organisation_id == office.organisation_id,
                Digest.address == office.address.casefold(),
                Digest.day == day,
            )
        )
        is not None
    )


def _write_digest(session: Session, office: Office, day: date, now: datetime) -> None:
    digest_id = new_id("dgs")
    session.add(
        Digest(
            id=digest_id,
            organisation_id=office.organisation_id,
            recipient_id=office.recipient_id,
            address=office.address.casefold(),
            day=day,
            language="fr" if office.language == "fr" else "en",
            created_at=now,
        )
    )
    session.flush()
    taken = and_(
        Letter.id.in_(office.letter_ids),
        Letter.digest_id.is_(None),
        Letter.status == lifecycle.LetterStatus.QUEUED,
    )
    session.execute(update(Letter).where(taken).values(digest_id=digest_id))
    # The letters' own deliveries are done: the digest's email carries them now.
    session.execute(
        update(Delivery).where(Delivery.letter_id.in_(office.letter_ids)).values(due_at=None)
    )
    session.add(
        Delivery(
            organisation_id=office.organisation_id,
            digest_id=digest_id,
            channel=CHANNEL,
            due_at=utcnow(),  # at once (`now` may be another time: a test's tomorrow)
            attempts=0,
        )
    )


# --- The digest's email ----------------------------------------------------------------


@dataclass
class DigestLetter:
    letter: Letter
    action: Action
    campaign_id: str
    reply_capture: bool


@dataclass
class DigestContent:
    digest: Digest
    organisation: str
    letters: list[DigestLetter]
    campaigns: dict[str, Campaign]


def digest_content(session: Session, delivery_id: str) -> DigestContent:
    """The digest of `delivery_id`, with the letters its claim took (`sending`) whose
    words are still there (one erased meanwhile is not sent: it fails)."""
    digest, organisation = session.execute(
        select(Digest, Organisation.name_in_email)
        .join(Delivery, Delivery.digest_id == Digest.id)
        .join(Organisation, Organisation.id == Digest.organisation_id)
        .where(Delivery.id == delivery_id)
    ).one()
    rows = session.execute(
        select(Letter, Action, Campaign)
        .join(Action, Action.id == Letter.action_id)
        .join(Campaign, Campaign.id == Letter.campaign_id)
        .where(
            Letter.digest_id == digest.id,
            Letter.status == lifecycle.LetterStatus.SENDING,
            Letter.scrubbed_at.is_(None),
            Action.scrubbed_at.is_(None),
        )
        .order_by(Letter.created_at, Letter.id)
    ).all()
    letters = [
        DigestLetter(letter, action, campaign.id, bool(campaign.reply_capture))
        for letter, action, campaign in rows
    ]
    campaigns = {campaign.id: campaign for _, _, campaign in rows}
    return DigestContent(digest, organisation, letters, campaigns)


TEXT = {
    "en": {
        "subject": "Daily digest from {organisation}: {count} letters ({day})",
        "title": "{count} letters to {office}, sent through {organisation} on {day}.",
        "manifest": "What this digest holds",
        "letters": "Letters: {count}",
        "constituents": "From constituents of {riding}: {count} (the writer's postal code "
        "places them in the riding, looked up when they wrote), of whom {confirmed} "
        "confirmed their email address",
        "constituents_unknown": "For {count} letters this was not recorded.",
        "own_words": "With the supporter's own words: {count} of {total} ({percent}%); on "
        "average {average}% of a letter's message is the supporter's own writing",
        "common": "The organisation's common text, shown once here and included in each "
        "letter below unless the supporter changed it",
        "campaign": "Campaign: {title}",
        "letter": "Letter {n} of {total}",
        "from": "From: {name} <{address}>",
        "to": "To: {name}",
        "subject_line": "Subject: {subject}",
        "answer": "To answer {name}, write to {address}. {confirmed}",
        "confirmed": "Their email address was confirmed: they followed a link sent to it.",
        "unconfirmed": "Their email address has not been confirmed.",
    },
    "fr": {
        "subject": "Envoi quotidien de {organisation} : {count} lettres ({day})",
        "title": "{count} lettres à {office}, envoyées par {organisation} le {day}.",
        "manifest": "Contenu de cet envoi",
        "letters": "Lettres : {count}",
        "constituents": "De personnes de la circonscription {riding} : {count} (leur code "
        "postal les place dans la circonscription, vérifié quand elles ont écrit), dont "
        "{confirmed} ont confirmé leur adresse courriel",
        "constituents_unknown": "Pour {count} lettres, ce n'a pas été enregistré.",
        "own_words": "Avec les propres mots de la personne : {count} sur {total} "
        "({percent} %) ; en moyenne, {average} % du message d'une lettre est écrit par la "
        "personne elle-même",
        "common": "Le texte commun de l'organisme, montré une fois ici et repris dans chaque "
        "lettre ci-dessous, sauf si la personne l'a modifié",
        "campaign": "Campagne : {title}",
        "letter": "Lettre {n} sur {total}",
        "from": "De : {name} <{address}>",
        "to": "À : {name}",
        "subject_line": "Objet : {subject}",
        "answer": "Pour répondre à {name}, écrivez à {address}. {confirmed}",
        "confirmed": "Son adresse courriel a été confirmée : la personne a suivi un lien qui "
        "y a été envoyé.",
        "unconfirmed": "Son adresse courriel n'a pas été confirmée.",
    },
}
RULE = "-" * 60


@dataclass(frozen=True)
class Manifest:
    """The figures a digest's manifest states, from the letters it carries."""

    letters: int
    constituents: int
    confirmed_constituents: int
    constituency_unknown: int
    own_words: int
    own_words_percent: int
    average_own_share_percent: int


def manifest_of(letters: list[DigestLetter]) -> Manifest:
    total = len(letters)
    known = [item for item in letters if item.letter.constituent is not None]
    constituents = [item for item in known if item.letter.constituent]
    shares = [item.letter.own_words_share or 0.0 for item in letters]
    own = sum(1 for share in shares if share > 0)
    return Manifest(
        letters=total,
        constituents=len(constituents),
        confirmed_constituents=sum(1 for i in constituents if i.action.confirmed_at is not None),
        constituency_unknown=total - len(known),
        own_words=own,
        own_words_percent=round(100 * own / total) if total else 0,
        average_own_share_percent=round(100 * sum(shares) / total) if total else 0,
    )


def _manifest_text(content: DigestContent, say: dict[str, str], office: str) -> list[str]:
    figures = manifest_of(content.letters)
    day = content.digest.day.isoformat()
    riding = next(
        (
            str(item.letter.recipient.get("district", {}).get("name") or "")
            for item in content.letters
        ),
        "",
    )
    lines = [
        say["title"].format(
            count=figures.letters, office=office, organisation=content.organisation, day=day
        ),
        "",
        say["manifest"],
        "",
        "- " + say["letters"].format(count=figures.letters),
        "- "
        + say["constituents"].format(
            riding=riding or "?",
            count=figures.constituents,
            confirmed=figures.confirmed_constituents,
        ),
    ]
    if figures.constituency_unknown:
        lines.append("  " + say["constituents_unknown"].format(count=figures.constituency_unknown))
    lines.append(
        "- "
        + say["own_words"].format(
            count=figures.own_words,
            total=figures.letters,
            percent=figures.own_words_percent,
            average=figures.average_own_share_percent,
        )
    )
    return lines


def _common_text(content: DigestContent, say: dict[str, str], language: str) -> list[str]:
    """Each campaign's own texts (concern and ask) once, in the letters' languages."""
    lines = ["", say["common"], ""]
    languages = {item.campaign_id: set[str]() for item in content.letters}
    for item in content.letters:
        languages[item.campaign_id].add(item.letter.language)
    for campaign_id, spoken in languages.items():
        campaign = content.campaigns[campaign_id]
        title = campaign.title.get(language) or next(iter(campaign.title.values()), "")
        lines.append(say["campaign"].format(title=title))
        for letters_language in sorted(spoken):
            for part in ("concern", "ask"):
                texts = sorted(all_defaults(campaign, part, letters_language))
                lines += [f"\n{text}" for text in texts]
        lines.append("")
    return lines


def _letter_text(
    item: DigestLetter,
    n: int,
    total: int,
    say: dict[str, str],
    settings: Settings,
) -> list[str]:
    letter, action = item.letter, item.action
    name = f"{action.first_name} {action.last_name}"
    confirmed = "confirmed" if action.confirmed_at is not None else "unconfirmed"
    address = reply_address(settings, letter.id) if item.reply_capture else action.email
    return [
        RULE,
        say["letter"].format(n=n, total=total),
        say["from"].format(name=name, address=address),
        say["to"].format(name=letter.recipient.get("display_name") or ""),
        say["subject_line"].format(subject=letter.subject),
        "",
        letter.body_text.rstrip(),
        "",
        # Not below a signature separator ("-- "): a mail client may hide what follows it,
        # and the next letters follow it.
        say["answer"].format(name=name, address=address, confirmed=say[confirmed]),
        "",
    ]


def digest_message(content: DigestContent, settings: Settings) -> tuple[EmailMessage, Envelope]:
    """The digest as the office receives it: the manifest, the common texts once, then
    every letter in full with its sender; From the organisation, To the office's address
    (or `email_test_recipient`), built and checked as every email (app.delivery.email)."""
    digest = content.digest
    language = digest.language
    say = TEXT[language]
    first = content.letters[0].letter.recipient
    office = str(first.get("display_name") or digest.address)
    total = len(content.letters)
    lines = _manifest_text(content, say, office) + _common_text(content, say, language)
    for n, item in enumerate(content.letters, 1):
        lines += _letter_text(item, n, total, say, settings)
    to_address = settings.email_test_recipient or str(first.get("email") or digest.address)
    headers = MessageHeaders(
        sender=Mailbox(content.organisation, settings.email_from_address),
        to=Mailbox(office, to_address),
        subject=say["subject"].format(
            organisation=content.organisation, count=total, day=digest.day.isoformat()
        ),
        message_id=message_id(settings, digest.id, "digest"),
        language=language,
    )
    message = build_message(headers, "\n".join(lines) + "\n")
    return message, Envelope(bounce_address(settings, digest.id), [to_address])


def digests_held(where: ColumnElement[bool]) -> ColumnElement[bool]:
    """The letters of the digests whose deliveries `where` selects."""
    held = select(Delivery.digest_id).where(where, Delivery.digest_id.is_not(None))
    return Letter.digest_id.in_(held)
