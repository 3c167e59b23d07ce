"""The production broker profile: one RabbitMQ user per service, allowed only its own.

:func:`broker_definitions` builds a RabbitMQ definitions document (the format
``rabbitmqctl import_definitions`` and ``load_definitions`` read) from the
code's own topology, so it cannot go stale (``clientela broker-definitions``
prints it; ``deploy/rabbitmq/definitions.json`` is its output for the default
settings). It holds:

- the platform's exchanges, queues and bindings, so every queue exists before
  any service starts and no service needs to declare another's;
- a user per service that may configure and write only ``<service>.*`` (its
  events, redelivery and inbox exchanges, its queues), its ``rpc-<service>``
  queue and ``nameko-rpc``, where it may publish RPC replies only (a topic
  permission on the routing key); and read its own queues and the exchanges
  its handlers consume from. A forged event on another service's exchange is
  refused by the broker (``ACCESS_REFUSED``);
- ``integrator``: publishes to the services' inboxes (``prospects.inbox``) and binds queues named
  ``integrator.*`` to any service's events; ``operator``: everything in the
  virtual host, for the ``clientela`` commands;
- a policy expiring RPC reply queues (:data:`REPLY_QUEUE_PATTERN`) once unused
  for ``rpc_timeout_s``, and replies older than that.

A user's password hash is taken from ``CLIENTELA_BROKER_PASSWORD_<USER>`` in
the environment; without one the user has no password and cannot log in until
one is set (``rabbitmqctl change_password``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from kombu import Exchange

from clientela.config import Settings
from clientela.messaging import ServiceTopology, service_topology
from clientela.rpc import reply_queue_lifetime_ms

RPC_EXCHANGE = "nameko-rpc"
REPLY_QUEUE_PATTERN = r"^rpc\.reply-"
"""The reply queues nameko's RPC proxies declare: ``rpc.reply-<caller>-<uuid>``."""
RPC_REPLY_ROUTING_KEY = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
"""What a reply is routed by (its caller's reply-queue uuid); RPC calls are routed by
``<service>.<method>``, so a service allowed only this can answer but not call."""
INTEGRATOR = "integrator"
OPERATOR = "operator"
HASHING_ALGORITHM = "rabbit_password_hashing_sha256"
PASSWORD_ENV_PREFIX = "CLIENTELA_BROKER_PASSWORD_"


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's SHA-256 password hash: base64 of a 4-byte salt and sha256(salt + password)."""
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def password_variable(user: str) -> str:
    """The environment variable holding ``user``'s password."""
    return PASSWORD_ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", user.upper())


def _only(*patterns: str) -> str:
    return "^(" + "|".join(patterns) + ")$"


def service_permissions(topology: ServiceTopology) -> dict[str, str]:
    """configure/write/read patterns of the user a service runs as.

    A service that calls others over RPC also owns its reply queues,
    ``rpc.reply-<service>-<uuid>``.
    """
    own: tuple[str, ...] = (
        re.escape(f"{topology.name}.") + ".*",
        re.escape(f"rpc-{topology.name}"),
        RPC_EXCHANGE,
    )
    if topology.calls:
        own += (re.escape(f"rpc.reply-{topology.name}-") + ".*",)
    sources = sorted(
        re.escape(exchange.name)
        for exchange in topology.sources()
        if not exchange.name.startswith(f"{topology.name}.")
    )
    return {"configure": _only(*own), "write": _only(*own), "read": _only(*own, *sources)}


def rpc_routing(topology: ServiceTopology) -> str:
    """What a service may publish on the RPC exchange: replies, and calls to the services
    it calls (routed ``<service>.<method>``)."""
    if not topology.calls:
        return RPC_REPLY_ROUTING_KEY
    targets = "|".join(re.escape(name) for name in topology.calls)
    return f"^({RPC_REPLY_ROUTING_KEY[1:-1]}|({targets})\\.[a-z_]+)$"


