"""How far behind kpi is, read off the real broker: the events waiting in its queues and
how long ago the oldest was published."""

import time

from clientela import messaging
from clientela.cli.client import wait_for
from clientela.discovery import service_class
from clientela.messaging import EventBus, declare_topology
from clientela.status import backlog


def captured(number: int) -> dict:
    return {"id": f"evt-{number}", "type": "prospect_captured", "payload": {}}


def test_events_waiting_for_a_stopped_kpi_are_counted_with_the_age_of_the_oldest(
    clientela_settings, monkeypatch
):
    kpi = service_class("kpi")
    config = clientela_settings.nameko_config()
    declare_topology([kpi], config)
    assert backlog(clientela_settings, kpi) == {"waiting": 0, "oldest_age_s": None}

    monkeypatch.setattr(messaging, "published_at", lambda: int(time.time()) - 600)
    EventBus.connect("prospects", config).publish_many([captured(1), captured(2)])
    monkeypatch.undo()
    EventBus.connect("prospects", config).publish(captured(3))

    # the management API refreshes a queue's figures every few seconds
    behind = wait_for(lambda: backlog(clientela_settings, kpi), lambda found: found["oldest_age_s"])
    assert behind["waiting"] == 3
    assert 600 <= behind["oldest_age_s"] < 660
