from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.campaigns.models import Campaign
from app.fields import Paragraphs, ShortLine, SingleLine, reject_control_characters_but_newlines
from app.links import LabelledLink, OptionalHttpsUrl
from app.pagination import PAGE_EXAMPLE, PageOut

Language = Literal["en", "fr"]
Part = Literal["intro", "concern", "ask"]
EditablePart = Literal["concern", "ask"]
Channel = Literal["email", "print"]
OnBounce = Literal["nothing", "print", "other_email", "other_email_or_print"]
Status = Literal["draft", "live", "closed"]
MAX_LEARN_MORE = 5
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# A day: a longer hold would keep letters from officials for no reason a supporter has.
MAX_HOLD_MINUTES = 1440
Slug = Annotated[
    str,
    StringConstraints(min_length=3, max_length=80, pattern=SLUG_PATTERN),
    Field(description="Lower-case words and dashes; the campaign's public address."),
]


CAMPAIGN_EXAMPLE: dict[str, Any] = {
    "slug": "rescind-stca",
    "status": "live",
    "languages": ["en", "fr"],
    "title": {
        "en": "Tell your MP: rescind the Safe Third Country Agreement",
        "fr": "Dites à votre député·e : annulez l'Entente sur les tiers pays sûrs",
    },
    "summary": {"en": "The United States is not safe for everyone.", "fr": "Résumé."},
    "guidance": {
        "en": "Start with a sentence about yourself and where you write from.",
        "fr": "Commencez par une phrase sur vous et l'endroit d'où vous écrivez.",
    },
    "subject": {
        "en": "Rescind the Safe Third Country Agreement",
        "fr": "Annulez l'Entente sur les tiers pays sûrs",
    },
    "concern": {
        "en": "The United States is not a safe country for every refugee claimant.",
        "fr": "Les États-Unis ne sont pas un pays sûr pour toutes les personnes réfugiées.",
    },
    "ask": {"en": "Rescind the agreement.", "fr": "Annulez l'entente."},
    "may_edit": ["ask"],
    "targets": [
        {"type": "role", "role": "Minister of Immigration, Refugees and Citizenship"},
        {"type": "own_mp"},
    ],
    "target_texts": {
        "own_mp": {
            "ask": {
                "en": "Please raise this with the Minister, and tell me where you stand.",
                "fr": "Je vous demande d'en saisir le ministre et de me dire où vous vous situez.",
            }
        }
    },
    "reply_request": {
        "en": "I would be grateful for a reply.",
        "fr": "Je vous saurais gré de me répondre.",
    },
    "subject_editable": True,
    "channels": ["email"],
    "goal": 1000,
    "image_url": "https://example.org/images/border-crossing.jpg",
    "image_alt": {
        "en": "A family waits at the Roxham Road border crossing in the snow.",
        "fr": "Une famille attend sous la neige au passage frontalier du chemin Roxham.",
    },
    "learn_more": [
        {
            "label": {"en": "Our report on the agreement", "fr": "Notre rapport sur l'entente"},
            "url": "https://example.org/stca-report",
        }
    ],
    "next_action": {
        "label": {"en": "Sign the petition", "fr": "Signez la pétition"},
        "url": "https://example.org/petition",
    },
}
CAMPAIGN_OUT_EXAMPLE = CAMPAIGN_EXAMPLE | {
    "id": "cmp_01JD3ZK8Y2M0000000000000000",
    "template": "standard",
    "template_text": None,
    "must_write": ["intro"],
    "without_email": "skip",
    "confirm_email": False,
    "copy_to_supporter": False,
    "on_bounce": "nothing",
    "reply_capture": False,
    "questionnaire_days": 14,
    "responsiveness_public": False,
    "hold_minutes": 5,
    "send_receipt": True,
    "action_count": 412,
    "letter_count": 824,
    "sent_count": 810,
    "created_at": "2026-11-01T14:00:00Z",
    "updated_at": "2026-11-02T09:30:00Z",
}


def _in_order(*order: str) -> AfterValidator:
    """Lists of choices kept without repeats, in one order, however they were sent."""
    return AfterValidator(lambda values: [value for value in order if value in values])


