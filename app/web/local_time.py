"""A moment as a supporter reads it: in their province's time zone, with the zone named
(the thank-you page's "held until 14:05 (Eastern Time)").

One zone per province or territory, where most of its people live: a supporter in
northwestern Ontario, on the Magdalen Islands or in Lloydminster reads the zone named
and can tell the hour in their own. A province we do not know reads UTC, named so."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from app.web.i18n import Language


@dataclass(frozen=True)
class Zone:
    tz: str
    en: str
    fr: str


ATLANTIC = Zone("America/Halifax", "Atlantic Time", "heure de l'Atlantique")
EASTERN = Zone("America/Toronto", "Eastern Time", "heure de l'Est")
CENTRAL = Zone("America/Winnipeg", "Central Time", "heure du Centre")
MOUNTAIN = Zone("America/Edmonton", "Mountain Time", "heure des Rocheuses")
UTC = Zone("UTC", "UTC", "UTC")

ZONES = {
    "NL": Zone("America/St_Johns", "Newfoundland Time", "heure de Terre-Neuve"),
    "NS": ATLANTIC, "NB": ATLANTIC, "PE": ATLANTIC,
    "QC": EASTERN, "ON": EASTERN, "NU": EASTERN,
    "MB": CENTRAL,
    # Saskatchewan keeps Central Standard Time all year: its own zone, named as its people do.
    "SK": Zone("America/Regina", "Saskatchewan Time", "heure de la Saskatchewan"),
    "AB": MOUNTAIN, "NT": MOUNTAIN,
    "BC": Zone("America/Vancouver", "Pacific Time", "heure du Pacifique"),
    "YT": Zone("America/Whitehorse", "Yukon Time", "heure du Yukon"),
}  # fmt: skip


def local_time(moment: datetime, province: str, language: Language) -> str:
    """'14:05 (Eastern Time)', '14 h 05 (heure de l'Est)'."""
    zone = ZONES.get(province.upper(), UTC)
    local = moment.astimezone(ZoneInfo(zone.tz))
    if language == "fr":
        return f"{local:%H} h {local:%M} ({zone.fr})"
    return f"{local:%H:%M} ({zone.en})"
