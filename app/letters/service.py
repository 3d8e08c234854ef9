"""Taking action: a supporter's details and words become one letter per target,
rendered once and stored with their queued deliveries in one transaction."""

import hashlib
import hmac
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Select,
    String,
    Table,
    bindparam,
    false,
    func,
    insert,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.campaigns.addressing import (
    Addressee,
    Language,
    address_line,
    closing,
    name_line,
    role_line,
    salutation,
)
from app.campaigns.models import ACTION_COUNTED, Campaign
from app.campaigns.rendering import localised_date, render_text
from app.campaigns.service import campaign_slugs, letter_template, published_campaign
from app.campaigns.texts import (
    TargetKind,
    all_defaults,
    constituent_sentence,
    reply_request,
    text_for,
)
from app.db import utcnow
from app.delivery.models import Delivery
from app.delivery.pacing import destination_of
from app.directory.held import held
from app.directory.lookup import DistrictMatch, DistrictProvider, TableProvider
from app.directory.models import Recipient
from app.directory.schemas import name_of, recipient_out
from app.directory.service import holders_of_role, recipients_in_districts
from app.errors import (
    DuplicateAction,
    Gone,
    InvalidInput,
    LetterNotCancellable,
    NotFound,
    invalid_field,
)
from app.fields import POSTAL_PROVINCES, PROVINCES, fold
from app.ids import is_well_formed, new_id
from app.letters import lifecycle, quality, repeats, typos
from app.letters.events import record_action_confirmed, record_letter_event
from app.letters.lifecycle import LetterStatus
from app.letters.messages import languages_named, part_refusal, say
from app.letters.models import (
    ACTIONS,
    INTRO_BANDS,
    LETTERS,
    REDACTED,
    Action,
    IntroBand,
    Letter,
    email_key_of,
)
from app.letters.schemas import (
    ORIGIN_FIELDS,
    ActionCreate,
    ActionCreatedEvent,
    ActionOut,
    ActionSource,
    AttemptOut,
    CampaignStats,
    LetterDetail,
    LetterOut,
    LetterRecipient,
    LetterSummary,
    PreviewOut,
    QualityWarning,
    Supporter,
    SupporterOut,
    summary_fields,
)
from app.owned import owned_or_404
from app.pagination import Keys, ListWindow, Page, page_of
from app.settings import Settings
from app.tokens import confirmation_token
from app.webhooks.service import record_event

DELIVERIES = cast(Table, Delivery.__table__)  # an action's outbox rows, through Core


@dataclass(frozen=True)
class Target:
    recipient: Recipient
    kind: TargetKind
    role_en: str | None = None
    role_fr: str | None = None
    # The supporter's own MP, though written to as another kind (a minister in their role).
    constituent: bool = False
    # The campaign's role this target holds (as the campaign names it): a letter written
    # to it follows the role when it changes hands before the letter leaves.
    for_role: str | None = None


@dataclass
class ComposedLetter:
    target: Target
    channel: str
    language: Language
    subject: str
    salutation: str
    body_text: str
    parts: dict[str, str]
    own_words_share: float

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.subject}\n{self.body_text}".encode()).hexdigest()

    def recipient_snapshot(self) -> dict[str, Any]:
        """The recipient as the letter addressed them: their details, and the role it was
        written to (their other roles are not part of the letter)."""
        snapshot = recipient_out(self.target.recipient, with_roles=False).model_dump(mode="json")
        snapshot["role"] = {"title_en": self.target.role_en, "title_fr": self.target.role_fr}
        del snapshot["roles"]
        return snapshot


@dataclass
class Composition:
    language: Language
    subject: str | None = None  # the supporter's own, where they wrote one
    letters: list[ComposedLetter] = field(default_factory=list)
    warnings: list[QualityWarning] = field(default_factory=list)
    # The intro's MinHash band keys, when near duplicates were looked for: the action
    # stored is indexed by the same keys.
    intro_bands: list[int] = field(default_factory=list)


def letter_language(campaign: Campaign, body: ActionCreate) -> Language:
    language = body.language or ("fr" if campaign.languages[0] == "fr" else "en")
    if language not in campaign.languages:
        offered = languages_named(campaign.languages, language)
        raise invalid_field("language", say("language_not_offered", language, languages=offered))
    return language


def supporter_parts(
    campaign: Campaign, body: ActionCreate, language: Language
) -> tuple[dict[str, str], bool]:
    """The parts the supporter wrote that every letter carries instead of the campaign's
    text for its target (their subject, concern, ask), and whether they wrote their own
    concern or ask. A part sent back as one of the campaign's own texts is not theirs:
    each letter then carries the campaign's text for its kind of target."""
    chosen: dict[str, str] = {}
    for part in ("concern", "ask"):
        given: str | None = getattr(body, part)
        if part in campaign.must_write:
            if not given:
                raise invalid_field(part, part_refusal("must_write", part, language))
            chosen[part] = given
        elif given is not None and given not in all_defaults(campaign, part, language):
            if part not in campaign.may_edit:
                raise invalid_field(part, part_refusal("fixed_part", part, language))
            chosen[part] = given
    edited = bool(chosen)
    subject = body.subject
    if subject is not None and subject not in all_defaults(campaign, "subject", language):
        if not campaign.subject_editable:
            raise invalid_field("subject", part_refusal("fixed_part", "subject", language))
        chosen["subject"] = subject
    return chosen, edited


