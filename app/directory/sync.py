"""Keeping the directory in step with a source: plan the diff, then apply it as one
transaction with its record and its webhook event.

A sync is an import scoped to one source (`house-of-commons`, `represent:<set>`, `demo`):
its rows are marked as that source's, only that source's recipients are retired, and
fields the organisation edited by hand (a recipient's `locked_fields`) are left alone. A
sync that would retire more than `sync_max_retire_share` of the source's recipients stops
and says so until forced: a feed that answers empty or half is likelier than half a
parliament resigning."""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.service import lock_organisation
from app.db import utcnow
from app.directory import importer
from app.directory.importer import ImportPlan
from app.directory.models import DirectorySync, Recipient
from app.directory.portfolios import portfolio_of
from app.directory.schemas import (
    DataProblem,
    DirectoryStatus,
    ImportCounts,
    ImportResult,
    RecipientChange,
    RecipientFields,
    RoleChange,
    SourceStatus,
    SyncCounts,
    SyncDiff,
    SyncReport,
    name_of,
)
from app.directory.sources import house_of_commons, represent
from app.directory.sources.fetching import feed_client
from app.errors import UpstreamUnavailable, invalid_field
from app.fields import fold
from app.ids import new_id
from app.settings import Settings
from app.webhooks.service import record_event

DIFF_SAMPLE = 500
RoleKey = tuple[str, date | None]


def _name(row: dict[str, Any]) -> str:
    return row.get("display_name") or name_of(row.get("first_name"), row.get("last_name"))


def _held_roles(
    roles: Iterable[tuple[str, str | None, date | None, date | None]],
) -> dict[RoleKey, tuple[str, str | None, date | None, date | None]]:
    return {(fold(role[0]), role[2]): role for role in roles}


def _role_changes(
    external_id: str, name: str, old: list[Any], new: list[Any]
) -> tuple[list[RoleChange], list[RoleChange]]:
    """Roles started (in the source now, not before) and ended (given an end date now, or
    no longer in the source while they were held)."""
    before, after = _held_roles(old), _held_roles(new)
    started = [
        _role_change(external_id, name, role) for key, role in after.items() if key not in before
    ]
    ended = []
    for key, role in before.items():
        if role[3] is not None:
            continue
        now = after.get(key)
        if now is None or now[3] is not None:
            ended.append(_role_change(external_id, name, now or role))
    return started, ended


def _role_change(external_id: str, name: str, role: Any) -> RoleChange:
    title_en, title_fr, start, end = role
    return RoleChange(
        external_id=external_id,
        name=name,
        title_en=title_en,
        title_fr=title_fr,
        start_date=start,
        end_date=end,
    )


def _role_tuples(recipient: RecipientFields) -> list[Any]:
    return [(r.title_en, r.title_fr, r.start_date, r.end_date) for r in recipient.roles or []]


def _diff(plan: ImportPlan, recipients: list[RecipientFields]) -> SyncDiff:
    diff = SyncDiff()
    by_external_id = {recipient.external_id or "": recipient for recipient in recipients}
    changed_roles = {row["external_id"] for row in plan.inserts if row["id"] in plan.roles}
    changed_roles |= {
        external_id for external_id, row in plan.before.items() if row["id"] in plan.roles
    }
    updates = {row["id"]: row for row in plan.updates}
    for external_id in plan.created:
        fields = by_external_id[external_id]
        name = fields.display_name or name_of(fields.first_name, fields.last_name)
        diff.created.append(RecipientChange(external_id=external_id, name=name))
    retired = {external_id for _, external_id in plan.retired}
    for external_id, row in plan.before.items():
        name = _name(row)
        if external_id in retired:
            diff.retired.append(RecipientChange(external_id=external_id, name=name))
            continue
        changed = sorted(set(updates[row["id"]]) - {"id", "updated_at", "retired_at"})
        if external_id in changed_roles:
            changed.append("roles")
        diff.updated.append(RecipientChange(external_id=external_id, name=name, fields=changed))
    for external_id in sorted(changed_roles):
        old = plan.before.get(external_id, {}).get("roles", [])
        new = _role_tuples(by_external_id[external_id])
        name = next(
            (c.name for c in diff.created + diff.updated if c.external_id == external_id), ""
        )
        started, ended = _role_changes(external_id, name, old, new)
        diff.roles_started += started
        diff.roles_ended += ended
    return diff


