from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONDocument, UTCDateTime, utcnow
from app.ids import new_id


class Recipient(Base):
    """An official letters go to. Addresses are kept as one JSON list (they are only ever
    read whole); roles are rows, because campaigns look up who holds a role on a date."""

    __tablename__ = "recipients"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id"),
        Index("ix_recipients_organisation_id_district_key", "organisation_id", "district_key"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("rcp"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(200))
    honorific: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(300))
    last_name: Mapped[str | None] = mapped_column(String(300))
    display_name: Mapped[str | None] = mapped_column(String(300))
    post_nominals: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(2))
    party: Mapped[str | None] = mapped_column(String(300))
    elected_office: Mapped[str | None] = mapped_column(String(100))
    district_code: Mapped[str | None] = mapped_column(String(50))
    district_name: Mapped[str | None] = mapped_column(String(300))
    district_province: Mapped[str | None] = mapped_column(String(2))
    district_key: Mapped[str | None] = mapped_column(Text)
    # Names folded to plain lower case, so that "melanie" finds "Mélanie" on any database.
    search_key: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    addresses: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    # The salutation of English letters and of French ones, where the organisation
    # chose its own (the first kept its name when the second was added: see README).
    salutation_override: Mapped[str | None] = mapped_column(String(300))
    salutation_override_fr: Mapped[str | None] = mapped_column(String(300))
    gender: Mapped[str | None] = mapped_column(String(10))
    photo_url: Mapped[str | None] = mapped_column(String(500))
    # How the office takes its letters: `email` (each its own), `daily_digest` (one email a
    # day: app.delivery.digests) or `print_only` (every letter printed, whatever the
    # campaign's channels). Letters are routed when written.
    delivery_preference: Mapped[str] = mapped_column(
        String(20), default="email", server_default="email"
    )
    # The source a sync keeps this recipient in step with ("house-of-commons",
    # "represent:ontario-legislature", "demo"); None for recipients written by hand or file.
    source: Mapped[str | None] = mapped_column(String(200))
    # Fields the organisation edited by hand (PATCH): a sync leaves them as they are.
    locked_fields: Mapped[list[str]] = mapped_column(
        JSONDocument, default=list, server_default=text("'[]'")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list["RecipientRole"]] = relationship(
        back_populates="recipient",
        cascade="all, delete-orphan",
        order_by="(RecipientRole.start_date, RecipientRole.id)",
    )


class RecipientRole(Base):
    __tablename__ = "recipient_roles"
    __table_args__ = (
        Index("ix_recipient_roles_organisation_id_title_en_key", "organisation_id", "title_en_key"),
        Index("ix_recipient_roles_organisation_id_title_fr_key", "organisation_id", "title_fr_key"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("rol"))
    recipient_id: Mapped[str] = mapped_column(
        ForeignKey("recipients.id", ondelete="CASCADE"), index=True
    )
    # Denormalised so that "who holds this role" is one indexed query per organisation.
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    title_en: Mapped[str] = mapped_column(String(300))
    title_fr: Mapped[str | None] = mapped_column(String(300))
    title_en_key: Mapped[str] = mapped_column(Text)
    title_fr_key: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    recipient: Mapped[Recipient] = relationship(back_populates="roles")


class PostalCodeDistrict(Base):
    """One row of an organisation's postal-code table: a whole code ('K1A0A6') or a
    prefix ('K1A') and a district it falls in. Several rows for one prefix mean the
    area straddles districts."""

    __tablename__ = "postal_code_districts"
    __table_args__ = (UniqueConstraint("organisation_id", "prefix", "district_key"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("pcd"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(6))
    district_code: Mapped[str | None] = mapped_column(String(50))
    district_name: Mapped[str] = mapped_column(String(300))
    district_province: Mapped[str | None] = mapped_column(String(2))
    district_key: Mapped[str] = mapped_column(Text)


class DirectorySync(Base):
    """One applied sync of the directory from a source: when, who asked, what changed
    (counts and the diff, as announced to webhooks) and the problems it found."""

    __tablename__ = "directory_syncs"
    __table_args__ = (
        Index(
            "ix_directory_syncs_organisation_id_source_synced_at",
            "organisation_id",
            "source",
            "synced_at",
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("syn"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    requested_by: Mapped[str] = mapped_column(String(200))
    forced: Mapped[bool] = mapped_column(Boolean)
    counts: Mapped[dict[str, int]] = mapped_column(JSONDocument)
    diff: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    # The newest date the source's data carries (a member's start, a role's start or end).
    newest_fact: Mapped[date | None] = mapped_column(Date)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DirectorySyncFailure(Base):
    """A scheduled sync of a source that failed (its feed unreachable or malformed) or
    that the retirement guard stopped: nothing was applied. The schedule counts its
    interval from these too, so a failing feed is not asked again at every look."""

    __tablename__ = "directory_sync_failures"
    __table_args__ = (
        Index(
            "ix_directory_sync_failures_organisation_id_source_failed_at",
            "organisation_id",
            "source",
            "failed_at",
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("syf"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(200))
    requested_by: Mapped[str] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The tables themselves, for bulk writes through Core: an ORM bulk insert splits rows
# into one statement per distinct set of None columns, which costs imports dearly.
RECIPIENTS = cast(Table, Recipient.__table__)
RECIPIENT_ROLES = cast(Table, RecipientRole.__table__)


class DirectoryVersion(Base):
    """A number the database moves (its triggers, migration 0028) in every transaction
    that changes an organisation's recipients, their roles or its postal table: a process
    holding any of them in memory knows by this one row whether they are current."""

    __tablename__ = "directory_versions"

    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger, server_default="1")
