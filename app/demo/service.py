"""The demo organisation, loaded from the real public data shipped in `data/` (see
PROVENANCE.md there): the House of Commons of the 45th Parliament as of 2025-12-11, the
Carney ministry's roles with their dates (to 2026-07-24), and an approximate postal table
of one district per forward sortation area (the first three characters)."""

import csv
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.models import ApiKey, Organisation
from app.auth.scopes import Scope
from app.campaigns import service as campaigns_service
from app.campaigns.models import Campaign
from app.campaigns.schemas import CAMPAIGN_FIELDS, CampaignCreate, CampaignUpdate, campaign_out
from app.console import service as console_service
from app.console.models import User
from app.console.roles import Role
from app.db import utcnow
from app.directory import importer, postal_table, sync
from app.directory.addresses import parse_address_block
from app.directory.honorifics import read_house_honorific
from app.directory.models import Recipient
from app.directory.schemas import ImportResult, PostalCodeImportResult
from app.directory.sources.house_of_commons import HILL_OFFICE, name_id, person_key
from app.fields import normalise_province
from app.settings import Settings, demo_api_key

DATA = Path(__file__).parent / "data"
MEMBERS_FILE = DATA / "house-of-commons-members-2025.json"
ROLES_FILE = DATA / "cabinet-roles-2025.csv"
FSA_FILE = DATA / "fsa-riding-2025.csv"
CAMPAIGNS_FILE = DATA / "campaigns.json"
# The 2023 House, kept for tests that need a real shuffle (2023 -> 2025).
MEMBERS_2023_FILE = DATA / "house-of-commons-members-2023-12.json"
ROLES_2023_FILE = DATA / "cabinet-roles-2023-12.csv"
DEMO_ORGANISATION = "Demo: Canadian refugee rights campaign"
DEMO_SOURCE = "demo"
DEMO_OWNER_EMAIL = "organiser@example.org"
DEMO_KEY_NAME = "demo key"
# What PROVENANCE.md says the data is as of: the members' snapshot.
DATA_AS_OF = date(2025, 12, 11)
ADDRESS_KINDS = {"central": "legislature", "main-local": "constituency", "local": "constituency"}


@dataclass
class DemoReport:
    organisation_id: str
    key: str
    key_source: str
    recipients: ImportResult
    postal_codes: PostalCodeImportResult
    campaigns: dict[str, str]
    owner_email: str = ""

    def summary(self) -> str:
        counts = self.recipients.counts
        return (
            f"Demo organisation {self.organisation_id}: {self.recipients.rows} recipients "
            f"({counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged); "
            f"postal-code table of {self.postal_codes.rows} entries"
            f"{' (unchanged)' if self.postal_codes.unchanged else ''}; campaigns: "
            + ", ".join(f"{slug} ({change})" for slug, change in self.campaigns.items())
            + "."
        )


def cabinet_roles(path: Path = ROLES_FILE) -> dict[tuple[str, str], list[dict[str, Any]]]:
    roles: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            roles.setdefault(person_key(row["last_name"], row["first_name"]), []).append(
                {
                    "title_en": row["role_en"],
                    "title_fr": row["role_fr"],
                    "start_date": row["start_date"] or None,
                    "end_date": row["end_date"] or None,
                }
            )
    return roles


def _address(entry: dict[str, Any]) -> dict[str, Any] | None:
    text = entry.get("physical") or ""
    text = text.replace("(Main office)", "").replace("(Bureau principal)", "")
    return parse_address_block(
        ADDRESS_KINDS[entry["type"]], text, phone=entry.get("phone"), fax=entry.get("fax")
    )


def member_records(
    members_file: Path = MEMBERS_FILE, roles_file: Path = ROLES_FILE
) -> list[dict[str, Any]]:
    """The members in our import shape. Members styled "Hon." or "Right Hon." are Privy
    Councillors, hence "P.C., M.P."; the data does not give preferred languages, and its
    honorifics hold no courtesy title (Mr., Ms.), so no member's gender is known. A member
    without a House of Commons id (one in the 2025 file) is keyed by name instead."""
    roles = cabinet_roles(roles_file)
    members = json.loads(members_file.read_text(encoding="utf-8"))
    records = []
    for member in members:
        addresses = [
            address
            for entry in member["addresses"]
            if entry.get("type") in ADDRESS_KINDS and (address := _address(entry))
        ]
        if not any(address["kind"] == "legislature" for address in addresses):
            addresses.insert(0, dict(HILL_OFFICE))
        central: dict[str, Any] = next(
            (a for a in member["addresses"] if a.get("type") == "central"), {}
        )
        honorific, gender = read_house_honorific(member["honorific"])
        records.append(
            {
                # Gender only where the House's courtesy title gives it (see PROVENANCE).
                **({"gender": gender} if gender else {}),
                "external_id": member["id"] or name_id(member["lastName"], member["firstName"]),
                "honorific": honorific,
                "first_name": member["firstName"],
                "last_name": member["lastName"],
                "post_nominals": "P.C., M.P." if honorific else "M.P.",
                "party": member["party"],
                "elected_office": "MP",
                "district": {
                    "code": member["constituency"].get("id") or None,
                    "name": member["constituency"]["name"],
                    "province": normalise_province(member["constituency"]["region"]),
                },
                "email": member["email"],
                "phone": central.get("phone"),
                "addresses": addresses,
                "photo_url": member.get("photoUrl") or None,
                "roles": roles.get(person_key(member["lastName"], member["firstName"]), []),
            }
        )
    return records


