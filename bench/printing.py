"""Print batches: PDF letters per second through the worker's print job,
`build_print_batch` (the letters read from PostgreSQL page by page, typst, the streaming
merge, the manifest, the batch made ready), after `create_print_batch` has gathered them
(the request's part, timed apart), against the engine alone: `batch_pdf` over the same
letters' parts held in memory, writing to a temporary file, with the same chunk and page
size.

typst memoises what it compiled, so every run of either side renders letters no earlier
run rendered: a salt of the same width in each letter's text, different for each run and
side. The two sides alternate, so that whatever else the machine does falls on both.

Then the peak memory of a batch of 10,000 letters: the print job alone in a Python
process of its own (bench/print_batch_process.py), so that its peak RSS is the batch's,
beside the engine alone in another process for the same number of letters."""

import inspect
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.auth.service import create_organisation
from app.campaigns.schemas import CampaignCreate, RoleTarget
from app.campaigns.service import create_campaign
from app.db import make_engine, make_sessionmaker, utcnow
from app.delivery import pdf as pdf_module
from app.delivery import printing as printing_module
from app.delivery.models import Delivery, PrintBatch
from app.delivery.pdf import PageSize, batch_pdf, page_count
from app.delivery.printing import (
    build_print_batch,
    claim_due_print_batches,
    create_print_batch,
    manifest_path,
    pdf_path,
)
from app.ids import new_id
from app.letters.models import Action, Letter
from app.settings import Settings
from bench.databases import fresh_database
from bench.harness import Measure, stopwatch

LETTERS = 2_000
BIG_BATCH = 10_000
RUNS = 3
TARGET = 0.8
PAGE_SIZE: PageSize = "letter"
# The chunk `build_print_batch` uses: `batch_pdf`'s default, read from its signature so
# that both sides keep the same one if that default changes.
CHUNK: int = inspect.signature(batch_pdf).parameters["chunk"].default
SUBPROCESS_TIMEOUT_SECONDS = 300.0


def postgresql() -> Measure:
    name = "print_batch_postgresql"
    _warm_up()
    ours: list[float] = []
    engine: list[float] = []
    gathers: list[float] = []
    for run in range(RUNS):
        # Alternated: ours first on even runs, the engine first on odd ones.
        sides = [("o", ours, time_ours), ("e", engine, time_engine)]
        for side, times, timed in sides if run % 2 == 0 else sides[::-1]:
            times.append(timed(letters_parts(LETTERS, salt=f"{side}{run:02d}"), gathers))
    result = Measure(name, ours=LETTERS / min(ours), ceiling=LETTERS / min(engine), target=TARGET)
    result.info.append(
        f"{name} seconds for {LETTERS} distinct letters (best of {RUNS}): "
        f"the worker's build_print_batch {min(ours):.2f}, batch_pdf alone {min(engine):.2f} "
        f"(the request's create_print_batch before it, not counted: {min(gathers):.2f}; "
        f"chunk {CHUNK}, page size {PAGE_SIZE}; runs: ours "
        f"{' '.join(f'{s:.2f}' for s in ours)}, engine {' '.join(f'{s:.2f}' for s in engine)})"
    )
    result.info.append(phases_line(name))
    result.info.append(big_batch_line())
    return result


# The letters ------------------------------------------------------------------------

