"""``clientela loyalty`` and ``clientela actions``: what they ask the service, what they print."""

import json

import pytest

from clientela.cli import loyalty as commands

from .cli_doubles import run, serve


@pytest.fixture
def service(monkeypatch):
    return serve(
        monkeypatch,
        commands,
        "loyalty",
        {
            "balance": {
                "customer_id": "C-ana",
                "points": 350,
                "tier": "bronze",
                "latest": [
                    {
                        "id": "purchase:F-1",
                        "kind": "earn",
                        "points": 350,
                        "recorded_at": "2026-03-05T00:00:00+00:00",
                        "reason": "purchase F-1 of 350 MXN",
                    }
                ],
            },
            "adjust": {"customer_id": "C-ana", "points": -50, "balance": 300, "tier": "bronze"},
            "alarms": [
                {
                    "id": "C-ana-1",
                    "customer_id": "C-ana",
                    "score": 60,
                    "raised_at": "2026-12-01T00:00:00+00:00",
                    "state": "open",
                    "outcome": None,
                    "reasons": [
                        {"signal": "inactive", "points": 35, "detail": "120 days idle"},
                        {"signal": "unhappy_answer", "points": 25, "detail": "answered NPS 3"},
                    ],
                }
            ],
            "add_action": {"id": "ACT-1", "indicator": "NPS", "before": "12", "target": "20"},
            "close_action": {"id": "ACT-1", "effect": "9", "target_met": True},
            "rewards": [
                {
                    "code": "MUG",
                    "name": "A clientela mug",
                    "cost": 100,
                    "min_tier": None,
                    "stock": 40,
                    "left": 3,
                }
            ],
        },
    )


def test_balance_shows_points_tier_and_entries_or_the_services_json(service):
    assert "C-ana: 350 points, tier bronze" in run("loyalty", "balance", "C-ana")
    assert json.loads(run("loyalty", "balance", "C-ana", "--json")) == service.answers["balance"]


def test_adjust_takes_negative_points_a_reason_an_operator_and_a_request_key(service):
    printed = run(
        "loyalty", "adjust", "C-ana", "-50", "--reason", "double", "--by", "maria", "--key", "k-1"
    )

    assert service.calls == [("adjust", ("C-ana", -50, "double", "maria", "k-1"), {})]
    assert "C-ana: -50 points by maria; balance 300, tier bronze" in printed


def test_open_alarms_are_listed_with_their_reasons(service):
    printed = run("loyalty", "alarms", "--open")

    assert service.calls == [("alarms", (True,), {})]
    assert "C-ana-1" in printed and "120 days idle; answered NPS 3" in printed


def test_an_action_is_sent_with_the_fields_given_only(service):
    printed = run(
        "actions", "add", "--id", "ACT-1", "--opportunity", "o", "--description", "d",
        "--specific", "s", "--measurable", "m", "--achievable", "a", "--relevant", "r",
        "--priority", "high", "--owner", "maria", "--indicator", "NPS", "--target", "20",
        "--due", "2027-03-31",
    )  # fmt: skip

    [(method, args, sent)] = service.calls
    assert (method, args) == ("add_action", ())
    assert "before" not in sent and sent["due_at"] == "2027-03-31"
    assert "action ACT-1 opened: NPS from 12 to 20" in printed


def test_an_action_for_a_kpi_alert_names_the_alert_and_granularity(service):
    run(
        "actions", "add", "--id", "ACT-1", "--opportunity", "o", "--description", "d",
        "--specific", "s", "--measurable", "m", "--achievable", "a", "--relevant", "r",
        "--priority", "high", "--owner", "maria", "--indicator", "NPS", "--target", "20",
        "--due", "2027-03-31", "--alert", "AL-7", "--granularity", "quarter",
    )  # fmt: skip

    [(_, _, sent)] = service.calls
    assert (sent["alert_id"], sent["granularity"]) == ("AL-7", "quarter")


def test_an_action_closed_without_after_leaves_it_to_kpi(service):
    printed = run("actions", "close", "ACT-1")

    assert service.calls == [("close_action", ("ACT-1", None), {})]
    assert "action ACT-1 closed: effect 9, target met" in printed


def test_rewards_show_their_stock_and_what_is_left(service):
    printed = run("loyalty", "rewards")

    assert service.calls == [("rewards", (), {})]
    assert "MUG" in printed and "A clientela mug" in printed
    assert json.loads(run("loyalty", "rewards", "--json"))[0]["left"] == 3