def letter_parts(
    campaign: Campaign, target: Target, language: Language, intro: str, chosen: dict[str, str]
) -> dict[str, str]:
    """What a letter to `target` says: the supporter's own parts, the campaign's text for
    this kind of target, or its general text, in that order."""
    kind = target.kind
    return {
        part: chosen.get(part) or text_for(campaign, kind, part, language) or ""
        for part in ("subject", "concern", "ask")
    } | {
        "intro": intro,
        "constituency": constituent_sentence(
            target.constituent, target.recipient.district_name, language
        ),
        "reply_request": reply_request(campaign, kind, language),
    }


def own_mps(
    session: Session,
    organisation_id: str,
    provider: DistrictProvider,
    postal_code: str,
    chosen_district: str | None,
    language: Language,
) -> tuple[list[Recipient], list[QualityWarning]]:
    """The supporter's MP(s), from their postal code. A postal code that straddles
    districts needs the supporter's choice among them (a 422 names the candidates). A
    postal code no table knows, or knows only by its first characters, takes the
    supporter's choice of any district the directory has."""
    districts = _districts_for(session, organisation_id, provider, postal_code)
    if chosen_district:
        districts = _chosen_district(session, organisation_id, districts, chosen_district, language)
    if len(districts) > 1:
        names = [district.name for district in districts]
        choose = say("choose_district", language)
        raise invalid_field("district", choose, choose, candidates=names)
    if not districts:
        return [], [_recipients_warning(say("mp_not_found", language))]
    found = _recipients_in_district(session, organisation_id, districts[0].key)
    mps = [r for r in found[districts[0].key] if fold(r.elected_office or "") == "mp"]
    if not mps:
        return [], [_recipients_warning(say("no_mp_on_file", language, district=districts[0].name))]
    return mps, []


def own_representatives(
    session: Session,
    organisation_id: str,
    provider: DistrictProvider,
    postal_code: str,
    elected_office: str,
    language: Language,
) -> tuple[list[Recipient], list[QualityWarning]]:
    """The supporter's representative(s) of `elected_office` (their MPP, MNA,
    councillor), from their postal code. A code that straddles that office's districts
    is not guessed: the letter is left out, and the supporter told."""
    districts = _districts_for(session, organisation_id, provider, postal_code, elected_office)
    if len(districts) != 1:
        why = "representative_across_districts" if districts else "representative_without_district"
        return [], [_recipients_warning(say(why, language, office=elected_office))]
    key = districts[0].key
    found = _recipients_in_district(session, organisation_id, key)
    people = [r for r in found[key] if fold(r.elected_office or "") == fold(elected_office)]
    if not people:
        said = say(
            "no_representative_on_file", language, office=elected_office, district=districts[0].name
        )
        return [], [_recipients_warning(said)]
    return people, []


def _districts_for(
    session: Session,
    organisation_id: str,
    provider: DistrictProvider,
    postal_code: str,
    elected_office: str | None = None,
) -> list[DistrictMatch]:
    """The provider's answer; from memory for the postal table, which is the directory's
    (another provider's answer is not ours to hold)."""
    if provider.name != TableProvider.name:
        return provider.districts_for(session, organisation_id, postal_code, elected_office)
    return held(
        session,
        organisation_id,
        ("districts_for", postal_code, elected_office),
        lambda: provider.districts_for(session, organisation_id, postal_code, elected_office),
    )


def _recipients_in_district(
    session: Session, organisation_id: str, key: str
) -> dict[str, list[Recipient]]:
    return held(
        session,
        organisation_id,
        ("recipients_in_district", key),
        lambda: recipients_in_districts(session, organisation_id, [key], with_roles=False),
        lambda found: [recipient for people in found.values() for recipient in people],
    )


def _chosen_district(
    session: Session,
    organisation_id: str,
    districts: list[DistrictMatch],
    chosen: str,
    language: Language,
) -> list[DistrictMatch]:
    matching = [district for district in districts if district.key == fold(chosen)]
    if matching:
        return matching
    if districts and not all(district.approximate for district in districts):
        said = say("not_a_district_of_postal_code", language, district=chosen)
        raise invalid_field("district", said)
    known = recipients_in_districts(session, organisation_id, [fold(chosen)], with_roles=False)
    if not known[fold(chosen)]:
        raise invalid_field("district", say("unknown_district", language, district=chosen))
    return [DistrictMatch(known[fold(chosen)][0].district_name or chosen)]


def _recipients_warning(message: str) -> QualityWarning:
    return QualityWarning(code="recipient_not_found", part="recipients", message=message)


def role_targets(session: Session, organisation_id: str, title: str, on: date) -> list[Target]:
    """Whoever holds `title` on `on`, addressed in that role (its English and French
    titles as the directory has them)."""
    holders = held(
        session,
        organisation_id,
        ("holders_of_role", title, on),
        lambda: holders_of_role(session, organisation_id, title, on),
        lambda found: [instance for pair in found for instance in pair],
    )
    return [
        Target(holder, "role", role.title_en, role.title_fr, for_role=title)
        for holder, role in holders
    ]


