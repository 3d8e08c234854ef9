"""Letters rendered from Jinja2 templates in a sandbox.

Templates are code an organisation may write (a campaign can carry its own template
text), so they render in a SandboxedEnvironment that cannot reach Python objects, files
or settings, with `range` and friends removed, string and number growth bounded, and no
loops, macros or includes allowed in an organisation's template. Supporter text is only
ever a value in the context, never template source: "{{ 7*7 }}" in an intro stays
exactly that."""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from app.errors import InvalidInput

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "letter_templates"
SHIPPED_TEMPLATES = ("standard",)
MAX_OUTPUT_CHARS = 50_000
MAX_TEMPLATE_CHARS = 20_000
# Nodes an organisation's template may not use: loops and macros could spin the CPU,
# and includes or imports could pull in text we did not vet.
FORBIDDEN_NODES: tuple[type[nodes.Node], ...] = (
    nodes.For,
    nodes.Macro,
    nodes.CallBlock,
    nodes.Include,
    nodes.Import,
    nodes.FromImport,
    nodes.Extends,
)
MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre",
    ),
}  # fmt: skip


class LetterEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and (not isinstance(right, int) or abs(right) > 64):
            raise TemplateError("exponents above 64 are not allowed in letter templates")
        if operator == "*" and isinstance(left, int | float) and isinstance(right, str | list):
            left, right = right, left
        if operator == "*" and isinstance(left, str | list) and len(left) * int(right) > 1000:
            raise TemplateError("repeating text more than 1,000 characters is not allowed")
        return super().call_binop(context, operator, left, right)


@lru_cache
def environment() -> LetterEnvironment:
    env = LetterEnvironment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        undefined=StrictUndefined,
        autoescape=False,
        auto_reload=False,
        keep_trailing_newline=False,
    )
    for name in ("range", "lipsum", "cycler", "joiner", "namespace"):
        env.globals.pop(name, None)
    return env


def shipped_template(name: str, language: str) -> Template:
    return environment().get_template(f"{language}/{name}.j2")


def template_from_text(text: str, field: str) -> Template:
    """An organisation's template, refused (422, naming `field`) if it does not parse,
    uses a forbidden construct, or is too long."""

    def refuse(message: str) -> InvalidInput:
        return InvalidInput(errors=[{"field": field, "in": "body", "message": message}])

    if len(text) > MAX_TEMPLATE_CHARS:
        raise refuse(f"is longer than {MAX_TEMPLATE_CHARS} characters")
    env = environment()
    try:
        tree = env.parse(text)
    except TemplateError as error:
        line = getattr(error, "lineno", None)
        raise refuse(f"line {line}: {error.message}" if line else str(error)) from None
    for node_type in FORBIDDEN_NODES:
        found = next(iter(tree.find_all(node_type)), None)
        if found is not None:
            name = node_type.__name__.lower()
            raise refuse(f"line {found.lineno}: {name} blocks are not allowed in a letter template")
    return env.from_string(text)


def render_text(template: Template, context: dict[str, str], field: str = "template") -> str:
    """The letter's text; a template that fails (an unknown variable, a sandbox refusal)
    is a 422 naming `field`, since only an organisation's own template can fail."""
    chunks: list[str] = []
    size = 0
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateError(f"the letter is longer than {MAX_OUTPUT_CHARS} characters")
            chunks.append(chunk)
    except (TemplateError, TypeError, ValueError, ArithmeticError) as error:
        message = getattr(error, "message", None) or str(error)
        raise InvalidInput(
            errors=[{"field": field, "in": "body", "message": f"cannot be rendered: {message}"}]
        ) from None
    return tidy("".join(chunks))


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row, one newline at the end."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept) + "\n"


def paragraphs(text: str) -> Iterable[list[str]]:
    block: list[str] = []
    for line in text.splitlines():
        if line:
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def html_of(text: str, language: str, title: str) -> str:
    """The same words as `text`, as HTML: every character escaped, paragraphs kept."""
    body = "\n".join(
        "<p>" + "<br>\n".join(str(escape(line)) for line in block) + "</p>"
        for block in paragraphs(text)
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def localised_date(day: date, language: str) -> str:
    """'November 29, 2026' / '29 novembre 2026' ('1er décembre 2026' on the first)."""
    month = MONTHS[language][day.month - 1]
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{month} {day.day}, {day.year}"


def sample_context(language: str) -> dict[str, str]:
    """A context to try an organisation's template with when it is saved."""
    return {
        "sender_block": "Jane Doe\n1 Main Street\nOttawa ON  K1A 0A6\njane@example.org",
        "sender_city": "Ottawa",
        "date": localised_date(date(2026, 1, 1), language),
        "recipient_block": "The Honourable Jane Doe, P.C., M.P.\nHouse of Commons",
        "subject": "Subject",
        "salutation": "Dear Minister,",
        "intro": "Intro.",
        "concern": "Concern.",
        "ask": "Ask.",
        "closing": "Sincerely,",
        "signature": "Jane Doe",
        "signature_place": "Ottawa, Ontario",
        "campaign_title": "Title",
        "language": language,
    }
