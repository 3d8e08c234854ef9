"""The worker's webhook channel: due deliveries are claimed with a lease (on PostgreSQL
with FOR UPDATE SKIP LOCKED), as letters are, and POSTed by a pool of their own, so a
slow receiver holds up no letter. Every attempt is recorded; a 2xx answer delivers, any
other answer (or none) is retried with backoff until the last attempt fails it.
Delivery is at least once: the event id in `Letterdesk-Event-Id` lets a receiver drop
the rare duplicate."""

import logging
import ssl
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import utcnow
from app.ids import new_id
from app.outbox.queue import Queue
from app.outbox.retry import RetryPolicy
from app.settings import Settings
from app.webhooks import addresses
from app.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent
from app.webhooks.sealing import SecretUnreadable, unseal
from app.webhooks.signing import SIGNATURE_HEADER, signature_header

log = logging.getLogger("letterdesk.webhooks")

RESPONSE_BYTES_KEPT = 1024
USER_AGENT = "letterdesk-webhooks/1"


WEBHOOK_DELIVERIES = Queue(WebhookDelivery)


def claim_due_webhook_deliveries(
    session: Session, worker: str, limit: int, lease_seconds: float
) -> list[str]:
    """Lease up to `limit` due deliveries of live (not deleted, not paused) webhooks to
    `worker`."""
    now = utcnow()
    claimed = [
        row.id
        for row in WEBHOOK_DELIVERIES.pick(
            session,
            select(WebhookDelivery.id)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(Webhook.deleted_at.is_(None), Webhook.active),
            limit,
            now,
        )
    ]
    WEBHOOK_DELIVERIES.lease(session, claimed, worker, lease_seconds, now)
    session.commit()
    return claimed


@dataclass
class Request:
    url: str
    event_id: str
    event_type: str
    body: bytes
    secrets: list[str]


def renew_lease_and_read_request(
    session: Session, delivery_id: str, worker: str, settings: Settings
) -> Request | None:
    """Renew `worker`'s lease just before sending, and read what to send; None when the
    lease was lost or the webhook deleted or paused meanwhile."""
    now = utcnow()
    renewed = WEBHOOK_DELIVERIES.heartbeat(
        session,
        [delivery_id],
        worker,
        settings.worker_lease_seconds,
        WebhookDelivery.status == "pending",
    )
    row = (
        session.execute(
            select(Webhook, WebhookEvent.id, WebhookEvent.type, WebhookEvent.body)
            .join(WebhookDelivery, WebhookDelivery.webhook_id == Webhook.id)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.id == delivery_id, Webhook.deleted_at.is_(None), Webhook.active)
        ).one_or_none()
        if renewed
        else None
    )
    session.commit()
    if row is None:
        return None
    webhook, event_id, event_type, body = row
    secrets = [unseal(settings, webhook.secret)]
    expires = webhook.previous_secret_expires_at
    if webhook.previous_secret and expires and expires > now:
        secrets.append(unseal(settings, webhook.previous_secret))
    return Request(webhook.url, event_id, event_type, body.encode(), secrets)


@dataclass
class Attempt:
    outcome: str  # delivered | retry | failed
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    response_body: str | None = None
    request_headers: dict[str, str] | None = None


def headers_kept(headers: dict[str, str]) -> dict[str, str]:
    """The headers as the delivery log shows them: the signature's time, not its digests
    (a receiver's log should not hold what would pass its check)."""
    signature = headers[SIGNATURE_HEADER].split(",")[0] + ",v1=(not kept)"
    return headers | {SIGNATURE_HEADER: signature}


def post(client: httpx.Client, request: Request, settings: Settings) -> Attempt:
    """POST the event to an address its host resolves to now, once checked (so the name
    cannot be pointed elsewhere between the check and the connection), keeping the host
    name for the Host header and for TLS (SNI and the certificate's name). Redirects are
    not followed; at most RESPONSE_BYTES_KEPT bytes of the answer are read."""
    started = time.monotonic()

    def attempt(outcome: str, **fields: object) -> Attempt:
        elapsed = round((time.monotonic() - started) * 1000)
        return Attempt(outcome, elapsed, **fields)  # type: ignore[arg-type]

    try:
        url = addresses.parse(request.url)
        checked = addresses.allowed_addresses(url, settings.webhook_allow_private_addresses)
    except addresses.Unreachable as error:
        return attempt("retry", error=f"not sent: the URL {error}")
    timestamp = int(time.time())
    headers = {
        "Host": url.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "identity",
        "Letterdesk-Event-Id": request.event_id,
        "Letterdesk-Event-Type": request.event_type,
        SIGNATURE_HEADER: signature_header(request.secrets, timestamp, request.body),
    }
    sent = headers_kept(headers)
    refused: httpx.HTTPError | None = None
    for address in checked:
        try:
            with client.stream(
                "POST",
                url.copy_with(host=address),
                content=request.body,
                headers=headers,
                extensions={"sni_hostname": url.raw_host.decode("ascii")},
            ) as response:
                kept = _bounded(response, started + settings.webhook_timeout_seconds)
        except httpx.ConnectError as error:
            refused = error
            continue  # the name's next address, if it has several
        except httpx.HTTPError as error:
            return attempt("retry", error=_described(error), request_headers=sent)
        status = response.status_code
        answered = {
            "status_code": status,
            "response_body": kept.decode("utf-8", "replace") or None,
            "request_headers": sent,
        }
        if 200 <= status < 300:
            return attempt("delivered", **answered)
        return attempt("retry", error=f"HTTP {status}", **answered)
    return attempt("retry", error=_described(refused), request_headers=sent)


