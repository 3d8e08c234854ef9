"""Liveness and readiness for load balancers and orchestrators."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.migrations import current_revision, head_revision

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """The database answers and its schema is at the newest migration."""
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = current_revision(connection)
    except SQLAlchemyError as error:
        return JSONResponse(
            {"status": "unavailable", "database": f"unreachable: {type(error).__name__}"},
            status_code=503,
        )
    head = head_revision()
    ready = current == head
    return JSONResponse(
        {
            "status": "ok" if ready else "unavailable",
            "database": "ok",
            "migration": {"current": current, "head": head},
        },
        status_code=200 if ready else 503,
    )
