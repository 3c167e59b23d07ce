"""Casework use cases on the in-memory unit of work: corrective actions, critical incidents,
lost-customer interviews and customer requirements."""

from datetime import UTC, datetime

import pytest

from clientela.errors import Conflict, NotFound
from clientela.services.feedback import casework, complaint_handlers
from clientela.services.feedback.dependencies import FakeFeedbackStorage
from clientela.services.feedback.domain.commands import OpenComplaint
from clientela.services.feedback.domain.corrective_actions import CorrectiveAction
from clientela.services.feedback.domain.incidents import CriticalIncident
from clientela.services.feedback.domain.interviews import LostCustomerInterview
from clientela.services.feedback.domain.requirements import CustomerRequirement

MARCH = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def uow():
    storage = FakeFeedbackStorage()
    storage.remember_customer("CU-1", "Ana Ruiz", captive=True, email="ana@example.com")
    for ref in ("Q-1", "Q-2"):
        complaint = OpenComplaint(ref, "CU-1", "billing", "high", "Charged twice", opened_at=MARCH)
        complaint_handlers.open_complaint(complaint, storage)
    storage.events.envelopes.clear()
    return storage


def plan(ref: str = "CA-1", *complaints: str) -> CorrectiveAction:
    return CorrectiveAction(
        ref,
        cause="Invoices re-sent by the nightly job",
        action="Make the job skip invoices already sent",
        owner="lu",
        due_at=datetime(2026, 3, 20, tzinfo=UTC),
        complaint_refs=complaints,
    )


def test_a_corrective_action_is_planned_done_and_checked_effective(uow):
    planned = casework.plan_action(plan("CA-1", "Q-1"), uow)
    assert casework.plan_action(plan("CA-1", "Q-1"), uow) == planned
    casework.link_action("CA-1", "Q-2", uow)
    casework.link_action("CA-1", "Q-2", uow)
    casework.complete_action("CA-1", datetime(2026, 3, 18, tzinfo=UTC), uow)
    closed = casework.check_action(
        "CA-1", datetime(2026, 4, 30, tzinfo=UTC), True, "No double charge in April", uow
    )

    assert planned["status"] == "planned"
    assert (closed["status"], closed["complaint_refs"]) == ("effective", ["Q-1", "Q-2"])
    assert [a["_id"] for a in casework.list_actions(None, "Q-2", 10, MARCH, uow)] == ["CA-1"]
    assert casework.list_actions("planned", None, 10, MARCH, uow) == []
    [effective] = casework.list_actions("effective", None, 10, MARCH, uow)
    assert effective["effect_note"].startswith("No") and not effective["overdue"]


def test_an_action_still_planned_after_its_due_date_is_listed_overdue(uow):
    casework.plan_action(plan("CA-1", "Q-1"), uow)
    before, after = datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 3, 21, tzinfo=UTC)

    assert not casework.list_actions(None, None, 10, before, uow)[0]["overdue"]
    assert casework.list_actions("planned", None, 10, after, uow)[0]["overdue"]


def test_an_action_on_an_unknown_complaint_or_checked_before_done_is_refused(uow):
    with pytest.raises(NotFound, match="complaint_refs"):
        casework.plan_action(plan("CA-1", "Q-404"), uow)
    casework.plan_action(plan("CA-2"), uow)
    with pytest.raises(Conflict, match="not done"):
        casework.check_action("CA-2", MARCH, False, "Still charged twice", uow)
    with pytest.raises(NotFound, match="action_ref"):
        casework.complete_action("CA-404", MARCH, uow)


def test_a_dissatisfying_incident_awaits_an_action_until_one_is_linked(uow):
    incident = CriticalIncident(
        "CI-1", "CU-1", "phone", "dissatisfying", "Put on hold for 40 minutes",
        occurred_at=MARCH, recorded_at=MARCH, complaint_ref="Q-1",
    )  # fmt: skip
    recorded = casework.record_incident(incident, uow)
    casework.plan_action(plan("CA-1", "Q-1"), uow)
    linked = casework.link_incident("CI-1", "CA-1", uow)

    assert recorded["awaits_action"] and not linked["awaits_action"]
    [listed] = casework.list_incidents(10, uow)
    assert (listed["_id"], listed["action_refs"]) == ("CI-1", ["CA-1"])
    with pytest.raises(NotFound, match="action_ref"):
        casework.link_incident("CI-1", "CA-404", uow)


def test_an_interview_is_recorded_and_announced_once(uow):
    interview = LostCustomerInterview(
        "INT-7", "CU-1", "Marta", datetime(2026, 5, 4, tzinfo=UTC), ("competitor", "price")
    )
    casework.interview_lost_customer(interview, uow)
    casework.interview_lost_customer(interview, uow)

    [event] = uow.events.envelopes
    assert event["type"] == "lost_customer_interviewed"
    assert event["payload"]["main_reason"] == "competitor"
    assert event["payload"]["loss_reason"] == "competitor, price (lost-customer interview INT-7)"
    assert [i["_id"] for i in casework.customer_interviews("CU-1", uow)] == ["INT-7"]
    stranger = LostCustomerInterview("INT-8", "CU-404", "Marta", MARCH, ("price",))
    with pytest.raises(NotFound, match="customer_id"):
        casework.interview_lost_customer(stranger, uow)


def test_requirements_are_listed_open_first_by_priority(uow):
    for ref, priority in (("RQ-1", "could"), ("RQ-2", "must"), ("RQ-3", "should")):
        requirement = CustomerRequirement(ref, "CU-1", f"Need {ref}", priority, "visit", MARCH)
        casework.document_requirement(requirement, uow)
    casework.settle_requirement("RQ-2", "met", "Shipped in May", MARCH, uow)

    listed = casework.customer_requirements("CU-1", uow)

    assert [(r["_id"], r["status"]) for r in listed] == [
        ("RQ-3", "open"), ("RQ-1", "open"), ("RQ-2", "met")]  # fmt: skip
    with pytest.raises(Conflict, match="already met"):
        casework.settle_requirement("RQ-2", "dropped", "Changed our mind", MARCH, uow)