def named_recipients(session: Session, campaign: Campaign) -> dict[str, Recipient]:
    """The recipients a campaign names, by id, in one query: those of its organisation
    still in the directory."""
    ids = [
        spec["recipient_id"]
        for spec in campaign.targets
        if spec["type"] == "recipient" and is_well_formed(spec["recipient_id"])
    ]
    if not ids:
        return {}
    found = session.scalars(
        select(Recipient).where(
            Recipient.id.in_(ids),
            Recipient.organisation_id == campaign.organisation_id,
            Recipient.retired_at.is_(None),
        )
    )
    return {recipient.id: recipient for recipient in found}


def resolve_targets(
    session: Session,
    campaign: Campaign,
    postal_code: str | None,
    district: str | None,
    provider: DistrictProvider,
    today: date,
    language: Language,
) -> tuple[list[Target], list[QualityWarning]]:
    """The campaign's targets as recipients today; one letter each, however many targets
    name the same person (a minister who is also the supporter's MP gets one). Without a
    postal code (an action page before it is typed) the supporter's MP is left out."""
    organisation_id = campaign.organisation_id
    named = named_recipients(session, campaign)
    targets: list[Target] = []
    warnings: list[QualityWarning] = []
    for spec in campaign.targets:
        if spec["type"] == "role":
            holders = role_targets(session, organisation_id, spec["role"], today)
            if not holders:
                vacant = say("role_vacant", language, role=spec["role"])
                warnings.append(_recipients_warning(vacant))
            targets += holders
        elif spec["type"] == "own_mp":
            if postal_code is None:
                continue
            mps, more = own_mps(session, organisation_id, provider, postal_code, district, language)
            targets += [Target(mp, "own_mp") for mp in mps]
            warnings += more
        elif spec["type"] == "own_representative":
            if postal_code is None:
                continue
            found, more = own_representatives(
                session, organisation_id, provider, postal_code, spec["elected_office"], language
            )
            # Their own representative, as an own MP is: the texts and the constituent
            # sentence of letters to the supporter's own representative.
            targets += [Target(representative, "own_mp") for representative in found]
            warnings += more
        elif recipient := named.get(spec["recipient_id"]):
            targets.append(Target(recipient, "recipient"))
        else:
            warnings.append(_recipients_warning(say("recipient_left", language)))
    unique: dict[str, Target] = {}
    for target in targets:
        kept = unique.get(target.recipient.id)
        if kept is None or (kept.role_en is None and target.role_en is not None):
            unique[target.recipient.id] = target  # a person is written to in their role
    supporters_mps = {target.recipient.id for target in targets if target.kind == "own_mp"}
    return [
        replace(target, constituent=True) if target.recipient.id in supporters_mps else target
        for target in unique.values()
    ], warnings


def channels_for(campaign: Campaign, recipient: Recipient) -> tuple[list[str], str | None]:
    """The channels a letter to `recipient` goes by, and why there are none if so (the
    code of the sentence that says it: "no_email_address", "no_postal_address"). An office
    that takes print only is written to by post, whatever the campaign's channels."""
    wanted = ["print"] if recipient.delivery_preference == "print_only" else list(campaign.channels)
    if "email" in wanted and not recipient.email:
        wanted.remove("email")
        if campaign.without_email == "print" and "print" not in wanted:
            wanted.append("print")
        elif not wanted:
            return [], "no_email_address"
    if "print" in wanted and not recipient.addresses:
        wanted.remove("print")
        if not wanted:
            return [], "no_postal_address"
    return wanted, None


def by_hand_channel(recipient: Recipient) -> tuple[list[str], str | None]:
    """A letter signed by hand goes by post, so to a recipient with a postal address."""
    return (["print"], None) if recipient.addresses else ([], "no_postal_address")


def _postal_line(city: str, province: str | None, postal_code: str | None) -> str:
    """Canada Post's last line: 'Ottawa ON  K1A 0A6'."""
    place = " ".join(part for part in (city, province) if part)
    return f"{place}  {postal_code}" if postal_code else place


def recipient_block(target: Target, addressee: Addressee, language: Language) -> str:
    lines = [name_line(addressee, language)]
    role = role_line(addressee, language)
    if role:
        lines.append(role)
    addresses = sorted(target.recipient.addresses, key=lambda a: a["kind"] != "legislature")
    if addresses:
        address = addresses[0]
        lines += [address_line(line, language) for line in address["lines"]]
        lines.append(_postal_line(address["city"], address["province"], address["postal_code"]))
    return "\n".join(lines)


def addressee_of(target: Target) -> Addressee:
    recipient = target.recipient
    return Addressee(
        last_name=recipient.last_name,
        display_name=recipient.display_name or name_of(recipient.first_name, recipient.last_name),
        honorific=recipient.honorific,
        post_nominals=recipient.post_nominals,
        gender="female" if recipient.gender == "female" else "male" if recipient.gender else None,
        elected_office=recipient.elected_office,
        salutation_override_en=recipient.salutation_override,
        salutation_override_fr=recipient.salutation_override_fr,
        role_en=target.role_en,
        role_fr=target.role_fr,
    )