def fsa_entries() -> list[dict[str, Any]]:
    """The approximate postal table: one district per forward sortation area, as the
    shipped file gives it (a hint, not an authority; see PROVENANCE.md)."""
    with FSA_FILE.open(encoding="utf-8", newline="") as file:
        return [
            {
                "postal_code": row["fsa"],
                "district_name": row["riding_name"],
                "district_code": row["riding_id"] or None,
                "province": row["province"],
            }
            for row in csv.DictReader(file)
        ]


def newest_fact(records: list[dict[str, Any]]) -> date:
    """The newest date the data states: a role's start or end, or the snapshot itself."""
    dates = [DATA_AS_OF] + [
        date.fromisoformat(value)
        for record in records
        for role in record["roles"]
        for value in (role["start_date"], role["end_date"])
        if value
    ]
    return max(dates)


def _demo_organisation(session: Session) -> Organisation:
    organisation = session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
    )
    return organisation or auth_service.create_organisation(session, DEMO_ORGANISATION)


def _demo_key(session: Session, organisation_id: str, settings: Settings) -> tuple[str, str]:
    """The demo key and where it came from: the setting, the key file of an earlier
    run, or newly made (and then written to the key file so the next run shows it)."""
    wanted = demo_api_key(settings)
    source = "set"
    if not wanted and settings.demo_key_file.exists():
        wanted, source = settings.demo_key_file.read_text().strip(), "file"
    if wanted:
        existing = auth_service.find_key(session, wanted)
        if existing and existing.organisation_id == organisation_id and existing.revoked_at is None:
            _revoke_demo_keys_but(session, organisation_id, existing)
            return wanted, source
        if existing is None and source == "set":
            _issue_demo_key(session, organisation_id, key=wanted)
            return wanted, source
    key = _issue_demo_key(session, organisation_id)
    settings.demo_key_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(settings.demo_key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key, "generated"


def _issue_demo_key(session: Session, organisation_id: str, key: str | None = None) -> str:
    """A new demo key, the others revoked: the demo organisation has one working key."""
    name = auth_service.unused_key_name(session, organisation_id, DEMO_KEY_NAME)
    api_key, key = auth_service.issue_key(session, organisation_id, name, [Scope.ADMIN], key=key)
    _revoke_demo_keys_but(session, organisation_id, api_key)
    return key


def _revoke_demo_keys_but(session: Session, organisation_id: str, kept: ApiKey) -> None:
    """A changed demo key (a new LETTERDESK_DEMO_API_KEY, a lost key file) revokes the
    keys the demo made before; keys made through the API stay."""
    earlier = select(ApiKey).where(
        ApiKey.organisation_id == organisation_id,
        ApiKey.id != kept.id,
        ApiKey.revoked_at.is_(None),
        (ApiKey.name == DEMO_KEY_NAME) | ApiKey.name.startswith(f"{DEMO_KEY_NAME} ("),
    )
    for api_key in session.scalars(earlier):
        api_key.revoked_at = utcnow()


def load_demo(session: Session, settings: Settings) -> DemoReport:
    organisation = _demo_organisation(session)
    key, key_source = _demo_key(session, organisation.id, settings)
    session.commit()
    records = member_records()
    adopt_earlier_demo_recipients(session, organisation.id)
    recipients = sync.import_from_file(
        session,
        organisation.id,
        importer.validate_records(records),
        source=DEMO_SOURCE,
        url=f"file:{MEMBERS_FILE.name}",
        requested_by="letterdesk demo",
        newest=newest_fact(records),
    )
    entries = postal_table.validate_entries(fsa_entries())
    postal_codes = postal_table.replace_table(session, organisation.id, entries)
    campaigns = load_campaigns(session, organisation.id)
    owner = _demo_owner(session, organisation.id)
    return DemoReport(organisation.id, key, key_source, recipients, postal_codes, campaigns, owner)


def _demo_owner(session: Session, organisation_id: str) -> str:
    """The demo's console owner, made once: signing in emails a link (to the outbox
    folder with the default file backend)."""
    existing = session.scalar(select(User).where(User.email == DEMO_OWNER_EMAIL))
    if existing is None:
        console_service.add_user(
            session, organisation_id, DEMO_OWNER_EMAIL, Role.OWNER, "Demo organiser"
        )
        session.commit()
    return DEMO_OWNER_EMAIL


def adopt_earlier_demo_recipients(session: Session, organisation_id: str) -> None:
    """Recipients an earlier demo loaded (the 2023 House, before recipients had a source)
    are the demo source's, so that loading the current data retires those no longer in
    it rather than leaving them beside it."""
    session.execute(
        update(Recipient)
        .where(
            Recipient.organisation_id == organisation_id,
            Recipient.source.is_(None),
            Recipient.external_id.is_not(None),
        )
        .values(source=DEMO_SOURCE)
    )


def load_campaigns(session: Session, organisation_id: str) -> dict[str, str]:
    """The sample campaigns, made or brought back to what the file says: for each slug,
    whether it was created, updated or unchanged."""
    changes = {}
    for document in json.loads(CAMPAIGNS_FILE.read_text(encoding="utf-8")):
        wanted = CampaignCreate.model_validate(document)
        existing = session.scalar(
            select(Campaign).where(
                Campaign.organisation_id == organisation_id, Campaign.slug == wanted.slug
            )
        )
        if existing is None:
            campaigns_service.create_campaign(session, organisation_id, wanted)
            changes[wanted.slug] = "created"
        elif campaign_out(existing).model_dump(include=set(CAMPAIGN_FIELDS)) != wanted.model_dump():
            changes_to_make = CampaignUpdate.model_validate(wanted.model_dump())
            campaigns_service.update_campaign(
                session, organisation_id, existing.id, changes_to_make
            )
            changes[wanted.slug] = "updated"
        else:
            changes[wanted.slug] = "unchanged"
    return changes
