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
from typing import Any

from app.letters.schemas import ActionOut
from app.sealing import InvalidToken, sealer
from app.settings import Settings

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
        "next_step": action.next_step,
        "letters": [
            {
                "recipient": letter.recipient.model_dump(mode="json", exclude={"id"}),
                "subject": letter.subject,
                "channel": letter.channel,
                "status": letter.status,
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
