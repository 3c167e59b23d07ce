"""Corrective actions, critical incidents and requirements through the real feedback
service: over RPC, stored in MongoDB, refused with the field named."""

import pytest
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import InvalidInput, NotFound
from clientela.events import new_event

pytestmark = pytest.mark.integration


@pytest.fixture
def feedback(clientela_platform, clientela_settings):
    """The feedback service, knowing customer CU-1 and holding complaint Q-1."""
    rpc = clientela_platform("feedback")
    customer = {"customer_id": "CU-1", "name": "Ana", "captive": True, "created_at": utcnow()}
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    dispatch("customers", "customer_created", new_event("customer_created", customer))
    wait_for(
        lambda: rpc.feedback.open_complaint(
            "Q-1", "billing", "high", "Charged twice", customer_id="CU-1"
        ),
        not_yet=(NotFound,),
    )
    return rpc.feedback


def test_a_corrective_action_runs_from_plan_to_effect_and_answers_an_incident(feedback):
    planned = feedback.plan_action(
        "CA-1",
        cause="Invoices re-sent by the nightly job",
        action="Skip invoices already sent",
        owner="lu",
        due_at="2026-12-20T00:00:00+00:00",
        complaint_refs=["Q-1"],
    )
    feedback.record_incident(
        "CI-1",
        customer_id="CU-1",
        encounter="phone",
        valence="dissatisfying",
        story="On hold for 40 minutes before anyone took the billing error",
        occurred_at="2026-03-02T09:00:00+00:00",
        complaint_ref="Q-1",
    )
    [awaiting] = feedback.incidents()
    linked = feedback.link_incident("CI-1", "CA-1")
    feedback.complete_action("CA-1")
    closed = feedback.check_action("CA-1", effective=True, note="No double charge since")

    assert planned["status"] == "planned" and awaiting["awaits_action"]
    assert (linked["action_refs"], linked["awaits_action"]) == (["CA-1"], False)
    assert (closed["status"], closed["effective"]) == ("effective", True)
    assert [a["action_ref"] for a in feedback.actions(None, "Q-1")] == ["CA-1"]
    assert feedback.actions("planned") == []


def test_casework_refuses_bad_input_naming_the_field(feedback):
    with pytest.raises(NotFound, match="complaint_refs"):
        feedback.plan_action(
            "CA-2", cause="c", action="a", owner="lu", due_at="2026-12-20T00:00:00+00:00",
            complaint_refs=["Q-404"],
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="encounter"):
        feedback.record_incident(
            "CI-2", encounter="by pigeon", valence="satisfying", story="s",
            occurred_at="2026-03-02T09:00:00+00:00",
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="priority"):
        feedback.document_requirement(
            "RQ-1", customer_id="CU-1", statement="CFDI 4.0", priority="urgent", source="visit"
        )
    with pytest.raises(InvalidInput, match="reasons"):
        feedback.interview_lost_customer(
            "INT-1", customer_id="CU-1", interviewer="Marta", reasons=[]
        )
