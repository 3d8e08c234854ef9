"""`letterdesk ...`: run, migrate, and administer the service from a shell."""

import logging
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.auth import service as auth_service
from app.auth.models import Organisation
from app.auth.scopes import Scope
from app.console.roles import Role
from app.db import make_engine, make_sessionmaker
from app.directory import importer, postal_table
from app.errors import DomainError
from app.logs import configure_logging
from app.migrations import upgrade
from app.settings import demo_api_key, get_settings, require_shared_secret

cli = typer.Typer(
    help="letterdesk: write to the officials who represent you.", no_args_is_help=True
)
db_cli = typer.Typer(help="The database.", no_args_is_help=True)
org_cli = typer.Typer(help="Organisations and their API keys.", no_args_is_help=True)
directory_cli = typer.Typer(help="The directory of recipients.", no_args_is_help=True)
user_cli = typer.Typer(
    help="The console's users (people; API keys are for machines).", no_args_is_help=True
)
cli.add_typer(db_cli, name="db")
cli.add_typer(org_cli, name="org")
cli.add_typer(directory_cli, name="directory")
cli.add_typer(user_cli, name="user")
console = Console()

worker_log = logging.getLogger("letterdesk.worker")


def _sessionmaker() -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(get_settings().database_url))


def _fail(error: DomainError) -> typer.Exit:
    console.print(f"[red]{error.title}[/red]: {error.detail or ''}")
    for entry in error.errors or []:
        row = f"row {entry['row']}, " if "row" in entry else ""
        console.print(f"  {row}{entry.get('field', '')}: {entry.get('message', '')}")
    return typer.Exit(code=1)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "app.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        # app.asgi sets up logging, and the app logs each request with its id.
        log_config=None,
        access_log=False,
    )


@cli.command()
def worker(
    once: Annotated[bool, typer.Option(help="Deliver what is due now, then stop.")] = False,
    health_port: Annotated[
        int | None,
        typer.Option(
            help="Serve /readyz and /livez on this port of LETTERDESK_WORKER_HEALTH_HOST "
            "(127.0.0.1); default LETTERDESK_WORKER_HEALTH_PORT, else none."
        ),
    ] = None,
) -> None:
    """Deliver queued letters by email, build print batches, send webhooks (and keep doing
    so until SIGTERM or Ctrl-C, which let the sends in flight finish and give back what
    was not started)."""
    from app.delivery.email import email_backend
    from app.worker import Worker
    from app.worker_health import HealthServer

    settings = get_settings()
    require_shared_secret(settings)
    configure_logging(settings)
    runner = Worker(_sessionmaker(), email_backend(settings), settings)
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: runner.stop())
    # Logged, not printed: every line a worker writes is in the log's one format.
    worker_log.info(
        "worker started", extra={"worker": runner.name, "email_backend": settings.email_backend}
    )
    port = health_port if health_port is not None else settings.worker_health_port
    health = None if port is None else HealthServer(runner, settings.worker_health_host, port)
    if health is not None:
        health.start()
        worker_log.info(
            "worker health served",
            extra={"url": f"http://{settings.worker_health_host}:{health.port}/readyz"},
        )
    try:
        runner.run(until=(lambda: runner.idle) if once else (lambda: False))
    finally:
        if health is not None:
            health.close()
    worker_log.info("worker stopped", extra={"worker": runner.name, "sent": runner.sent})