def letter_context(
    campaign: Campaign,
    supporter: Supporter,
    target: Target,
    language: Language,
    parts: dict[str, str],
    today: date,
) -> tuple[dict[str, str], str]:
    addressee = addressee_of(target)
    greeting = salutation(addressee, language)
    name = f"{supporter.first_name} {supporter.last_name}"
    province_name = PROVINCES[supporter.province][0 if language == "en" else 1]
    sender = [
        name,
        supporter.street_address,
        _postal_line(supporter.city, supporter.province, supporter.postal_code),
        supporter.email,
    ]
    if supporter.phone:
        sender.append(supporter.phone)
    context = {
        "sender_block": "\n".join(sender),
        "sender_city": supporter.city,
        "date": localised_date(today, language),
        "recipient_block": recipient_block(target, addressee, language),
        "subject": parts["subject"],
        "salutation": greeting,
        "constituency": parts["constituency"],
        "intro": parts["intro"],
        "concern": parts["concern"],
        "ask": parts["ask"],
        "reply_request": parts["reply_request"],
        "closing": closing(addressee, language),
        "signature": name,
        "signature_place": f"{supporter.city}, {province_name}"
        if language == "en"
        else f"{supporter.city} ({province_name})",
        "campaign_title": campaign.title[language],
        "language": language,
    }
    return context, greeting


def check_province(supporter: Supporter, language: Language) -> None:
    """A province the postal code's first letter contradicts (a slip on either, which
    would address the letter wrongly) is questioned with a 422 naming the province, in
    the letter's language."""
    letter = supporter.postal_code[:1]
    expected = POSTAL_PROVINCES.get(letter, ())
    if not expected or supporter.province in expected:
        return
    index = 0 if language == "en" else 1
    message = say(
        "province_contradicts_postal_code",
        language,
        letter=letter,
        expected=" / ".join(PROVINCES[code][index] for code in expected),
        province=PROVINCES[supporter.province][index],
    )
    raise InvalidInput(
        message,
        errors=[
            {
                "field": "supporter.province",
                "in": "body",
                "code": "province_contradicts_postal_code",
                "message": message,
            }
        ],
    )


def compose(
    session: Session,
    campaign: Campaign,
    body: ActionCreate,
    provider: DistrictProvider,
    today: date,
    *,
    near_duplicates: bool = True,
    by_hand: bool = False,
) -> Composition:
    """The letters an action writes, after the quality checks (refusals raise a 422 in
    the letter's language). `near_duplicates=False` skips that check: the bench measures
    its cost so. `by_hand`: one printed letter per recipient, whatever the campaign's
    channels (an event's attendee signs it; app.events)."""
    language = letter_language(campaign, body)
    check_province(body.supporter, language)
    chosen, edited = supporter_parts(campaign, body, language)
    supporter = body.supporter
    written = {
        "intro": body.intro,
        "supporter.first_name": supporter.first_name,
        "supporter.last_name": supporter.last_name,
        "supporter.street_address": supporter.street_address,
        "supporter.city": supporter.city,
    } | {part: getattr(body, part) for part in ("subject", "concern", "ask") if getattr(body, part)}
    own_parts = ["intro", *(p for p in ("concern", "ask") if p in campaign.must_write)]
    errors = quality.refusals(
        written=written,
        own_parts=own_parts,
        campaign_texts=campaign_texts(campaign),
        language=language,
    )
    quality.refuse(errors, language)
    targets, warnings = resolve_targets(
        session, campaign, body.supporter.postal_code, body.district, provider, today, language
    )
    composition = Composition(language, chosen.get("subject"))
    template = letter_template(campaign, language)
    for target in targets:
        channels, why_not = (
            by_hand_channel(target.recipient)
            if by_hand
            else channels_for(campaign, target.recipient)
        )
        if why_not:
            name = addressee_of(target).display_name
            warnings.append(_recipients_warning(say(why_not, language, name=name)))
            continue
        parts = letter_parts(campaign, target, language, body.intro, chosen)
        own_share = quality.own_words_share(
            intro=body.intro,
            concern=parts["concern"],
            ask=parts["ask"],
            default_concern=text_for(campaign, target.kind, "concern", language) or "",
            default_ask=text_for(campaign, target.kind, "ask", language) or "",
        )
        context, greeting = letter_context(campaign, body.supporter, target, language, parts, today)
        text = render_text(template, context)
        for channel in channels:
            composition.letters.append(
                ComposedLetter(
                    target,
                    channel,
                    language,
                    context["subject"],
                    greeting,
                    text,
                    context,
                    own_share,
                )
            )
    if not composition.letters:
        raise InvalidInput(
            say("nobody_to_write_to", language),
            errors=[{"field": "recipients", "message": w.message} for w in warnings],
        )
    identical = _identical_intros(session, campaign.id, body.intro)
    near = 0
    if near_duplicates:
        composition.intro_bands = quality.band_keys(body.intro)
        near = near_duplicate_intros(session, campaign.id, body.intro, composition.intro_bands)
    editable = bool(campaign.may_edit) or any(p in campaign.must_write for p in ("concern", "ask"))
    composition.warnings = warnings + quality.warnings_for(
        intro=body.intro,
        own_parts={p: getattr(body, p) for p in ("concern", "ask") if getattr(body, p)},
        guidance=[*campaign.guidance.values(), *campaign.summary.values()],
        supporter=body.supporter,
        language=language,
        edited=edited,
        editable=editable,
        identical_intros=identical,
        near_duplicates=near,
    )
    return composition


