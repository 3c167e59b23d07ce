"""Targets and alerts on the real kpi service: contracts delivered late put CCT out of range,
one alert is raised and announced however often the targets are checked, an improvement
action from loyalty links it, and another alert is dismissed with a reason."""

import json
from datetime import timedelta

import pytest
from kombu import Connection
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import new_event
from clientela.periods import period_key

pytestmark = pytest.mark.integration

WATCH = "watch-indicator-out-of-range"


def contract(contract_ref, due_at, delivered_at):
    return new_event(
        "contract_recorded",
        {
            "contract_id": contract_ref,
            "customer_id": "CU-1",
            "value": "12000.00",
            "currency": "MXN",
            "signed_at": due_at - timedelta(days=40),
            "due_at": due_at,
            "delivered_at": delivered_at,
            "status": "delivered",
        },
    )


def action_opened(action_id, alert_id):
    now = utcnow()
    return new_event(
        "improvement_action_opened",
        {
            "action_id": action_id,
            "alert_id": alert_id,
            "indicator": "CCT",
            "target": "90",
            "before": "50",
            "owner": "lucia",
            "opened_at": now,
            "due_at": now + timedelta(days=60),
        },
    )


def announced(amqp_uri):
    """The indicator_out_of_range payloads published so far (consumed)."""
    taken = []
    with Connection(amqp_uri) as connection:
        while (message := connection.default_channel.basic_get(WATCH, no_ack=True)) is not None:
            taken.append(json.loads(message.body)["payload"])
    return taken


@pytest.fixture
def rpc(clientela_platform, clientela_settings):
    # the timer stays out of the way: the test checks the targets itself
    proxy = clientela_platform("kpi", settings=clientela_settings.replace(kpi_alert_check_s=3600))
    with Connection(clientela_settings.amqp_uri) as connection:
        channel = connection.default_channel
        channel.queue_declare(WATCH, durable=False)
        channel.queue_bind(WATCH, "kpi.events", "indicator_out_of_range")
    return proxy


def test_an_out_of_range_value_raises_one_alert_that_an_action_links_or_a_reason_dismisses(
    rpc, clientela_settings
):
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    due = utcnow() - timedelta(days=1)
    dispatch("customers", "contract_recorded", contract("K-1", due, due - timedelta(days=2)))
    dispatch("customers", "contract_recorded", contract("K-2", due, due + timedelta(hours=20)))
    quarter, month = period_key(due, "quarter"), period_key(due, "month")
    wait_for(
        lambda: rpc.kpi.indicators("quarter")["periods"],
        lambda periods: any(p["period"] == quarter and p["contracts_due"] == 2 for p in periods),
    )
    target = rpc.kpi.set_target(
        by="lucia", indicator="CCT", value=90, tolerance=5, granularity="quarter"
    )
    assert (target["direction"], len(target["history"])) == ("higher", 1)

    [alert_id] = rpc.kpi.check_targets()
    assert rpc.kpi.check_targets() == []

    payloads = wait_for(lambda: announced(clientela_settings.amqp_uri))
    assert [p["alert_id"] for p in payloads] == [alert_id]
    assert (payloads[0]["period"], payloads[0]["value"], payloads[0]["target"]) == (
        quarter,
        50.0,
        90.0,
    )
    [listed] = rpc.kpi.alerts(True)
    assert (listed["id"], listed["state"], listed["indicator"]) == (alert_id, "open", "CCT")

    dispatch("loyalty", "improvement_action_opened", action_opened("A-1", alert_id))
    linked = wait_for(lambda: rpc.kpi.alert(alert_id), lambda alert: alert["state"] == "linked")
    assert linked["action_id"] == "A-1"
    assert rpc.kpi.alerts(True) == []

    rpc.kpi.set_target(by="marta", indicator="CCT", value=80, granularity="month")
    [monthly] = rpc.kpi.check_targets()
    dismissed = rpc.kpi.dismiss_alert(monthly, "Customs strike held both shipments", "marta")
    assert (dismissed["state"], dismissed["dismissed_by"]) == ("dismissed", "marta")
    assert dismissed["period"] == month
    with pytest.raises(Conflict):
        rpc.kpi.dismiss_alert(alert_id, "already answered", "marta")
    with pytest.raises(InvalidInput) as no_reason:
        rpc.kpi.dismiss_alert(monthly, " ", "marta")
    assert "reason" in no_reason.value.errors
    with pytest.raises(NotFound):
        rpc.kpi.alert("oor-000000000000")
    assert {a["id"]: a["state"] for a in rpc.kpi.alerts(False)} == {
        alert_id: "linked",
        monthly: "dismissed",
    }


def test_targets_keep_their_history_and_refuse_what_the_catalogue_does_not_allow(rpc):
    rpc.kpi.set_target(by="lucia", indicator="NPS", value=30)
    rpc.kpi.set_target(by="marta", indicator="NPS", value=35, tolerance=3)
    loaded = rpc.kpi.set_targets(
        [{"indicator": "SC", "value": 85, "period": "2026-Q4"}, {"indicator": "NSP", "value": 1}],
        "lucia",
    )

    [nps, sc] = rpc.kpi.targets()
    assert [(v["value"], v["set_by"]) for v in nps["history"]] == [(30, "lucia"), (35, "marta")]
    assert (nps["value"], nps["tolerance"]) == (35, 3)
    assert (sc["granularity"], sc["period"]) == ("quarter", "2026-Q4")
    assert [p["position"] for p in loaded["problems"]] == [2]
    with pytest.raises(InvalidInput) as refused:
        rpc.kpi.set_target(by="lucia", indicator="points_earned", value=1000)
    assert "direction" in refused.value.errors

    rpc.kpi.set_reference(indicator="NPS", value=32, label="Sector benchmark", by="lucia")
    review = rpc.kpi.review("2026-10-01", "2027-01-01")
    assert [t["indicator"] for t in review["targets"]] == ["NPS", "SC"]
    assert [r["label"] for r in review["references"]] == ["Sector benchmark"]


def test_kpi_checks_the_targets_by_itself_every_kpi_alert_check_s(
    clientela_platform, clientela_settings
):
    rpc = clientela_platform("kpi", settings=clientela_settings.replace(kpi_alert_check_s=0.2))
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    due = utcnow() - timedelta(days=1)
    dispatch("customers", "contract_recorded", contract("K-9", due, due + timedelta(days=3)))
    rpc.kpi.set_target(by="lucia", indicator="CCT", value=95, granularity="month")

    [alert] = wait_for(lambda: rpc.kpi.alerts(True))

    assert (alert["indicator"], alert["period"], alert["value"]) == (
        "CCT",
        period_key(due, "month"),
        0.0,
    )
