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

HOSTILE_TEMPLATES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ intro.__class__.__init__.__globals__ }}",
    "{{ self.__init__.__globals__['os'] }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__ }}",
    "{{ config }}",
    "{{ request }}",
    "{{ range(10) }}",
    "{{ 'x' * 100000000 }}",
    "{{ 100000000 * 'x' }}",
    "{{ 2 ** 100000000 }}",
    "{{ undefined_variable }}",
]


@pytest.mark.parametrize("text", HOSTILE_TEMPLATES)
def test_a_hostile_template_is_refused_not_run(text: str) -> None:
    template = template_from_text(text, "template_text.en")
    with pytest.raises(InvalidInput) as refused:
        render_text(template, sample_context("en"), "template_text.en")
    assert refused.value.errors is not None
    assert refused.value.errors[0]["field"] == "template_text.en"


@pytest.mark.parametrize(
    "text",
    [
        "{% for c in intro %}{{ c }}{% endfor %}",
        "{% macro m() %}x{% endmacro %}",
        "{% include 'en/standard.j2' %}",
        "{% extends 'en/standard.j2' %}",
        "{% import 'en/standard.j2' as x %}",
        "{{ unclosed",
        "x" * 20_001,
    ],
)
def test_loops_macros_includes_and_broken_templates_are_refused_when_saved(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        template_from_text(text, "template_text.fr")
    assert refused.value.errors is not None
    assert refused.value.errors[0]["field"] == "template_text.fr"


def test_supporter_text_is_data_not_template() -> None:
    context = sample_context("en") | {"intro": "{{ 7*7 }} {% if true %}x{% endif %} {{ config }}"}
    text = render_text(shipped_template("standard", "en"), context)
    assert "{{ 7*7 }} {% if true %}x{% endif %} {{ config }}" in text
    assert "49" not in text


def test_an_organisations_template_uses_the_letters_parts() -> None:
    template = template_from_text("{{ salutation }}\n\n{{ intro|upper }}\n\n{{ signature }}", "t")
    text = render_text(template, sample_context("en"))
    assert text == "Dear Minister,\n\nINTRO.\n\nJane Doe\n"


def test_an_endless_output_is_cut_off() -> None:
    context = sample_context("en") | {"intro": "x" * 60_000}
    with pytest.raises(InvalidInput):
        render_text(shipped_template("standard", "en"), context)


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
