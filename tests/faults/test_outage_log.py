"""A broker outage shows in the platform's log as two plain lines, not as tracebacks.

One WARNING when the connection is lost, naming the broker without its
password, and one INFO once the broker answers again; the consumers'
reconnection attempts in between are not logged one by one.
"""

import time

from clientela.cli.client import wait_for

OUTAGE_S = 3


def lines_with(text, log):
    return [line for line in log.splitlines() if text in line]


def test_a_short_outage_is_logged_once_when_lost_and_once_when_back(platform, rabbit_node):
    rabbit_node.stop_app()
    time.sleep(OUTAGE_S)
    rabbit_node.start_app()

    assert platform.post_lead("after@example.com") == 200
    log = wait_for(platform.log, lambda text: "answers again" in text, timeout_s=60)
    [lost] = lines_with("lost the connection to the broker", log)
    [back] = lines_with("answers again", log)
    assert " WARNING " in lost and " INFO " in back
    broker = f"amqp://guest:***@127.0.0.1:{rabbit_node.port}/"
    assert broker in lost and broker in back
    assert "Traceback" not in log
    assert "Error connecting to broker" not in log
    assert "guest:guest" not in log
    assert platform.running()
