"""Letter templates render in a sandbox: an organisation's template text cannot reach
Python, files or settings, nor spin the CPU; supporter text is data, never template."""

from datetime import date

import pytest

from app.campaigns.rendering import (
    html_of,
    localised_date,
    render_text,
    sample_context,
    shipped_template,
    template_from_text,
)
from app.errors import InvalidInput

# Each reaches for Python, files, settings, or unbounded time or memory; none may even be
# saved. (Several would run, to harm, in a plain Jinja2 environment.)
HOSTILE_TEMPLATES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ intro.__class__.__init__.__globals__ }}",
    "{{ self.__init__.__globals__['os'] }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum() }}",
    "{{ range(10) }}",
    "{{ 'x' * 100000000 }}",
    "{{ 2 ** 100000000 }}",
    "{{ (((9**64)**64)**64) > 1 }}",
    "{{ ('%999999999s'|format(1))|length }}",
    "{{ '%*d' % (999999999, 1) }}",
    "{{ intro|replace('I', 'x' * 1000) }}",
    "{{ intro|center(1000000000) }}",
    "{{ intro|attr('__class__') }}",
    "{{ '{0.__class__}'.format(intro) }}",
    "{{ intro[0] }}",
    "{% set x = intro %}{{ x }}",
    "{% for c in intro %}{{ c }}{% endfor %}",
    "{% macro m() %}x{% endmacro %}",
    "{% block a %}{{ self.a() }}{% endblock %}",
    "{% include 'en/standard.j2' %}",
    "{% extends 'en/standard.j2' %}",
    "{% import 'en/standard.j2' as x %}",
    "{% filter upper %}x{% endfilter %}",
    "{{ unclosed",
    "x" * 20_001,
    # Globals and names the letter does not provide: each would print a function's name
    # and memory address, or a class, into a letter.
    "{{ lipsum }}",
    "{{ range }}",
    "{{ cycler }}",
    "{{ joiner }}",
    "{{ namespace }}",
    "{{ dict }}",
    "{{ config }}",
    "{{ request }}",
    "{{ self }}",
    "{{ loop }}",
    "{{ undefined_variable }}",
    "{% if lipsum %}x{% endif %}",
    "{{ intro|default(lipsum) }}",
    "{{ intro if range else ask }}",
    # Nested past the bound: Jinja2's parser and compiler recurse once per level, and
    # Python's compiler refuses deep nesting of blocks.
    "{% if intro %}" * 99 + "x" + "{% endif %}" * 99,
    "{% if intro %}" * 31 + "x" + "{% endif %}" * 31,
    "{{ " + "(" * 100 + "intro" + ")" * 100 + " }}",
    "{{ " + "(" * 5000 + "intro" + ")" * 5000 + " }}",
    "{{ " + "not " * 200 + "intro }}",
    "{{ " + "not " * 3000 + "intro }}",
    "{{ intro" + "|upper" * 200 + " }}",
    "{{ intro" + " and intro" * 200 + " }}",
    "{{ " + "intro if intro else " * 100 + "ask }}",
]


@pytest.mark.parametrize("text", HOSTILE_TEMPLATES)
def test_a_hostile_template_cannot_be_saved(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        template_from_text(text, "template_text.en")
    assert refused.value.errors is not None
    assert refused.value.errors[0]["field"] == "template_text.en"


@pytest.mark.parametrize(
    "text",
    ["{{ intro > 3 }}", "{{ intro < 3 }}"],
)
def test_a_template_that_fails_on_a_letter_is_a_422_naming_it(text: str) -> None:
    template = template_from_text(text, "template_text.fr")
    with pytest.raises(InvalidInput) as refused:
        render_text(template, sample_context("fr"), "template_text.fr")
    assert refused.value.errors is not None
    assert refused.value.errors[0]["field"] == "template_text.fr"


def test_what_a_letter_template_may_use_renders() -> None:
    text = (
        "{{ salutation }}\n\n{% if language == 'fr' %}Bonjour{% else %}{{ intro|upper }}"
        "{% endif %}\n\n{{ (concern ~ ' ' ~ ask)|trim }}{{ ' PS' if campaign_title }}"
    )
    rendered = render_text(template_from_text(text, "t"), sample_context("en"))
    assert rendered == "Dear Minister,\n\nINTRO.\n\nConcern. Ask. PS\n"


@pytest.mark.parametrize(
    "text",
    [
        "{% if intro %}" * 8 + "{{ ((intro))|upper|lower|trim }}" + "{% endif %}" * 8,
        "{% if intro %}" * 29 + "intro." + "{% endif %}" * 29,
        "{{ " + "not not " * 14 + "intro }}{{ '.' if intro }}",
        "{{ intro" + "|lower" * 29 + " }}",
        "{{ '' and intro" + " or intro" * 28 + " }}",
        "{{ " + "intro if intro else " * 29 + "ask }}",
        "{{ " + "(" * 8 + "intro" + ")" * 8 + " }}",
    ],
)
def test_a_template_nested_up_to_the_bound_renders(text: str) -> None:
    rendered = render_text(template_from_text(text, "t"), sample_context("en"))
    assert rendered.lower().startswith(("intro.", "true."))


def test_the_sandbox_has_no_globals() -> None:
    """The shipped templates and an organisation's render in an environment that holds
    nothing but the letter's parts: no function or class to print into a letter."""
    assert shipped_template("standard", "en").environment.globals == {}


def test_supporter_text_is_data_not_template() -> None:
    context = sample_context("en") | {"intro": "{{ 7*7 }} {% if true %}x{% endif %} {{ config }}"}
    text = render_text(shipped_template("standard", "en"), context)
    assert "{{ 7*7 }} {% if true %}x{% endif %} {{ config }}" in text
    assert "49" not in text


def test_an_organisations_template_uses_the_letters_parts() -> None:
    template = template_from_text("{{ salutation }}\n\n{{ intro|upper }}\n\n{{ signature }}", "t")
    text = render_text(template, sample_context("en"))
    assert text == "Dear Minister,\n\nINTRO.\n\nJane Doe\n"


def test_a_letter_longer_than_the_bound_is_refused() -> None:
    template = template_from_text("{{ intro }}" * 40, "t")
    with pytest.raises(InvalidInput):
        render_text(template, sample_context("en") | {"intro": "x" * 1500}, "t")


def test_a_control_character_out_of_a_template_is_refused() -> None:
    template = template_from_text("{{ intro }} {{ '\\x00' }}", "t")
    with pytest.raises(InvalidInput):
        render_text(template, sample_context("en"), "t")


def test_html_escapes_every_character_and_keeps_paragraphs() -> None:
    html = html_of('Dear Minister,\n\n<script>alert(1)</script> & "you"\nline two\n', "fr", "<b>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<html lang="fr">' in html and "<title>&lt;b&gt;</title>" in html
    assert "<p>Dear Minister,</p>" in html
    assert "&amp; &#34;you&#34;<br>\nline two</p>" in html


@pytest.mark.parametrize(
    ("day", "language", "expected"),
    [
        (date(2026, 11, 29), "en", "November 29, 2026"),
        (date(2026, 11, 29), "fr", "29 novembre 2026"),
        (date(2026, 12, 1), "fr", "1er décembre 2026"),
        (date(2026, 8, 1), "en", "August 1, 2026"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(
    day: date, language: str, expected: str
) -> None:
    assert localised_date(day, language) == expected
