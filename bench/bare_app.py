"""The ceiling for taking action: a bare FastAPI endpoint that parses the same body with
the same model and inserts one row, served the same way (uvicorn, same workers, same
database). `uvicorn bench.bare_app:app`, with LETTERDESK_DATABASE_URL set, after
`metadata.create_all` on that database."""

import os
import uuid
from functools import lru_cache

from fastapi import FastAPI
from sqlalchemy import Column, Engine, MetaData, String, Table, Text, insert

from app.db import make_engine
from app.letters.schemas import ActionCreate

metadata = MetaData()
bare_actions = Table(
    "bench_bare_actions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("email", String(254)),
    Column("intro", Text),
)
app = FastAPI()


@lru_cache
def engine() -> Engine:
    return make_engine(os.environ["LETTERDESK_DATABASE_URL"])


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/v1/campaigns/{slug}/actions", status_code=201)
def take_action(slug: str, body: ActionCreate) -> dict[str, str]:
    action_id = uuid.uuid4().hex
    with engine().begin() as connection:
        connection.execute(
            insert(bare_actions),
            {"id": action_id, "email": body.supporter.email, "intro": body.intro},
        )
    return {"id": action_id}
