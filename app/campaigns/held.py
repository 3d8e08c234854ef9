"""The campaigns supporters write to, held in each API process's memory: an action reads
one row (the campaign's updated_at, and its organisation's directory version) instead of
the whole campaign, and the directory's lookups that follow (`app.directory.held`) are
answered from memory while that version stands.

A campaign's row changes only when the campaign does (its counters are a row of their
own), and every change moves its updated_at (the column's onupdate, ORM or Core alike):
a held campaign whose updated_at is the row's is the campaign as stored. Held campaigns
are detached from any session, all their columns loaded, and never changed."""

import threading
from collections import OrderedDict
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.campaigns.service import campaign_named, check_live, check_published
from app.directory import held as directory
from app.directory.models import DirectoryVersion

HELD = 256  # campaigns per process, the most recently written to kept

_lock = threading.Lock()
_held: OrderedDict[str, tuple[datetime, Campaign]] = OrderedDict()


@lru_cache(maxsize=HELD)
def _current_row(name: str) -> Select[str, str, datetime, int] | None:
    """The statement that reads the row telling whether the campaign `name` names is
    current (None: the name names nothing), kept for the names written to most recently:
    every action reads it, and building it again each time cost as much CPU as its run."""
    named = campaign_named(name)
    if named is None:
        return None
    return (
        select(Campaign.id, Campaign.organisation_id, Campaign.updated_at, DirectoryVersion.version)
        .outerjoin(DirectoryVersion, DirectoryVersion.organisation_id == Campaign.organisation_id)
        .where(named)
    )


def live_campaign(session: Session, name: str) -> Campaign:
    """As `app.campaigns.service.live_campaign`, the campaign from memory when current.
    Leaves the organisation's directory version in the session for the lookups."""
    statement = _current_row(name)
    row = None if statement is None else session.execute(statement).one_or_none()
    if row is None:
        return check_live(check_published(None, name))
    campaign_id, organisation_id, updated_at, version = row
    directory.remember_version(session, organisation_id, version or 0)
    with _lock:
        entry = _held.get(campaign_id)
        if entry is not None:
            _held.move_to_end(campaign_id)
    if entry is not None and entry[0] == updated_at:
        campaign = entry[1]
    else:
        loaded = session.get(Campaign, campaign_id)
        if loaded is None:  # deleted since the row above was read
            return check_live(check_published(None, name))
        session.expunge(loaded)
        campaign = loaded
        with _lock:
            _held[campaign_id] = (campaign.updated_at, campaign)
            _held.move_to_end(campaign_id)
            while len(_held) > HELD:
                _held.popitem(last=False)
    return check_live(check_published(campaign, name))
