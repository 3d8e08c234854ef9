"""'Did you mean …?' for email domains: slips of the keys on common providers' domains
are caught; real domains near them, and domains right as typed, are left alone."""

import pytest

from app.letters.typos import suggest_email


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("amelie@gmial.com", "amelie@gmail.com"),  # two letters swapped
        ("amelie@hotmial.com", "amelie@hotmail.com"),
        ("amelie@gmail.con", "amelie@gmail.com"),  # the top-level domain
        ("amelie@gmai.com", "amelie@gmail.com"),  # a letter left out
        ("amelie@gmaill.com", "amelie@gmail.com"),  # one too many
        ("amelie@yahooo.ca", "amelie@yahoo.ca"),
        ("amelie@outlok.com", "amelie@outlook.com"),
        ("amelie@videotron.com", "amelie@videotron.ca"),
        ("amelie@example.con", "amelie@example.com"),  # .com mistyped on any domain
        ("Amelie.T@GMIAL.COM", "Amelie.T@gmail.com"),  # the local part kept as typed
    ],
)
def test_a_slip_on_a_common_domain_is_suggested(typed: str, meant: str) -> None:
    assert suggest_email(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "amelie@gmail.com",
        "amelie@hotmail.ca",
        "amelie@protonmail.ch",
        "amelie@mc.com",  # one letter from me.com, but a short domain is too often real
        "amelie@yahoo.fr",
        "amelie@example.org",
        "amelie@",
        "@gmial.com",
        "not an address",
    ],
)
def test_a_domain_right_as_typed_or_no_address_gets_nothing(typed: str) -> None:
    assert suggest_email(typed) is None
