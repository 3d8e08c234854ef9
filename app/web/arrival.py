"""Where a supporter came from, carried by the action page into their action: the
page address's `utm_*` tags, and for the embedded page the site that framed it.

The page reads them when it is shown (GET) and keeps them in hidden fields, so the
form's POST records them whatever happens between. The embedding site is, first, the
`embedded_on` the embed snippet's script puts in the frame's address (the host page's
origin, as its script sees it); else the Referer of the frame's request, which is the
host page: browsers send its origin across sites by default, and nothing where the
host page asks for no referrer (then the site is not known). Only origins are kept,
never a path. All of it is as the browser says: a count to read, not a proof."""

from collections.abc import Iterable, Mapping

from app.fields import web_origin
from app.letters.schemas import ORIGIN_FIELDS, UTM_FIELDS

UTM_MAX = 100


def _tag(value: str) -> str:
    """A link's tag, kept as a line the API takes: invisible characters dropped, cut."""
    return "".join(char for char in value if char.isprintable()).strip()[:UTM_MAX].strip()


def arrival_fields(
    query: Mapping[str, str],
    *,
    embed: bool,
    referer: str | None = None,
    own_origins: Iterable[str | None] = (),
) -> dict[str, str]:
    """The hidden fields of a page shown at an address with `query`: the utm_* tags it
    has and, embedded, the framing site (never our own, as when the frame reloads)."""
    fields = {name: _tag(query.get(name, "")) for name in UTM_FIELDS}
    if embed:
        site = web_origin(query.get("embedded_on", "")) or web_origin(referer or "")
        if site and site not in set(own_origins):
            fields["embedded_on"] = site
    return {name: value for name, value in fields.items() if value}


def posted_arrival(form: Mapping[str, str]) -> dict[str, str]:
    """The hidden fields as the form posted them, made what the API takes (a page never
    refuses an action for its address's tags)."""
    fields = arrival_fields(form, embed=True)
    return {name: fields[name] for name in ORIGIN_FIELDS if name in fields}
