"""``clientela surveys`` and ``complaints``: what they ask the service, what they print."""

import json

import pytest
from click.testing import CliRunner

from clientela.cli import feedback as commands
from clientela.cli.app import clientela

from .cli_doubles import run, serve

COMPLAINT = {
    "complaint_ref": "Q-1",
    "customer_id": "C-ana",
    "kind": "complaint",
    "category": "billing",
    "severity": "high",
    "description": "Charged twice",
    "owner": "lu",
    "status": "open",
    "opened_at": "2026-03-02T09:00:00+00:00",
    "response_due_at": "2026-03-03T09:00:00+00:00",
    "resolution_due_at": "2026-03-07T09:00:00+00:00",
    "responded_at": None,
    "resolved_at": None,
    "resolution": "",
    "confirmed": None,
    "reopened": 0,
    "breaches": ["response"],
}
SURVEY = {
    "survey_id": "S-1",
    "name": "After purchase",
    "questions": [
        {"key": "satisfied", "kind": "csat", "text": "Satisfied?", "version": 1, "items": []},
        {"key": "satisfied", "kind": "csat", "text": "All in all?", "version": 2, "items": []},
    ],
}


@pytest.fixture
def service(monkeypatch):
    return serve(
        monkeypatch,
        commands,
        "feedback",
        {
            "surveys": [SURVEY],
            "results": {"survey_id": "S-1", "period": "2026-Q1", "responses": 3, "CSAT": 50.0},
            "open_complaint": COMPLAINT,
            "complaints": [COMPLAINT],
            "resolve_complaint": {**COMPLAINT, "status": "resolved"},
        },
    )


def test_surveys_list_shows_the_current_version_of_each_question(service):
    output = run("surveys", "list")
    assert "All in all?" in output
    assert "Satisfied?" not in output
    assert json.loads(run("surveys", "list", "--json")) == [SURVEY]


def test_surveys_results_asks_for_the_period_and_shows_each_figure(service):
    output = run("surveys", "results", "S-1", "--period", "2026-Q1")
    assert "S-1, 2026-Q1: 3 responses" in output
    assert "CSAT" in output and "50.0" in output
    assert service.calls[-1] == ("results", ("S-1", "2026-Q1"), {})
    assert json.loads(run("surveys", "results", "S-1", "--period", "2026-Q1", "--json"))["CSAT"]


def test_complaints_open_passes_every_detail_and_tells_the_due_times(service):
    output = run(
        "complaints", "open", "Q-1", "--category", "billing", "--severity", "high",
        "--description", "Charged twice", "--customer", "C-ana", "--owner", "lu",
    )  # fmt: skip
    assert "Q-1: open, billing (high), respond by 2026-03-03T09:00:00+00:00" in output
    assert service.calls[-1] == (
        "open_complaint",
        ("Q-1", "billing", "high", "Charged twice"),
        {"customer_id": "C-ana", "owner": "lu", "kind": "complaint"},
    )


def test_complaints_list_filters_by_status_and_shows_breaches(service):
    output = run("complaints", "list", "--status", "open")
    assert "Q-1" in output and "response" in output
    assert service.calls[-1] == ("complaints", ("open",), {})
    assert json.loads(run("complaints", "list", "--json")) == [COMPLAINT]


def test_complaints_resolve_sends_the_resolution(service):
    assert "Q-1: resolved" in run("complaints", "resolve", "Q-1", "--resolution", "Refunded")
    assert service.calls[-1] == ("resolve_complaint", ("Q-1", "Refunded"), {})
    assert json.loads(run("complaints", "resolve", "Q-1", "--resolution", "R", "--json"))


def test_an_unknown_severity_is_a_usage_error(service):
    result = CliRunner().invoke(
        clientela,
        [
            "complaints",
            "open",
            "Q-1",
            "--category",
            "b",
            "--severity",
            "dire",
            "--description",
            "d",
        ],
    )
    assert result.exit_code == 2
    assert service.calls == []
