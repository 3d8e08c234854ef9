"""An event's kit, as PDFs built with typst from data (never markup; see
app/delivery/pdf.py): every letter ready to sign by hand (the print template, which
leaves room for a signature), a #10 envelope for each in the same order, and a count
sheet of letters per recipient. Built in the request: an event's kit is tens or
hundreds of letters, which typst lays out in well under a second."""

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import typst

from app.delivery.pdf import batch_pdf
from app.events.models import Event
from app.letters.models import Letter

TEMPLATE = Path(__file__).with_name("kit.typ")
ENVELOPE_SIZE = (9.5 * 72, 4.125 * 72)  # points, landscape

WORDS = {
    "en": {
        "heading": "Count sheet",
        "recipient": "Recipient",
        "letters": "Letters",
        "total": "Total",
    },
    "fr": {
        "heading": "Feuille de compte",
        "recipient": "Destinataire",
        "letters": "Lettres",
        "total": "Total",
    },
}


def letters_pdf(letters: list[Letter]) -> bytes:
    """Every letter, each from a new page, in the kit's order."""
    out = io.BytesIO()
    batch_pdf((dict(letter.parts or {}) for letter in letters), out, page_size="letter")
    return out.getvalue()


def _compile(kit: dict[str, Any]) -> bytes:
    compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True)
    pdf = compiler.compile(format="pdf", sys_inputs={"kit": json.dumps(kit, ensure_ascii=False)})
    if not isinstance(pdf, bytes):
        raise RuntimeError("typst returned no PDF")
    return pdf


def address_of(letter: Letter) -> str:
    """The recipient's block exactly as the letter's window shows it."""
    return str((letter.parts or {}).get("recipient_block") or "")


def return_address(organisation_name: str, contact_address: str | None) -> str:
    lines = [organisation_name, *(part.strip() for part in (contact_address or "").split(","))]
    return "\n".join(line for line in lines if line)


def envelopes_pdf(letters: list[Letter], sender: str, title: str) -> bytes:
    """A #10 envelope (9.5 x 4.125 in) a letter, in the kit's order."""
    return _compile(
        {
            "kind": "envelopes",
            "title": title,
            "return_address": sender,
            "envelopes": [{"address": address_of(letter)} for letter in letters],
        }
    )


def count_rows(letters: list[Letter]) -> list[tuple[str, int]]:
    """Letters per recipient, in the kit's order."""
    counted = Counter(str(letter.recipient.get("display_name") or "—") for letter in letters)
    return list(counted.items())


def count_sheet_pdf(letters: list[Letter], event: Event, language: str) -> bytes:
    words = WORDS["fr" if language == "fr" else "en"]
    rows = count_rows(letters)
    return _compile(
        {
            "kind": "count",
            "title": f"{words['heading']}: {event.name}",
            "heading": words["heading"],
            "subtitle": f"{event.name} · {event.place} · {event.held_on.isoformat()}",
            "recipient_label": words["recipient"],
            "letters_label": words["letters"],
            "total_label": words["total"],
            "rows": [{"recipient": name, "letters": count} for name, count in rows],
            "total": len(letters),
        }
    )
