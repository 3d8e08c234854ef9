"""The thank-you page's address: what it shows, sealed into the URL itself.

The form's POST answers 303 to this address, so reloading or going back shows the
thank-you again and never posts twice. The page shows what the answer to the action
held (the supporter's first name and address, their letters' recipients, subjects and
channels), encrypted and authenticated with a key of its own (`sealing`): nobody can
read it from the address or forge one. Nothing is looked up by the address: a repeat by
an anonymous caller is answered with letters that name nothing stored, and its
thank-you address is made the same way from that answer, so it reveals nothing a first
action's would not (README, "Who took action stays private")."""

import json
import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.db import utcnow
from app.letters.schemas import ActionOut
from app.sealing import InvalidToken, sealer
from app.settings import Settings
from app.web import i18n
from app.web.i18n import Language
from app.web.local_time import local_time

PURPOSE = "thank-you page"
VALID_DAYS = 30  # long enough to come back to; the address holds a name and an email


def seal_thanks(
    settings: Settings,
    action: ActionOut,
    form: dict[str, str],
    letters_page: str = "",
    not_sent: Sequence[str] = (),
) -> str:
    """`letters_page`: the sealed address of the supporter's letters page, where the
    thank-you page links to it. `not_sent`: why a target got no letter, in the page's
    language, one line each (the page never hides a target it could not write to)."""
    shown = {
        "letters_page": letters_page,
        "first_name": form.get("first_name", "").strip(),
        "email": form.get("email", "").strip(),
        "province": form.get("province", "").strip()[:2],
        "next_step": action.next_step,
        "letters": [
            {
                "recipient": letter.recipient.model_dump(mode="json", exclude={"id"}),
                "subject": letter.subject,
                "channel": letter.channel,
                "status": letter.status,
                "hold_until": letter.hold_until.isoformat() if letter.hold_until else None,
            }
            for letter in action.letters
        ],
        "not_sent": list(not_sent),
    }
    packed = zlib.compress(json.dumps(shown, separators=(",", ":")).encode(), 9)
    return sealer(settings, PURPOSE).encrypt(packed).decode()


def open_thanks(settings: Settings, token: str) -> dict[str, Any] | None:
    """What a thank-you address shows, or None for one we did not make or too old."""
    try:
        packed = sealer(settings, PURPOSE).decrypt(token.encode(), ttl=VALID_DAYS * 86400)
    except (InvalidToken, ValueError):
        return None
    shown: dict[str, Any] = json.loads(zlib.decompress(packed))
    return shown


def held_until(letter: dict[str, Any]) -> datetime | None:
    """When a letter shown leaves its hold window, while it is still in it; else None.
    The page looks nothing up: a letter held when the action was taken is told as held
    until its time, and after that as out of its window (its letters page says more)."""
    until = letter.get("hold_until")
    if letter.get("status") != "queued" or not until:
        return None
    moment = datetime.fromisoformat(until)
    return moment if moment > utcnow() else None


def letter_state(
    letter: dict[str, Any], province: str, language: Language, has_letters_page: bool
) -> str:
    """One letter's state as the supporter reads it, from what the address holds:
    waiting for confirmation, held until a local time (stoppable from the letters page),
    out of its window, or queued."""
    until = held_until(letter)
    if until is not None:
        held = i18n.text("status_held", language, time=local_time(until, province, language))
        stop = i18n.text("status_held_stop", language) if has_letters_page else ""
        return f"{held}{stop}"
    if letter.get("status") == "queued" and letter.get("hold_until"):
        ended = datetime.fromisoformat(letter["hold_until"])
        time = local_time(ended, province, language)
        return i18n.text("status_hold_over", language, time=time)
    return i18n.text(f"status_{letter['status']}", language)
