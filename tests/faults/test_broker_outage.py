"""The broker stops for 10 s under a running platform (``rabbitmqctl stop_app``/``start_app``).

The platform is ``clientela up`` in a process of its own, on the suite's own
RabbitMQ node. It must stay up, take new leads as soon as the broker is back,
and count every person exactly once.
"""

import json
import os
import time

from clientela.cli.client import wait_for

OUTAGE_S = 10
PEOPLE = int(os.environ.get("CLIENTELA_FAULT_PEOPLE", "5000"))
"""People in the import the outage interrupts (``CLIENTELA_FAULT_PEOPLE`` for another size)."""


def broker_outage(rabbit_node):
    rabbit_node.stop_app()
    time.sleep(OUTAGE_S)
    rabbit_node.start_app()


def all_services_consume(platform):
    """Whether ``clientela status`` sees every service's RPC consumer again."""
    result = platform.cli("status", "--json")
    if result.returncode != 0:
        return False
    services = json.loads(result.stdout)["broker"]["services"]
    return all(service["instances"] == 1 for service in services.values())


def test_an_idle_platform_outlives_a_broker_outage_and_captures_right_after(platform, rabbit_node):
    assert platform.post_lead("before@example.com") == 200
    assert platform.wait_for_new_prospects(1) == 1

    broker_outage(rabbit_node)

    # the first capture after the outage is stored and published, not a 500
    assert platform.post_lead("after-1@example.com") == 200
    assert platform.post_lead("after-2@example.com") == 200
    assert platform.wait_for_new_prospects(3) == 3
    wait_for(lambda: all_services_consume(platform), timeout_s=60, interval_s=1)
    assert platform.running()
    assert platform.tracebacks() == []


def test_a_broker_outage_during_an_import_loses_and_doubles_nobody(
    platform, rabbit_node, visitor_list
):
    visitors = visitor_list(PEOPLE)
    first = platform.start_import(visitors)
    wait_for(platform.live_profiles, lambda count: count >= 200, timeout_s=120, interval_s=0.2)

    broker_outage(rabbit_node)

    platform.finish_import(first)
    # as an operator would: import again once `clientela status` sees the services back
    # (until they reconsume, the import says "not running: prospects")
    wait_for(lambda: all_services_consume(platform), timeout_s=60, interval_s=1)
    platform.import_until_done(visitors, PEOPLE)

    assert platform.wait_for_new_prospects(PEOPLE) == PEOPLE
    assert platform.live_profiles() == PEOPLE
    assert platform.running()
    assert platform.tracebacks() == []