PEOPLE = [
    ("Amélie", "Côté-Lévesque"), ("Jean", "Tremblay"), ("Priya", "Singh"),
    ("Marc-André", "Gagnon"), ("Sophie", "Roy"), ("Olumide", "Adeyemi"),
    ("Chloé", "Bouchard"), ("David", "O'Brien"), ("Nguyễn", "Thị Lan"), ("Émile", "Pelletier"),
]  # fmt: skip
PLACES = [
    ("Edmonton", "AB", "T5A 1B7", "Alberta", "Alberta"),
    ("Trois-Rivières", "QC", "G9A 5H7", "Quebec", "Québec"),
    ("Halifax", "NS", "B3H 1A1", "Nova Scotia", "Nouvelle-Écosse"),
    ("Gatineau", "QC", "J8X 1A1", "Quebec", "Québec"),
    ("Winnipeg", "MB", "R3C 0V8", "Manitoba", "Manitoba"),
    ("Toronto", "ON", "M5V 2T6", "Ontario", "Ontario"),
]
MEMBERS = [
    ("Marc Miller", "Minister of Immigration", "Ministre de l\u2019Immigration"),
    ("Mélanie Joly", "Minister of Foreign Affairs", "Ministre des Affaires étrangères"),
    ("Sean Fraser", "Minister of Housing", "Ministre du Logement"),
    ("Ya\u2019ara Saks", "Minister of Mental Health", "Ministre de la Santé mentale"),
]
HOUSE_OF_COMMONS = {
    "kind": "legislature",
    "lines": ["House of Commons"],
    "city": "Ottawa",
    "province": "ON",
    "postal_code": "K1A 0A6",
    "phone": None,
    "fax": None,
}


def letter_parts(number: int, salt: str) -> dict[str, str]:
    """A letter's rendered pieces, as an action makes them: every letter different in its
    words (`number`), and all of a run's letters different from another run's (`salt`,
    of the same width for every run, so that runs do the same work)."""
    first, last = PEOPLE[number % len(PEOPLE)]
    city, province, postal, province_en, province_fr = PLACES[number % len(PLACES)]
    member, role_en, role_fr = MEMBERS[number % len(MEMBERS)]
    name = f"{first} {last}"
    email = f"supporter{number}@example.org"
    sender = f"{name}\n{100 + number % 9000} Main Street\n{city} {province}  {postal}\n{email}"
    ref = f"{salt}-{number:06d}"
    if number % 2:
        return {
            "sender_block": sender,
            "sender_city": city,
            "date": f"{1 + number % 28} novembre 2026",
            "recipient_block": f"L\u2019honorable {member}, c.p., député\n{role_fr}\n"
            "Chambre des communes\nOttawa ON  K1A 0A6",
            "subject": "Protéger les demandeurs d\u2019asile — maintenant",
            "salutation": "Monsieur le Ministre," if number % 4 == 1 else "Madame la Ministre,",
            "intro": f"Je vous écris de {city}, où j\u2019habite depuis {3 + number % 40} ans, "
            f"en tant que citoyenne engagée (réf. {ref}).",
            "concern": "L\u2019Entente sur les tiers pays sûrs renvoie des personnes vers des "
            "pays où leur sécurité n\u2019est pas assurée. Des familles attendent des mois "
            f"sans réponse ; {number % 97 + 3} d\u2019entre elles vivent près de chez moi."
            "\n\nNous pouvons faire mieux, et le Canada a les moyens d\u2019agir.",
            "ask": "Je vous demande de suspendre l\u2019Entente et de garantir à chacun "
            "une audience juste.",
            "closing": "Veuillez agréer, Monsieur le Ministre, l\u2019expression de mes "
            "sentiments distingués.",
            "signature": name,
            "signature_place": f"{city} ({province_fr})",
            "language": "fr",
        }
    return {
        "sender_block": sender,
        "sender_city": city,
        "date": f"November {1 + number % 28}, 2026",
        "recipient_block": f"The Honourable {member}, P.C., M.P.\n{role_en}\n"
        "House of Commons\nOttawa ON  K1A 0A6",
        "subject": "Protect people seeking asylum — now",
        "salutation": "Dear Minister,",
        "intro": f"I am writing to you from {city}, where I have lived for "
        f"{3 + number % 40} years, as a concerned constituent (ref. {ref}).",
        "concern": "The Safe Third Country Agreement sends people back to places where "
        f"their safety is not assured. Families wait months for an answer; "
        f"{number % 97 + 3} of them live near me.\n\nWe can do better, and Canada has "
        "the means to act.",
        "ask": "Please suspend the Agreement and guarantee everyone a fair hearing.",
        "closing": "Sincerely,",
        "signature": name,
        "signature_place": f"{city}, {province_en}",
        "language": "en",
    }


