"""Prospect rules: the status machine and what identifies a person and a capture."""

import pytest

from clientela.errors import Conflict
from clientela.services.prospects.domain import capture_key, check_transition, email_key


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("new", "contacted"),
        ("new", "qualified"),
        ("new", "converted"),
        ("new", "disqualified"),
        ("contacted", "qualified"),
        ("contacted", "converted"),
        ("qualified", "contacted"),
        ("qualified", "converted"),
        ("qualified", "disqualified"),
        ("disqualified", "new"),
    ],
)
def test_allowed_transitions(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("converted", "new", "none"),
        ("converted", "disqualified", "none"),
        ("disqualified", "converted", "new"),
        ("disqualified", "qualified", "new"),
        ("new", "new", "contacted, converted, disqualified, qualified"),
        ("contacted", "new", "converted, disqualified, qualified"),
    ],
)
def test_illegal_transitions_are_a_conflict_naming_status_and_the_allowed_targets(
    current, target, allowed
):
    with pytest.raises(Conflict) as raised:
        check_transition(current, target)

    message = str(raised.value)
    assert message.startswith("status:")
    assert f"from {current} to {target}" in message
    assert f"(allowed: {allowed})" in message


def test_an_unknown_current_status_allows_nothing():
    with pytest.raises(Conflict, match="allowed: none"):
        check_transition("archived", "new")


@pytest.mark.parametrize(
    "email", ["ana@example.com", "  Ana@Example.COM ", "ANA@EXAMPLE.COM\t", "\nana@example.com"]
)
def test_email_key_ignores_surrounding_spaces_and_case(email):
    assert email_key(email) == "ana@example.com"


FIELDS = {"email": "ana@example.com", "first_name": "Ana"}
ORIGIN = {"fair": "Expo 2026"}


def test_capture_key_is_stable_for_equal_input():
    reordered = {"first_name": "Ana", "email": "ana@example.com"}

    assert capture_key("fairs", FIELDS, ORIGIN) == capture_key("fairs", reordered, dict(ORIGIN))


@pytest.mark.parametrize(
    ("source", "fields", "origin"),
    [
        ("webforms", FIELDS, ORIGIN),
        ("fairs", {**FIELDS, "first_name": "Anabel"}, ORIGIN),
        ("fairs", {**FIELDS, "company": "Acme"}, ORIGIN),
        ("fairs", FIELDS, {"fair": "Expo 2027"}),
        ("fairs", FIELDS, {}),
    ],
    ids=["source", "field-value", "extra-field", "origin-value", "no-origin"],
)
def test_capture_key_differs_when_anything_captured_differs(source, fields, origin):
    assert capture_key(source, fields, origin) != capture_key("fairs", FIELDS, ORIGIN)
