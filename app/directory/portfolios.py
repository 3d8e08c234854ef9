"""Roles are portfolios, not strings. A portfolio has an identity and its titles over
time: "Minister of Foreign Affairs and International Development" (Joly, March to May
2025) and "Minister of Foreign Affairs" (Anand, from May 2025) are one portfolio, so a
campaign aimed at "the Minister of Foreign Affairs" follows it across the retitling.

The retitlings are data, in portfolios.json beside this file: read from the ministry
records the project ships (app/demo/data/cabinet-roles-*.csv, from ourcommons.ca), one
entry per portfolio with each English title, its French titles, and when the records
first and last show it held. A title no entry names is a portfolio of its own."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from app.fields import fold

PORTFOLIOS_FILE = Path(__file__).parent / "portfolios.json"


@cache
def _portfolio_by_title() -> dict[str, tuple[str, frozenset[str]]]:
    """Each known title, folded (English or French), to its portfolio's id and every
    folded title the portfolio has had."""
    entries: list[dict[str, Any]] = json.loads(PORTFOLIOS_FILE.read_text(encoding="utf-8"))
    found: dict[str, tuple[str, frozenset[str]]] = {}
    for entry in entries:
        titles = frozenset(
            fold(title)
            for held in entry["titles"]
            for title in (held["title_en"], *held["titles_fr"])
        )
        for title in titles:
            found[title] = (entry["id"], titles)
    return found


def portfolio_of(title: str) -> str:
    """The portfolio's identity: its id, or the folded title for a title no entry names."""
    known = _portfolio_by_title().get(fold(title))
    return known[0] if known else f"title:{fold(title)}"


def titles_of(title: str) -> frozenset[str]:
    """Every folded title (English and French) the portfolio of `title` has had."""
    known = _portfolio_by_title().get(fold(title))
    return known[1] if known else frozenset({fold(title)})
