"""``clientela complaints action``, ``incidents``, ``interviews`` and ``requirements``: what
they ask the feedback service, what they print."""

import json

import pytest
from click.testing import CliRunner

from clientela.cli import casework as commands
from clientela.cli.app import clientela

from .cli_doubles import run, serve

ACTION = {
    "action_ref": "CA-1",
    "cause": "Invoices re-sent by the nightly job",
    "action": "Skip invoices already sent",
    "owner": "lu",
    "due_at": "2026-03-20T00:00:00+00:00",
    "complaint_refs": ["Q-1"],
    "status": "planned",
    "completed_at": None,
    "effective": None,
    "effect_note": "",
}
INCIDENT = {
    "incident_ref": "CI-1",
    "customer_id": "CU-1",
    "encounter": "phone",
    "valence": "dissatisfying",
    "story": "On hold for 40 minutes",
    "occurred_at": "2026-03-02T09:00:00+00:00",
    "recorded_at": "2026-03-02T12:00:00+00:00",
    "complaint_ref": None,
    "action_refs": [],
    "awaits_action": True,
}
INTERVIEW = {
    "interview_ref": "INT-7",
    "customer_id": "CU-1",
    "interviewer": "Marta",
    "interviewed_at": "2026-05-04T16:00:00+00:00",
    "reasons": ["competitor", "price"],
    "notes": "Found it cheaper elsewhere",
}
REQUIREMENT = {
    "requirement_ref": "RQ-1",
    "customer_id": "CU-1",
    "statement": "Invoices in CFDI 4.0",
    "priority": "must",
    "source": "visit",
    "documented_at": "2026-03-02T09:00:00+00:00",
    "status": "open",
    "settled_at": None,
    "settlement": "",
}


@pytest.fixture
def service(monkeypatch):
    closed = {**ACTION, "status": "effective", "effective": True}
    return serve(
        monkeypatch,
        commands,
        "feedback",
        {
            "plan_action": ACTION,
            "check_action": closed,
            "complete_action": {**ACTION, "status": "done"},
            "actions": [{**ACTION, "overdue": True}],
            "record_incident": INCIDENT,
            "incidents": [INCIDENT],
            "interview_lost_customer": INTERVIEW,
            "customer_interviews": [INTERVIEW],
            "document_requirement": REQUIREMENT,
            "customer_requirements": [REQUIREMENT],
            "settle_requirement": {**REQUIREMENT, "status": "met"},
        },
    )


def test_complaints_action_add_sends_the_plan_with_its_due_date_in_utc(service):
    output = run(
        "complaints", "action", "add", "CA-1", "--cause", "Invoices re-sent by the nightly job",
        "--action", "Skip invoices already sent", "--owner", "lu", "--due", "2026-03-20",
        "--complaint", "Q-1",
    )  # fmt: skip
    assert "CA-1: planned, due 2026-03-20T00:00:00+00:00 (lu), answers Q-1" in output
    assert service.calls[-1] == (
        "plan_action",
        ("CA-1",),
        {
            "complaint_refs": ["Q-1"],
            "cause": "Invoices re-sent by the nightly job",
            "action": "Skip invoices already sent",
            "owner": "lu",
            "due_at": "2026-03-20T00:00:00+00:00",
        },
    )


def test_complaints_action_done_close_and_list(service):
    assert "CA-1: done" in run("complaints", "action", "done", "CA-1")
    closed = run(
        "complaints", "action", "close", "CA-1", "--effective", "--note", "No double charge",
        "--json",
    )  # fmt: skip
    assert json.loads(closed)["status"] == "effective"
    assert service.calls[-1] == (
        "check_action", ("CA-1",), {"effective": True, "note": "No double charge"})  # fmt: skip
    listed = run("complaints", "action", "list", "--complaint", "Q-1")
    assert "Skip invoices already sent" in listed and "planned (overdue)" in listed
    assert service.calls[-1] == ("actions", (None, "Q-1"), {})


def test_incidents_record_and_list_say_which_await_an_action(service):
    output = run(
        "incidents", "record", "CI-1", "--customer", "CU-1", "--encounter", "phone",
        "--valence", "dissatisfying", "--story", "On hold for 40 minutes",
        "--occurred", "2026-03-02T09:00",
    )  # fmt: skip
    assert "CI-1: dissatisfying (phone), awaits a corrective action" in output
    assert service.calls[-1][2]["occurred_at"] == "2026-03-02T09:00:00+00:00"
    assert "On hold for 40 minutes" in run("incidents", "list")
    assert json.loads(run("incidents", "list", "--json")) == [INCIDENT]


def test_interviews_record_sends_every_reason_in_order(service):
    output = run(
        "interviews", "record", "INT-7", "--customer", "CU-1", "--interviewer", "Marta",
        "--reason", "competitor", "--reason", "price", "--notes", "Found it cheaper elsewhere",
    )  # fmt: skip
    assert "INT-7: CU-1 left for competitor, price" in output
    assert service.calls[-1][2]["reasons"] == ["competitor", "price"]
    assert json.loads(run("interviews", "list", "CU-1", "--json")) == [INTERVIEW]


def test_an_unknown_loss_reason_is_a_usage_error(service):
    result = CliRunner().invoke(
        clientela,
        ["interviews", "record", "INT-8", "--customer", "CU-1", "--interviewer", "M",
         "--reason", "cheaper"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert service.calls == []


def test_requirements_add_settle_and_list(service):
    output = run(
        "requirements", "add", "RQ-1", "--customer", "CU-1", "--statement",
        "Invoices in CFDI 4.0", "--priority", "must", "--source", "visit",
    )  # fmt: skip
    assert "RQ-1: must, open: Invoices in CFDI 4.0" in output
    assert "RQ-1: must, met" in run("requirements", "settle", "RQ-1", "met", "--note", "Done")
    assert service.calls[-1] == ("settle_requirement", ("RQ-1",), {"status": "met", "note": "Done"})
    assert "Invoices in CFDI 4.0" in run("requirements", "list", "CU-1")
    assert json.loads(run("requirements", "list", "CU-1", "--json")) == [REQUIREMENT]
