from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import health
from app.auth.router import router as api_keys_router
from app.body_limit import BodyLimitMiddleware
from app.campaigns.router import router as campaigns_router
from app.db import make_engine, make_sessionmaker
from app.delivery.router import router as delivery_router
from app.directory.lookup import RepresentProvider, district_provider
from app.directory.router import router as directory_router
from app.errors import install_problem_handlers
from app.letters.router import router as letters_router
from app.settings import Settings, get_settings, require_shared_secret
from app.webhooks.router import router as webhooks_router

DESCRIPTION = """
Write to the officials who represent you.

Every call under `/v1` but the public ones carries `Authorization: Bearer <key>`.
Errors are RFC 9457 `application/problem+json` with a stable `type`, a `title`,
and for invalid input an `errors` list naming each field. Lists answer
`{"items": [...], "next_cursor": ...}`: pass `cursor` to get the next page.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    require_shared_secret(settings)
    engine = make_engine(settings.database_url)
    provider = district_provider(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if isinstance(provider, RepresentProvider):
            provider.close()
        engine.dispose()

    app = FastAPI(title="letterdesk", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.district_provider = provider
    install_problem_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware, default=settings.max_body_bytes, imports=settings.max_import_bytes
    )
    app.include_router(health.router)
    app.include_router(api_keys_router)
    app.include_router(directory_router)
    app.include_router(campaigns_router)
    app.include_router(letters_router)
    app.include_router(delivery_router)
    app.include_router(webhooks_router)
    return app