def role_problems(recipients: list[RecipientFields], on: date) -> list[DataProblem]:
    """A portfolio the source says two people hold on the same day (under one title or
    across a retitling): which of them a letter should go to is not ours to guess, so it
    is reported. One person listed under two of its titles is no problem."""
    holders: dict[str, tuple[str, set[str]]] = {}
    for recipient in recipients:
        for role in recipient.roles or []:
            if (role.start_date is None or role.start_date <= on) and (
                role.end_date is None or role.end_date > on
            ):
                portfolio = portfolio_of(role.title_en)
                held_by = holders.setdefault(portfolio, (role.title_en, set()))[1]
                held_by.add(recipient.external_id or "")
    return [
        DataProblem(
            kind="role_held_twice",
            title_en=title,
            holders=sorted(held_by),
            detail=f"The source says {len(held_by)} people hold the portfolio of “{title}” "
            f"on {on.isoformat()}.",
        )
        for title, held_by in holders.values()
        if len(held_by) > 1
    ]


def _counts(plan: ImportPlan, diff: SyncDiff) -> SyncCounts:
    return SyncCounts(
        created=len(plan.created),
        updated=len(plan.updated),
        unchanged=plan.unchanged,
        retired=len(plan.retired),
        roles_started=len(diff.roles_started),
        roles_ended=len(diff.roles_ended),
    )


def _sampled(diff: SyncDiff) -> SyncDiff:
    return SyncDiff(**{name: getattr(diff, name)[:DIFF_SAMPLE] for name in SyncDiff.model_fields})


def _recipients_in_source(session: Session, organisation_id: str, source: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Recipient)
            .where(
                Recipient.organisation_id == organisation_id,
                Recipient.source == source,
                Recipient.retired_at.is_(None),
            )
        )
        or 0
    )


def _stop_reason(retiring: int, held: int, max_share: float) -> str | None:
    if held == 0 or retiring / held <= max_share:
        return None
    return (
        f"This sync would retire {retiring} of the source's {held} recipients "
        f"({retiring / held:.0%}), more than the {max_share:.0%} allowed "
        "(LETTERDESK_SYNC_MAX_RETIRE_SHARE): the feed may be empty or cut short. Nothing was "
        "changed. Check the source, then sync again with force to apply it."
    )


def sync_recipients(
    session: Session,
    organisation_id: str,
    recipients: list[RecipientFields],
    *,
    source: str,
    url: str | None,
    requested_by: str,
    newest: date | None,
    dry_run: bool,
    force: bool,
    max_retire_share: float,
) -> SyncReport:
    """Plan the source's diff and, unless a dry run or stopped by the guard, apply it with
    its record and a `directory.synced` event (when anything changed) in one transaction.
    Syncs of one organisation run one at a time (the organisation's lock)."""
    if not dry_run:
        lock_organisation(session, organisation_id)
    plan = importer.plan_import(session, organisation_id, recipients, complete=True, source=source)
    diff = _diff(plan, recipients)
    held = _recipients_in_source(session, organisation_id, source)
    stopped = None if force else _stop_reason(len(plan.retired), held, max_retire_share)
    report = SyncReport(
        id=None,
        source=source,
        url=url,
        dry_run=dry_run,
        applied=False,
        forced=force,
        stopped=stopped,
        rows=len(recipients),
        counts=_counts(plan, diff),
        diff=_sampled(diff),
        problems=role_problems(recipients, date.today()),
        newest_fact=newest,
    )
    if dry_run or stopped:
        session.rollback()
        return report
    report.id, report.applied = new_id("syn"), True

    def record() -> None:
        _record_sync(session, organisation_id, report, requested_by)
        if plan.created or plan.updated or plan.retired:
            record_event(session, organisation_id, "directory.synced", report)

    importer.apply_plan(session, organisation_id, plan, before_commit=record)
    return report


def _record_sync(
    session: Session, organisation_id: str, report: SyncReport, requested_by: str
) -> None:
    session.add(
        DirectorySync(
            id=report.id,
            organisation_id=organisation_id,
            source=report.source,
            url=report.url,
            requested_by=requested_by[:200],
            forced=report.forced,
            counts=report.counts.model_dump(),
            diff=report.diff.model_dump(mode="json"),
            problems=[problem.model_dump() for problem in report.problems],
            newest_fact=report.newest_fact,
            synced_at=utcnow(),
        )
    )
    session.flush()


def import_from_file(
    session: Session,
    organisation_id: str,
    recipients: list[RecipientFields],
    *,
    source: str,
    url: str,
    requested_by: str,
    newest: date,
) -> ImportResult:
    """A shipped file loaded as a sync of its own source (the demo): recorded, so the
    directory's status says the date of its data."""
    report = sync_recipients(
        session,
        organisation_id,
        recipients,
        source=source,
        url=url,
        requested_by=requested_by,
        newest=newest,
        dry_run=False,
        force=True,
        max_retire_share=1.0,
    )
    counts = report.counts
    return ImportResult(
        dry_run=False,
        complete=True,
        rows=report.rows,
        counts=ImportCounts(
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            retired=counts.retired,
        ),
        created=[c.external_id for c in report.diff.created[: importer.SAMPLE_SIZE]],
        updated=[c.external_id for c in report.diff.updated[: importer.SAMPLE_SIZE]],
        retired=[c.external_id for c in report.diff.retired[: importer.SAMPLE_SIZE]],
    )


