"""Publishers recover by themselves when the broker drops their connections."""

import json
import urllib.error
import urllib.request
from urllib.parse import unquote, urlsplit

from clientela.cli.client import wait_for
from clientela.testing import TEST_API_KEY


def post_lead(settings, email):
    body = {"first_name": "Lía", "last_name": "Soto", "email": email, "consent": False}
    request = urllib.request.Request(
        f"http://{settings.http_address}/leads/webforms",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TEST_API_KEY}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_batch_publishes_work_again_after_the_broker_dropped_every_connection(
    clientela_settings, clientela_platform, rabbit_admin, service_database
):
    clientela_platform("prospects", "kpi")
    prospects, kpi = service_database("prospects"), service_database("kpi")
    assert post_lead(clientela_settings, "before@example.com") == 200
    wait_for(lambda: kpi.facts.count_documents({"kind": "captured", "at": {"$ne": None}}) == 1)

    vhost = unquote(urlsplit(clientela_settings.amqp_uri).path.lstrip("/"))
    # the services may still be opening their connections: close once there are some
    wait_for(lambda: rabbit_admin.close_connections(vhost), timeout_s=30, interval_s=0.5)

    # the first capture after the outage is published on a fresh connection, not a dead one
    assert post_lead(clientela_settings, "after-1@example.com") == 200
    assert post_lead(clientela_settings, "after-2@example.com") == 200
    assert prospects.staged_events.count_documents({}) == 0
    wait_for(
        lambda: kpi.facts.count_documents({"kind": "captured", "at": {"$ne": None}}) == 3,
        timeout_s=60,
    )