def letters_parts(count: int, salt: str) -> list[dict[str, str]]:
    return [letter_parts(number, salt) for number in range(count)]


def recipient_of(number: int) -> dict[str, Any]:
    member, role_en, role_fr = MEMBERS[number % len(MEMBERS)]
    return {
        "display_name": f"The Honourable {member}",
        "email": None,
        "addresses": [HOUSE_OF_COMMONS],
        "role": {"title_en": role_en, "title_fr": role_fr},
    }


def seed(session: Session, parts: list[dict[str, str]]) -> str:
    """An organisation, a print campaign, and one queued print letter for each of
    `parts`, straight into the tables (as tests/delivery_data.py does); answers the
    organisation's id."""
    organisation = create_organisation(session, "Bench print")
    campaign = create_campaign(
        session,
        organisation.id,
        CampaignCreate(
            slug="bench-print",
            status="live",
            languages=["en", "fr"],
            title={"en": "Write to the minister", "fr": "Écrivez au ministre"},
            subject={"en": "Protect people seeking asylum", "fr": "Protéger les demandeurs"},
            concern={"en": "People need protection.", "fr": "Des gens ont besoin de protection."},
            ask={"en": "Please act.", "fr": "Je vous demande d'agir."},
            targets=[RoleTarget(type="role", role="Minister of Immigration")],
            channels=["print"],
        ),
    )
    now = utcnow()
    actions, letters, deliveries = [], [], []
    for number, letter_parts_ in enumerate(parts):
        action_id, letter_id = new_id("act"), new_id("ltr")
        first, last = PEOPLE[number % len(PEOPLE)]
        city, province, postal, _, _ = PLACES[number % len(PLACES)]
        language = letter_parts_["language"]
        actions.append(
            {
                "id": action_id, "organisation_id": organisation.id, "campaign_id": campaign.id,
                "first_name": first, "last_name": last,
                "email": f"s{number}@example.org", "email_key": f"s{number}@example.org",
                "street_address": f"{100 + number % 9000} Main Street", "city": city,
                "province": province, "postal_code": postal, "phone": None,
                "language": language, "intro": letter_parts_["intro"], "concern": None,
                "ask": None, "intro_hash": f"{number}", "consent_to_contact": False,
                "created_at": now,
            }
        )  # fmt: skip
        body = "\n\n".join(
            letter_parts_[key] for key in ("salutation", "intro", "concern", "ask", "closing")
        )
        letters.append(
            {
                "id": letter_id, "organisation_id": organisation.id, "campaign_id": campaign.id,
                "action_id": action_id, "recipient_id": None, "recipient": recipient_of(number),
                "channel": "print", "status": "queued", "language": language,
                "subject": letter_parts_["subject"], "salutation": letter_parts_["salutation"],
                "body_text": body, "content_hash": f"{number}",
                "parts": letter_parts_, "created_at": now, "sent_at": None,
                "failed_reason": None,
            }
        )  # fmt: skip
        deliveries.append(
            {
                "id": new_id("dlv"), "organisation_id": organisation.id, "letter_id": letter_id,
                "channel": "print", "due_at": now, "attempts": 0, "leased_until": None,
                "leased_by": None, "created_at": now,
            }
        )  # fmt: skip
    for table, rows in ((Action, actions), (Letter, letters), (Delivery, deliveries)):
        session.execute(insert(table.__table__), rows)  # type: ignore[arg-type]
    session.commit()
    return organisation.id


def print_settings(url: str, print_dir: Path) -> Settings:
    return Settings(database_url=url, print_dir=print_dir, page_size=PAGE_SIZE)