def campaign_texts(campaign: Campaign) -> list[str]:
    """Everything the campaign wrote that a supporter could paste as their own words,
    its texts for each kind of target included."""
    general = (
        campaign.title,
        campaign.summary,
        campaign.guidance,
        campaign.concern,
        campaign.ask,
        campaign.reply_request or {},
    )
    per_target = [
        texts for parts in (campaign.target_texts or {}).values() for texts in parts.values()
    ]
    return [text for texts in (*general, *per_target) for text in texts.values()]


# Per band key, the near-duplicate check reads at most this many earlier actions (the
# oldest holding it), then checks at most CANDIDATES_CHECKED of them on their text: its
# cost per action is bounded whatever the campaign's size. Copies of one intro fill the
# same first rows of every band, so they are found, and counted up to the bound.
ACTIONS_PER_BAND = 20
CANDIDATES_CHECKED = 30


def near_duplicate_intros(
    session: Session, campaign_id: str, intro: str, keys: list[int] | None = None
) -> int:
    """How many earlier intros of the campaign nearly match this one: candidates found
    by their MinHash bands in the index (`keys`: the intro's, when already found), each
    then measured on its text."""
    keys = quality.band_keys(intro) if keys is None else keys
    values: dict[str, Any] = {"campaign_id": campaign_id}
    values |= {f"band_{number}": key for number, key in enumerate(keys)}
    # one round trip: the candidates and their text
    intros = session.scalars(_near_duplicates_statement(len(keys)), values)
    own = quality.shingles(intro)
    return sum(
        quality.resemblance_of(own, quality.held_shingles(other)) >= quality.NEAR_DUPLICATE_FROM
        for other in intros
    )


@cache
def _near_duplicates_statement(bands: int) -> Select[str]:
    """The candidates' intros for an intro of `bands` band keys, its values bound by name
    (campaign_id, band_0...): built once per number of bands (an intro has 20, fewer only
    when two collide), so that each action binds values instead of building and
    compiling a statement of twenty subqueries."""
    campaign_id = bindparam("campaign_id", type_=String)
    by_band = [
        select(IntroBand.action_id)
        .where(
            IntroBand.campaign_id == campaign_id,
            IntroBand.band_key == bindparam(f"band_{number}", type_=BigInteger),
        )
        .order_by(IntroBand.action_id)
        .limit(ACTIONS_PER_BAND)
        .subquery()
        .select()
        for number in range(bands)
    ]
    shared = union_all(*by_band).subquery()
    most_shared = (
        select(shared.c.action_id, func.count().label("bands"))
        .group_by(shared.c.action_id)
        .order_by(func.count().desc(), shared.c.action_id)
        .limit(CANDIDATES_CHECKED)
        .subquery()
    )
    return (
        select(Action.intro)
        .join(most_shared, Action.id == most_shared.c.action_id)
        .where(Action.scrubbed_at.is_(None))
    )


# Built once, its values bound by name on every action (as `_near_duplicates_statement`).
_IDENTICAL_INTROS = select(func.count()).where(
    Action.campaign_id == bindparam("campaign_id", type_=String),
    Action.intro_hash == bindparam("intro_hash", type_=String),
)


def _identical_intros(session: Session, campaign_id: str, intro: str) -> int:
    values = {"campaign_id": campaign_id, "intro_hash": quality.intro_hash(intro)}
    return session.scalar(_IDENTICAL_INTROS, values) or 0


def _letter_recipient(target: Target, language: Language) -> LetterRecipient:
    recipient = target.recipient
    role = target.role_fr if language == "fr" and target.role_fr else target.role_en
    return LetterRecipient(
        id=recipient.id,
        display_name=recipient.display_name or name_of(recipient.first_name, recipient.last_name),
        elected_office=recipient.elected_office,
        role=role,
        district=recipient.district_name,
    )


def _letter_out(
    letter: ComposedLetter,
    letter_id: str | None,
    status: str,
    hold_until: datetime | None = None,
) -> LetterOut:
    return LetterOut(
        id=letter_id,
        recipient=_letter_recipient(letter.target, letter.language),
        channel=letter.channel,
        status=status,
        language=letter.language,
        subject=letter.subject,
        salutation=letter.salutation,
        body_text=letter.body_text,
        own_words_share=letter.own_words_share,
        hold_until=hold_until,
    )


