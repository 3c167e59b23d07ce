"""SMART improvement actions measured by the real kpi: before and after read from its
indicators, the action announced for the alert it answers, and no value ever made up."""

import json
from datetime import timedelta

import pytest
from kombu import Connection
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.events import new_event
from clientela.services.loyalty.domain.measures import latest_complete_period

WATCH = "watch-improvement-actions"


@pytest.fixture
def rpc(clientela_platform, clientela_settings):
    proxy = clientela_platform("loyalty", "kpi")
    with Connection(clientela_settings.amqp_uri) as connection:
        channel = connection.default_channel
        channel.queue_declare(WATCH, durable=False)
        for kind in ("improvement_action_opened", "improvement_action_closed"):
            channel.queue_bind(WATCH, "loyalty.events", kind)
    return proxy


def heard(amqp_uri):
    """The improvement-action events announced so far (published before the RPC answered)."""
    with Connection(amqp_uri) as connection:
        channel = connection.default_channel
        envelopes = []
        while (message := channel.basic_get(WATCH, no_ack=True)) is not None:
            envelopes.append(json.loads(message.body))
    return {envelope["type"]: envelope["payload"] for envelope in envelopes}


@pytest.fixture
def answer_nps(clientela_settings):
    """``answer_nps(answer_id, score, category)``: an NPS answer of last month, from feedback."""
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    last_month = latest_complete_period(utcnow(), "month")

    def answer(answer_id, score, category):
        payload = {
            "answer_id": answer_id,
            "customer_id": f"C-{answer_id}",
            "survey": "nps",
            "score": score,
            "category": category,
            "channel": "web",
            "answered_at": last_month.start + timedelta(days=3),
        }
        dispatch("feedback", "survey_answered", new_event("survey_answered", payload))

    return answer


ACTION = {
    "action_id": "ACT-1",
    "opportunity": "Detractors are never called back",
    "description": "Call every detractor back within 48 hours",
    "specific": "Agents call the month's detractors",
    "measurable": "NPS of the month",
    "achievable": "Two agents, one hour a day",
    "relevant": "Heard detractors stay",
    "priority": "high",
    "owner": "maria",
    "indicator": "NPS",
    "target": "70",
}


def test_before_and_after_are_read_from_kpi_and_the_action_announced(
    rpc, answer_nps, clientela_settings
):
    due = (utcnow() + timedelta(days=90)).isoformat()
    with pytest.raises(NotFound, match="before: kpi has no value of NPS"):
        rpc.loyalty.add_action(**ACTION, due_at=due)
    assert rpc.loyalty.actions() == []

    answer_nps("A-1", 10, "promoter")
    answer_nps("A-2", 8, "passive")
    last_month = latest_complete_period(utcnow(), "month").key
    wait_for(
        lambda: rpc.kpi.indicators("month", None, None)["periods"],
        lambda periods: any(p["period"] == last_month and p["NPS"] == 50.0 for p in periods),
    )

    opened = rpc.loyalty.add_action(**ACTION, due_at=due, alert_id="AL-NPS-1")
    assert (opened["before"], opened["alert_id"], opened["granularity"]) == (
        "50.0",
        "AL-NPS-1",
        "month",
    )
    closed = rpc.loyalty.close_action("ACT-1")  # the same month: no change measured
    assert (closed["after"], closed["effect"], closed["target_met"]) == ("50.0", "0.0", False)

    announced = heard(clientela_settings.amqp_uri)
    assert announced["improvement_action_opened"]["alert_id"] == "AL-NPS-1"
    assert announced["improvement_action_opened"]["before"] == "50.0"
    assert announced["improvement_action_closed"]["after"] == "50.0"
