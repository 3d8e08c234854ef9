"""The organisation's public identity (issue 14, point 3): set through
`PATCH /v1/organisation`, checked (https addresses only, hex colours), and shown on the
action page and in the emails the service sends supporters, on SQLite and PostgreSQL."""

import html
import re
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.links import contrast, text_colour_on
from app.settings import Settings
from app.tokens import confirmation_link
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery.test_delivery import mail_settings  # noqa: F401 (a fixture)
from tests.delivery_data import deliver_all
from tests.smtp_sink import SinkHandler

IDENTITY: dict[str, Any] = {
    "logo_url": "https://amnistie.example.org/logo.png",
    "brand_colour": "#FFFF00",
    "privacy_url": "https://amnistie.example.org/confidentialite",
    "contact_email": "info@amnistie.example.org",
    "contact_address": "50 rue Ste-Catherine O., Montréal QC H2X 3V4",
    "consent_text": {"fr": "Oui, écrivez-moi au sujet de vos campagnes."},
    "next_action": {
        "label": {"en": "Sign our petition", "fr": "Signez notre pétition"},
        "url": "https://amnistie.example.org/petition",
    },
}


def set_identity(client: TestClient, caller: Caller, **fields: Any) -> Any:
    return client.patch("/v1/organisation", json=fields, headers=caller.headers)


def organisation(client: TestClient, caller: Caller) -> dict[str, Any]:
    return client.get("/v1/organisation", headers=caller.headers).json()  # type: ignore[no-any-return]


def test_the_identity_is_set_shown_and_cleared_field_by_field(
    client: TestClient, caller: Caller
) -> None:
    answer = set_identity(client, caller, **IDENTITY)
    assert answer.status_code == 200, answer.text
    shown = organisation(client, caller)
    assert shown["brand_colour"] == "#ffff00"  # kept in lower case
    assert {name: shown[name] for name in IDENTITY if name != "brand_colour"} == {
        name: value for name, value in IDENTITY.items() if name != "brand_colour"
    }
    # A PATCH changes what it names: the email name leaves the identity as it was.
    assert set_identity(client, caller, email_name="Amnistie").status_code == 200
    assert organisation(client, caller)["logo_url"] == IDENTITY["logo_url"]
    cleared = set_identity(client, caller, logo_url=None, consent_text=None, privacy_url="  ")
    assert cleared.status_code == 200
    after = cleared.json()
    assert (after["logo_url"], after["privacy_url"], after["consent_text"]) == (None, None, {})
    assert after["contact_email"] == IDENTITY["contact_email"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("logo_url", "javascript:alert(1)"),
        ("logo_url", "JAVASCRIPT://example.org/%0aalert(1)"),
        ("logo_url", "data:image/png;base64,AAAA"),
        ("logo_url", "http://example.org/logo.png"),
        ("privacy_url", "https://user:secret@example.org/privacy"),
        ("privacy_url", "https:///privacy"),
        ("privacy_url", "https://exa mple.org/"),
        ("privacy_url", "//example.org/privacy"),
        ("privacy_url", "https://localhost/privacy"),
        ("brand_colour", "red"),
        ("brand_colour", "#fff"),
        ("brand_colour", "#12345g"),
        ("brand_colour", "#123456;}body{x:y"),
        ("contact_email", "not an address"),
        ("contact_address", "line one\nline two"),
        ("consent_text", {"de": "Ja, bitte schreiben Sie mir."}),
        ("next_action", {"label": {"en": "Go"}, "url": "javascript:alert(1)"}),
        ("next_action", {"label": {}, "url": "https://example.org/"}),
    ],
)
def test_unsafe_or_malformed_identity_is_refused_naming_the_field(
    client: TestClient, caller: Caller, field: str, value: Any
) -> None:
    before = organisation(client, caller)
    answer = set_identity(client, caller, **{field: value}, email_name="Changed")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert any(error["field"].startswith(field) for error in answer.json()["errors"])
    assert organisation(client, caller) == before  # nothing half-written


def test_only_an_admin_key_sets_the_identity(client: TestClient, make_caller: MakeCaller) -> None:
    campaigns_key = make_caller(["campaigns:write"])
    answer = set_identity(client, campaigns_key, brand_colour="#000000")
    assert answer.status_code == 403
    assert answer.json()["required_scope"] == "admin"


@pytest.mark.parametrize(
    "colour", ["#ffff00", "#000080", "#767676", "#777777", "#0b5d52", "#ff0000"]
)
def test_the_brand_stylesheet_gives_text_that_reads_on_the_colour(
    client: TestClient, colour: str
) -> None:
    answer = client.get(f"/brand/{colour[1:]}.css")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/css")
    text = re.search(r"--org-brand-text: (#[0-9a-f]{6})", answer.text)
    assert text is not None and text[1] == text_colour_on(colour)
    assert contrast(colour, text[1]) >= 4.5  # WCAG AA for text


def test_the_brand_stylesheet_takes_nothing_but_a_colour(client: TestClient) -> None:
    for path in ("/brand/red.css", "/brand/fff.css", "/brand/ffff00%7D.css", "/brand/FFFF00.css"):
        assert client.get(path).status_code in (404, 422), path