def targets_for(
    session: Session,
    campaign: Campaign,
    provider: DistrictProvider,
    postal_code: str | None,
    district: str | None,
    language: Language,
) -> tuple[list[LetterRecipient], list[QualityWarning]]:
    """Who a supporter at `postal_code` would write to, as an action page shows them while
    the form is filled in: the targets an action would resolve today that a letter can
    reach, and why any cannot."""
    targets, warnings = resolve_targets(
        session, campaign, postal_code, district, provider, date.today(), language
    )
    reachable = []
    for target in targets:
        _, why_not = channels_for(campaign, target.recipient)
        if why_not:
            name = addressee_of(target).display_name
            warnings.append(_recipients_warning(say(why_not, language, name=name)))
        else:
            reachable.append(_letter_recipient(target, language))
    return reachable, warnings


def preview(
    session: Session, campaign: Campaign, body: ActionCreate, provider: DistrictProvider
) -> PreviewOut:
    composition = compose(session, campaign, body, provider, date.today())
    status = lifecycle.status_at_creation(campaign.confirm_email)
    return PreviewOut(
        letters=[_letter_out(letter, None, status) for letter in composition.letters],
        warnings=composition.warnings,
    )


def _first_action(session: Session, campaign: Campaign, email_key: str) -> Action | None:
    return session.scalar(
        select(Action).where(Action.campaign_id == campaign.id, Action.email_key == email_key)
    )


def _count_action(session: Session, campaign: Campaign, letters: int) -> None:
    session.execute(ACTION_COUNTED, {"counted": campaign.id, "letters": letters})


def _answer_repeat(
    session: Session,
    campaign: Campaign,
    first: Action,
    email: str,
    letters: int,
    settings: Settings,
) -> None:
    """An anonymous repeat: the public counter moves as a first action's does (one that
    stood still would tell), the address's owner is told, nothing else is written."""
    _count_action(session, campaign, letters)
    repeats.queue_notice(session, first, email, settings)
    session.commit()


def take_action(
    session: Session,
    campaign: Campaign,
    body: ActionCreate,
    provider: DistrictProvider,
    settings: Settings,
    *,
    reveal_repeat: bool = False,
    near_duplicates: bool = True,
    source: ActionSource = "api",
    confirm_by_email: bool = False,
    event_id: str | None = None,
    commit: bool = True,
) -> ActionOut:
    """A second action by the same address is found by the unique constraint at commit
    (no query for it on the way of every first action). Only a caller who may read the
    organisation's letters (`reveal_repeat`) is told, with a 409 naming the first action;
    anyone else gets the answer a first action gets, with ids that name nothing stored
    (see `repeats`). The letters wait for the supporter's confirmation by email when the
    campaign asks it, or `confirm_by_email` (an address past its limit).

    `event_id`: an advocate entered it for an attendee at that event (assisted). Its
    letters are printed in the event's kit and signed there by hand: no email asks the
    attendee to confirm (they were there), none is sent, no hold window (nothing leaves
    until the kit is printed), and no lane claims them (`due_at` stays empty).
    `commit=False` leaves the action in the caller's transaction (flushed), so that a file
    of attendees is written whole or not at all; any refusal rolls the whole of it back."""
    email_key = email_key_of(body.supporter.email)
    assisted = event_id is not None
    composition = compose(
        session,
        campaign,
        body,
        provider,
        date.today(),
        near_duplicates=near_duplicates,
        by_hand=assisted,
    )
    supporter = body.supporter
    waiting = (campaign.confirm_email or confirm_by_email) and not assisted
    status = lifecycle.status_at_creation(waiting)
    now = utcnow()  # the action's created_at, as the answer says it
    # The hold window of a letter waiting for confirmation starts when it is confirmed.
    hold_until = None if waiting or assisted else lifecycle.hold_until(campaign.hold_minutes, now)
    action = {
        "id": new_id("act"),
        "organisation_id": campaign.organisation_id,
        "campaign_id": campaign.id,
        **supporter.model_dump(),
        "email_key": email_key,
        "language": composition.language,
        "intro": body.intro,
        "subject": composition.subject,
        "concern": body.concern,
        "ask": body.ask,
        "intro_hash": quality.intro_hash(body.intro),
        "consent_to_contact": body.consent_to_contact,
        "metadata": body.metadata,
        "source": source,
        "assisted": assisted,
        "event_id": event_id,
        **body.model_dump(include=set(ORIGIN_FIELDS)),
        "created_at": now,
    }
    letters, deliveries, stored = [], [], []
    for composed in composition.letters:
        letter_id = new_id("ltr")
        recipient = composed.recipient_snapshot()
        letters.append(
            {
                "id": letter_id,
                "organisation_id": campaign.organisation_id,
                "campaign_id": campaign.id,
                "action_id": action["id"],
                "recipient_id": composed.target.recipient.id,
                "recipient": recipient,
                "channel": composed.channel,
                "status": status,
                "language": composed.language,
                "subject": composed.subject,
                "salutation": composed.salutation,
                "body_text": composed.body_text,
                "content_hash": composed.content_hash,
                "parts": composed.parts,
                "role_target": composed.target.for_role,
                "created_at": now,
                "hold_until": hold_until,
                "own_words_share": composed.own_words_share,
                "constituent": composed.target.constituent,
            }
        )
        deliveries.append(
            _delivery_row(
                campaign.organisation_id,
                delivery_channel(composed),
                None if waiting or assisted else hold_until or now,
                letter_id=letter_id,
                **destination_of(recipient, composed.channel),
            )
        )
        stored.append(_letter_out(composed, letter_id, status, hold_until))
    if waiting:  # the one email that asks the supporter to confirm, from the same outbox
        deliveries.append(
            _delivery_row(campaign.organisation_id, "confirmation", now, action_id=action["id"])
        )
    elif campaign.send_receipt and not assisted:
        deliveries.append(
            _delivery_row(campaign.organisation_id, "receipt", now, action_id=action["id"])
        )
    taken = ActionOut(
        id=action["id"],
        campaign=campaign.slug,
        campaign_id=campaign.id,
        metadata=body.metadata,
        letters=stored,
        warnings=composition.warnings,
        email_suggestion=typos.suggest_email(supporter.email),
        created_at=now,
    )
    if waiting:
        taken.confirmation = "pending"
        taken.next_step = say(
            "confirm_by_email" if campaign.confirm_email else "confirm_shared_address",
            composition.language,
            email=supporter.email,
            days=settings.confirmation_days,
        )
    try:
        # Rows through Core, not objects through the ORM's flush (its unit of work cost
        # more than the statements): nothing below reads them back from the session.
        session.execute(insert(ACTIONS), action)
        session.execute(insert(LETTERS), letters)
        session.execute(insert(DELIVERIES), deliveries)
        if near_duplicates:
            _index_intro(session, action["id"], campaign.id, composition.intro_bands)
        record_event(
            session,
            campaign.organisation_id,
            "action.created",
            _created_event(taken, body, composition.language, source),
        )
        # Last: the counter's row is the one every action of the campaign writes, so its
        # lock is held for as short a time as can be.
        _count_action(session, campaign, len(stored))
        if commit:
            session.commit()
        else:
            session.flush()
    except IntegrityError:
        session.rollback()
        first = _first_action(session, campaign, email_key)
        if first is None:
            raise
        if reveal_repeat:
            raise DuplicateAction(
                "You have already taken action on this campaign with this email address.",
                action_id=first.id,
            ) from None
        _answer_repeat(session, campaign, first, supporter.email, len(stored), settings)
    return taken


