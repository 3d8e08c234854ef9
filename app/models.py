"""Every feature's tables, imported in one place for Alembic and for tests."""

from app.auth.models import ApiKey, Organisation
from app.directory.models import PostalCodeDistrict, Recipient, RecipientRole

__all__ = ["ApiKey", "Organisation", "PostalCodeDistrict", "Recipient", "RecipientRole"]
