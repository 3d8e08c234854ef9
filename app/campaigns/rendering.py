"""Letters rendered from Jinja2 templates in a sandbox.

Templates are code an organisation may write (a campaign can carry its own template
text), so they render in a SandboxedEnvironment, and an organisation's template may use
only text, variables, conditions and a few filters (ALLOWED_* below), checked when it is
saved: nothing in it can reach Python objects, files or settings, loop, or grow.
Supporter text is only ever a value in the context, never template source: "{{ 7*7 }}"
in an intro stays exactly that."""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from app.errors import invalid_field
from app.fields import reject_control_characters_but_newlines

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "letter_templates"
SHIPPED_TEMPLATES = ("standard",)
MAX_OUTPUT_CHARS = 50_000
MAX_TEMPLATE_CHARS = 20_000
# Nodes an organisation's template may not use: loops and macros could spin the CPU,
# and includes or imports could pull in text we did not vet.
# What an organisation's template may use: text, variables, conditions, and a few filters.
# Anything else (calls, attribute and item access, arithmetic, loops, blocks, macros,
# includes) is refused when the template is saved, so that no template can reach
# Python objects, files or settings, nor make a letter take long or grow large.
ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.If,
    nodes.CondExpr, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
    nodes.Filter, nodes.Test, nodes.Concat,
)  # fmt: skip
ALLOWED_FILTERS = {"upper", "lower", "trim", "capitalize", "title", "default", "d"}
ALLOWED_TESTS = {"defined", "undefined", "none", "string"}
# Jinja2's parser and compiler, and Python's, recurse once per level of nesting: a deep
# template would exhaust the stack. Letters need a few levels; these bounds leave room.
MAX_TEMPLATE_DEPTH = 32  # nodes from the template's root to its deepest leaf
MAX_BRACKET_DEPTH = 8  # brackets leave no node behind, so they are counted in the source
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


@lru_cache
def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        undefined=StrictUndefined,
        autoescape=False,
        auto_reload=False,
    )
    # Jinja2's globals (range, dict, lipsum, cycler, joiner, namespace) print as a
    # function's name and memory address: a letter has no use for any of them.
    env.globals.clear()
    return env


def shipped_template(name: str, language: str) -> Template:
    return environment().get_template(f"{language}/{name}.j2")


def _deepest_bracket(text: str) -> int:
    """How deeply brackets nest, read from the tokens (the lexer does not recurse)."""
    depth = deepest = 0
    for _, kind, value in environment().lex(text):
        if kind == "operator" and value in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "operator" and value in ")]}":
            depth -= 1
    return deepest


def _depth(tree: nodes.Template) -> int:
    """How many nodes deep the tree goes, walked without recursion."""
    deepest = 0
    stack: list[tuple[nodes.Node, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_TEMPLATE_DEPTH:
            stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest


def _first_disallowed(tree: nodes.Template) -> nodes.Node | None:
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES):
            return node
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            return node
        if isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            return node
        if isinstance(node, nodes.Name) and node.name not in LETTER_VARIABLES:
            return node
    return None


def _refusal(refused: nodes.Node) -> str:
    if isinstance(refused, nodes.Name):
        return (
            f"line {refused.lineno}: {refused.name!r} is not one of the letter's variables "
            f"({', '.join(sorted(LETTER_VARIABLES))})"
        )
    named = isinstance(refused, nodes.Filter | nodes.Test)
    what = getattr(refused, "name", None) if named else None
    name = f"the {what!r} {type(refused).__name__.lower()}" if what else type(refused).__name__
    return (
        f"line {refused.lineno}: {name} is not allowed in a letter template (variables, "
        f"if, and the filters {', '.join(sorted(ALLOWED_FILTERS))} are)"
    )


def _parse(text: str, field: str) -> nodes.Template:
    too_deep = invalid_field(
        field, f"nests more deeply than a letter template may ({MAX_TEMPLATE_DEPTH} levels)"
    )
    try:
        if _deepest_bracket(text) > MAX_BRACKET_DEPTH:
            raise invalid_field(
                field,
                f"nests brackets more deeply than a letter template may "
                f"({MAX_BRACKET_DEPTH} levels)",
            )
        tree = environment().parse(text)
    except TemplateError as error:
        line = getattr(error, "lineno", None)
        raise invalid_field(
            field, f"line {line}: {error.message}" if line else str(error)
        ) from None
    except RecursionError:
        raise too_deep from None
    if _depth(tree) > MAX_TEMPLATE_DEPTH:
        raise too_deep
    return tree


@lru_cache(maxsize=512)
def template_from_text(text: str, field: str) -> Template:
    """An organisation's template, compiled once per text; refused (422, naming `field`)
    if it does not parse, uses anything but what ALLOWED_* list, or is too long."""
    if len(text) > MAX_TEMPLATE_CHARS:
        raise invalid_field(field, f"is longer than {MAX_TEMPLATE_CHARS} characters")
    refused = _first_disallowed(_parse(text, field))
    if refused is not None:
        raise invalid_field(field, _refusal(refused))
    try:
        return environment().from_string(text)
    except (TemplateError, RecursionError, SyntaxError) as error:  # past every bound above
        raise invalid_field(field, f"cannot be compiled: {error}") from None


def render_text(template: Template, context: dict[str, str], field: str = "template") -> str:
    """The letter's text. Only an organisation's own template can fail (an unknown
    variable, a comparison of the wrong types): that is a 422 naming `field`."""
    chunks: list[str] = []
    size = 0
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateError(f"the letter is longer than {MAX_OUTPUT_CHARS} characters")
            chunks.append(chunk)
        text = tidy("".join(chunks))
        reject_control_characters_but_newlines(text)
    # The template is the organisation's code: any failure is theirs (RecursionError too,
    # which is an Exception).
    except Exception as error:
        message = getattr(error, "message", None) or str(error)
        raise invalid_field(field, f"cannot be rendered: {message}") from None
    return text


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


LETTER_VARIABLES = frozenset(
    {
        "sender_block", "sender_city", "date", "recipient_block", "subject", "salutation",
        "intro", "concern", "ask", "closing", "signature", "signature_place",
        "campaign_title", "language",
    }
)  # fmt: skip


def sample_context(language: str) -> dict[str, str]:
    """A context to try an organisation's template with when it is saved."""
    return {
        "sender_block": "Jane Doe\n1 Main Street\nOttawa ON  K1A 0A6\njane@example.org",
        "sender_city": "Ottawa",
        "date": localised_date(date(2026, 1, 1), language),
        "recipient_block": "The Honourable Jane Doe, P.C., M.P.\nHouse of Commons",
        "subject": "Subject",
        "salutation": "Dear Minister,",
        "constituency": "Constituency.",
        "intro": "Intro.",
        "concern": "Concern.",
        "ask": "Ask.",
        "reply_request": "Reply request.",
        "closing": "Sincerely,",
        "signature": "Jane Doe",
        "signature_place": "Ottawa, Ontario",
        "campaign_title": "Title",
        "language": language,
    }