def delivery_channel(composed: ComposedLetter) -> str:
    """The outbox channel of a letter: its own, except an email to an office that takes
    a daily digest, which waits for it (channel "digest": app.delivery.digests)."""
    if composed.channel == "email" and composed.target.recipient.delivery_preference == (
        "daily_digest"
    ):
        return "digest"
    return composed.channel


def _supporter_email(action: Action, channel: str, now: datetime) -> Delivery:
    """An email to the supporter about their action (confirmation, receipt): an outbox row."""
    return Delivery(
        organisation_id=action.organisation_id,
        action_id=action.id,
        channel=channel,
        due_at=now,
        attempts=0,
    )


def _delivery_row(
    organisation_id: str,
    channel: str,
    due_at: datetime | None,
    *,
    letter_id: str | None = None,
    action_id: str | None = None,
    domain: str | None = None,
    time_zone: str | None = None,
) -> dict[str, Any]:
    """An outbox row of a new action: a letter's delivery, or an email to its supporter
    (confirmation, receipt). Every row names every column it sets, as one insert of
    many rows needs."""
    return {
        "id": new_id("dlv"),
        "organisation_id": organisation_id,
        "letter_id": letter_id,
        "action_id": action_id,
        "channel": channel,
        "due_at": due_at,
        "attempts": 0,
        "domain": domain,
        "time_zone": time_zone,
    }


def _created_event(
    taken: ActionOut, body: ActionCreate, language: Language, source: ActionSource
) -> ActionCreatedEvent:
    """As the action stored says it (`supporter_of`, `origin_of`), from what was stored."""
    return ActionCreatedEvent(
        **taken.model_dump(),
        supporter=SupporterOut(**body.supporter.model_dump()),
        consent_to_contact=body.consent_to_contact,
        language=language,
        source=source,
        **body.model_dump(include=set(ORIGIN_FIELDS)),
    )


def _index_intro(session: Session, action_id: str, campaign_id: str, keys: list[int]) -> None:
    session.execute(
        insert(INTRO_BANDS),
        [{"action_id": action_id, "campaign_id": campaign_id, "band_key": key} for key in keys],
    )


def stats(session: Session, slug: str) -> CampaignStats:
    campaign = published_campaign(session, slug)
    return CampaignStats(
        campaign=campaign.slug,
        campaign_id=campaign.id,
        actions=campaign.action_count,
        letters=campaign.letter_count,
        letters_sent=campaign.sent_count,
        goal=campaign.goal,
    )


@dataclass(frozen=True)
class LetterFilters:
    campaign_id: str | None = None
    status: str | None = None
    channel: str | None = None
    recipient_id: str | None = None


