"""Canada's provinces and territories, each in one IANA time zone: where its capital and
most of its people are. Used for an office's hours and its digest's hour
(app.delivery) and for the moment a supporter reads on a page (app.web.local_time).

Provinces with several zones keep their main one: parts of Labrador (Atlantic), Quebec's
Lower North Shore and Magdalen Islands (Atlantic), northwestern Ontario (Central),
Lloydminster (Mountain, Saskatchewan keeping no summer time), the Peace River and East
Kootenay regions of British Columbia (Mountain) and Nunavut's Kivalliq and Kitikmeot
regions (Central, Mountain). An office or a supporter there is off by one hour at most."""

PROVINCE_ZONES: dict[str, str] = {
    "NL": "America/St_Johns",
    "NS": "America/Halifax",
    "PE": "America/Halifax",
    "NB": "America/Moncton",
    "QC": "America/Toronto",
    "ON": "America/Toronto",
    "MB": "America/Winnipeg",
    "SK": "America/Regina",
    "AB": "America/Edmonton",
    "BC": "America/Vancouver",
    "YT": "America/Whitehorse",
    "NT": "America/Edmonton",
    "NU": "America/Iqaluit",
}
# No province known: Parliament's and most federal offices' own (Ottawa).
OTTAWA = "America/Toronto"


def province_zone(province: str | None, default: str = OTTAWA) -> str:
    """The IANA zone of a province or territory code ('ns', 'NS'), else `default`."""
    return PROVINCE_ZONES.get(str(province or "").strip().upper(), default)
