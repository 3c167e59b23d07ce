"""The prospect status machine and capture identity (prospects domain: status, rows)."""

import itertools

import pytest

from clientela.errors import Conflict, InvalidInput
from clientela.services.prospects.domain.rows import capture_key
from clientela.services.prospects.domain.status import (
    TRANSITIONS,
    check_transition,
    status_after_contact,
)
from clientela.vocabulary import INTERACTION_OUTCOMES, PROSPECT_STATUSES

ALLOWED = {
    "new": ["contacted", "converted", "disqualified", "qualified"],
    "contacted": ["converted", "disqualified", "qualified"],
    "qualified": ["contacted", "converted", "disqualified"],
    "disqualified": ["contacted", "new"],
    "converted": [],
}
"""The pipeline as specified: where a prospect may go from each status."""

MOVES = list(itertools.product(PROSPECT_STATUSES, PROSPECT_STATUSES))
ALLOWED_MOVES = [(current, target) for current, target in MOVES if target in ALLOWED[current]]
REFUSED_MOVES = [(current, target) for current, target in MOVES if target not in ALLOWED[current]]


def test_the_transition_table_is_the_specified_pipeline():
    assert {status: sorted(targets) for status, targets in TRANSITIONS.items()} == ALLOWED
    assert set(PROSPECT_STATUSES) == set(ALLOWED)


@pytest.mark.parametrize(("current", "target"), ALLOWED_MOVES)
def test_allowed_moves_pass(current, target):
    check_transition(current, target, reason="duplicate of another prospect")


@pytest.mark.parametrize(("current", "target"), REFUSED_MOVES)
def test_refused_moves_are_a_conflict_naming_the_allowed_moves(current, target):
    with pytest.raises(Conflict) as raised:
        check_transition(current, target, reason="any reason")

    allowed = ", ".join(ALLOWED[current]) or "none"
    assert str(raised.value) == (
        f"status: cannot go from {current} to {target} (allowed: {allowed})"
    )


def test_no_status_moves_to_itself():
    for status in PROSPECT_STATUSES:
        with pytest.raises(Conflict):
            check_transition(status, status)


@pytest.mark.parametrize("target", PROSPECT_STATUSES)
def test_converted_is_final(target):
    with pytest.raises(Conflict, match=r"\(allowed: none\)$"):
        check_transition("converted", target, reason="changed their mind")


def test_an_unknown_current_status_allows_nothing():
    with pytest.raises(Conflict, match=r"from archived to new \(allowed: none\)"):
        check_transition("archived", "new")


def test_an_unknown_target_is_refused():
    with pytest.raises(Conflict, match="cannot go from new to archived"):
        check_transition("new", "archived")


@pytest.mark.parametrize("current", ["new", "contacted", "qualified"])
@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_disqualifying_needs_a_reason(current, reason):
    with pytest.raises(InvalidInput) as raised:
        check_transition(current, "disqualified", reason)

    assert raised.value.errors == {"reason": ["Required when the status becomes disqualified."]}
    assert str(raised.value) == "reason: Required when the status becomes disqualified."


@pytest.mark.parametrize(
    ("current", "target"),
    [(current, target) for current, target in ALLOWED_MOVES if target != "disqualified"],
)
def test_other_moves_need_no_reason(current, target):
    check_transition(current, target)


def test_a_refused_move_to_disqualified_is_a_conflict_even_without_reason():
    with pytest.raises(Conflict):
        check_transition("converted", "disqualified")


# --- status after a logged interaction -------------------------------------------------------


@pytest.mark.parametrize(
    "outcome", [outcome for outcome in INTERACTION_OUTCOMES if outcome != "no_answer"]
)
def test_reaching_a_new_prospect_makes_it_contacted(outcome):
    assert status_after_contact("new", outcome) == "contacted"


def test_no_answer_leaves_a_new_prospect_new():
    assert status_after_contact("new", "no_answer") is None


@pytest.mark.parametrize(
    ("current", "outcome"),
    itertools.product(
        ["contacted", "qualified", "converted", "disqualified"], INTERACTION_OUTCOMES
    ),
)
def test_an_interaction_leaves_any_other_status(current, outcome):
    assert status_after_contact(current, outcome) is None


# --- capture identity ------------------------------------------------------------------------

ROW = {
    "fields": {"email": "ana@x.mx", "first_name": "Ana", "phone": "5511112222"},
    "consent": {"purpose": "contact", "given_at": "2024-03-05", "method": "web form"},
}
ORIGIN = {"fair": "Expo Textil", "fair_date": "2024-03-05"}


def reversed_dict(mapping):
    """The same mapping with its keys (and nested mappings' keys) in reverse order."""
    return {
        key: reversed_dict(value) if isinstance(value, dict) else value
        for key, value in reversed(mapping.items())
    }


def test_capture_key_is_a_stable_short_fingerprint():
    key = capture_key("fairs", ROW, ORIGIN)

    assert key == capture_key("fairs", ROW, ORIGIN)
    assert len(key) == 32
    assert int(key, 16) >= 0


def test_capture_key_ignores_dict_ordering():
    assert list(reversed_dict(ROW)) != list(ROW)

    assert capture_key("fairs", reversed_dict(ROW), reversed_dict(ORIGIN)) == capture_key(
        "fairs", ROW, ORIGIN
    )


@pytest.mark.parametrize(
    ("source", "row", "origin"),
    [
        ("webforms", ROW, ORIGIN),
        ("fairs", ROW, {**ORIGIN, "fair": "Expo Moda"}),
        ("fairs", ROW, {"fair": "Expo Textil"}),
        ("fairs", ROW, {}),
        ("fairs", {**ROW, "fields": {**ROW["fields"], "email": "ana.ruiz@x.mx"}}, ORIGIN),
        ("fairs", {**ROW, "consent": {}}, ORIGIN),
    ],
    ids=["other-source", "other-fair", "no-fair-date", "no-origin", "other-email", "no-consent"],
)
def test_capture_key_differs_when_anything_captured_differs(source, row, origin):
    assert capture_key(source, row, origin) != capture_key("fairs", ROW, ORIGIN)


def test_capture_key_handles_text_beyond_ascii():
    row = {"fields": {"first_name": "María José Núñez"}, "consent": {}}

    assert capture_key("fairs", row, {}) != capture_key(
        "fairs", {"fields": {"first_name": "Maria Jose Nunez"}, "consent": {}}, {}
    )