def _described(error: Exception | None) -> str:
    return f"{type(error).__name__}: {error}".removesuffix(": ")


def _bounded(response: httpx.Response, deadline: float) -> bytes:
    """The start of the answer: a receiver cannot make us read much, nor for long."""
    kept = b""
    for chunk in response.iter_raw():
        kept += chunk
        if len(kept) >= RESPONSE_BYTES_KEPT or time.monotonic() > deadline:
            break
    return kept[:RESPONSE_BYTES_KEPT]


def record_attempt(
    session: Session,
    delivery_id: str,
    worker: str,
    started_at: datetime,
    attempt: Attempt,
    policy: RetryPolicy,
) -> bool:
    """Write the attempt and its effect on the delivery, if `worker` still holds the
    lease; the check and the release are one statement, as for letters."""
    now = utcnow()
    held = WEBHOOK_DELIVERIES.settle(
        session, delivery_id, worker, WebhookDelivery.status == "pending"
    )
    if held is None:
        session.rollback()
        return False
    attempts = held[0]
    outcome = attempt.outcome
    if outcome == "retry" and policy.gives_up(attempts):
        outcome = "failed"
    effects: dict[str, dict[str, object]] = {
        "delivered": {"status": "delivered", "delivered_at": now},
        "retry": {"due_at": now + policy.delay(attempts)},
        "failed": {"status": "failed"},
    }
    session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(**effects[outcome])
    )
    session.execute(
        insert(WebhookAttempt).values(
            id=new_id("wat"),
            delivery_id=delivery_id,
            worker=worker,
            started_at=started_at,
            duration_ms=attempt.duration_ms,
            status_code=attempt.status_code,
            outcome=outcome,
            error=attempt.error,
            response_body=attempt.response_body,
            request_headers=attempt.request_headers,
        )
    )
    session.commit()
    return True


def release(session: Session, delivery_id: str, worker: str) -> None:
    """Give back a lease not used (a stopping worker): due again at once, untried."""
    WEBHOOK_DELIVERIES.release(session, [delivery_id], worker)
    session.commit()


class WebhookSender:
    """The worker's webhook pool. `dispatch()` claims as many due deliveries as it has
    free senders and starts them without waiting for them; `close()` lets the POSTs in
    flight finish and be recorded, and gives back what was claimed but not started."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        worker: str,
        stopping: threading.Event,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.worker = worker
        self.stopping = stopping
        self.policy = RetryPolicy.of(settings)
        self.size = max(1, settings.webhook_connections)
        self.in_flight: set[Future[None]] = set()
        self.holding: set[str] = set()  # leased to this worker, not yet recorded
        self.lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._client: httpx.Client | None = None

    @property
    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:  # made at the first send, after a close() too
            self._pool = ThreadPoolExecutor(self.size, thread_name_prefix="webhook")
        return self._pool

    @property
    def client(self) -> httpx.Client:
        with self.lock:  # the sending threads share one
            if self._client is None:
                # No keep-alive: a connection is made to one checked address for one
                # host name, and must not carry another host's request.
                ca_file = self.settings.webhook_ca_file
                self._client = httpx.Client(
                    verify=ssl.create_default_context(cafile=ca_file) if ca_file else True,
                    timeout=self.settings.webhook_timeout_seconds,
                    follow_redirects=False,
                    trust_env=False,
                    limits=httpx.Limits(max_keepalive_connections=0),
                )
            return self._client

    def dispatch(self) -> int:
        """Start as many due deliveries as there are free senders, without waiting for
        them; answers how many it started."""
        self.in_flight = {future for future in self.in_flight if not future.done()}
        with self.sessions() as session:
            claimed = claim_due_webhook_deliveries(
                session,
                self.worker,
                self.size - len(self.in_flight),
                self.settings.worker_lease_seconds,
            )
        with self.lock:
            self.holding.update(claimed)
        for delivery_id in claimed:
            self.in_flight.add(self.pool.submit(self._deliver, delivery_id))
        return len(claimed)

    def _deliver(self, delivery_id: str) -> None:
        try:
            with self.sessions() as session:
                if self.stopping.is_set():
                    release(session, delivery_id, self.worker)
                    return
                self.deliver(session, delivery_id)
        except Exception:  # a bug, or the database gone: the lease runs out, it is retried
            log.exception("webhook delivery %s failed unexpectedly", delivery_id)
        finally:
            with self.lock:
                self.holding.discard(delivery_id)

    def renew_leases(self, session: Session) -> None:
        """The heartbeat: keep the leases of what this worker holds alive."""
        with self.lock:
            held = list(self.holding)
        WEBHOOK_DELIVERIES.heartbeat(session, held, self.worker, self.settings.worker_lease_seconds)

    def free_leases_of(self, session: Session, workers: list[str]) -> None:
        WEBHOOK_DELIVERIES.free(session, workers)

    def deliver(self, session: Session, delivery_id: str) -> None:
        started_at = utcnow()
        try:
            request = renew_lease_and_read_request(session, delivery_id, self.worker, self.settings)
        except SecretUnreadable as error:
            attempt = Attempt("retry", 0, error=str(error))
        else:
            if request is None:
                return
            attempt = post(self.client, request, self.settings)
        recorded = record_attempt(
            session,
            delivery_id,
            self.worker,
            started_at,
            attempt,
            self.policy,
        )
        if recorded and attempt.outcome != "delivered":
            log.info("webhook delivery %s: %s", delivery_id, attempt.error)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._client is not None:
            self._client.close()
        self._pool = self._client = None
        self.in_flight.clear()