def directory_status(session: Session, organisation_id: str, today: date) -> DirectoryStatus:
    """Per source: its last sync, how many recipients it holds, how old its newest fact is."""
    latest = (
        select(DirectorySync.source, func.max(DirectorySync.synced_at).label("synced_at"))
        .where(DirectorySync.organisation_id == organisation_id)
        .group_by(DirectorySync.source)
        .subquery()
    )
    syncs = session.scalars(
        select(DirectorySync)
        .join(
            latest,
            (DirectorySync.source == latest.c.source)
            & (DirectorySync.synced_at == latest.c.synced_at),
        )
        .where(DirectorySync.organisation_id == organisation_id)
        .order_by(DirectorySync.source)
    ).all()
    counts = dict(
        session.execute(
            select(Recipient.source, func.count())
            .where(Recipient.organisation_id == organisation_id, Recipient.retired_at.is_(None))
            .group_by(Recipient.source)
        ).all()
    )
    sources = [
        SourceStatus(
            source=sync.source,
            url=sync.url,
            last_synced_at=sync.synced_at,
            requested_by=sync.requested_by,
            recipients=counts.get(sync.source, 0),
            newest_fact=sync.newest_fact,
            newest_fact_age_days=(today - sync.newest_fact).days if sync.newest_fact else None,
            problems=[DataProblem.model_validate(problem) for problem in sync.problems],
        )
        for sync in syncs
    ]
    return DirectoryStatus(sources=sources, recipients_without_source=counts.get(None, 0))


def fetch_source(settings: Settings, source: str) -> tuple[list[dict[str, Any]], str, date | None]:
    """A source's records as its feed answers them now, the address read, and the newest
    date the feed states. Sources are `house-of-commons` and `represent:<set>`."""
    with feed_client(settings) as client:
        if source == house_of_commons.SOURCE:
            url = settings.sync_house_of_commons_members_url
            records, newest = house_of_commons.fetch_house(
                client,
                url,
                settings.sync_house_of_commons_ministry_url_en,
                settings.sync_house_of_commons_ministry_url_fr,
            )
            return records, url, newest
        set_slug = represent_set_of(source)
        url = represent.set_url(settings.sync_represent_url, set_slug)
        return represent.fetch_set(client, url, set_slug, settings.sync_max_pages), url, None


REPRESENT_SET = re.compile(r"^represent:([a-z0-9][a-z0-9-]{0,99})$")


def is_feed(source: str) -> bool:
    """Whether `source` names a feed a sync reads (not a file, such as the demo's)."""
    return source == house_of_commons.SOURCE or REPRESENT_SET.match(source) is not None


def represent_set_of(source: str) -> str:
    match = REPRESENT_SET.match(source)
    if match is None:
        raise invalid_field(
            "source",
            "must be house-of-commons or represent:<set> (a Represent set's slug, such as "
            "represent:ontario-legislature)",
        )
    return match.group(1)


def sync_from_source(
    session: Session,
    settings: Settings,
    organisation_id: str,
    source: str,
    *,
    requested_by: str,
    dry_run: bool = False,
    force: bool = False,
) -> SyncReport:
    """Read the source's feed whole, then plan and (unless a dry run) apply its diff."""
    if source != house_of_commons.SOURCE:
        represent_set_of(source)
    records, url, newest = fetch_source(settings, source)
    if not records:
        raise UpstreamUnavailable(f"{url} answered no one; nothing was synced.")
    return sync_recipients(
        session,
        organisation_id,
        importer.validate_records(records),
        source=source,
        url=url,
        requested_by=requested_by,
        newest=newest,
        dry_run=dry_run,
        force=force,
        max_retire_share=settings.sync_max_retire_share,
    )


def configured_sources(settings: Settings) -> list[str]:
    """The sources the settings ask the scheduled sync to keep current."""
    sources = [house_of_commons.SOURCE] if settings.sync_house_of_commons else []
    sets = (name.strip() for name in settings.sync_represent_sets.split(","))
    return sources + [represent.source_name(name) for name in sets if name]


def report_summary(report: SyncReport) -> str:
    counts = report.counts
    verb = "Would change" if report.dry_run or not report.applied else "Synced"
    return (
        f"{verb} {report.source} ({report.rows} rows from {report.url}): {counts.created} "
        f"created, {counts.updated} updated, {counts.unchanged} unchanged, {counts.retired} "
        f"retired; roles: {counts.roles_started} started, {counts.roles_ended} ended."
    )
