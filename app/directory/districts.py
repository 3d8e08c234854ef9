"""Which province a federal electoral district is in, for sources that name a district
but not its province (Open North's Represent).

Two ways, the first that answers: the district's code (Statistics Canada numbers federal
districts with their province's two-digit code first: 35xxx is Ontario), then its name in
`federal_districts.csv`, the districts of the 2023 representation order (343) and of the
2013 one (338, less one seat vacant in the snapshot), each with its province. That table is
derived from the House of Commons member files shipped with the demo
(`app/demo/data/house-of-commons-members-2025.json` and `...-2023-12.json`; sources in
PROVENANCE.md there), whose `constituency.region` is the province."""

import csv
import re
from functools import cache
from pathlib import Path

from app.fields import fold

DISTRICTS_FILE = Path(__file__).parent / "federal_districts.csv"
# Statistics Canada's standard geographical classification: province and territory codes.
PROVINCE_CODES = {
    "10": "NL", "11": "PE", "12": "NS", "13": "NB", "24": "QC", "35": "ON",
    "46": "MB", "47": "SK", "48": "AB", "59": "BC", "60": "YT", "61": "NT", "62": "NU",
}  # fmt: skip
FEDERAL_DISTRICT_CODE = re.compile(r"\d{5}")
# Represent links a representative to its boundary: /boundaries/<set>/<code>/.
FEDERAL_BOUNDARY = re.compile(r"/boundaries/federal-electoral-districts[^/]*/(\d{5})/?$")


@cache
def _provinces_by_name() -> dict[str, str]:
    with DISTRICTS_FILE.open(encoding="utf-8", newline="") as file:
        return {fold(row["district_name"]): row["province"] for row in csv.DictReader(file)}


def province_of_district(name: str | None, code: str | None = None) -> str | None:
    """The province of a federal district, by its code or its name; None if unknown."""
    if code and FEDERAL_DISTRICT_CODE.fullmatch(code) and code[:2] in PROVINCE_CODES:
        return PROVINCE_CODES[code[:2]]
    return _provinces_by_name().get(fold(name)) if name else None


def federal_code_in(boundary_url: str | None) -> str | None:
    """The federal district code of a Represent boundary URL, if it is one."""
    found = FEDERAL_BOUNDARY.search(boundary_url or "")
    return found.group(1) if found else None
