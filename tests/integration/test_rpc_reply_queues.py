"""RPC reply queues outlive a dropped connection but not their caller (no stale replies kept)."""

from nameko.standalone.rpc import ClusterRpcProxy

from clientela.broker_users import broker_definitions
from clientela.cli.client import platform, wait_for
from clientela.cli.services import platform_classes
from clientela.messaging import virtual_host


def reply_queues(rabbit_admin, vhost):
    return {name for name in rabbit_admin.queue_names(vhost) if name.startswith("rpc.reply-")}


def test_a_reply_queue_survives_a_dropped_connection_and_goes_once_its_caller_left(
    clientela_settings, clientela_platform, rabbit_admin
):
    clientela_platform("kpi")
    vhost = virtual_host(clientela_settings.amqp_uri)
    before = reply_queues(rabbit_admin, vhost)
    settings = clientela_settings.replace(rpc_timeout_s=2)

    with platform(settings, "kpi") as rpc:
        assert rpc.kpi.indicators("month") == {"granularity": "month", "periods": []}
        [mine] = reply_queues(rabbit_admin, vhost) - before
        rabbit_admin.close_connections(vhost)  # the caller's and every service's

        assert rpc.kpi.indicators("month")["periods"] == []  # the reply still reaches it
        assert mine in reply_queues(rabbit_admin, vhost)

    wait_for(lambda: mine not in reply_queues(rabbit_admin, vhost))


def test_the_profile_policy_expires_other_proxies_reply_queues(
    clientela_settings, clientela_platform, rabbit_admin
):
    clientela_platform("kpi")
    vhost = virtual_host(clientela_settings.amqp_uri)
    settings = clientela_settings.replace(rpc_timeout_s=2)
    definitions = broker_definitions(settings, platform_classes(), vhost=vhost, environ={})
    rabbit_admin.load_definitions(vhost, {**definitions, "users": []})
    before = reply_queues(rabbit_admin, vhost)

    with ClusterRpcProxy(settings.nameko_config(), timeout=30) as rpc:  # nameko's: 5 min
        rpc.kpi.indicators("month")
        [theirs] = reply_queues(rabbit_admin, vhost) - before

    wait_for(lambda: theirs not in reply_queues(rabbit_admin, vhost))
