"""The House of Commons' short honorific for a member ("Hon.", "Right Hon.", "Mr.",
"Mrs.", "Ms.", or empty, as ourcommons.ca publishes PersonShortHonorific) read as what
letters need: the honorific to print, and the member's gender where the courtesy title
gives it. Nothing is guessed: no courtesy title, no gender."""

from typing import Literal

Gender = Literal["female", "male"]

STYLES = {"hon.": "The Honourable", "right hon.": "The Right Honourable"}
COURTESY_GENDERS: dict[str, Gender] = {
    "mr.": "male", "mr": "male", "m.": "male",
    "mrs.": "female", "mrs": "female", "ms.": "female", "ms": "female", "miss": "female",
    "mme": "female", "mme.": "female",
}  # fmt: skip


def read_house_honorific(short: str | None) -> tuple[str | None, Gender | None]:
    """('The Honourable', None) for "Hon."; (None, 'female') for "Ms."; (None, None) for
    nothing or anything unknown."""
    key = (short or "").strip().casefold()
    return STYLES.get(key), COURTESY_GENDERS.get(key)
