"""An organisation's public identity in words: who is asking, on its action pages and in
its emails to supporters.

Canada's anti-spam law (CASL) asks that a request for consent to be emailed name who
seeks it, give a mailing address and a way to reach them, and say that consent can be
withdrawn: the default question does, and the page shows the rest beside it."""

from dataclasses import dataclass

from app.auth.models import Organisation
from app.links import text_colour_on

CONSENT_DEFAULT = {
    "en": "Yes, {name} may email me about its campaigns. I can unsubscribe at any time.",
    "fr": "Oui, {name} peut m'écrire par courriel au sujet de ses campagnes. Je peux me "
    "désabonner en tout temps.",
}
ASKED_BY = {"en": "Asked by {name}", "fr": "Demandé par {name}"}
SENT_BY = {
    "en": "Sent by {name} for this campaign.",
    "fr": "Envoyé par {name} pour cette campagne.",
}
CONTACT = {"en": "Contact: {contact}", "fr": "Nous joindre : {contact}"}
PRIVACY = {"en": "Privacy policy: {url}", "fr": "Politique de confidentialité : {url}"}


def _language(language: str) -> str:
    return "fr" if language == "fr" else "en"


def consent_question(organisation: Organisation, language: str) -> str:
    """The organisation's own question in `language`, else the default naming it."""
    own = (organisation.consent_text or {}).get(_language(language))
    return own or CONSENT_DEFAULT[_language(language)].format(name=organisation.name)


def contact_points(organisation: Organisation) -> list[str]:
    """Its mailing address and contact email, those it has given."""
    return [point for point in (organisation.contact_address, organisation.contact_email) if point]


def email_footer(organisation: Organisation, language: str) -> str:
    """Below an email to a supporter, in their language: who is writing, how to reach
    them, and their privacy policy."""
    language = _language(language)
    lines = [SENT_BY[language].format(name=organisation.name)]
    contact = contact_points(organisation)
    if contact:
        lines.append(CONTACT[language].format(contact=" · ".join(contact)))
    if organisation.privacy_url:
        lines.append(PRIVACY[language].format(url=organisation.privacy_url))
    return "\n".join(lines)


@dataclass(frozen=True)
class PageIdentity:
    """What an action page shows of the organisation, in the page's language."""

    name: str
    logo_url: str | None
    privacy_url: str | None
    contact: list[str]
    consent: str
    asked_by: str
    branded: bool


def page_identity(organisation: Organisation, language: str) -> PageIdentity:
    language = _language(language)
    return PageIdentity(
        name=organisation.name,
        logo_url=organisation.logo_url,
        privacy_url=organisation.privacy_url,
        contact=contact_points(organisation),
        consent=consent_question(organisation, language),
        asked_by=ASKED_BY[language].format(name=organisation.name),
        branded=organisation.brand_colour is not None,
    )


def brand_stylesheet(organisation: Organisation) -> str:
    """The page's colours as a stylesheet of its own (the pages allow no inline style):
    the brand colour behind the header and the Send button, with the text colour that
    reads on it. The colour is six checked hex digits; nothing else is written."""
    colour = organisation.brand_colour
    if colour is None:
        return ""
    text = text_colour_on(colour)
    return (
        f":root {{ --org-brand: {colour}; --org-brand-text: {text}; }}\n"
        "header.site { background: var(--org-brand); color: var(--org-brand-text); }\n"
        "header.site a, header.site a.language, header.site .brand "
        "{ color: var(--org-brand-text); }\n"
        "button.primary { background: var(--org-brand); color: var(--org-brand-text); "
        "border-color: var(--org-brand-text); }\n"
        "button.primary:hover { background: var(--org-brand); text-decoration: underline; }\n"
    )