def check_batch(batch: PrintBatch, settings: Settings, letters: int) -> None:
    """The batch is whole: every letter in it, one page each, in the PDF and the manifest."""
    pdf = pdf_path(settings, batch.id).read_bytes()
    with manifest_path(settings, batch.id).open(encoding="utf-8") as manifest:
        rows = sum(1 for _ in manifest) - 1
    found = (batch.status, batch.letter_count, batch.page_count, page_count(pdf), rows)
    if found != ("ready", letters, letters, letters, letters):
        raise RuntimeError(
            f"print batch (status, letters, pages, PDF pages, manifest rows) {found}, "
            f"not {letters} letters of one page"
        )


# Ours: the worker's print job -------------------------------------------------------


@contextmanager
def seeded_database(parts: list[dict[str, str]]) -> Iterator[tuple[str, str, Path]]:
    """A fresh PostgreSQL database holding `parts` as queued print letters, and an empty
    print folder: (database URL, organisation id, print folder). Nothing is left behind."""
    with (
        fresh_database("postgresql") as url,
        tempfile.TemporaryDirectory(prefix="letterdesk_bench_print_") as directory,
    ):
        engine = make_engine(url)
        try:
            with make_sessionmaker(engine)() as session:
                organisation_id = seed(session, parts)
        finally:
            engine.dispose()
        yield url, organisation_id, Path(directory)


WORKER = "bench-print"


def gather_and_build(
    session: Session, organisation_id: str, settings: Settings, gathers: list[float] | None = None
) -> tuple[PrintBatch, float]:
    """The request gathers the queued letters into a batch (its seconds added to
    `gathers`); the worker's print job claims it and builds it, timed. Answers the built
    batch and the build's seconds."""
    with stopwatch() as gather:
        batch_id = create_print_batch(session, organisation_id, None, settings).id
    if gathers is not None:
        gathers.append(gather.seconds)
    with stopwatch() as watch:
        (claimed,) = claim_due_print_batches(session, WORKER, 1, settings.worker_lease_seconds)
        status = build_print_batch(session, claimed, WORKER, settings)
    if (claimed, status) != (batch_id, "ready"):
        raise RuntimeError(f"the print job built {claimed} as {status}, not {batch_id} ready")
    return session.get_one(PrintBatch, batch_id, populate_existing=True), watch.seconds


def time_ours(parts: list[dict[str, str]], gathers: list[float] | None = None) -> float:
    """Seconds for the print job to build `parts`, queued in a fresh database and gathered
    into a batch first."""
    with seeded_database(parts) as (url, organisation_id, print_dir):
        engine = make_engine(url)
        try:
            settings = print_settings(url, print_dir)
            with make_sessionmaker(engine)() as session:
                batch, seconds = gather_and_build(session, organisation_id, settings, gathers)
                check_batch(batch, settings, len(parts))
        finally:
            engine.dispose()
    return seconds


# The ceiling: the engine alone -------------------------------------------------------


def time_engine(parts: list[dict[str, str]], _gathers: list[float] | None = None) -> float:
    """Seconds for `batch_pdf` to write `parts` (held in memory) to a temporary file."""
    with tempfile.TemporaryDirectory(prefix="letterdesk_bench_print_") as directory:
        path = Path(directory) / "batch.pdf"
        with stopwatch() as watch, path.open("wb") as out:
            pages = batch_pdf(parts, out, page_size=PAGE_SIZE, chunk=CHUNK)
        if pages != len(parts) or page_count(path.read_bytes()) != len(parts):
            raise RuntimeError(f"batch_pdf wrote {pages} pages for {len(parts)} letters")
    return watch.seconds


def _warm_up() -> None:
    """typst's compiler, fonts and template loaded before either side is timed."""
    with tempfile.TemporaryFile() as out:
        batch_pdf(letters_parts(4, salt="w00"), out, page_size=PAGE_SIZE, chunk=CHUNK)


# Where ours spends its time ------------------------------------------------------------


