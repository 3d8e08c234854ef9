"""The real service on a loopback port, for a real browser: uvicorn in a thread, a
throwaway SQLite database migrated and loaded with the demo (the House of Commons and
the sample campaigns)."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.demo.service import load_demo
from app.directory.models import PostalCodeDistrict
from app.fields import fold
from app.main import create_app
from app.migrations import upgrade
from app.settings import Settings


@dataclass
class LiveServer:
    url: str
    app: FastAPI
    key: str  # the demo organisation's API key

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def add_a_postal_code_in_two_districts(session: Session, organisation_id: str) -> None:
    """The demo's table gives one district per area (and none for A0K), so the page's
    choice between districts is shown with a whole code the test adds in two."""
    for name in ("Labrador", "Long Range Mountains"):
        session.add(
            PostalCodeDistrict(
                organisation_id=organisation_id,
                prefix="A0K2B0",
                district_name=name,
                district_province="NL",
                district_key=fold(name),
            )
        )
    session.commit()


@contextmanager
def live_server(folder: Path, **overrides: Any) -> Iterator[LiveServer]:
    """The service with the demo loaded; `overrides` are settings of a test's own."""
    database_url = f"sqlite:///{folder / 'letterdesk.db'}"
    upgrade(database_url)
    settings = Settings(
        database_url=database_url,
        demo_key_file=folder / "demo-api-key",
        secret_key="browser-test-secret",
        outbox_dir=folder / "outbox",
        public_url="https://letters.example.org",
        _env_file=None,
        **overrides,
    )
    app = create_app(settings)
    with app.state.sessionmaker() as session:
        report = load_demo(session, settings)
        add_a_postal_code_in_two_districts(session, report.organisation_id)
    with serve(app) as url:
        yield LiveServer(url, app, report.key)


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn in a thread on a loopback port; yields its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # the port is ours from here: no race for a free one
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    started = threading.Event()
    while not server.started and thread.is_alive():
        started.wait(0.05)
    if not server.started:
        raise RuntimeError("The service did not start; its log is above.")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        listener.close()