@cli.command()
def inbound(
    recipient: Annotated[
        list[str] | None,
        typer.Option(
            help="The address the message was delivered to (Postfix: ${recipient}); "
            "else $ORIGINAL_RECIPIENT or $RECIPIENT, else Delivered-To or X-Original-To."
        ),
    ] = None,
) -> None:
    """Read one message (a bounce, an auto-reply, a reply) on standard input and record it
    against its letter: what an MTA's pipe transport or a .forward runs. Exits 75
    (EX_TEMPFAIL) when the database cannot be reached or a reply's forward cannot go yet,
    so the MTA keeps the message and tries again."""
    import os
    import sys

    from sqlalchemy.exc import SQLAlchemyError

    from app.delivery.email import TemporaryFailure, email_backend
    from app.inbound.service import receive

    settings = get_settings()
    configure_logging(settings)
    recipients = recipient or [
        os.environ[name] for name in ("ORIGINAL_RECIPIENT", "RECIPIENT") if os.environ.get(name)
    ]
    raw = sys.stdin.buffer.read()
    backend = email_backend(settings)  # forwards replies to supporters
    try:
        with _sessionmaker()() as session:
            outcome = receive(session, settings, raw, recipients, backend.send)
    except (SQLAlchemyError, TemporaryFailure) as error:
        print(f"letterdesk inbound: try again later: {error}", file=sys.stderr)
        raise typer.Exit(code=75) from None
    finally:
        backend.close()
    print(f"{outcome.kind} {outcome.letter_id or outcome.action_id or ''}".strip())


