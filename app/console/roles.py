"""What each console role may do. Owners run the organisation (users, keys, settings),
editors run campaigns, viewers look and change nothing."""

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


def may_change_campaigns(role: str) -> bool:
    return role in (Role.OWNER, Role.EDITOR)


def may_run_organisation(role: str) -> bool:
    return role == Role.OWNER


def may_see_personal_data(role: str) -> bool:
    """Supporters' details, the opt-in export, a person's export and erasure."""
    return role in (Role.OWNER, Role.EDITOR)


def may_see_webhooks(role: str) -> bool:
    """The webhooks and their delivery log (whose bodies may hold supporters' details);
    only owners change them."""
    return role in (Role.OWNER, Role.EDITOR)
