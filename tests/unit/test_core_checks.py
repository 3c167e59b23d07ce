"""Checks on the inputs of the services' rules: each refusal names its field."""

from datetime import UTC, datetime

import pytest

from clientela.checks import (
    invalid,
    raise_problems,
    require_aware,
    require_optional_aware,
    require_text,
    whole_number_problem,
)
from clientela.errors import InvalidInput


def test_an_invalid_field_is_reported_as_marshmallow_reports_it():
    assert invalid("email", "Not valid.").errors == {"email": ["Not valid."]}


def test_every_field_with_a_problem_is_named_at_once():
    with pytest.raises(InvalidInput) as refused:
        raise_problems({"days": "Too few.", "name": None, "months": "Too many."})

    assert refused.value.errors == {"days": ["Too few."], "months": ["Too many."]}


def test_no_problem_raises_nothing():
    raise_problems({"days": None, "name": None})


@pytest.mark.parametrize("moment", [datetime(2026, 3, 1), "2026-03-01T00:00:00Z", None])
def test_an_instant_must_be_an_aware_datetime(moment):
    with pytest.raises(InvalidInput) as refused:
        require_aware("at", moment)

    assert refused.value.errors == {"at": ["Must be a time-zone aware datetime."]}


def test_an_optional_instant_may_be_missing_but_not_naive():
    require_optional_aware("closed_at", None)
    require_optional_aware("closed_at", datetime(2026, 3, 1, tzinfo=UTC))

    with pytest.raises(InvalidInput):
        require_optional_aware("closed_at", datetime(2026, 3, 1))


@pytest.mark.parametrize("value", ["", "   ", None, 7])
def test_text_must_not_be_blank(value):
    with pytest.raises(InvalidInput) as refused:
        require_text("reason", value)

    assert refused.value.errors == {"reason": ["Must not be blank."]}


@pytest.mark.parametrize("value", [0, 5])
def test_a_whole_number_at_least_the_minimum_has_no_problem(value):
    assert whole_number_problem(value, 0) is None


@pytest.mark.parametrize("value", [-1, 1.0, True, "3", None])
def test_anything_else_is_not_a_whole_number(value):
    assert whole_number_problem(value, 0) == "Must be a whole number, at least 0."


def test_a_whole_number_problem_names_its_unit():
    assert whole_number_problem(0, 1, "days") == "Must be a whole number of days, at least 1."
