"""`GET /metrics` in Prometheus' text format: what the database says (actions, letters by
state and channel, the outbox's depth and age, delivery latency, print batches, webhook
deliveries), the same from every API host; and this process's HTTP requests."""

import hmac
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeHistogramMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.campaigns.models import CampaignCounter
from app.db import utcnow
from app.delivery.models import Delivery, PrintBatch
from app.delivery.sending import CHANNELS as WORKER_CHANNELS
from app.errors import Unauthenticated
from app.letters.lifecycle import LetterStatus
from app.letters.models import Action, Letter
from app.outbox import workers
from app.webhooks.models import WebhookDelivery

router = APIRouter(tags=["operations"])

LATENCY_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 24 * 3600.0)
LATENCY_WINDOW = timedelta(hours=1)
# Destination domains shown by name (the ones whose oldest letter waited longest); the
# rest are summed up as "other", so that a directory's many domains make few series.
TOP_DOMAINS = 10
EXAMPLE = (
    "# HELP letterdesk_letters Letters by state and channel.\n"
    "# TYPE letterdesk_letters gauge\n"
    'letterdesk_letters{channel="email",status="sent"} 1204.0\n'
)


class DatabaseCollector(Collector):
    """Read on every scrape, so every host answers the same and nothing is lost when a
    process restarts. Letters by state and channel are counted over the whole table, and
    the latency window reads each letter sent in the last hour: at a scrape every 15 s this
    is cheap up to hundreds of thousands of letters; past that, count them in SQL."""

    def __init__(self, sessions: sessionmaker[Session], lease_seconds: float) -> None:
        self.sessions = sessions
        self.lease_seconds = lease_seconds

    def collect(self) -> Iterator[Metric]:
        with self.sessions() as session:
            yield self._actions(session)
            yield self._letters(session)
            yield from self._outbox(session)
            yield from self._domains(session)
            yield self._latency(session)
            yield self._print_batches(session)
            yield self._webhook_deliveries(session)
            yield self._workers(session)

    def _actions(self, session: Session) -> Metric:
        metric = GaugeMetricFamily(
            "letterdesk_actions", "Actions taken, over every campaign (a count that only grows)."
        )
        metric.add_metric([], session.scalar(select(func.sum(CampaignCounter.action_count))) or 0)
        return metric

    def _letters(self, session: Session) -> Metric:
        metric = GaugeMetricFamily(
            "letterdesk_letters", "Letters by state and channel.", labels=["status", "channel"]
        )
        rows = session.execute(
            select(Letter.status, Letter.channel, func.count()).group_by(
                Letter.status, Letter.channel
            )
        )
        for status, channel, count in rows:
            metric.add_metric([status, channel], count)
        return metric

    def _outbox(self, session: Session) -> Iterator[Metric]:
        now = utcnow()
        depth = GaugeMetricFamily(
            "letterdesk_outbox_due",
            "Deliveries due now and not being sent by a worker (email, confirmation): the "
            "queue's depth.",
            labels=["channel"],
        )
        age = GaugeMetricFamily(
            "letterdesk_outbox_oldest_due_seconds",
            "How long the oldest due delivery has waited.",
            labels=["channel"],
        )
        rows = session.execute(
            select(Delivery.channel, func.count(), func.min(Delivery.due_at))
            .where(
                # Print letters wait for someone to build a batch, not for a worker.
                Delivery.channel.in_(WORKER_CHANNELS),
                Delivery.due_at <= now,
                (Delivery.leased_until.is_(None)) | (Delivery.leased_until < now),
            )
            .group_by(Delivery.channel)
        )
        for channel, count, oldest in rows:
            depth.add_metric([channel], count)
            if oldest is not None:
                age.add_metric([channel], (now - oldest).total_seconds())
        yield depth
        yield age

    def _domains(self, session: Session) -> Iterator[Metric]:
        """Letters due per destination domain, and the age of each domain's oldest: what
        its pace (and offices' hours) hold back shows here first."""
        now = utcnow()
        depth = GaugeMetricFamily(
            "letterdesk_domain_due",
            "Email letters due now and not being sent, by destination domain (the top "
            f"{TOP_DOMAINS} by age, then `other`).",
            labels=["domain"],
        )
        age = GaugeMetricFamily(
            "letterdesk_domain_oldest_due_seconds",
            "How long the oldest due email letter to each destination domain has waited: "
            "the queue's age per domain, which pacing and office hours make grow (the top "
            f"{TOP_DOMAINS} by age, then `other`).",
            labels=["domain"],
        )
        oldest_due = func.min(Delivery.due_at)
        rows = session.execute(
            select(Delivery.domain, func.count(), oldest_due)
            .where(
                Delivery.channel == "email",  # (channel, due_at) is indexed
                Delivery.domain.is_not(None),
                Delivery.due_at <= now,
                (Delivery.leased_until.is_(None)) | (Delivery.leased_until < now),
            )
            .group_by(Delivery.domain)
            .order_by(oldest_due, Delivery.domain)
        )
        # Each row has a domain and a due time: the query's WHERE says so.
        waiting = [(str(domain), int(count), oldest) for domain, count, oldest in rows if oldest]
        named, rest = waiting[:TOP_DOMAINS], waiting[TOP_DOMAINS:]
        if rest:
            named.append(("other", sum(row[1] for row in rest), min(row[2] for row in rest)))
        for domain, count, oldest in named:
            depth.add_metric([domain], count)
            age.add_metric([domain], (now - oldest).total_seconds())
        yield depth
        yield age

    def _latency(self, session: Session) -> Metric:
        """From the action (or its confirmation) to sent, for letters sent in the last
        hour: a histogram of a window, not a running total."""
        since = utcnow() - LATENCY_WINDOW
        rows = session.execute(
            select(Letter.created_at, Action.confirmed_at, Letter.sent_at)
            .join(Action, Action.id == Letter.action_id)
            .where(Letter.status == LetterStatus.SENT, Letter.sent_at >= since)
        )
        counts = [0] * (len(LATENCY_BUCKETS) + 1)
        total = 0.0
        for created_at, confirmed_at, sent_at in rows:
            if sent_at is None:  # status says sent; a hand-edited row may still lack it
                continue
            waited = (sent_at - (confirmed_at or created_at)).total_seconds()
            total += waited
            counts[_bucket_of(waited)] += 1
        cumulative, buckets = 0, []
        for bound, count in zip((*map(str, LATENCY_BUCKETS), "+Inf"), counts, strict=True):
            cumulative += count
            buckets.append((bound, cumulative))
        return GaugeHistogramMetricFamily(
            "letterdesk_delivery_latency_seconds",
            "From the action (or its confirmation) to sent, for letters sent in the last hour.",
            buckets=buckets,
            gsum_value=total,
        )

    def _print_batches(self, session: Session) -> Metric:
        metric = GaugeMetricFamily(
            "letterdesk_print_batches", "Print batches by state.", labels=["status"]
        )
        rows = session.execute(select(PrintBatch.status, func.count()).group_by(PrintBatch.status))
        for status, count in rows:
            metric.add_metric([status], count)
        return metric

    def _webhook_deliveries(self, session: Session) -> Metric:
        metric = GaugeMetricFamily(
            "letterdesk_webhook_deliveries",
            "Webhook deliveries by state: failed ones gave up after their last attempt.",
            labels=["status"],
        )
        rows = session.execute(
            select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
        )
        for status, count in rows:
            metric.add_metric([status], count)
        return metric

    def _workers(self, session: Session) -> Metric:
        metric = GaugeMetricFamily(
            "letterdesk_workers",
            "Live workers (a heartbeat within a lease) by state: relay_unreachable ones "
            "cannot reach the mail relay and have paused email (alert on it).",
            labels=["state"],
        )
        for state, count in workers.live_by_state(session, self.lease_seconds).items():
            metric.add_metric([state], count)
        return metric