def test_every_colour_gets_text_of_at_least_4_5_to_1() -> None:
    # Over a grid of the whole cube, and the colours around the worst case (mid grey).
    steps = [f"{value:02x}" for value in range(0, 256, 17)] + ["75", "76", "77", "78"]
    for red in steps:
        for green in steps:
            for blue in steps:
                colour = f"#{red}{green}{blue}"
                assert contrast(colour, text_colour_on(colour)) >= 4.5, colour


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def test_the_page_says_who_is_asking_in_its_header_consent_and_footer(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    name = organisation(client, caller)["name"]
    plain = client.get(f"/c/{campaign['slug']}?lang=en").text
    # Without an identity: the name, and a consent question naming it (CASL).
    assert f'<span class="org-name">{html.escape(name)}</span>' in plain
    assert (
        f"Yes, {name} may email me about its campaigns. I can unsubscribe at any time."
        in html.unescape(plain)
    )
    assert set_identity(client, caller, **IDENTITY).status_code == 200
    page = client.get(f"/c/{campaign['slug']}?lang=fr")
    text = html.unescape(page.text)
    assert '<img class="logo" src="https://amnistie.example.org/logo.png" alt=""' in page.text
    assert '<link rel="stylesheet" href="/brand/ffff00.css">' in page.text
    assert "Oui, écrivez-moi au sujet de vos campagnes." in text  # its own question in French
    consent = text[text.index('id="consent-who"') :]
    assert consent.index(f"Demandé par {name}") < consent.index("50 rue Ste-Catherine")
    assert "info@amnistie.example.org" in consent
    assert '<a href="https://amnistie.example.org/confidentialite">Politique' in consent
    footer = text[text.index('<footer class="site">') :]
    assert "50 rue Ste-Catherine O., Montréal QC H2X 3V4" in footer
    # The English page has no question of its own in English: the default names it.
    english = html.unescape(client.get(f"/c/{campaign['slug']}?lang=en").text)
    assert f"Yes, {name} may email me" in english
    # Logos are https images from the organisation's site: the page's policy lets only
    # https images in, scripts and styles stay our own.
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' https:;" in policy and "script-src 'self';" in policy


def test_names_and_contact_are_text_never_markup(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    sneaky = '<script>alert("x")</script>'
    assert (
        set_identity(
            client,
            caller,
            contact_address=f"1 Main St {sneaky}",
            consent_text={"en": f"Yes please {sneaky}"},
            privacy_url='https://example.org/p?a="><script>',
        ).status_code
        == 200
    )
    page = client.get(f"/c/{campaign['slug']}?lang=en").text
    assert "<script>alert" not in page
    assert "1 Main St &lt;script&gt;" in page
    assert 'href="https://example.org/p?a=&#34;&gt;&lt;script&gt;"' in page


FOOTER_FR = [
    "Nous joindre : 50 rue Ste-Catherine O., Montréal QC H2X 3V4 · info@amnistie.example.org",
    "Politique de confidentialité : https://amnistie.example.org/confidentialite",
]


def footer_of(message: EmailMessage) -> list[str]:
    _, footer = str(message.get_content()).replace("\r\n", "\n").split("\n-- \n")
    return footer.strip().splitlines()


@pytest.mark.parametrize("confirm", [True, False])
def test_emails_to_supporters_say_who_sends_them_and_how_to_reach_them(
    client: TestClient,
    caller: Caller,
    mail_settings: Settings,  # noqa: F811
    sink: tuple[SinkHandler, int],
    confirm: bool,
) -> None:
    handler, _ = sink
    make_directory(client, caller)
    make_campaign(client, caller, confirm_email=confirm, copy_to_supporter=True)
    assert set_identity(client, caller, **IDENTITY).status_code == 200
    name = organisation(client, caller)["name"]
    body = action_body(language="fr")
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=body)
    assert taken.status_code == 201, taken.text
    assert {letter["subject"] for letter in taken.json()["letters"]} == {"Annuler l'ETPS"}
    deliver_all(client, mail_settings)
    to_supporter = [item for item in handler.received if item.recipients == ["amelie@example.org"]]
    # the confirmation asked for, or the copies of the two letters sent
    assert len(to_supporter) == (1 if confirm else 2)
    for item in to_supporter:
        assert footer_of(item.message) == [f"Envoyé par {name} pour cette campagne.", *FOOTER_FR]


def test_the_confirmation_page_says_who_is_asking(
    client: TestClient, caller: Caller, settings: Settings
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, confirm_email=True)
    assert set_identity(client, caller, **IDENTITY).status_code == 200
    name = organisation(client, caller)["name"]
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    link = confirmation_link(settings, taken.json()["id"]).removeprefix(settings.public_url)
    for page in (
        client.get(link).text,
        client.post(link.partition("?")[0], data={"token": link.partition("token=")[2]}).text,
    ):
        assert f'<span class="org-name">{html.escape(name)}</span>' in page
        assert '<link rel="stylesheet" href="/brand/ffff00.css">' in page
        assert "50 rue Ste-Catherine O." in html.unescape(page)
