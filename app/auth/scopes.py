from enum import StrEnum


class Scope(StrEnum):
    DIRECTORY_READ = "directory:read"
    DIRECTORY_WRITE = "directory:write"
    CAMPAIGNS_READ = "campaigns:read"
    CAMPAIGNS_WRITE = "campaigns:write"
    LETTERS_READ = "letters:read"
    LETTERS_WRITE = "letters:write"
    # Submitting actions from a server: counted per key, not per the server's address.
    ACTIONS_WRITE = "actions:write"
    CONSTITUENTS_READ = "constituents:read"
    CONSTITUENTS_WRITE = "constituents:write"
    WEBHOOKS_READ = "webhooks:read"
    WEBHOOKS_WRITE = "webhooks:write"
    ADMIN = "admin"


def grants(held: list[str], needed: Scope) -> bool:
    """admin grants everything; a write scope grants the read scope of the same area."""
    if Scope.ADMIN in held or needed in held:
        return True
    area, _, access = needed.value.partition(":")
    return access == "read" and f"{area}:write" in held
