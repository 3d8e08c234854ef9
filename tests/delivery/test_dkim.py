"""Every email we send carries a DKIM signature that verifies, with dkimpy's own
verifier, against the organisation's public key (served by the test, not by DNS)."""

import base64
import email
import email.policy
import json
from pathlib import Path
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Organisation
from app.delivery.dkim import dkim_key, dkim_signed
from app.settings import Settings
from app.tokens import confirmation_token
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.delivery_data import deliver_all
from tests.smtp_sink import SinkHandler

SELECTOR = "ld2026"
DOMAIN = "letterdesk.localhost"


def make_key(folder: Path) -> tuple[Path, bytes]:
    """A fresh RSA key in a PEM file, and the DNS TXT record that publishes it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "dkim.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def dns_serving(record: bytes) -> Any:
    """What dkimpy asks instead of DNS: our record under our selector, nothing else."""

    def dnsfunc(name: bytes | str, timeout: int = 5) -> bytes | None:
        wanted = f"{SELECTOR}._domainkey.{DOMAIN}."
        asked = name.decode() if isinstance(name, bytes) else name
        return record if asked == wanted else None

    return dnsfunc


@pytest.fixture
def signing(tmp_path: Path) -> tuple[Path, bytes]:
    return make_key(tmp_path)


def signing_over_smtp(
    settings: Settings, sink: tuple[SinkHandler, int], key_file: Path, **more: Any
) -> Settings:
    """The worker's settings: mail to the sink, signed with the installation's key."""
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "dkim_selector": SELECTOR,
            "dkim_private_key_file": key_file,
        }
        | more
    )


def tags_of(raw: bytes) -> dict[str, str]:
    signature = email.message_from_bytes(raw, policy=email.policy.strict)
    return dict(
        part.strip().split("=", 1)
        for part in "".join(str(signature["DKIM-Signature"]).split()).split(";")
        if part.strip()
    )


def test_every_email_sent_is_signed_and_verifies(
    client: TestClient,
    caller: Caller,
    settings: Settings,
    sink: tuple[SinkHandler, int],
    signing: tuple[Path, bytes],
    tmp_path: Path,
) -> None:
    key_file, record = signing
    mail_settings = signing_over_smtp(settings, sink, key_file, secret_key="test-secret")
    make_directory(client, caller)
    make_campaign(client, caller, copy_to_supporter=True)
    body = action_body(language="fr", intro="Je suis infirmière — « merci ».")
    assert client.post("/v1/campaigns/rescind-stca/actions", json=body).status_code == 201
    deliver_all(client, mail_settings)
    handler, _ = sink
    assert len(handler.received) >= 3  # two letters and the supporter's copies
    for item in handler.received:
        assert dkim.verify(item.raw, dnsfunc=dns_serving(record)), item.recipients
        signature = email.message_from_bytes(item.raw, policy=email.policy.strict)
        tags = tags_of(item.raw)
        # Aligned with From (DMARC): the signing domain is the From address's.
        assert tags["d"] == DOMAIN == str(signature["From"]).rpartition("@")[2].rstrip(">")
        assert tags["s"] == SELECTOR
        for name in ("from", "to", "subject", "date", "message-id"):
            assert tags["h"].lower().split(":").count(name) == 2  # oversigned
        # A changed word in the body, or a second Subject, no longer verifies.
        changed = item.raw.replace(b"\r\n\r\n", b"\r\n\r\nX", 1)
        assert not dkim.verify(changed + b"x\r\n", dnsfunc=dns_serving(record))
        added = b"Subject: another\r\n" + item.raw
        assert not dkim.verify(added, dnsfunc=dns_serving(record))


def test_files_written_by_the_file_backend_are_signed(
    client: TestClient,
    caller: Caller,
    settings: Settings,
    signing: tuple[Path, bytes],
    tmp_path: Path,
) -> None:
    key_file, record = signing
    file_settings = settings.model_copy(
        update={
            "outbox_dir": tmp_path / "outbox",
            "dkim_selector": SELECTOR,
            "dkim_private_key_file": key_file,
        }
    )
    make_directory(client, caller)
    make_campaign(client, caller)
    assert client.post("/v1/campaigns/rescind-stca/actions", json=action_body()).status_code == 201
    deliver_all(client, file_settings)
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert files
    for path in files:
        assert dkim.verify(path.read_bytes(), dnsfunc=dns_serving(record)), path.name


def test_no_selector_means_unsigned_and_a_selector_without_a_key_is_refused(
    settings: Settings,
) -> None:
    assert dkim_key(settings) is None
    assert dkim_signed(b"Subject: x\r\n\r\nbody\r\n", None) == b"Subject: x\r\n\r\nbody\r\n"
    with pytest.raises(ValueError, match="DKIM_PRIVATE_KEY_FILE"):
        dkim_key(settings.model_copy(update={"dkim_selector": SELECTOR}))


def pem_of(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def test_an_organisations_own_key_signs_all_its_mail(
    client: TestClient,
    caller: Caller,
    settings: Settings,
    sink: tuple[SinkHandler, int],
    signing: tuple[Path, bytes],
    session: Session,
) -> None:
    """Its letters, the supporter's copy and confirmation are signed with the key it set
    (d= its domain, aligned with From); GET shows the record to publish, never the key;
    DELETE gives the signing back to the installation's key."""
    key_file, installation_record = signing
    mail_settings = signing_over_smtp(settings, sink, key_file)
    own = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = {"domain": f"Mail.{DOMAIN}", "selector": "org1", "private_key": pem_of(own)}
    put = client.put("/v1/organisation/dkim", json=body, headers=caller.headers)
    assert put.status_code == 200, put.text
    shown = client.get("/v1/organisation/dkim", headers=caller.headers).json()
    assert shown == put.json()
    assert (shown["source"], shown["domain"], shown["selector"]) == (
        "organisation",
        f"mail.{DOMAIN}",
        "org1",
    )
    assert shown["dns_name"] == f"org1._domainkey.mail.{DOMAIN}"
    assert "PRIVATE" not in json.dumps(shown)
    sealed = session.scalar(
        select(Organisation.dkim_private_key).where(Organisation.id == caller.organisation_id)
    )
    assert sealed and "PRIVATE" not in sealed  # sealed at rest
    records = {
        f"org1._domainkey.mail.{DOMAIN}.": shown["dns_record"].encode(),
        f"{SELECTOR}._domainkey.{DOMAIN}.": installation_record,
    }

    def dnsfunc(name: bytes | str, timeout: int = 5) -> bytes | None:
        return records.get(name.decode() if isinstance(name, bytes) else name)

    make_directory(client, caller)
    make_campaign(client, caller, copy_to_supporter=True, confirm_email=True)
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert taken.status_code == 201, taken.text
    deliver_all(client, mail_settings)  # the confirmation email
    handler, _ = sink
    assert len(handler.received) == 1  # the confirmation
    action_id = taken.json()["id"]
    token = confirmation_token(client.app.state.settings, action_id)  # type: ignore[attr-defined]
    confirmed = client.get(f"/v1/actions/{action_id}/confirm", params={"token": token})
    assert confirmed.status_code == 200, confirmed.text
    deliver_all(client, mail_settings)
    assert len(handler.received) >= 4  # the confirmation, two letters and copies
    for item in handler.received:
        assert dkim.verify(item.raw, dnsfunc=dnsfunc), item.recipients
        assert (tags_of(item.raw)["d"], tags_of(item.raw)["s"]) == (f"mail.{DOMAIN}", "org1")
        sender = email.message_from_bytes(item.raw, policy=email.policy.default)["From"]
        assert str(sender).rpartition("@")[2].rstrip(">").endswith(DOMAIN)  # aligned
    assert client.delete("/v1/organisation/dkim", headers=caller.headers).status_code == 204
    # (The API's settings have no installation key; the worker's below have one.)
    assert client.get("/v1/organisation/dkim", headers=caller.headers).json()["source"] == "none"
    again = client.post(
        "/v1/campaigns/rescind-stca/actions",
        json=action_body(supporter={"email": "bob@example.org"}),
    )
    assert again.status_code == 201
    before = len(handler.received)
    deliver_all(client, mail_settings)
    (latest,) = handler.received[before:]
    assert dkim.verify(latest.raw, dnsfunc=dnsfunc)
    assert tags_of(latest.raw)["d"] == DOMAIN and tags_of(latest.raw)["s"] == SELECTOR


