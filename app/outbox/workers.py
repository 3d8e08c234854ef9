"""The workers table: each worker says it is alive at every poll (and whether it
reaches the mail relay); one whose heartbeat is older than a lease is dead."""

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.outbox.models import WorkerRow


def heartbeat(
    session: Session, name: str, relay_down_since: datetime | None, relay_error: str | None
) -> None:
    values = {
        "heartbeat_at": utcnow(),
        "relay_down_since": relay_down_since,
        "relay_error": relay_error,
    }
    if not session.execute(
        update(WorkerRow).where(WorkerRow.name == name).values(**values)
    ).rowcount:  # type: ignore[attr-defined]
        session.add(WorkerRow(name=name, started_at=utcnow(), **values))
    session.commit()


def unregister(session: Session, name: str) -> None:
    session.execute(delete(WorkerRow).where(WorkerRow.name == name))
    session.commit()


def name_for_this_process() -> str:
    """host:pid:random, unique among workers (in containers the host name and pid may
    repeat); the host and pid let a worker on the same host tell one that died."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _gone_from_this_host(name: str, me: str) -> bool:
    """A worker of this host whose process is gone (or whose pid is now ours: a
    restarted container): it holds nothing any more, whatever its heartbeat says."""
    host, _, rest = name.partition(":")
    pid_text = rest.partition(":")[0]
    if name == me or host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False


def dead(session: Session, me: str, lease_seconds: float) -> list[str]:
    """Workers whose heartbeat is older than a lease, or whose process on this host is
    gone: their leases can be freed at once."""
    cutoff = utcnow() - timedelta(seconds=lease_seconds)
    rows = session.execute(select(WorkerRow.name, WorkerRow.heartbeat_at))
    return [
        name
        for name, heartbeat_at in rows
        if name != me and (heartbeat_at < cutoff or _gone_from_this_host(name, me))
    ]


def forget(session: Session, names: list[str]) -> None:
    session.execute(delete(WorkerRow).where(WorkerRow.name.in_(names)))


def live_by_state(session: Session, lease_seconds: float) -> dict[str, int]:
    """Live workers by state: `running`, or `relay_unreachable`."""
    cutoff = utcnow() - timedelta(seconds=lease_seconds)
    down = WorkerRow.relay_down_since.is_not(None)
    rows = session.execute(
        select(down, func.count()).where(WorkerRow.heartbeat_at >= cutoff).group_by(down)
    )
    return {("relay_unreachable" if is_down else "running"): count for is_down, count in rows}
