"""One table of provinces' time zones (app.zones) serves office hours, digests and the
pages; every zone in it has a name a supporter reads, in both languages."""

from datetime import UTC, datetime

from app.web.local_time import ZONE_NAMES, local_time
from app.zones import PROVINCE_ZONES, province_zone


def test_every_provinces_zone_is_named_in_both_languages() -> None:
    for zone in PROVINCE_ZONES.values():
        assert set(ZONE_NAMES[zone]) == {"en", "fr"}, zone


def test_a_province_code_finds_its_zone_whatever_its_case() -> None:
    assert province_zone("ns") == province_zone(" NS ") == "America/Halifax"
    assert province_zone(None) == province_zone("ZZ") == "America/Toronto"
    assert province_zone("ZZ", default="UTC") == "UTC"


def test_a_moment_reads_in_the_supporters_zone() -> None:
    moment = datetime(2026, 11, 30, 19, 5, tzinfo=UTC)
    assert local_time(moment, "AB", "en") == "12:05 (Mountain Time)"
    assert local_time(moment, "qc", "fr") == "14 h 05 (heure de l'Est)"
    assert local_time(moment, "SK", "en") == "13:05 (Saskatchewan Time)"
    assert local_time(moment, "", "en") == "19:05 (UTC)"
