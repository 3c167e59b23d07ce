"""A clientela process keeps its services running and tells how they are: /health, /ready."""

import json
import logging
import urllib.error
import urllib.request

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from clientela.cli.client import wait_for
from clientela.cli.services import platform_classes
from clientela.discovery import service_class
from clientela.health import HealthServer
from clientela.messaging import declare_topology
from clientela.status import broker_status
from clientela.supervision import SupervisedRunner
from clientela.testing import TEST_API_KEY, free_port


@pytest.fixture
def supervised(clientela_settings):
    """``start(*services, first_backoff_s=...)``: a supervised runner with its probes."""
    started = []

    def start(*names, first_backoff_s=0.1, settings=None):
        settings = settings or clientela_settings
        config = settings.nameko_config()
        declare_topology(platform_classes(), config)
        runner = SupervisedRunner(
            config, [service_class(name) for name in names], first_backoff_s=first_backoff_s
        )
        probes = HealthServer(settings.replace(health_address=f"127.0.0.1:{free_port()}"), runner)
        probes.start()
        runner.start()
        started.append((runner, probes))
        return runner, probes

    yield start
    for runner, probes in started:
        runner.stop()
        runner.wait()
        probes.stop()


def request(url, data=None, headers=None):
    """(status, JSON body) of an HTTP request, errors included."""
    call = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def probe(probes, path):
    return request(f"http://{probes.settings.health_address}{path}")


def die(container):
    """Make one of the container's threads fail, as a broker error nameko does not survive would."""

    def broken():
        raise ConnectionResetError("connection reset by the broker")

    container.spawn_managed_thread(broken)


def consumers(settings, name):
    [report] = broker_status(settings, [service_class(name)])["services"].values()
    return report["instances"], [handler["consumers"] for handler in report["handlers"]]


def test_a_dead_service_container_is_restarted_and_serves_rpc_http_and_events_again(
    clientela_settings, supervised, caplog
):
    runner, probes = supervised("prospects")
    first = runner.containers["prospects"]
    caplog.set_level(logging.WARNING, logger="clientela.supervision")

    die(first)

    wait_for(lambda: runner.containers["prospects"] is not first and runner.running("prospects"))
    with ClusterRpcProxy(clientela_settings.nameko_config(), timeout=30) as rpc:
        assert rpc.prospects.find()["total"] == 0
    instances, handlers = wait_for(lambda: consumers(clientela_settings, "prospects"))
    assert instances == 1 and handlers and all(count == 1 for count in handlers)
    status, _ = request(
        f"http://{clientela_settings.http_address}/leads/webforms",
        json.dumps({"first_name": "Ana", "email": "ana@example.com"}).encode(),
        {"Content-Type": "application/json", "Authorization": f"Bearer {TEST_API_KEY}"},
    )
    assert status == 200  # the webhook listens again on the same address
    died, restarted = (
        [r for r in caplog.records if r.getMessage() == message]
        for message in ("service container died; restarting it", "service container restarted")
    )
    assert len(died) == len(restarted) == 1
    assert died[0].service == "prospects"
    assert "connection reset by the broker" in died[0].error
    assert probe(probes, "/health") == (200, {"healthy": True, "services": {"prospects": True}})


def test_health_is_503_while_a_service_is_down(supervised):
    runner, probes = supervised("kpi", first_backoff_s=60)

    die(runner.containers["kpi"])

    _, body = wait_for(lambda: probe(probes, "/health"), lambda answer: answer[0] == 503)
    assert body == {"healthy": False, "services": {"kpi": False}}
    status, body = probe(probes, "/ready")
    assert status == 503
    assert "kpi: not running" in body["reasons"]


def test_ready_reports_broker_database_consumers_and_backlog_when_all_is_up(supervised):
    _, probes = supervised("kpi", "customers")

    _, body = wait_for(lambda: probe(probes, "/ready"), lambda answer: answer[0] == 200)

    assert body["ready"] is True and body["reasons"] == []
    assert body["broker"]["ok"] and body["database"]["ok"]
    assert set(body["services"]) == {"kpi", "customers"}
    for service in body["services"].values():
        assert service["running"] and service["queues_without_consumer"] == []
        assert service["outbox_pending"] == 0 and service["oldest_pending_age_s"] is None
    assert probe(probes, "/health")[0] == 200


def test_ready_is_503_naming_the_database_when_it_does_not_answer(clientela_settings, supervised):
    runner, _ = supervised("kpi")
    dead = clientela_settings.replace(mongo_uri=f"mongodb://127.0.0.1:{free_port()}/")
    probes = HealthServer(dead.replace(health_address=f"127.0.0.1:{free_port()}"), runner)
    probes.start()
    try:
        status, body = probe(probes, "/ready")
    finally:
        probes.stop()

    assert status == 503
    assert body["database"]["ok"] is False
    assert [reason.split(":")[0] for reason in body["reasons"]] == ["database unreachable"]
    assert body["broker"]["ok"] is True
