import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Request
from pydantic import AfterValidator, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


def _time_zone(name: str) -> str:
    """`office`, or a time zone this system knows: a wrong name stops the service at
    start, not the worker's digests at their hour."""
    if name == "office":
        return name
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is no time zone this system knows") from None
    return name


class Settings(BaseSettings):
    """Every knob of the service; each default is safe on a developer's machine."""

    model_config = SettingsConfigDict(env_prefix="LETTERDESK_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{VAR_DIR}/letterdesk.db"
    demo_api_key: str | None = None
    demo_key_file: Path = VAR_DIR / "demo-api-key"

    host: str = "127.0.0.1"
    port: int = 8000
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # The organisation's own front-ends that may call the API from a browser, comma-separated
    # origins ("https://act.example.org,https://example.org"); none by default.
    cors_origins: str = ""
    # When set, GET /metrics wants `Authorization: Bearer <this>`.
    metrics_token: str | None = None
    # Proxies whose X-Forwarded-For is believed (comma-separated addresses, or "*").
    forwarded_allow_ips: str = "127.0.0.1"

    max_body_bytes: int = 1_000_000
    max_import_bytes: int = 20_000_000
    max_import_rows: int = 100_000
    # Directory syncs (README, "Keeping the directory current"). A sync that would retire
    # more than this share of a source's recipients stops until forced: a feed answering
    # empty or half is likelier than half a parliament resigning.
    sync_max_retire_share: float = 0.2
    # Represent sets to keep in step, e.g. "house-of-commons,ontario-legislature".
    sync_represent_sets: str = ""
    sync_represent_url: str = "https://represent.opennorth.ca"
    sync_house_of_commons: bool = False
    sync_house_of_commons_members_url: str = "https://www.ourcommons.ca/Members/en/search/XML"
    sync_house_of_commons_ministry_url_en: str = (
        "https://www.ourcommons.ca/Parliamentarians/en/ministries/Export?output=XML"
    )
    sync_house_of_commons_ministry_url_fr: str = (
        "https://www.ourcommons.ca/Parliamentarians/fr/ministries/Export?output=XML"
    )
    # The organisation the worker's scheduled sync keeps current (an id); unset: none.
    sync_organisation_id: str = ""
    sync_interval_hours: float = 24.0
    sync_timeout_seconds: float = 30.0
    sync_max_pages: int = 200

    lookup_provider: Literal["table", "represent"] = "table"
    represent_url: str = "https://represent.opennorth.ca"
    represent_elected_office: str = "MP"
    represent_timeout_seconds: float = 5.0
    represent_attempts: int = 3
    represent_cache_seconds: int = 86_400
    represent_cache_size: int = 10_000

    # Signs and hides what leaves us (Message-IDs, bounce addresses); made and kept in
    # var/secret-key on first use when not set.
    secret_key: str | None = None
    secret_key_file: Path = VAR_DIR / "secret-key"

    email_backend: Literal["file", "smtp"] = "file"
    outbox_dir: Path = VAR_DIR / "outbox"
    email_from_address: str = "letters@letterdesk.localhost"
    bounce_domain: str = "letterdesk.localhost"
    # Where replies come to, for campaigns with reply capture (replies+<token>@this);
    # the bounce domain when unset.
    reply_domain: str | None = None
    email_test_recipient: str | None = None
    # DKIM: every email is signed with this key, published in DNS as
    # <selector>._domainkey.<domain>; the domain is the From address's unless set.
    # Unset selector: mail goes unsigned (a developer's machine).
    dkim_selector: str | None = None
    dkim_private_key_file: Path | None = None
    dkim_domain: str | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_ca_file: str | None = None
    smtp_timeout_seconds: float = 20.0
    smtp_connections: int = 4

    # Where the service is reached from outside, for links in emails.
    public_url: str = "http://127.0.0.1:8000"
    confirmation_days: int = 7
    # The console: a sign-in link works once, for this long; a session ends after this
    # long unused, and after the longer one whatever happens.
    console_link_minutes: int = Field(15, ge=1, le=1440)
    console_session_idle_hours: int = Field(12, ge=1)
    console_session_max_days: int = Field(14, ge=1)
    # Someone acting again with an address that already acted is answered as a first
    # action; the address is told by email, at most once per mailbox in this many hours.
    repeat_notice_hours: int = Field(24, ge=1)
    # Who may show /embed/c/{slug} pages in a frame (CSP frame-ancestors): any site by
    # default, as partners paste the snippet into their own; list origins to narrow it.
    embed_frame_ancestors: str = "*"

    # Offices that take a daily digest get it once a day, from this hour (0-23) in the
    # office's time zone ("office": from its province; Ottawa's when unknown) or in the
    # zone named here ("UTC", "America/Toronto").
    digest_hour: int = Field(8, ge=0, le=23)
    digest_time_zone: Annotated[str, AfterValidator(_time_zone)] = "office"

    page_size: Literal["letter", "a4"] = "letter"
    print_dir: Path = VAR_DIR / "print"

    # Kept alive by a heartbeat (a third of it): short, so a dead worker's letters wait little.
    worker_lease_seconds: float = 30.0
    worker_batch_size: int = 32
    worker_poll_seconds: float = 1.0
    # The worker's /readyz and /livez (app.worker_health), when a port is set; 0 takes any.
    worker_health_host: str = "127.0.0.1"
    worker_health_port: int | None = Field(None, ge=0, le=65535)
    # A mail relay that cannot be reached pauses email this long, doubling to the max.
    relay_backoff_seconds: float = 5.0
    relay_backoff_max_seconds: float = 300.0
    delivery_max_attempts: int = 8
    delivery_backoff_seconds: float = 30.0
    delivery_backoff_max_seconds: float = 3600.0
    # Letters a minute to one destination domain (the part of the office's address after
    # the @), over every worker: a burst of letters to one government gateway must not
    # look like a flood. 0: unpaced. Per-domain overrides: "parl.gc.ca=60,ola.org=20".
    pace_per_minute: int = Field(60, ge=0)
    pace_per_domain: str = ""

    # A POST's answer is replayed to retries with its Idempotency-Key for this long.
    idempotency_hours: int = 24
    # A request that died holding its key lets it go after this long (a running one renews
    # its hold every third of it).
    idempotency_lock_seconds: float = 60.0

    # Public endpoints, as "<count>/<period>" (second, minute, hour, day; "20/10minutes").
    # Many supporters can share one address (a campus, an office), hence the wide first.
    rate_limits_enabled: bool = True
    rate_limit_actions_per_address: str = "60/hour"
    rate_limit_actions_per_email: str = "10/hour"
    # Past the per-address limit, actions are held for email confirmation; past this too
    # (counted from the first held one), refused.
    rate_limit_held_actions_per_address: str = "600/hour"
    # Actions submitted with an actions:write key, per key (a key may set its own).
    rate_limit_actions_per_key: str = "36000/hour"
    rate_limit_confirmations_per_address: str = "120/hour"
    rate_limit_page_calls_per_address: str = "600/hour"
    # Console sign-in links asked for, per address (each sends an email).
    rate_limit_sign_in_per_address: str = "10/hour"
    # Set to share rate limits between API processes and hosts ("redis://host:6379/0").
    redis_url: str | None = None
    redis_prefix: str = "letterdesk:"

    # Supporters' personal data in letters done this many days ago is scrubbed by the worker.
    retention_days: int = Field(90, ge=1)

    webhook_timeout_seconds: float = 10.0
    webhook_connections: int = 4
    webhook_rotation_hours: float = 24.0
    # Receivers on loopback, private or link-local addresses are refused unless allowed
    # (a partner's URL must not reach into our own network).
    webhook_allow_private_addresses: bool = False
    webhook_ca_file: str | None = None

    @field_validator("pace_per_domain")
    @classmethod
    def _paces_read(cls, text: str) -> str:
        parse_paces(text)  # its ValueError names the item that does not read
        return text


def parse_paces(text: str) -> dict[str, int]:
    """`parl.gc.ca=60,ola.org=20` → {domain: letters a minute}; 0 leaves a domain unpaced."""
    paces: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        domain, equals, count = (part.strip() for part in item.partition("="))
        if not equals or not re.fullmatch(r"[A-Za-z0-9.-]+", domain):
            raise ValueError(f"{item!r} is not domain=letters a minute, such as parl.gc.ca=60")
        if not count.isdigit():
            raise ValueError(f"{item!r}: letters a minute is a whole number, 0 or more")
        paces[domain.lower()] = int(count)
    return paces


def cors_origins(settings: Settings) -> list[str]:
    """The configured origins, each `scheme://host[:port]` as a browser sends it."""
    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    for origin in origins:
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
            raise ValueError(
                f"LETTERDESK_CORS_ORIGINS: {origin!r} is not an origin such as "
                "'https://act.example.org' (a scheme and a host, no path, no trailing slash)"
            )
    return origins


# An API key as app.auth makes them: "ld_" and 32 random bytes in URL-safe base64.
API_KEY_FORMAT = re.compile(r"ld_[A-Za-z0-9_-]{43}")


def demo_api_key(settings: Settings) -> str | None:
    """The demo key set, checked: a key of another shape (`notakey`) is a mistake, and a
    short one is guessable."""
    key = settings.demo_api_key
    if key is not None and not API_KEY_FORMAT.fullmatch(key):
        raise ValueError(
            "LETTERDESK_DEMO_API_KEY is not an API key as letterdesk makes them: 'ld_' and "
            "43 letters, digits, '-' or '_'. Make one with: python -c 'import secrets; "
            'print("ld_" + secrets.token_urlsafe(32))\', or leave it unset and one is made.'
        )
    return key


def require_shared_secret(settings: Settings) -> None:
    """On PostgreSQL, API hosts and workers may be many machines: they must share one
    secret (links signed by one are checked by another; a letter sent again by another
    worker must keep its Message-ID), so it must be set, not made by each."""
    if not settings.secret_key and not settings.database_url.startswith("sqlite"):
        raise RuntimeError(
            "Set LETTERDESK_SECRET_KEY (the same on every API host and worker) to run on "
            "PostgreSQL; for example: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )


def secret_key(settings: Settings) -> str:
    """The configured secret, else (on SQLite, one machine) the one kept in
    `secret_key_file`, made once."""
    if settings.secret_key:
        return settings.secret_key
    require_shared_secret(settings)
    path = settings.secret_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()


def settings_of(request: Request) -> Settings:
    """The app's settings (tests give each app its own), for routers."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(settings_of)]
