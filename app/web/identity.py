"""The organisation and campaign on the action pages: who is asking (logo, colours,
contact, consent question), the campaign's image and links, sharing and what to do next.

The templates get what is built here; every address in it was checked as https when it
was saved (app.links), and every text is escaped by the templates."""

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.auth.identity import brand_stylesheet, page_identity
from app.auth.models import Organisation
from app.campaigns.models import Campaign
from app.links import label_in
from app.web import i18n
from app.web.i18n import Language

router = APIRouter(tags=["action pages"])

BRAND_PATH = "/brand/{colour}.css"


def brand_css_url(organisation: Organisation) -> str | None:
    """The stylesheet of the organisation's colour: named by the colour itself, so it
    needs no lookup, reveals nothing and is cached for good."""
    if organisation.brand_colour is None:
        return None
    return BRAND_PATH.format(colour=organisation.brand_colour.removeprefix("#"))


def shown_link(link: dict[str, Any] | None, language: str) -> dict[str, str] | None:
    return {"label": label_in(link, language), "url": link["url"]} if link else None


def next_action(
    campaign: Campaign, organisation: Organisation, language: Language, embed: bool
) -> dict[str, str] | None:
    """Where a supporter goes next: the campaign's next action, else the organisation's.
    The embedded form never leaves its frame on its own, so its thank-you page offers the
    campaign's thank-you address as the next step instead."""
    if embed and campaign.thanks_redirect_url:
        label = i18n.text("continue", language)
        return {"label": label, "url": campaign.thanks_redirect_url}
    return shown_link(campaign.next_action or organisation.next_action, language)


def organisation_context(organisation: Organisation, language: Language) -> dict[str, Any]:
    """Who is asking, for any page about one of the organisation's campaigns."""
    return {
        "identity": page_identity(organisation, language),
        "brand_css": brand_css_url(organisation),
    }


def identity_context(
    session: Session, campaign: Campaign, language: Language, embed: bool, address: str
) -> dict[str, Any]:
    """What the page shows of the organisation and the campaign besides its texts;
    `address` is the campaign page's public address (canonical, and the one shared)."""
    organisation = session.get_one(Organisation, campaign.organisation_id)
    image = (
        {"url": campaign.image_url, "alt": campaign.image_alt.get(language, "")}
        if campaign.image_url
        else None
    )
    return organisation_context(organisation, language) | {
        "campaign_image": image,
        "learn_more": [shown_link(link, language) for link in campaign.learn_more],
        "next_action": next_action(campaign, organisation, language, embed),
        "share_links": share_links(campaign.title[language], address, language),
        "description": first_paragraph(campaign.summary.get(language, "")),
    }


def first_paragraph(text: str, limit: int = 300) -> str:
    """A link preview's description: the summary's first paragraph, cut at a word."""
    paragraph = " ".join(text.split("\n\n")[0].split())
    if len(paragraph) <= limit:
        return paragraph
    return paragraph[:limit].rsplit(" ", 1)[0] + "…"


def share_links(title: str, address: str, language: Language) -> list[dict[str, str]]:
    """Plain links that open each service's own share form (no script of theirs runs on
    our pages, and nothing is sent to them until the supporter chooses one)."""
    message = i18n.text("share_message", language, title=title)
    with_address = f"{message} {address}"

    def query(**values: str) -> str:
        return urlencode(values, quote_via=quote)

    return [
        {
            "name": i18n.text("share_email", language),
            "url": "mailto:?" + query(subject=title, body=f"{message}\n\n{address}"),
        },
        {"name": "WhatsApp", "url": "https://wa.me/?" + query(text=with_address)},
        {
            "name": "Facebook",
            "url": "https://www.facebook.com/sharer/sharer.php?" + query(u=address),
        },
        {"name": "X", "url": "https://x.com/intent/post?" + query(text=message, url=address)},
        {"name": "Bluesky", "url": "https://bsky.app/intent/compose?" + query(text=with_address)},
    ]


Colour = Annotated[
    str, PathParam(pattern="^[0-9a-f]{6}$", description="Six lower-case hex digits.")
]


@router.get(
    BRAND_PATH,
    response_class=Response,
    responses={200: {"content": {"text/css": {"example": ":root { --org-brand: #1d4f91; }"}}}},
)
def brand_stylesheet_of(colour: Colour) -> Response:
    """Public: the action page's colours for an organisation's brand colour, with the
    text colour that reads on it."""
    stub = Organisation(name="", brand_colour=f"#{colour}")
    return Response(
        brand_stylesheet(stub),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
