from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from app.db import Base, JSONDocument, UTCDateTime, utcnow
from app.ids import new_id


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("org"))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The name its emails show ("Amélie Tremblay via <this>"); its name when unset.
    email_name: Mapped[str | None] = mapped_column(String(200))
    # Its public identity, shown on its action pages and in its emails to supporters
    # (app.auth.identity): https addresses and a #rrggbb colour, checked when set.
    logo_url: Mapped[str | None] = mapped_column(String(500))
    brand_colour: Mapped[str | None] = mapped_column(String(7))
    privacy_url: Mapped[str | None] = mapped_column(String(500))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_address: Mapped[str | None] = mapped_column(String(300))
    # The consent question per language ({"en": ..., "fr": ...}); a default naming the
    # organisation where a language has none.
    consent_text: Mapped[dict[str, str]] = mapped_column(
        JSONDocument, default=dict, server_default=text("'{}'")
    )
    # Where a supporter can go next ({"label": {language: text}, "url": ...}): offered by
    # a closed campaign's page, and by a thank-you page whose campaign names none.
    next_action: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # Its own DKIM key (app.delivery.dkim), else the installation's signs its mail: the
    # signing domain (d=), the selector (s=) and the private key, sealed (app.sealing).
    dkim_domain: Mapped[str | None] = mapped_column(String(253))
    dkim_selector: Mapped[str | None] = mapped_column(String(63))
    dkim_private_key: Mapped[str | None] = mapped_column(Text)
    # Letters reach offices only in these hours, in each office's time zone
    # ({"days": ["mon", ...], "opens": "09:00", "closes": "17:00"}); None: at any hour.
    office_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    api_keys: Mapped[list["ApiKey"]] = relationship(back_populates="organisation")

    @hybrid_property
    def name_in_email(self) -> str:
        return self.email_name or self.name

    @name_in_email.inplace.expression
    @classmethod
    def _name_in_email_expression(cls) -> ColumnElement[str]:
        return func.coalesce(cls.email_name, cls.name)


class ApiKey(Base):
    """A key is shown once; only its SHA-256 digest is kept. Keys carry 256 bits of
    randomness, so a fast digest is as safe here as a slow password hash."""

    __tablename__ = "api_keys"
    # A key is told apart from the organisation's others by its name (revoked ones too:
    # the name stays in logs and in the console's history).
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("key"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    prefix: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    # How many actions may be submitted with it ("600/minute"); None: the settings'
    # rate_limit_actions_per_key. Only an actions:write key's actions count against it.
    action_limit: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="api_keys")