@cli.command("inbound-smtp")
def inbound_smtp(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 2525,
) -> None:
    """Listen for bounces and auto-replies by SMTP (until SIGTERM or Ctrl-C)."""
    import threading

    from app.inbound.listener import listener

    settings = get_settings()
    configure_logging(settings)
    server = listener(_sessionmaker(), settings, host, port)
    stopping = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stopping.set())
    server.start()
    console.print(f"Receiving mail for {settings.bounce_domain} on {host}:{port}.")
    stopping.wait()
    server.stop()
    server.handler.backend.close()


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the migrations up to `revision` (the newest by default)."""
    upgrade(get_settings().database_url, revision)
    console.print(f"Database at {revision}.")


@org_cli.command("create")
def org_create(
    name: str,
    scopes: Annotated[
        list[Scope] | None,
        typer.Option("--scope", help="Scopes of its first key; admin by default."),
    ] = None,
) -> None:
    """Create an organisation and print its first API key, once."""
    with _sessionmaker()() as session:
        try:
            organisation = auth_service.create_organisation(session, name)
        except DomainError as error:
            raise _fail(error) from None
        _, key = auth_service.issue_key(
            session, organisation.id, "first key", scopes or [Scope.ADMIN]
        )
        session.commit()
    console.print(f"Organisation {organisation.id} ({name}) created.")
    console.print("Its API key, shown this once; keep it somewhere safe:")
    print(key)


def _organisation_for(session: Session, name_or_id: str | None) -> Organisation:
    if name_or_id:
        return auth_service.find_organisation(session, name_or_id)
    organisations = list(session.scalars(select(Organisation).limit(2)))
    if len(organisations) != 1:
        raise typer.BadParameter("say which organisation with --org NAME_OR_ID")
    return organisations[0]


@user_cli.command("add")
def user_add(
    email: str,
    org: Annotated[str, typer.Option(help="Organisation name or id.")],
    role: Annotated[Role, typer.Option(help="owner, editor, viewer or advocate.")] = Role.VIEWER,
    name: Annotated[str, typer.Option(help="How the console greets them.")] = "",
    language: Annotated[
        str, typer.Option(help="en or fr: the console's and emails' language.")
    ] = "en",
) -> None:
    """Add a console user to an organisation. They sign in at /console with a link
    emailed to EMAIL."""
    import app.models  # noqa: F401  (every table's mapper, for the relationships)
    from app.console import service as console_service

    settings = get_settings()
    with _sessionmaker()() as session:
        try:
            organisation = auth_service.find_organisation(session, org)
            user = console_service.add_user(
                session, organisation.id, email, role.value, name, language
            )
        except DomainError as error:
            raise _fail(error) from None
        session.commit()
        console.print(f"User {user.id} ({user.email}, {user.role}) added to {organisation.name}.")
    console.print(f"They sign in at {settings.public_url.rstrip('/')}/console/sign-in.")


@cli.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    org: Annotated[str | None, typer.Option(help="Organisation name or id.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Say what would change; change nothing.")] = False,
    complete: Annotated[
        bool, typer.Option(help="The file is the whole set: retire recipients absent from it.")
    ] = False,
    postal_codes: Annotated[
        bool, typer.Option(help="The file is a postal-code table, not recipients.")
    ] = False,
) -> None:
    """Import recipients (CSV, JSON, or Represent JSON) or a postal-code table."""
    content_type = "text/csv" if file.suffix.lower() == ".csv" else "application/json"
    settings = get_settings()
    if postal_codes and (dry_run or complete):
        raise typer.BadParameter(
            "a postal-code import replaces the table: no --dry-run, --complete"
        )
    with _sessionmaker()() as session:
        try:
            organisation = _organisation_for(session, org)
            if postal_codes:
                table = postal_table.import_table(
                    session,
                    organisation.id,
                    file.read_bytes(),
                    content_type,
                    settings.max_import_rows,
                )
                console.print(
                    f"Postal-code table: {table.rows} entries (replacing {table.replaced})."
                )
                return
            records = importer.recipient_records(
                file.read_bytes(), content_type, settings.max_import_rows
            )
            recipients = importer.validate_records(records)
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("Importing", total=None)
                result = importer.import_recipients(
                    session,
                    organisation.id,
                    recipients,
                    dry_run=dry_run,
                    complete=complete,
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )
        except DomainError as error:
            raise _fail(error) from None
    counts = result.counts
    verb = "Would change" if dry_run else "Imported"
    console.print(
        f"{verb} {result.rows} rows for {organisation.name}: {counts.created} created, "
        f"{counts.updated} updated, {counts.unchanged} unchanged, {counts.retired} retired."
    )


@directory_cli.command("sync")
def directory_sync(
    source: Annotated[
        str,
        typer.Argument(help="house-of-commons, or represent:<set> (represent:ontario-legislature)"),
    ],
    org: Annotated[str | None, typer.Option(help="Organisation name or id.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Say what would change; change nothing.")] = False,
    force: Annotated[
        bool, typer.Option(help="Apply even a sync that retires more than the allowed share.")
    ] = False,
) -> None:
    """Bring the directory in step with a public source (its URL is a setting)."""
    from app.directory import sync

    settings = get_settings()
    with _sessionmaker()() as session:
        try:
            organisation = _organisation_for(session, org)
            report = sync.sync_from_source(
                session,
                settings,
                organisation.id,
                source,
                requested_by="letterdesk directory sync",
                dry_run=dry_run,
                force=force,
            )
        except DomainError as error:
            raise _fail(error) from None
    console.print(sync.report_summary(report))
    for problem in report.problems:
        console.print(f"[yellow]Data problem[/yellow]: {problem.detail}")
    if report.stopped:
        console.print(f"[red]Stopped[/red]: {report.stopped}")
        raise typer.Exit(code=1)


@cli.command()
def demo() -> None:
    """Load the demo organisation: real MPs, cabinet roles and a postal-code table.
    Loading twice changes nothing."""
    from app.demo.service import load_demo

    settings = get_settings()
    try:
        demo_api_key(settings)
    except ValueError as error:
        console.print(f"[red]Not loaded[/red]: {error}")
        raise typer.Exit(code=1) from None
    with _sessionmaker()() as session:
        report = load_demo(session, settings)
    console.print(report.summary())
    if report.key_source == "set":
        console.print("Demo API key: the value of LETTERDESK_DEMO_API_KEY.")
    else:
        console.print(f"Demo API key (kept in {settings.demo_key_file}):")
        print(report.key)
    console.print(
        f"Console: open {settings.public_url.rstrip('/')}/console/sign-in and give "
        f"{report.owner_email}; the worker emails the sign-in link"
        + (
            f" into {settings.outbox_dir} (a .eml file)."
            if settings.email_backend == "file"
            else "."
        )
    )


def main() -> None:
    cli()