def _exchange(exchange: Exchange, vhost: str) -> dict[str, Any]:
    return {
        "name": exchange.name,
        "vhost": vhost,
        "type": exchange.type,
        "durable": True,
        "auto_delete": False,
        "internal": False,
        "arguments": {},
    }


def _topology(topologies: Iterable[ServiceTopology], vhost: str) -> dict[str, list]:
    exchanges = {RPC_EXCHANGE: _exchange(Exchange(RPC_EXCHANGE, "topic"), vhost)}
    queues, bindings = [], []
    for topology in topologies:
        for exchange in (*topology.exchanges, *topology.sources()):
            exchanges.setdefault(exchange.name, _exchange(exchange, vhost))
        for queue in topology.queues():
            # kombu sets queue_arguments from Queue.attrs without declaring it
            arguments = dict(queue.queue_arguments or {})  # type: ignore[attr-defined]
            queues.append(
                {
                    "name": queue.name,
                    "vhost": vhost,
                    "durable": True,
                    "auto_delete": False,
                    "arguments": arguments,
                }
            )
            bindings.append(
                {
                    "source": queue.exchange.name,
                    "vhost": vhost,
                    "destination": queue.name,
                    "destination_type": "queue",
                    "routing_key": queue.routing_key,
                    "arguments": {},
                }
            )
    return {
        "exchanges": sorted(exchanges.values(), key=lambda e: e["name"]),
        "queues": queues,
        "bindings": bindings,
    }


def broker_definitions(
    settings: Settings,
    service_classes: Iterable[type],
    vhost: str = "/",
    user_prefix: str = "",
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The RabbitMQ definitions of the production profile for ``service_classes``.

    User names are ``<user_prefix><name>``; passwords come from ``environ``
    (see :func:`password_variable`), hashed, or are left unset.
    """
    environ = os.environ if environ is None else environ
    config = settings.nameko_config()
    topologies = [service_topology(cls, config) for cls in service_classes]
    events = [re.escape(topology.events.name) for topology in topologies]
    inboxes = [
        re.escape(exchange.name)
        for topology in topologies
        for exchange in topology.sources()
        if exchange.name.startswith(f"{topology.name}.")
    ]
    grants: dict[str, tuple[dict[str, str], str | None]] = {
        topology.name: (service_permissions(topology), rpc_routing(topology))
        for topology in topologies
    }
    integrator = re.escape(f"{user_prefix}{INTEGRATOR}.") + ".*"
    grants[INTEGRATOR] = (
        {
            "configure": _only(integrator),
            "write": _only(integrator, *inboxes),
            "read": _only(integrator, *events),
        },
        None,
    )
    grants[OPERATOR] = ({"configure": ".*", "write": ".*", "read": ".*"}, None)
    users, permissions, topic_permissions = [], [], []
    for name, (allowed, routing) in grants.items():
        user = f"{user_prefix}{name}"
        password = environ.get(password_variable(user))
        users.append(
            {
                "name": user,
                "password_hash": password_hash(password) if password else "",
                "hashing_algorithm": HASHING_ALGORITHM,
                "tags": "administrator" if name == OPERATOR else "",
            }
        )
        permissions.append({"user": user, "vhost": vhost, **allowed})
        if routing is not None:
            topic_permissions.append(
                {
                    "user": user,
                    "vhost": vhost,
                    "exchange": RPC_EXCHANGE,
                    "write": routing,
                    "read": ".*",
                }
            )
    expiry_ms = reply_queue_lifetime_ms(settings.rpc_timeout_s)
    return {
        "users": users,
        "vhosts": [{"name": vhost}],
        "permissions": permissions,
        "topic_permissions": topic_permissions,
        "policies": [
            {
                "vhost": vhost,
                "name": "rpc-reply-queues",
                "pattern": REPLY_QUEUE_PATTERN,
                "apply-to": "queues",
                "definition": {"expires": expiry_ms, "message-ttl": expiry_ms},
                "priority": 0,
            }
        ],
        **_topology(topologies, vhost),
    }
