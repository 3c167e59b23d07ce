"""The invitations part of the feedback fake unit of work answers as the MongoDB one does."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.services.feedback.dependencies import FakeFeedbackStorage, FeedbackStorage
from clientela.storage import RecordedEvents

MARCH = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture(params=["fake", pytest.param("mongodb", marks=pytest.mark.integration)])
def uow(request):
    if request.param == "fake":
        return FakeFeedbackStorage()
    database = request.getfixturevalue("service_database")("feedback")
    return FeedbackStorage(database, RecordedEvents())


def invitation(invitation_id, customer="C-1", send_at=MARCH, state="due"):
    return {
        "_id": invitation_id,
        "survey_id": "S-1",
        "customer_id": customer,
        "channel": "email",
        "trigger": "purchase",
        "cause": f"V-{invitation_id}",
        "state": state,
        "reason": "",
        "created_at": MARCH,
        "send_at": send_at,
        "next_attempt_at": send_at,
        "attempts": 0,
        "sent_at": None,
        "answered_at": None,
    }


def test_a_recipient_is_refreshed_and_keeps_the_preferences_given(uow):
    assert uow.recipient("C-1") is None
    uow.remember_recipient("C-1", {"name": "Ana", "email": "ana@example.mx"})
    uow.set_recipient_preferences("C-1", {"suppressed": True})
    uow.remember_recipient("C-1", {"name": "Ana Ruiz", "email": "ana@example.mx"})
    found = uow.recipient("C-1")
    assert (found["name"], found["suppressed"]) == ("Ana Ruiz", True)


def test_the_first_purchase_told_stays_the_first(uow):
    assert uow.claim_first_purchase("C-1", "V-1")
    assert uow.claim_first_purchase("C-1", "V-1")  # told again
    assert not uow.claim_first_purchase("C-1", "V-2")
    uow.remember_recipient("C-2", {"name": "Bo"})
    assert uow.claim_first_purchase("C-2", "V-3")
    assert uow.recipient("C-2")["name"] == "Bo"


def test_an_invitation_is_inserted_once(uow):
    assert uow.add_invitation(invitation("I-1"))
    assert not uow.add_invitation({**invitation("I-1"), "state": "refused"})
    assert uow.invitation("I-1")["state"] == "due"
    assert uow.invitation("I-2") is None


def test_a_customers_invitations_come_by_send_time(uow):
    uow.add_invitation(invitation("I-2", send_at=MARCH + timedelta(days=40)))
    uow.add_invitation(invitation("I-1"))
    uow.add_invitation(invitation("I-3", customer="C-2"))
    assert [i["_id"] for i in uow.invitations_of("C-1")] == ["I-1", "I-2"]


def test_only_invitations_whose_attempt_is_due_are_taken_earliest_first(uow):
    uow.add_invitation(invitation("I-late", send_at=MARCH + timedelta(hours=2)))
    uow.add_invitation(invitation("I-early", send_at=MARCH - timedelta(hours=1)))
    uow.add_invitation(invitation("I-now", customer="C-2"))
    uow.add_invitation({**invitation("I-sent", customer="C-3"), "next_attempt_at": None})
    due = uow.invitations_to_send(MARCH, limit=10)
    assert [i["_id"] for i in due] == ["I-early", "I-now"]
    assert [i["_id"] for i in uow.invitations_to_send(MARCH, limit=1)] == ["I-early"]
    uow.update_invitation("I-early", {"state": "sent", "next_attempt_at": None})
    assert [i["_id"] for i in uow.invitations_to_send(MARCH, limit=10)] == ["I-now"]
    assert uow.invitation("I-early")["state"] == "sent"


def test_a_panel_keeps_its_members_and_is_claimed_once_a_period(uow):
    panel = {"_id": "Q", "survey_id": "S-1", "channel": "email", "members": ["C-1", "C-2"]}
    uow.save_panel(panel)
    assert uow.claim_panel_period("Q", "2026-Q1")
    assert not uow.claim_panel_period("Q", "2026-Q1")
    uow.save_panel({**panel, "members": ["C-1"]})
    [found] = uow.panels()
    assert (found["members"], found["last_period"]) == (["C-1"], "2026-Q1")
    assert uow.panel("Q") == found
    assert uow.claim_panel_period("Q", "2026-Q2")
    assert not uow.claim_panel_period("nobody", "2026-Q2")


def test_recipients_are_found_by_the_day_they_became_customers(uow):
    uow.remember_recipient("C-1", {"name": "Ana", "anniversary": "03-10"})
    uow.remember_recipient("C-2", {"name": "Bo", "anniversary": "03-11"})
    assert [r["_id"] for r in uow.recipients_with_anniversary("03-10")] == ["C-1"]
    assert uow.recipients_with_anniversary("12-25") == []


def test_a_daily_job_remembers_the_last_day_it_ran(uow):
    assert uow.last_day("anniversaries") is None
    uow.mark_day("anniversaries", "2026-03-10")
    uow.mark_day("anniversaries", "2026-03-11")
    assert uow.last_day("anniversaries") == "2026-03-11"


def test_an_invitation_is_taken_for_sending_by_one_sender_only(uow):
    uow.add_invitation(invitation("I-1"))
    lease = MARCH + timedelta(minutes=2)
    assert uow.claim_invitation("I-1", MARCH, lease)
    assert not uow.claim_invitation("I-1", MARCH, lease)
    assert uow.invitations_to_send(MARCH, limit=10) == []
    assert [i["_id"] for i in uow.invitations_to_send(lease, limit=10)] == ["I-1"]
    assert not uow.claim_invitation("I-9", MARCH, lease)