def _bucket_of(seconds: float) -> int:
    for index, bound in enumerate(LATENCY_BUCKETS):
        if seconds <= bound:
            return index
    return len(LATENCY_BUCKETS)


class HttpMetrics:
    """Counts this process's requests by route (the path template, so ids do not make a
    label each), method and status, and times them."""

    def __init__(self, app: ASGIApp, registry: CollectorRegistry) -> None:
        self.app = app
        self.requests = Counter(
            "letterdesk_http_requests",
            "HTTP requests answered by this process.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            "letterdesk_http_request_duration_seconds",
            "Time to answer, by route, in this process.",
            ["method", "route"],
            registry=registry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.requests.labels(scope["method"], route, str(status)).inc()
            self.duration.labels(scope["method"], route).observe(time.perf_counter() - started)


def metrics_registry(sessions: sessionmaker[Session], lease_seconds: float) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(sessions, lease_seconds))
    return registry


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}, "example": EXAMPLE}},
            "description": "Prometheus text format.",
        },
        401: {"description": "LETTERDESK_METRICS_TOKEN is set and was not sent."},
    },
)
def metrics(
    request: Request, authorization: Annotated[str | None, Header(include_in_schema=False)] = None
) -> Response:
    """The service's metrics for Prometheus. When `LETTERDESK_METRICS_TOKEN` is set, send
    it as `Authorization: Bearer <token>`."""
    token = request.app.state.settings.metrics_token
    if token and not hmac.compare_digest(
        (authorization or "").encode(), f"Bearer {token}".encode()
    ):
        raise Unauthenticated("Send the metrics token as `Authorization: Bearer <token>`.")
    return Response(generate_latest(request.app.state.metrics), media_type=CONTENT_TYPE_LATEST)
