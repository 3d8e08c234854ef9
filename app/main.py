from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from app import health, metrics
from app.auth.deps import scopes_by_operation
from app.auth.router import organisation_router
from app.auth.router import router as api_keys_router
from app.body_limit import BodyLimitMiddleware
from app.campaigns.router import router as campaigns_router
from app.console.campaigns import router as console_campaigns_router
from app.console.directory import router as console_directory_router
from app.console.printing import router as console_printing_router
from app.console.router import router as console_router
from app.console.router import static_files as console_static_files
from app.console.settings import router as console_settings_router
from app.constituents.router import router as constituents_router
from app.db import make_engine, make_sessionmaker
from app.delivery.router import dkim_router
from app.delivery.router import router as delivery_router
from app.directory.lookup import RepresentProvider, district_provider
from app.directory.router import router as directory_router
from app.errors import install_problem_handlers
from app.events.router import router as events_router
from app.idempotency.middleware import IdempotencyMiddleware
from app.impact.pages import router as impact_pages_router
from app.inbound.router import router as inbound_router
from app.letters import quality
from app.letters.router import router as letters_router
from app.logs import RequestIdMiddleware
from app.metrics import HttpMetrics, metrics_registry
from app.query_params import reject_unknown_query
from app.rate_limits import RedisCounter, make_rate_limiter
from app.responses import complete_problems, declare_locations, restore_null_examples
from app.settings import Settings, cors_origins, get_settings, require_shared_secret
from app.web import draft_preview
from app.web.confirmation import router as confirmation_router
from app.web.identity import router as identity_router
from app.web.letters_page import router as letters_page_router
from app.web.router import router as web_router
from app.web.router import static_files as web_static_files
from app.webhooks.router import router as webhooks_router

DESCRIPTION = """
Write to the officials who represent you.

Every call under `/v1` but the public ones carries `Authorization: Bearer <key>`.
Errors are RFC 9457 `application/problem+json` with a stable `type`, a `title`,
and for invalid input an `errors` list naming each field. Lists answer
`{"items": [...], "next_cursor": ..., "has_more": ...}`: pass `cursor` to get the next
page. The last page's cursor resumes later with the rows made (or, in
`sort=updated_at` order, changed) since; `order=desc` reads newest first.
"""


def operation_id(route: APIRoute) -> str:
    """An operation's `operationId` is its function's name in camel case (`take_action`
    is `takeAction`): the method name generated clients give it, so it stays readable
    and stable when a path changes."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    require_shared_secret(settings)
    engine = make_engine(settings.database_url)
    provider = district_provider(settings)
    rate_limiter = make_rate_limiter(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        quality.warm_up()
        yield
        if isinstance(provider, RepresentProvider):
            provider.close()
        if isinstance(rate_limiter.counter, RedisCounter):
            rate_limiter.counter.close()
        engine.dispose()

    app = FastAPI(
        title="letterdesk",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.district_provider = provider
    app.state.rate_limiter = rate_limiter
    app.state.metrics = metrics_registry(app.state.sessionmaker, settings.worker_lease_seconds)
    install_problem_handlers(app)
    # The body limit wraps idempotency, which reads the body whole.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(
        BodyLimitMiddleware, default=settings.max_body_bytes, imports=settings.max_import_bytes
    )
    app.add_middleware(HttpMetrics, registry=app.state.metrics)
    app.add_middleware(RequestIdMiddleware)
    if origins := cors_origins(settings):
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["Retry-After", "X-Request-ID", "Idempotent-Replayed", "Location"],
            max_age=600,
        )
    app.include_router(health.router)
    app.include_router(metrics.router)
    for api_router in (
        api_keys_router,
        organisation_router,
        directory_router,
        campaigns_router,
        letters_router,
        delivery_router,
        dkim_router,
        constituents_router,
        inbound_router,
        draft_preview.api_router,
    ):
        app.include_router(api_router, dependencies=[Depends(reject_unknown_query)])
    app.include_router(web_router)
    app.include_router(identity_router)
    app.include_router(draft_preview.page_router)
    app.include_router(confirmation_router)
    app.include_router(impact_pages_router)
    app.include_router(letters_page_router)
    app.mount("/static/web", web_static_files, name="web-static")
    app.include_router(console_router)
    app.include_router(console_campaigns_router)
    app.include_router(console_settings_router)
    app.include_router(events_router)
    app.include_router(console_directory_router)
    app.include_router(console_printing_router)
    app.mount("/static/console", console_static_files, name="console-static")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            complete_problems(document, scopes_by_operation(app.routes))
            declare_locations(document)
            restore_null_examples(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.include_router(webhooks_router, dependencies=[Depends(reject_unknown_query)])
    return app
