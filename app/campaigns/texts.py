"""Which of a campaign's texts a letter carries: the texts written for the kind of target
it goes to ("role", "own_mp", "recipient"), else the campaign's general ones; and the
sentences every letter of a kind has whatever the campaign wrote (the request for a
reply, a constituent's word to their own MP)."""

from typing import Literal

from app.campaigns.models import Campaign

TargetKind = Literal["role", "own_mp", "recipient"]
Part = Literal["subject", "concern", "ask", "reply_request"]

# Staff answer letters that ask for an answer; one that does not is filed.
DEFAULT_REPLY_REQUESTS = {
    "en": "I would be grateful for a reply telling me what you will do.",
    "fr": "Je vous saurais gré de bien vouloir me répondre et me dire ce que vous comptez faire.",
}
# An MP's office reads constituents' letters first: the letter says so, naming the riding.
CONSTITUENT_OF = {
    "en": ("I am one of your constituents in {district}.", "I am one of your constituents."),
    "fr": ("J'habite votre circonscription, {district}.", "J'habite votre circonscription."),
}


def general_text(campaign: Campaign, part: Part, language: str) -> str | None:
    texts: dict[str, str] = getattr(campaign, part) or {}
    return texts.get(language)


def text_for(campaign: Campaign, kind: TargetKind, part: Part, language: str) -> str | None:
    """The campaign's text of `part` for letters to `kind`, in `language`."""
    own = (campaign.target_texts or {}).get(kind, {}).get(part, {}).get(language)
    return own or general_text(campaign, part, language)


def all_defaults(campaign: Campaign, part: Part, language: str) -> set[str]:
    """Every text the campaign wrote for `part` in `language`, whatever the target: a
    supporter who sends one of them back unchanged has not written their own."""
    kinds: tuple[TargetKind, ...] = ("role", "own_mp", "recipient")
    texts = {text_for(campaign, kind, part, language) for kind in kinds}
    return {text for text in texts if text}


def reply_request(campaign: Campaign, kind: TargetKind, language: str) -> str:
    return text_for(campaign, kind, "reply_request", language) or DEFAULT_REPLY_REQUESTS[language]


def constituent_sentence(constituent: bool, district: str | None, language: str) -> str:
    """The sentence that tells an MP the writer is their constituent; none for others."""
    if not constituent:
        return ""
    named, unnamed = CONSTITUENT_OF[language]
    return named.format(district=district) if district else unnamed
