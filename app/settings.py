from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class Settings(BaseSettings):
    """Every knob of the service; each default is safe on a developer's machine."""

    model_config = SettingsConfigDict(env_prefix="LETTERDESK_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{VAR_DIR}/letterdesk.db"
    demo_api_key: str | None = None
    demo_key_file: Path = VAR_DIR / "demo-api-key"

    host: str = "127.0.0.1"
    port: int = 8000

    max_body_bytes: int = 1_000_000
    max_import_bytes: int = 20_000_000
    max_import_rows: int = 100_000

    lookup_provider: Literal["table", "represent"] = "table"
    represent_url: str = "https://represent.opennorth.ca"
    represent_elected_office: str = "MP"
    represent_timeout_seconds: float = 5.0
    represent_attempts: int = 3
    represent_cache_seconds: int = 86_400
    represent_cache_size: int = 10_000


@lru_cache
def get_settings() -> Settings:
    return Settings()