def list_letters(
    session: Session, organisation_id: str, filters: LetterFilters, window: ListWindow
) -> Page[LetterSummary]:
    query = select(Letter).where(Letter.organisation_id == organisation_id)
    if any(
        v is not None and not is_well_formed(v) for v in (filters.campaign_id, filters.recipient_id)
    ):
        query = query.where(false())  # an id we never made names no letter
    for column, value in (
        (Letter.campaign_id, filters.campaign_id),
        (Letter.status, filters.status),
        (Letter.channel, filters.channel),
        (Letter.recipient_id, filters.recipient_id),
    ):
        if value is not None:
            query = query.where(column == value)
    page = page_of(session, query, Keys(Letter.id, Letter.created_at, Letter.updated_at), window)
    slugs = campaign_slugs(session, {letter.campaign_id for letter in page.items})
    return page.map(
        lambda letter: LetterSummary(**summary_fields(letter, slugs[letter.campaign_id]))
    )


def get_letter(session: Session, organisation_id: str, letter_id: str) -> Letter:
    return owned_or_404(session, Letter, letter_id, organisation_id, "letter")


def letter_detail(letter: Letter) -> LetterDetail:
    delivery = letter.delivery
    scrubbed = letter.scrubbed_at is not None
    return LetterDetail(
        **summary_fields(letter, letter.campaign.slug),
        recipient=letter.recipient,
        salutation=letter.salutation,
        body_text=REDACTED if scrubbed else letter.body_text,
        body_html=REDACTED if scrubbed else letter.body_html,
        content_hash=REDACTED if scrubbed else letter.content_hash,
        attempts=[AttemptOut.model_validate(attempt) for attempt in delivery.attempt_log],
        next_attempt_at=delivery.due_at if letter.status == LetterStatus.QUEUED else None,
    )


def cancel_letter(session: Session, organisation_id: str, letter_id: str) -> Letter:
    """A letter not yet on its way can be cancelled; one being sent, or sent, cannot.
    The delivery's row is locked first, as a worker's claim locks it (always the delivery,
    then the letter, so the two never deadlock); the status check and the change are one
    statement, so a worker claiming the letter at the same moment either wins (409 here)
    or finds nothing due."""
    return _cancel(session, get_letter(session, organisation_id, letter_id))


def stop_letter(session: Session, action_id: str, letter_id: str) -> Letter:
    """The supporter stops one of their letters from their letters page: as
    `cancel_letter`, for a letter of `action_id` (NotFound for any other)."""
    letter = session.get(Letter, letter_id) if is_well_formed(letter_id) else None
    if letter is None or letter.action_id != action_id:
        raise NotFound("No such letter of yours.")
    return _cancel(session, letter)


def _cancel(session: Session, letter: Letter) -> Letter:
    session.execute(select(Delivery.id).where(Delivery.letter_id == letter.id).with_for_update())
    changed = session.execute(lifecycle.cancel(Letter.id == letter.id))
    if changed.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        raise LetterNotCancellable(
            f"This letter is {letter.status} and can no longer be cancelled.",
            letter_status=letter.status,
        )
    session.execute(
        update(Delivery)
        .where(Delivery.letter_id == letter.id, Delivery.leased_by.is_(None))
        .values(due_at=None)
    )
    record_letter_event(session, letter.organisation_id, letter.id, "letter.cancelled")
    session.commit()
    session.refresh(letter)
    return letter


def confirmable_action(session: Session, action_id: str, token: str, settings: Settings) -> Action:
    """The action a confirmation link names, if the link is one we sent and can still be
    followed: NotFound for a link we never made, Gone (`reason` "erased" or "expired")
    for one that can no longer send anything. Looks, changes nothing: the page a link
    opens asks before it confirms, so a mail scanner following links confirms nobody."""
    action = session.get(Action, action_id) if is_well_formed(action_id) else None
    expected = confirmation_token(settings, action.id).encode() if action else b""
    if action is None or not hmac.compare_digest(token.encode(), expected):
        raise NotFound("This confirmation link is not one we sent.")
    if action.scrubbed_at is not None:
        raise Gone("Your details were erased; the letters were not sent.", reason="erased")
    if action.confirmed_at is None and action.created_at < utcnow() - timedelta(
        days=settings.confirmation_days
    ):
        raise Gone(
            f"This link was valid for {settings.confirmation_days} days; the letters were "
            "not sent.",
            reason="expired",
        )
    return action


def confirm_action(session: Session, action_id: str, token: str, settings: Settings) -> int:
    """The supporter confirmed their address: their waiting letters are queued. Confirming
    again changes nothing. Answers how many letters it queued."""
    action = confirmable_action(session, action_id, token, settings)
    now = utcnow()
    campaign = session.get_one(Campaign, action.campaign_id)
    until = lifecycle.hold_until(campaign.hold_minutes, now)
    waiting = select(Letter.id).where(
        Letter.action_id == action.id, Letter.status == LetterStatus.PENDING_CONFIRMATION
    )
    queued = session.execute(
        update(Delivery).where(Delivery.letter_id.in_(waiting)).values(due_at=until or now)
    ).rowcount  # type: ignore[attr-defined]
    session.execute(lifecycle.confirm(action.id, until))
    if action.confirmed_at is None:
        action.confirmed_at = now
        record_action_confirmed(session, action)
        if campaign.send_receipt and queued:  # once, when the letters may first go
            session.add(_supporter_email(action, "receipt", now))
    session.commit()
    return int(queued)
