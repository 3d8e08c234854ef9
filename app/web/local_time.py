"""A moment as a supporter reads it: in their province's time zone (app.zones), with the
zone named (the thank-you page's "held until 14:05 (Eastern Time)").

A supporter in a part of a province on another zone (northwestern Ontario, the Magdalen
Islands, Lloydminster...) reads the zone named and can tell the hour in their own. A
province we do not know reads UTC, named so."""

from datetime import datetime
from zoneinfo import ZoneInfo

from app.web.i18n import Language
from app.zones import province_zone

# Each zone of app.zones, as its people name it.
ZONE_NAMES: dict[str, dict[Language, str]] = {
    "America/St_Johns": {"en": "Newfoundland Time", "fr": "heure de Terre-Neuve"},
    "America/Halifax": {"en": "Atlantic Time", "fr": "heure de l'Atlantique"},
    "America/Moncton": {"en": "Atlantic Time", "fr": "heure de l'Atlantique"},
    "America/Toronto": {"en": "Eastern Time", "fr": "heure de l'Est"},
    "America/Iqaluit": {"en": "Eastern Time", "fr": "heure de l'Est"},
    "America/Winnipeg": {"en": "Central Time", "fr": "heure du Centre"},
    # Saskatchewan keeps Central Standard Time all year: named as its people do.
    "America/Regina": {"en": "Saskatchewan Time", "fr": "heure de la Saskatchewan"},
    "America/Edmonton": {"en": "Mountain Time", "fr": "heure des Rocheuses"},
    "America/Vancouver": {"en": "Pacific Time", "fr": "heure du Pacifique"},
    "America/Whitehorse": {"en": "Yukon Time", "fr": "heure du Yukon"},
    "UTC": {"en": "UTC", "fr": "UTC"},
}


def local_time(moment: datetime, province: str, language: Language) -> str:
    """'14:05 (Eastern Time)', '14 h 05 (heure de l'Est)'."""
    zone = province_zone(province, default="UTC")
    local = moment.astimezone(ZoneInfo(zone))
    name = ZONE_NAMES[zone][language]
    if language == "fr":
        return f"{local:%H} h {local:%M} ({name})"
    return f"{local:%H:%M} ({name})"
