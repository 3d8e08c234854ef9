"""Recorded answers of the directory's sources, built from the real data the project
ships (app/demo/data: the House of 2023 and of 2025, and their cabinets), served by a real
HTTP server on loopback: the House of Commons' members and ministry XML, and Represent's
paged JSON."""

import csv
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from app.settings import Settings

DATA = Path(__file__).parent.parent / "app" / "demo" / "data"
MEMBERS_2023 = DATA / "house-of-commons-members-2023-12.json"
MEMBERS_2025 = DATA / "house-of-commons-members-2025.json"
ROLES_2023 = DATA / "cabinet-roles-2023-12.csv"
ROLES_2025 = DATA / "cabinet-roles-2025.csv"


def members(path: Path) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def roles(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _element(name: str, value: str) -> str:
    return f"<{name}>{escape(value)}</{name}>" if value else f"<{name} />"


def members_xml(people: list[dict[str, Any]]) -> bytes:
    """As ourcommons.ca's /Members/en/search/XML answers."""
    rows = []
    for member in people:
        fields = {
            "PersonId": member["id"],
            "PersonShortHonorific": member["honorific"],
            "PersonOfficialFirstName": member["firstName"],
            "PersonOfficialLastName": member["lastName"],
            "ConstituencyName": member["constituency"]["name"],
            "ConstituencyProvinceTerritoryName": member["constituency"]["region"],
            "CaucusShortName": member["party"],
            "FromDateTime": f"{member['fromDate']}T00:00:00",
            "ToDateTime": "",
        }
        inner = "".join(_element(name, value) for name, value in fields.items())
        rows.append(f"<MemberOfParliament>{inner}</MemberOfParliament>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<ArrayOfMemberOfParliament>'
        + "".join(rows)
        + "</ArrayOfMemberOfParliament>"
    ).encode()


def ministry_xml(rows: list[dict[str, str]], language: str) -> bytes:
    """As ourcommons.ca's /Parliamentarians/<lang>/ministries/Export?output=XML answers:
    one Minister per role held, the same order in both languages."""
    ministers = []
    for number, row in enumerate(rows, start=1):
        fields = {
            "PersonShortHonorific": "Hon.",
            "PersonOfficialFirstName": row["first_name"],
            "PersonOfficialLastName": row["last_name"],
            "Title": row["role_en"] if language == "en" else row["role_fr"],
            "FromDateTime": f"{row['start_date']}T00:00:00" if row["start_date"] else "",
            "ToDateTime": f"{row['end_date']}T00:00:00" if row["end_date"] else "",
            "OrderOfPrecedence": str(number),
        }
        inner = "".join(_element(name, value) for name, value in fields.items())
        ministers.append(f"<Minister>{inner}</Minister>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<ArrayOfMinister>'
        + "".join(ministers)
        + "</ArrayOfMinister>"
    ).encode()


def representative(member: dict[str, Any], elected_office: str = "MP") -> dict[str, Any]:
    """A member as Represent publishes one."""
    return {
        "name": f"{member['firstName']} {member['lastName']}",
        "first_name": member["firstName"],
        "last_name": member["lastName"],
        "party_name": member["party"],
        "elected_office": elected_office,
        "district_name": member["constituency"]["name"],
        "email": member["email"],
        "url": member["urls"]["contact"],
        "photo_url": member.get("photoUrl", ""),
        "gender": "",
        "offices": [
            {"type": "legislature", "postal": "House of Commons\nOttawa ON  K1A 0A6", "tel": ""}
        ],
        "extra": {},
    }


def represent_pages(set_slug: str, objects: list[dict[str, Any]], limit: int) -> dict[str, bytes]:
    """The set's pages by path and query, each pointing to the next by a relative link."""
    pages = {}
    path = f"/representatives/{set_slug}/"
    for offset in range(0, max(len(objects), 1), limit):
        following = offset + limit
        next_link = f"{path}?limit={limit}&offset={following}" if following < len(objects) else None
        document = {
            "objects": objects[offset:following],
            "meta": {
                "offset": offset,
                "limit": limit,
                "total_count": len(objects),
                "next": next_link,
            },
        }
        query = f"?limit={limit}" if offset == 0 else f"?limit={limit}&offset={offset}"
        pages[path + query] = json.dumps(document).encode()
    return pages


@dataclass
class Feeds:
    url: str
    answers: dict[str, bytes] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve_house(self, people: list[dict[str, Any]], ministry: list[dict[str, str]]) -> None:
        with self.lock:
            self.answers["/members.xml"] = members_xml(people)
            self.answers["/ministry-en.xml"] = ministry_xml(ministry, "en")
            self.answers["/ministry-fr.xml"] = ministry_xml(ministry, "fr")

    def serve_represent(self, set_slug: str, objects: list[dict[str, Any]], limit: int) -> None:
        with self.lock:
            prefix = f"/representatives/{set_slug}/"
            for path in [p for p in self.answers if p.startswith(prefix)]:
                del self.answers[path]
            self.answers |= represent_pages(set_slug, objects, limit)

    def serve_json(self, path: str, document: Any) -> None:
        with self.lock:
            self.answers[path] = json.dumps(document).encode()

    def configure(self, settings: Settings) -> None:
        settings.sync_house_of_commons_members_url = f"{self.url}/members.xml"
        settings.sync_house_of_commons_ministry_url_en = f"{self.url}/ministry-en.xml"
        settings.sync_house_of_commons_ministry_url_fr = f"{self.url}/ministry-fr.xml"
        settings.sync_represent_url = self.url


@contextmanager
def feed_server() -> Iterator[Feeds]:
    feeds = Feeds("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with feeds.lock:
                feeds.requested.append(self.path)
                body = feeds.answers.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            kind = "application/xml" if self.path.endswith(".xml") else "application/json"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    feeds.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield feeds
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
