"""Services survive losing their broker connections: they reconnect and lose nothing."""

from urllib.parse import unquote, urlsplit

from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for


def test_handlers_resume_after_every_connection_is_dropped(
    clientela_settings, clientela_platform, rabbit_admin, converted_event, service_database
):
    clientela_platform("customers", "kpi")
    customers = service_database("customers")
    kpi = service_database("kpi")
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    dispatch("prospects", "prospect_converted", converted_event("before-drop"))
    wait_for(lambda: customers.customers.count_documents({}) == 1)

    vhost = unquote(urlsplit(clientela_settings.amqp_uri).path.lstrip("/"))
    # the services may still be opening their connections: close once there are some
    wait_for(lambda: rabbit_admin.close_connections(vhost), timeout_s=30, interval_s=0.5)

    for prospect_id in ("after-drop-1", "after-drop-2"):
        dispatch("prospects", "prospect_converted", converted_event(prospect_id))
    wait_for(lambda: customers.customers.count_documents({}) == 3, timeout_s=60)
    wait_for(lambda: kpi.facts.count_documents({"kind": "conversion"}) == 3, timeout_s=60)
    # every customer_created was published and confirmed, none left in an outbox
    wait_for(lambda: customers.customers.count_documents({"outbox.0": {"$exists": True}}) == 0)
