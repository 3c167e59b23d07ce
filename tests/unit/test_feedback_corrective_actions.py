"""Corrective-action plans: planned, done, effect checked; linked to complaints; overdue."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.errors import Conflict, InvalidInput
from clientela.services.feedback.domain.corrective_actions import ActionStatus, CorrectiveAction

DUE = datetime(2026, 4, 30, tzinfo=UTC)
DAY = timedelta(days=1)
PLAN = CorrectiveAction(
    action_ref="ca-1",
    cause="Boxes too thin for glassware.",
    action="Switch to double-wall boxes.",
    owner="luz",
    due_at=DUE,
    complaint_refs=("c1",),
)


def test_a_plan_is_done_then_checked_effective():
    done = PLAN.complete(DUE - 5 * DAY)
    checked = done.check_effect(DUE + 30 * DAY, effective=True, note="No breakage since.")

    assert [p.status for p in (PLAN, done, checked)] == [
        ActionStatus.PLANNED,
        ActionStatus.DONE,
        ActionStatus.EFFECTIVE,
    ]
    assert checked.effect_note == "No breakage since."


def test_an_ineffective_plan_is_recorded_as_such():
    checked = PLAN.complete(DUE).check_effect(DUE + DAY, effective=False, note="Two more broken.")

    assert checked.status is ActionStatus.INEFFECTIVE


def test_a_plan_is_overdue_only_while_not_done_after_its_due_date():
    assert not PLAN.is_overdue(DUE)
    assert PLAN.is_overdue(DUE + DAY)
    assert not PLAN.complete(DUE + DAY).is_overdue(DUE + 2 * DAY)


def test_linking_a_complaint_twice_links_it_once():
    linked = PLAN.link("c2").link("c2").link("c1")

    assert linked.complaint_refs == ("c1", "c2")


@pytest.mark.parametrize(
    "step",
    [
        lambda p: p.complete(DUE).complete(DUE + DAY),
        lambda p: p.check_effect(DUE, effective=True, note="Too soon."),
        lambda p: p.complete(DUE).check_effect(DUE, True, "Ok.").check_effect(DUE, False, "No."),
    ],
    ids=["complete twice", "check before done", "check twice"],
)
def test_illegal_transitions_are_conflicts(step):
    with pytest.raises(Conflict):
        step(PLAN)


def test_the_effect_cannot_be_checked_before_the_action_was_done():
    with pytest.raises(InvalidInput) as raised:
        PLAN.complete(DUE).check_effect(DUE - DAY, effective=True, note="Backdated.")

    assert list(raised.value.errors) == ["at"]


@pytest.mark.parametrize("field", ["cause", "action", "owner"])
def test_a_plan_needs_its_cause_action_and_owner(field):
    values = {
        "action_ref": "ca-2",
        "cause": "c",
        "action": "a",
        "owner": "o",
        "due_at": DUE,
        field: " ",
    }

    with pytest.raises(InvalidInput) as raised:
        CorrectiveAction(**values)

    assert list(raised.value.errors) == [field]


def test_an_effect_without_completion_is_refused():
    with pytest.raises(InvalidInput) as raised:
        CorrectiveAction("ca-3", "c", "a", "o", DUE, effective=True)

    assert list(raised.value.errors) == ["effective"]
