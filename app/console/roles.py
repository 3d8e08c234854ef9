"""What each console role may do. Owners run the organisation (users, keys, settings),
editors run campaigns, viewers look and change nothing, advocates run letter-writing
events (app.events) on the organisation's published campaigns and see nothing else of
anyone's data: not the supporters' pages, not the settings."""

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"
    ADVOCATE = "advocate"


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


def may_run_events(role: str) -> bool:
    """Make events, enter attendees' actions, print kits, record what was mailed."""
    return role in (Role.OWNER, Role.EDITOR, Role.ADVOCATE)


def may_see_settings(role: str) -> bool:
    """The settings pages (identity, users): advocates run events and see nothing of the
    organisation's staff or set-up."""
    return role != Role.ADVOCATE