Languages = Annotated[list[Language], _in_order("en", "fr")]
Parts = Annotated[list[Part], _in_order("intro", "concern", "ask")]
EditableParts = Annotated[list[EditablePart], _in_order("concern", "ask")]
Channels = Annotated[list[Channel], _in_order("email", "print")]
TemplateText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20_000),
    AfterValidator(reject_control_characters_but_newlines),
]


class RoleTarget(BaseModel):
    """Whoever holds this role when the letter is written."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["role"]
    role: SingleLine = Field(examples=["Minister of Foreign Affairs"])


class OwnMPTarget(BaseModel):
    """The supporter's own MP, found from their postal code."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["own_mp"]


class OwnRepresentativeTarget(BaseModel):
    """The supporter's own representative of another elected office (their MPP, MNA, MLA
    or councillor), found from their postal code through the district lookup, among the
    recipients of that office (synced from a Represent set, for one)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["own_representative"]
    elected_office: ShortLine = Field(
        examples=["MPP"],
        description="As the directory and Represent name it: MPP, MNA, MLA, Councillor...",
    )


class RecipientTarget(BaseModel):
    """One recipient of the directory, named by id."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["recipient"]
    recipient_id: str = Field(max_length=40)


Target = Annotated[
    RoleTarget | OwnMPTarget | OwnRepresentativeTarget | RecipientTarget,
    Field(discriminator="type"),
]
TargetKind = Literal["role", "own_mp", "recipient"]


class TargetTexts(BaseModel):
    """The texts of letters to one kind of target, per language. A part or a language
    left out is the campaign's own (its subject, concern, ask, reply_request)."""

    model_config = ConfigDict(extra="forbid")

    subject: dict[Language, SingleLine] = Field(default_factory=dict)
    concern: dict[Language, Paragraphs] = Field(default_factory=dict)
    ask: dict[Language, Paragraphs] = Field(default_factory=dict)
    reply_request: dict[Language, Paragraphs] = Field(default_factory=dict)


class CampaignFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: Slug
    status: Status = "draft"
    languages: Languages = Field(min_length=1, max_length=2, examples=[["en", "fr"]])
    title: dict[Language, SingleLine]
    summary: dict[Language, Paragraphs] = Field(default_factory=dict)
    guidance: dict[Language, Paragraphs] = Field(
        default_factory=dict,
        description="What supporters are told about writing, shown beside the form.",
    )
    subject: dict[Language, SingleLine]
    concern: dict[Language, Paragraphs] = Field(
        default_factory=dict, description="The concern's default text, per language."
    )
    ask: dict[Language, Paragraphs] = Field(
        default_factory=dict, description="The ask's default text, per language."
    )
    target_texts: dict[TargetKind, TargetTexts] = Field(
        default_factory=dict,
        description="Subject, concern, ask and reply request for letters to one kind of "
        "target (role: the role's holder; own_mp: the supporter's MP; recipient: a named "
        "recipient), per language; what is left out is the campaign's general text.",
    )
    reply_request: dict[Language, Paragraphs] = Field(
        default_factory=dict,
        description="The sentence that asks for a reply, per language; a default where none.",
    )
    subject_editable: bool = Field(
        False, description="Supporters may write their own subject (one line, 5 to 150 characters)."
    )
    template: Literal["standard"] = "standard"
    template_text: dict[Language, TemplateText] | None = Field(
        None, description="The organisation's own letter template (Jinja2), per language."
    )
    must_write: Parts = Field(
        default_factory=lambda: list[Part](["intro"]),
        description="Parts the supporter writes themselves; the intro always is.",
    )
    may_edit: EditableParts = Field(
        default_factory=list, description="Parts the supporter may change from the default."
    )
    targets: list[Target] = Field(min_length=1, max_length=20)
    channels: Channels = Field(default_factory=lambda: list[Channel](["email"]), min_length=1)
    without_email: Literal["skip", "print"] = Field(
        "skip", description="What happens to an email letter whose recipient has no email."
    )
    goal: int | None = Field(None, ge=1, le=100_000_000)
    confirm_email: bool = Field(
        False, description="Letters wait until the supporter confirms their email address."
    )
    copy_to_supporter: bool = Field(
        False, description="Each emailed letter is also sent to the supporter, as a copy."
    )
    on_holder_change: Literal["readdress", "hold"] = Field(
        "readdress",
        description="When a role target changes hands (a shuffle) while a letter to it is "
        "queued: `readdress` re-writes it to the new holder when it is sent, `hold` keeps it "
        "for review. A role nobody holds holds its letters either way.",
    )
    on_bounce: OnBounce = Field(
        "nothing",
        description="What follows an emailed letter that the official's server sends back: "
        "`nothing` more; `print`: the same letter queued for print (where the recipient has "
        "a postal address); `other_email`: the same letter emailed to another address of "
        "the same recipient (an office's own, from its `addresses`) not yet written to for "
        "this action; `other_email_or_print`: that, else print.",
    )
    reply_capture: bool = Field(
        False,
        description="Each letter's Reply-To is an address of ours: replies are recorded, "
        "forwarded to the supporter and announced (letter.replied). Off: the supporter's "
        "own address is the Reply-To.",
    )
    questionnaire_days: int | None = Field(
        14,
        ge=1,
        le=365,
        description="Days after a letter leaves (an emailed letter is sent, or the print "
        "batch holding a letter by post is marked mailed) that its supporter is asked, by "
        "email, whether the official answered (Yes / No / Not yet), with one reminder a week "
        "later at most; never when a reply was captured. null asks nothing.",
    )
    responsiveness_public: bool = Field(
        False,
        description="The campaign's responsiveness figures (who answered, how fast) are shown "
        "on a public page, `/c/{slug}/responsiveness`.",
    )
    counter_offset: int = Field(
        0,
        ge=0,
        le=100_000_000,
        description="Added to the count the action page shows (actions taken elsewhere, "
        "e.g. on paper); the stats answer the true count.",
    )
    counter_hidden_below: int = Field(
        0,
        ge=0,
        le=100_000_000,
        description="The action page shows no count (nor progress) while the count it "
        "would show, offset included, is below this; 0 always shows it.",
    )
    hold_minutes: int = Field(
        5,
        ge=0,
        le=MAX_HOLD_MINUTES,
        description="Minutes each letter waits once it may go (at once, or when the "
        "supporter confirms their address) before it leaves, so that the supporter can "
        "still stop it from their letters' page; its `hold_until` says until when. "
        "0: letters leave at once.",
    )
    send_receipt: bool = Field(
        True,
        description="Each supporter gets one email once their letters may go (at once, or "
        "when they confirm their address): a copy of their letters and the link to their "
        "letters page, where they can follow and stop them.",
    )

    image_url: OptionalHttpsUrl = Field(
        None,
        description="An https address of the campaign's image (PNG, JPEG, GIF or WebP), "
        "shown at the top of its page and in link previews (Open Graph).",
    )
    image_alt: dict[Language, SingleLine] = Field(
        default_factory=dict,
        description="What the image shows, per language, for those who cannot see it: "
        "needed in each of the campaign's languages when it has an image.",
    )
    learn_more: list[LabelledLink] = Field(
        default_factory=list,
        max_length=MAX_LEARN_MORE,
        description=f'Up to {MAX_LEARN_MORE} "learn more" links shown under the summary: '
        "words per language and an https address.",
    )
    next_action: LabelledLink | None = Field(
        None,
        description="The next step offered on the thank-you page (and on the page once the "
        "campaign has closed); the organisation's next action where none.",
    )
    thanks_redirect_url: OptionalHttpsUrl = Field(
        None,
        description="Instead of the thank-you page, the action page sends supporters here "
        "after Send (the embedded form shows the thank-you page with a link to it). Not "
        "with `next_action`.",
    )

    @model_validator(mode="after")
    def _complete_in_every_language(self) -> "CampaignFields":
        if "intro" not in self.must_write:
            self.must_write = ["intro", *self.must_write]
        missing = [
            f"{name}.{language}"
            for language in self.languages
            for name, texts, needed in (
                ("title", self.title, True),
                ("subject", self.subject, True),
                ("concern", self.concern, "concern" not in self.must_write),
                ("ask", self.ask, "ask" not in self.must_write),
            )
            if needed and language not in texts
        ]
        if self.template_text is not None:
            missing += [
                f"template_text.{language}"
                for language in self.languages
                if language not in self.template_text
            ]
        missing += self._missing_page_texts()
        if missing:
            raise ValueError(f"each language of the campaign needs: {', '.join(missing)}")
        if self.next_action is not None and self.thanks_redirect_url is not None:
            raise ValueError("give next_action or thanks_redirect_url, not both")
        unused = set(self.target_texts) - {target.type for target in self.targets}
        if unused:
            raise ValueError(
                "target_texts for targets the campaign does not have: " + ", ".join(sorted(unused))
            )
        return self

    def _missing_page_texts(self) -> list[str]:
        """The image's alt text and the links' words, in each of the campaign's languages."""
        links = [(f"learn_more.{index}", link) for index, link in enumerate(self.learn_more)]
        if self.next_action is not None:
            links.append(("next_action", self.next_action))
        return [
            f"image_alt.{language}"
            for language in self.languages
            if self.image_url is not None and language not in self.image_alt
        ] + [
            f"{name}.label.{language}"
            for name, link in links
            for language in self.languages
            if language not in link.label
        ]