@dataclass
class Phases:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, phase: str, seconds: float) -> None:
        self.seconds[phase] = self.seconds.get(phase, 0.0) + seconds

    def timed(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(phase, time.perf_counter() - start)

        return wrapper

    def timed_iterator(
        self, phase: str, function: Callable[..., Iterator[Any]]
    ) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = function(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    return
                finally:
                    self.add(phase, time.perf_counter() - start)
                yield item

        return wrapper


def phases_line(name: str) -> str:
    """One more run of ours (not counted in the measure), its steps timed."""
    phases = Phases()
    patches = [
        mock.patch.object(
            printing_module, "_gather", phases.timed("gather", printing_module._gather)
        ),
        mock.patch.object(
            printing_module,
            "_letters_of",
            phases.timed_iterator("read letters", printing_module._letters_of),
        ),
        mock.patch.object(printing_module, "batch_pdf", phases.timed("batch_pdf", batch_pdf)),
        mock.patch.object(pdf_module, "_compile", phases.timed("typst", pdf_module._compile)),
        mock.patch.object(
            pdf_module.PdfConcatenator,
            "append",
            phases.timed("merge", pdf_module.PdfConcatenator.append),
        ),
        mock.patch.object(
            pdf_module, "_letter_pages", phases.timed("page counts", pdf_module._letter_pages)
        ),
        mock.patch.object(
            pdf_module, "_evict_cache", phases.timed("cache eviction", pdf_module._evict_cache)
        ),
        mock.patch.object(
            printing_module, "manifest_row", phases.timed("manifest", printing_module.manifest_row)
        ),
    ]
    for patch in patches:
        patch.start()
    try:
        total = time_ours(letters_parts(LETTERS, salt="p00"))
    finally:
        for patch in reversed(patches):
            patch.stop()
    s = phases.seconds
    inside_batch_pdf = sum(
        s.get(phase, 0.0)
        for phase in ("typst", "merge", "page counts", "cache eviction", "read letters")
    )
    steps = {
        "read letters": s.get("read letters", 0.0),
        "typst": s.get("typst", 0.0),
        "merge": s.get("merge", 0.0),
        "cache eviction": s.get("cache eviction", 0.0),
        "page counts": s.get("page counts", 0.0),
        "rest of batch_pdf": s.get("batch_pdf", 0.0) - inside_batch_pdf,
        "manifest rows": s.get("manifest", 0.0),
    }
    steps["other (claim, files, commit)"] = total - s.get("batch_pdf", 0.0) - s.get("manifest", 0.0)
    listed = ", ".join(f"{step} {seconds:.2f}" for step, seconds in steps.items())
    return (
        f"{name} steps of one more run of the print job, seconds (total {total:.2f}): "
        f"{listed}; the request's gathering before it {s.get('gather', 0.0):.2f}"
    )


# Peak memory of a big batch ------------------------------------------------------------


def run_process(*args: str) -> dict[str, Any]:
    """bench/print_batch_process.py in a Python process of its own; its JSON answer."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.print_batch_process", *args],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"print_batch_process {args[0]} failed:\n{completed.stderr}")
    answer: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answer


def big_batch_line() -> str:
    parts = letters_parts(BIG_BATCH, salt="b00")
    with seeded_database(parts) as (url, organisation_id, print_dir):
        del parts
        ours = run_process("batch", url, organisation_id, str(print_dir), str(BIG_BATCH))
    with tempfile.TemporaryDirectory(prefix="letterdesk_bench_print_") as directory:
        engine = run_process("engine", directory, str(BIG_BATCH))

    def mb(kilobytes: int) -> str:
        return f"{kilobytes / 1024:.0f}MB"

    return (
        f"print_batch_{BIG_BATCH}: peak_rss={mb(ours['peak_rss_kb'])} "
        f"seconds={ours['seconds']:.1f} (the print job on PostgreSQL, process alone; "
        f"its RSS before the batch, imports loaded: {mb(ours['baseline_rss_kb'])}; "
        f"batch_pdf alone on the same number of letters made on the fly: "
        f"peak_rss={mb(engine['peak_rss_kb'])} seconds={engine['seconds']:.1f}, "
        f"before: {mb(engine['baseline_rss_kb'])})"
    )
