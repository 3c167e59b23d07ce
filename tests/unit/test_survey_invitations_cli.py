"""``clientela surveys send|panel|answer|invitations``: what they ask feedback, what they print."""

import json

import pytest
from click.testing import CliRunner

from clientela.cli import survey_invitations as commands
from clientela.cli.app import clientela

from .cli_doubles import run, serve

INVITATIONS = [
    {
        "id": "9f2c",
        "survey_id": "after-purchase",
        "customer_id": "C-ana",
        "channel": "email",
        "trigger": "request",
        "state": "sent",
        "reason": "",
        "attempts": 1,
    },
    {
        "id": "77ab",
        "survey_id": "after-purchase",
        "customer_id": "C-bo",
        "channel": "email",
        "trigger": "request",
        "state": "refused",
        "reason": "frequency_cap",
        "attempts": 0,
    },
]
PANEL = {
    "name": "trimestral",
    "survey_id": "servqual",
    "channel": "panel",
    "members": ["C-ana", "C-bo"],
    "last_period": None,
}
RESPONSES = [
    {"question": "recommend", "kind": "nps", "score": 9, "text": ""},
    {"question": "why", "kind": "free_text", "score": None, "text": "Buen trato"},
]


@pytest.fixture
def service(monkeypatch):
    return serve(
        monkeypatch,
        commands,
        "feedback",
        {
            "send_survey": INVITATIONS,
            "define_panel": PANEL,
            "answer_invitation": RESPONSES,
            "invitations": INVITATIONS[:1],
            "set_survey_preferences": {
                "customer_id": "C-ana",
                "consented": None,
                "suppressed": True,
                "phone": "+525511112222",
                "language": "",
            },
        },
    )


def test_send_invites_the_customers_named_and_shows_each_state(service):
    output = run("surveys", "send", "after-purchase", "--customer", "C-ana", "--customer", "C-bo")
    assert "sent" in output and "frequency_cap" in output
    assert service.calls[-1] == (
        "send_survey",
        ("after-purchase",),
        {"channel": None, "customer_ids": ["C-ana", "C-bo"], "panel": None},
    )
    as_json = run("surveys", "send", "after-purchase", "--panel", "trimestral", "--json")
    assert json.loads(as_json) == INVITATIONS
    assert service.calls[-1][2] == {"channel": None, "customer_ids": None, "panel": "trimestral"}


def test_send_needs_customers_or_a_panel_but_not_both(service):
    for extra in ([], ["--customer", "C-ana", "--panel", "trimestral"]):
        result = CliRunner().invoke(clientela, ["surveys", "send", "after-purchase", *extra])
        assert result.exit_code == 2 and "--customer" in result.output
    assert service.calls == []


def test_panel_keeps_its_members(service):
    output = run(
        "surveys", "panel", "trimestral", "--survey", "servqual", "--channel", "panel",
        "--customer", "C-ana", "--customer", "C-bo",
    )  # fmt: skip
    assert "trimestral" in output and "2" in output
    assert service.calls[-1] == (
        "define_panel",
        ("trimestral", "servqual", "panel", ["C-ana", "C-bo"]),
        {},
    )


def test_answer_reads_numbers_as_numbers_and_the_rest_as_text(service):
    output = run("surveys", "answer", "9f2c", "recommend=9", "why=Buen trato")
    assert "Buen trato" in output
    assert service.calls[-1] == (
        "answer_invitation",
        ("9f2c", {"recommend": 9, "why": "Buen trato"}),
        {"channel": "call"},
    )
    result = CliRunner().invoke(clientela, ["surveys", "answer", "9f2c", "recommend"])
    assert result.exit_code == 2 and "question=answer" in result.output


def test_invitations_lists_a_customers_invitations(service):
    assert "9f2c" in run("surveys", "invitations", "C-ana")
    assert json.loads(run("surveys", "invitations", "C-ana", "--json")) == INVITATIONS[:1]


def test_preferences_sends_only_what_is_given(service):
    output = run("surveys", "preferences", "C-ana", "--suppress", "--phone", "+525511112222")
    assert "+525511112222" in output
    assert service.calls[-1] == (
        "set_survey_preferences",
        ("C-ana",),
        {"suppressed": True, "phone": "+525511112222"},
    )
    result = CliRunner().invoke(clientela, ["surveys", "preferences", "C-ana"])
    assert result.exit_code == 2
