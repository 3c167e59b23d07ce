"""The survey_triggers setting: which trigger sends which survey on which channel."""

import pytest

from clientela.errors import InvalidInput
from clientela.services.feedback.domain.invitations import Trigger
from clientela.services.feedback.domain.trigger_rules import (
    TriggerRule,
    invitation_id,
    trigger_rules,
)


def test_rules_map_triggers_to_a_survey_and_a_channel():
    rules = trigger_rules(
        "purchase=after-purchase/email, complaint_resolved = recovery/sms,panel=q/panel"
    )
    assert rules == {
        Trigger.PURCHASE: TriggerRule("after-purchase", "email"),
        Trigger.COMPLAINT_RESOLVED: TriggerRule("recovery", "sms"),
        Trigger.PANEL: TriggerRule("q", "panel"),
    }
    assert trigger_rules("") == {}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("birthday=s/email", "'birthday' is not a trigger"),
        ("purchase=after-purchase", "write purchase=SURVEY/CHANNEL"),
        ("purchase=/email", "write purchase=SURVEY/CHANNEL"),
        ("purchase=a/email,purchase=b/sms", "purchase is given twice"),
    ],
)
def test_a_rule_that_cannot_be_read_is_refused_naming_the_setting(text, problem):
    with pytest.raises(InvalidInput) as refused:
        trigger_rules(text)
    assert problem in refused.value.errors["survey_triggers"][0]


def test_the_same_cause_gives_the_same_invitation_and_another_cause_another():
    first = invitation_id("purchase", "V-1", "S-1", "C-1")
    assert first == invitation_id("purchase", "V-1", "S-1", "C-1")
    others = {
        invitation_id("purchase", "V-2", "S-1", "C-1"),
        invitation_id("purchase", "V-1", "S-2", "C-1"),
        invitation_id("purchase", "V-1", "S-1", "C-2"),
        invitation_id("first_purchase", "V-1", "S-1", "C-1"),
    }
    assert first not in others and len(others) == 4
