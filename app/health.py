"""Liveness and readiness for load balancers and orchestrators."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.migrations import current_revision, head_revision

router = APIRouter(tags=["ops"])


class Liveness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: str


class Readiness(BaseModel):
    status: str = Field(description="`ok`, or `unavailable`.")
    database: str = Field(description="`ok`, or why it is unreachable.")
    migration: dict[str, str | None] | None = Field(
        None, description="The database's revision and the newest one the code knows."
    )


READY = {"status": "ok", "database": "ok", "migration": {"current": "0008", "head": "0008"}}
NOT_READY = {"status": "unavailable", "database": "unreachable: OperationalError"}


def _readiness(description: str, example: dict[str, Any]) -> dict[str, Any]:
    content = {"application/json": {"example": example}}
    return {"description": description, "content": content, "model": Readiness}


@router.get("/healthz", response_model=Liveness)
def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_class=JSONResponse,
    responses={
        200: _readiness("Ready for traffic.", READY),
        503: _readiness("The database does not answer, or is at another revision.", NOT_READY),
    },
)
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
