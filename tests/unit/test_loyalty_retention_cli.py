"""``clientela loyalty retention``: what it asks the loyalty service, what it prints."""

import json

import pytest
from click.testing import CliRunner

from clientela.cli import retention as commands
from clientela.cli.app import clientela

from .cli_doubles import run, serve

CASE = {
    "id": "C-ana-R1",
    "customer_id": "C-ana",
    "reason": "a competitor offers 10% less",
    "announced_at": "2026-12-01T09:00:00+00:00",
    "state": "refused",
    "offer": "5% off",
    "history": [
        {"state": "announced", "at": "2026-12-01T09:00:00+00:00", "by": "maria", "detail": "why"},
        {"state": "offered", "at": "2026-12-01T10:00:00+00:00", "by": "maria", "detail": "5% off"},
        {"state": "refused", "at": "2026-12-02T10:00:00+00:00", "by": "maria", "detail": "no"},
    ],
}


CAMPAIGN = {
    "id": "W-1",
    "name": "Autumn",
    "starts_at": "2026-11-01T00:00:00+00:00",
    "ends_at": "2026-11-30T00:00:00+00:00",
    "targeted_count": 2,
    "won_back": ["C-big"],
    "won_back_count": 1,
    "rate": 50.0,
    "refused": {"C-new": "not a lost customer (or won back already)"},
}


@pytest.fixture
def service(monkeypatch):
    return serve(
        monkeypatch,
        commands,
        "loyalty",
        {
            "start_retention": {**CASE, "state": "announced", "history": CASE["history"][:1]},
            "answer_retention": CASE,
            "close_retention": {**CASE, "state": "lost"},
            "retention_cases": [CASE],
            "retention_case": CASE,
            "lost_customers": [
                {
                    "customer_id": "C-big",
                    "past_value": "9000.00",
                    "purchases": 2,
                    "lost_at": "2026-09-30T00:00:00+00:00",
                    "reason": "moved",
                    "targeted_by": None,
                }
            ],
            "launch_campaign": CAMPAIGN,
        },
    )


def test_start_sends_the_customer_the_reason_and_who_records_it(service):
    printed = run("loyalty", "retention", "start", "C-ana", "--reason", "too dear", "--by", "maria")

    assert service.calls == [("start_retention", ("C-ana", "too dear", "maria"), {})]
    assert "retention case C-ana-R1 of C-ana: announced" in printed


def test_a_refusal_is_sent_as_not_accepted_with_its_note(service):
    run("loyalty", "retention", "answer", "C-ana-R1", "--refused", "--note", "no", "--by", "maria")

    assert service.calls == [("answer_retention", ("C-ana-R1", False, "maria", "no"), {})]


def test_close_takes_only_retained_or_lost(service):
    printed = run("loyalty", "retention", "close", "C-ana-R1", "--outcome", "lost", "--by", "ana")

    assert service.calls == [("close_retention", ("C-ana-R1", "lost", "ana", ""), {})]
    assert "retention case C-ana-R1 closed: lost" in printed


def test_show_prints_the_history_or_the_services_json(service):
    printed = run("loyalty", "retention", "show", "C-ana-R1")

    assert "refused" in printed and "5% off" in printed
    shown = json.loads(run("loyalty", "retention", "show", "C-ana-R1", "--json"))
    assert shown == CASE


def test_open_cases_are_listed(service):
    printed = run("loyalty", "retention", "list", "--open")

    assert service.calls == [("retention_cases", (True,), {})]
    assert "C-ana-R1" in printed and "a competitor offers 10% less" in printed


def test_lost_customers_are_listed_by_past_value(service):
    printed = run("loyalty", "winback", "list", "--limit", "10")

    assert service.calls == [("lost_customers", (10,), {})]
    assert "C-big" in printed and "9000.00" in printed


def test_a_campaign_names_its_customers_and_tells_its_result_and_who_was_refused(service):
    printed = run(
        "loyalty", "winback", "campaign", "W-1", "--name", "Autumn", "--starts", "2026-11-01",
        "--ends", "2026-11-30", "--customer", "C-big", "--customer", "C-new", "--by", "maria",
    )  # fmt: skip

    [(method, _, sent)] = service.calls
    assert (method, sent["customer_ids"], sent["top"]) == (
        "launch_campaign",
        ["C-big", "C-new"],
        None,
    )
    assert "1 of 2 won back (50.0%): C-big" in printed
    assert "not targeted: C-new" in printed


def test_a_campaign_needs_either_customers_or_top():
    given = ["loyalty", "winback", "campaign", "W-1", "--name", "A", "--starts", "2026-11-01"]
    result = CliRunner().invoke(clientela, [*given, "--ends", "2026-11-30"])

    assert result.exit_code == 2 and "--customer" in result.output