def test_a_dkim_key_that_would_not_align_or_is_no_key_is_refused_naming_the_field(
    client: TestClient, caller: Caller
) -> None:
    own = pem_of(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    for body, field in (
        ({"domain": "example.org", "selector": "s1", "private_key": own}, "domain"),
        ({"domain": "localhost", "selector": "s1", "private_key": own}, "domain"),
        ({"domain": DOMAIN, "selector": "no selector", "private_key": own}, "selector"),
        ({"domain": DOMAIN, "selector": "s1", "private_key": "notakey"}, "private_key"),
    ):
        refused = client.put("/v1/organisation/dkim", json=body, headers=caller.headers)
        assert refused.status_code == 422, (body["domain"], refused.text)
        assert [error["field"] for error in refused.json()["errors"]] == [field]
    shown = client.get("/v1/organisation/dkim", headers=caller.headers).json()
    assert shown["source"] == "none"


def test_a_daily_digest_is_signed_as_letters_are(
    client: TestClient,
    caller: Caller,
    settings: Settings,
    sink: tuple[SinkHandler, int],
    signing: tuple[Path, bytes],
) -> None:
    key_file, record = signing
    mail_settings = settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "dkim_selector": SELECTOR,
            "dkim_private_key_file": key_file,
            "digest_hour": 0,
        }
    )
    ids = make_directory(client, caller)
    for recipient_id in ids.values():
        response = client.patch(
            f"/v1/recipients/{recipient_id}",
            json={"delivery_preference": "daily_digest"},
            headers=caller.headers,
        )
        assert response.status_code == 200, response.text
    make_campaign(client, caller)
    for n in range(2):
        body = action_body(supporter={"email": f"s{n}@example.org"})
        assert client.post("/v1/campaigns/rescind-stca/actions", json=body).status_code == 201
    deliver_all(client, mail_settings)
    handler, _ = sink
    assert sorted(r.recipients[0] for r in handler.received) == [
        "marc.miller@parl.gc.ca",
        "ziad.aboultaif@parl.gc.ca",
    ]
    for item in handler.received:
        assert b"Daily digest" in item.raw
        assert dkim.verify(item.raw, dnsfunc=dns_serving(record)), item.recipients