class CampaignCreate(CampaignFields):
    model_config = ConfigDict(json_schema_extra={"examples": [CAMPAIGN_EXAMPLE]})


class CampaignUpdate(BaseModel):
    """Any fields of a campaign; the campaign they make must be whole, as on creation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"status": "closed"}, {"goal": 5000}]},
    )

    slug: Slug | None = None
    status: Status | None = None
    languages: Languages | None = Field(None, min_length=1, max_length=2)
    title: dict[Language, SingleLine] | None = None
    summary: dict[Language, Paragraphs] | None = None
    guidance: dict[Language, Paragraphs] | None = None
    subject: dict[Language, SingleLine] | None = None
    concern: dict[Language, Paragraphs] | None = None
    ask: dict[Language, Paragraphs] | None = None
    target_texts: dict[TargetKind, TargetTexts] | None = None
    reply_request: dict[Language, Paragraphs] | None = None
    subject_editable: bool | None = None
    template: Literal["standard"] | None = None
    template_text: dict[Language, TemplateText] | None = None
    must_write: Parts | None = None
    may_edit: EditableParts | None = None
    targets: list[Target] | None = Field(None, min_length=1, max_length=20)
    channels: Channels | None = Field(None, min_length=1)
    without_email: Literal["skip", "print"] | None = None
    goal: int | None = Field(None, ge=1, le=100_000_000)
    confirm_email: bool | None = None
    copy_to_supporter: bool | None = None
    on_holder_change: Literal["readdress", "hold"] | None = None
    on_bounce: OnBounce | None = None
    reply_capture: bool | None = None
    questionnaire_days: int | None = Field(None, ge=1, le=365)
    responsiveness_public: bool | None = None
    counter_offset: int | None = Field(None, ge=0, le=100_000_000)
    counter_hidden_below: int | None = Field(None, ge=0, le=100_000_000)
    image_url: OptionalHttpsUrl = None
    image_alt: dict[Language, SingleLine] | None = None
    learn_more: list[LabelledLink] | None = Field(None, max_length=MAX_LEARN_MORE)
    next_action: LabelledLink | None = None
    thanks_redirect_url: OptionalHttpsUrl = None
    hold_minutes: int | None = Field(None, ge=0, le=MAX_HOLD_MINUTES)
    send_receipt: bool | None = None


class CampaignOut(CampaignFields):
    model_config = ConfigDict(json_schema_extra={"examples": [CAMPAIGN_OUT_EXAMPLE]})

    id: str
    action_count: int
    letter_count: int
    sent_count: int
    created_at: datetime
    updated_at: datetime


class CampaignList(PageOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [CAMPAIGN_OUT_EXAMPLE]} | PAGE_EXAMPLE]}
    )

    items: list[CampaignOut]


CAMPAIGN_FIELDS = tuple(CampaignFields.model_fields)
EXTRA_OUT_FIELDS = (
    "id", "action_count", "letter_count", "sent_count", "created_at", "updated_at",
)  # fmt: skip


def campaign_out(campaign: Campaign) -> CampaignOut:
    return CampaignOut.model_validate(
        {name: getattr(campaign, name) for name in (*CAMPAIGN_FIELDS, *EXTRA_OUT_FIELDS)}
    )
