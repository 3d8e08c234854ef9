"""The near-duplicate intro check's cost per action, on a campaign already holding 100,000
intros (PostgreSQL, in-process: the service's `take_action`, no HTTP).

Ours: actions taken with the check (the index lookup of the new intro's bands, the
candidates read and measured, and the new intro's 20 bands written). Ceiling: the same
actions, on the same database in the same run, with the check off: what an action costs
without it. The ratio is the share of an action's throughput the check leaves; the
absolute cost per action is printed beside it.

The 100,000 intros are made from sentence frames, jobs, places and reasons, so they
resemble each other as a real campaign's do (many share "I am a ... in ..."), which is
the hard case for the index: bands shared by many actions. They are written with COPY,
bands computed by the same `band_keys` the service uses."""

import random
import statistics
import tempfile
import time
from pathlib import Path

import psycopg
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.db import make_engine, make_sessionmaker, utcnow
from app.demo.service import load_demo
from app.directory.lookup import district_provider
from app.ids import new_id
from app.letters import quality, service
from app.letters.schemas import ActionCreate
from app.settings import Settings
from bench.databases import fresh_database
from bench.harness import Measure

SLUG = "rescind-safe-third-country"
HELD = 100_000
MEASURED = 200  # actions timed each way

JOBS = ("nurse", "teacher", "retired teacher", "student", "welder", "farmer", "pastor",
        "social worker", "lawyer", "electrician", "doctor", "bus driver", "librarian",
        "nurse practitioner", "cook", "engineer", "parent of three", "grandmother", "veteran",
        "small business owner")  # fmt: skip
PLACES = ("Edmonton", "Calgary", "Red Deer", "Lethbridge", "St. Albert", "Sherwood Park",
          "Fort McMurray", "Grande Prairie", "Medicine Hat", "Airdrie", "Spruce Grove",
          "Leduc", "Camrose", "Cochrane", "Okotoks", "Canmore", "Brooks", "Wetaskiwin")  # fmt: skip
YEARS = tuple(range(2, 60))
REASONS = ("my parents came here as refugees", "I volunteer with newcomer families",
           "my church sponsored a family from Syria",
           "I taught children who crossed at Roxham Road",
           "my neighbours fled Colombia", "I have seen what deportation does to families",
           "I worked in a shelter near the border", "my grandfather was turned away in 1939",
           "our mosque welcomes claimants every month", "I was once a refugee myself")  # fmt: skip
FRAMES = (
    "I am a {job} and I have lived in {place} for {years} years; {reason}.",
    "As a {job} in {place}, I write because {reason}.",
    "I write from {place}, where I have been a {job} for {years} years, and {reason}.",
    "{reason}, so as a {job} living in {place} for {years} years I ask you to act.",
    "My name is on this letter because {reason}; I am a {job} in {place}.",
)


def intro(chance: random.Random) -> str:
    frame = chance.choice(FRAMES)
    reason = chance.choice(REASONS)
    text = frame.format(
        job=chance.choice(JOBS),
        place=chance.choice(PLACES),
        years=chance.choice(YEARS),
        reason=reason[0].upper() + reason[1:] if frame.startswith("{reason}") else reason,
    )
    return text


def fill(url: str, campaign: Campaign, count: int) -> None:
    """`count` earlier actions with their intro bands, written with COPY."""
    chance = random.Random(11)
    now = utcnow()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        actions = (
            "COPY actions (id, organisation_id, campaign_id, first_name, last_name, email, "
            "email_key, street_address, city, province, postal_code, language, intro, "
            "intro_hash, consent_to_contact, created_at) FROM STDIN"
        )
        bands: list[tuple[str, int]] = []
        with cursor.copy(actions) as copy:
            for number in range(count):
                text = intro(chance)
                action_id = new_id("act")
                email = f"held{number}@example.org"
                copy.write_row(
                    (action_id, campaign.organisation_id, campaign.id, "Held", f"N{number}",
                     email, email, "1 Main St", "Edmonton", "AB", "T5A 1B7", "en", text,
                     quality.intro_hash(text), False, now)
                )  # fmt: skip
                bands += [(action_id, key) for key in quality.band_keys(text)]
        with cursor.copy("COPY intro_bands (action_id, band_key, campaign_id) FROM STDIN") as copy:
            for action_id, key in bands:
                copy.write_row((action_id, key, campaign.id))
        cursor.execute("ANALYZE actions")
        cursor.execute("ANALYZE intro_bands")
        connection.commit()


def body(number: int, text: str) -> ActionCreate:
    return ActionCreate.model_validate(
        {
            "supporter": {
                "first_name": "Amélie",
                "last_name": "Tremblay",
                "email": f"measured{number}@example.org",
                "street_address": "5515 130 Ave NW",
                "city": "Edmonton",
                "province": "AB",
                "postal_code": "T5A 1B7",
            },
            "language": "en",
            "intro": text,
        }
    )


def postgresql() -> Measure:
    with fresh_database("postgresql") as url, tempfile.TemporaryDirectory() as directory:
        settings = Settings(database_url=url, demo_key_file=Path(directory) / "key")
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        with sessions() as session:
            load_demo(session, settings)
            campaign = session.scalars(select(Campaign).where(Campaign.slug == SLUG)).one()
            session.expunge(campaign)
        started = time.perf_counter()
        fill(url, campaign, HELD)
        filled = time.perf_counter() - started
        provider = district_provider(settings)
        chance = random.Random(12)
        texts = [intro(chance) for _ in range(2 * MEASURED)]
        with_check: list[float] = []
        without: list[float] = []
        lookups: list[float] = []
        # Interleaved, so that whatever else the machine does falls on both alike.
        for number, text in enumerate(texts):
            checked = number % 2 == 0
            with sessions() as session:
                live = session.get_one(Campaign, campaign.id)
                start = time.perf_counter()
                service.take_action(
                    session, live, body(number, text), provider, settings, near_duplicates=checked
                )
                (with_check if checked else without).append(time.perf_counter() - start)
                if checked:
                    lookups.append(_lookup_seconds(session, campaign.id, text))
        engine.dispose()
    ours = 1 / statistics.median(with_check)
    ceiling = 1 / statistics.median(without)
    cost = statistics.median(with_check) - statistics.median(without)
    return Measure(
        "near_duplicates_postgresql",
        ours,
        ceiling,
        info=[
            f"near_duplicates_postgresql: campaign holding {HELD:,} intros "
            f"(filled in {filled:.0f} s); per action, median of {MEASURED}: with the check "
            f"{statistics.median(with_check) * 1000:.2f} ms, without "
            f"{statistics.median(without) * 1000:.2f} ms, so the check costs "
            f"{cost * 1000:.2f} ms; its lookup alone "
            f"{statistics.median(lookups) * 1000:.2f} ms (p95 "
            f"{statistics.quantiles(lookups, n=20)[-1] * 1000:.2f} ms)"
        ],
    )


def _lookup_seconds(session: Session, campaign_id: str, text: str) -> float:
    start = time.perf_counter()
    service.near_duplicate_intros(session, campaign_id, text)
    return time.perf_counter() - start
