"""pytest fixtures for clientela and for plugin authors (loaded as a pytest plugin).

Every fixture that touches infrastructure uses the real thing, isolated:

- ``amqp_uri``: a RabbitMQ virtual host of its own per test, deleted afterwards
  (through the management API when it answers, else ``rabbitmqctl``);
- ``mongo_uri``: one embedded SecantusDB server for the session, or the server
  in ``CLIENTELA_TEST_MONGO_URI`` (a real MongoDB works unchanged);
- ``clientela_settings``: settings on both, with a database prefix of its own
  per test, fast retries and the API key :data:`TEST_API_KEY`;
- ``clientela_platform``: starts chosen services and yields an RPC proxy;
- ``clientela_module_settings`` and ``clientela_module_platform``: the same,
  shared by the tests of a module: the services keep running from one test
  to the next, their databases and queues emptied in between;
- ``service_database``: reads a service's database without touching its connections;
- ``clientela_plugins``: a plugin registry to register throwaway plugins in.

The broker defaults to ``amqp://guest:guest@127.0.0.1:5672/``
(``CLIENTELA_TEST_AMQP_URI``) and its management API to
``http://guest:guest@127.0.0.1:15672`` (``CLIENTELA_TEST_RABBIT_API``).
Services run in the test process under eventlet: this plugin monkey-patches
the standard library before the test modules are collected, so that tests
need no ``conftest.py`` of their own for it (and nameko's notice about the
patch is not printed). Their message consumers check for a stop request every
:data:`CONSUMER_POLL_S` seconds rather than every second, so stopping a
platform at the end of a test takes a fraction of a second, not two.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from clientela.config import Settings


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests() -> None:
    """Patch the standard library for eventlet before anything imports it.

    nameko services (started by ``clientela_platform``) run in eventlet green
    threads; unpatched sockets block the hub, and a test waits forever.
    (eventlet's notice that it is in maintenance says nothing to a test run.)

    Hypothesis's own plugins are not loaded: trio (which selenium brings)
    registers one that cannot import over eventlet's patched sockets.
    """
    os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()


CONSUMER_POLL_S = 0.05
"""How long a service's message consumer waits for a message before checking for a stop.

nameko's queue consumer (kombu's ``ConsumerMixin``) waits up to a second, its
"safety interval", and a container's stop waits for two such turns: one to
cancel the consumers, one to leave the loop. In production that second is
free; in a test it is two seconds of tear-down per started platform.
"""


def pytest_configure(config: pytest.Config) -> None:
    """Make the message consumers of services started in tests stop promptly."""
    from kombu.mixins import ConsumerMixin
    from nameko.messaging import QueueConsumer

    patch = pytest.MonkeyPatch()
    patch.setattr(
        QueueConsumer,
        "consume",
        functools.partialmethod(ConsumerMixin.consume, safety_interval=CONSUMER_POLL_S),
    )
    config.add_cleanup(patch.undo)


DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_RABBIT_API = "http://guest:guest@127.0.0.1:15672"
TEST_API_KEY = "clientela-test-key"
"""The API key ``clientela_settings`` accepts on authenticated HTTP entrypoints."""


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RabbitAdmin:
    """Creates and deletes virtual hosts, by the management API or rabbitmqctl.

    With the management API it also loads broker definitions (users included)
    into a test's virtual host, and deletes those users afterwards.
    """

    def __init__(self, api_uri: str, amqp_uri: str) -> None:
        parts = urlsplit(api_uri)
        self.api = f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}/api"
        credentials = f"{parts.username or 'guest'}:{parts.password or 'guest'}".encode()
        self.auth = "Basic " + base64.b64encode(credentials).decode()
        self.amqp_uri = amqp_uri
        self.user = urlsplit(amqp_uri).username or "guest"
        self.use_api = self._api_answers()

    def _call(self, method: str, path: str, body: dict | None = None) -> None:
        request = urllib.request.Request(
            f"{self.api}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": self.auth, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10):
            pass

    def _api_answers(self) -> bool:
        try:
            self._call("GET", "/overview")
            return True
        except (urllib.error.URLError, OSError):
            return False

    def create_vhost(self, vhost: str) -> None:
        if self.use_api:
            self._call("PUT", f"/vhosts/{quote(vhost, safe='')}")
            self._call(
                "PUT",
                f"/permissions/{quote(vhost, safe='')}/{quote(self.user, safe='')}",
                {"configure": ".*", "write": ".*", "read": ".*"},
            )
            return
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
        subprocess.run(
            ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, self.user, ".*", ".*", ".*"],
            check=True,
        )

    def close_connections(self, vhost: str) -> int:
        """Close every client connection to ``vhost`` (as a broker restart would)."""
        if not self.use_api:
            subprocess.run(
                ["rabbitmqctl", "-q", "close_all_connections", "-p", vhost, "test"], check=True
            )
            return -1
        request = urllib.request.Request(
            f"{self.api}/vhosts/{quote(vhost, safe='')}/connections",
            headers={"Authorization": self.auth},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            connections = json.load(response)
        for connection in connections:
            self._call("DELETE", f"/connections/{quote(connection['name'], safe='')}")
        return len(connections)

    def load_definitions(self, vhost: str, definitions: dict[str, Any]) -> list[str]:
        """Load ``definitions`` (see :mod:`clientela.broker_users`) into ``vhost``.

        Its exchanges, queues, bindings and policies, then its users with their
        permissions there (users tagged ``administrator`` are left out: a test
        makes no broker administrators). Returns the users created, for
        :meth:`delete_user`. Needs the management API.
        """
        if not self.use_api:
            raise RuntimeError("loading definitions needs the RabbitMQ management API")
        encoded = quote(vhost, safe="")
        parts = ("exchanges", "queues", "bindings", "policies")
        self._call("POST", f"/definitions/{encoded}", {part: definitions[part] for part in parts})
        created = []
        for user in definitions["users"]:
            if "administrator" in user["tags"]:
                continue
            name = quote(user["name"], safe="")
            self._call("PUT", f"/users/{name}", {k: v for k, v in user.items() if k != "name"})
            created.append(user["name"])
        for grant in definitions["permissions"]:
            if grant["user"] in created:
                allowed = {key: grant[key] for key in ("configure", "write", "read")}
                user = quote(grant["user"], safe="")
                self._call("PUT", f"/permissions/{encoded}/{user}", allowed)
        for grant in definitions["topic_permissions"]:
            if grant["user"] in created:
                allowed = {key: grant[key] for key in ("exchange", "write", "read")}
                user = quote(grant["user"], safe="")
                self._call("PUT", f"/topic-permissions/{encoded}/{user}", allowed)
        return created

    def delete_user(self, name: str) -> None:
        """Delete broker user ``name``."""
        self._call("DELETE", f"/users/{quote(name, safe='')}")

    def queue_names(self, vhost: str) -> list[str]:
        """Names of the queues in ``vhost``, read without touching them (no expiry reset)."""
        request = urllib.request.Request(
            f"{self.api}/queues/{quote(vhost, safe='')}?columns=name",
            headers={"Authorization": self.auth},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return [queue["name"] for queue in json.load(response)]

    def delete_vhost(self, vhost: str) -> None:
        if self.use_api:
            self._call("DELETE", f"/vhosts/{quote(vhost, safe='')}")
        else:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)


@pytest.fixture(scope="session")
def rabbit_admin() -> RabbitAdmin:
    """Administration of the test broker."""
    return RabbitAdmin(
        os.environ.get("CLIENTELA_TEST_RABBIT_API", DEFAULT_RABBIT_API),
        os.environ.get("CLIENTELA_TEST_AMQP_URI", DEFAULT_AMQP_URI),
    )


@contextmanager
def _virtual_host(rabbit_admin: RabbitAdmin) -> Iterator[str]:
    """The URI of a new virtual host on the test broker, deleted on leaving."""
    vhost = f"clientela-test-{uuid.uuid4().hex[:12]}"
    rabbit_admin.create_vhost(vhost)
    try:
        yield f"{rabbit_admin.amqp_uri.rstrip('/')}/{quote(vhost, safe='')}"
    finally:
        rabbit_admin.delete_vhost(vhost)


@pytest.fixture
def amqp_uri(rabbit_admin: RabbitAdmin) -> Iterator[str]:
    """URI of a fresh virtual host on the test broker, deleted after the test.

    The broker is the one ``rabbit_admin`` administers (``rabbit_admin.amqp_uri``):
    override that fixture to run tests on another broker.
    """
    with _virtual_host(rabbit_admin) as uri:
        yield uri


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    """A MongoDB server for the session: CLIENTELA_TEST_MONGO_URI, else embedded SecantusDB."""
    configured = os.environ.get("CLIENTELA_TEST_MONGO_URI")
    if configured:
        yield configured
        return
    from clientela.embedded import EmbeddedDatabase

    data_dir = tempfile.mkdtemp(prefix="clientela-test-db-")
    database = EmbeddedDatabase(data_dir, free_port())
    database.start()
    try:
        yield database.uri
    finally:
        database.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _test_settings(amqp_uri: str, mongo_uri: str, data_dir: Path) -> Settings:
    """Settings on ``amqp_uri`` with databases of their own, quick retries."""
    return Settings(
        amqp_uri=amqp_uri,
        mongo_uri=mongo_uri,
        db_prefix=f"t{uuid.uuid4().hex[:10]}",
        data_dir=str(data_dir / "clientela"),
        event_retry_attempts=3,
        event_retry_delay_ms=100,
        outbox_relay_interval_s=0.5,
        outbox_relay_grace_s=2.0,
        rpc_timeout_s=30,
        http_address=f"127.0.0.1:{free_port()}",
        feedback_http_address=f"127.0.0.1:{free_port()}",
        dashboard_address=f"127.0.0.1:{free_port()}",
        api_keys=TEST_API_KEY,
    )


@pytest.fixture
def clientela_settings(amqp_uri: str, mongo_uri: str, tmp_path: Path) -> Settings:
    """Settings for one test: its own vhost and databases, quick retries."""
    return _test_settings(amqp_uri, mongo_uri, tmp_path)


@pytest.fixture(scope="module")
def clientela_module_settings(
    rabbit_admin: RabbitAdmin, mongo_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """Settings shared by the tests of a module: one vhost and one set of databases."""
    with _virtual_host(rabbit_admin) as uri:
        yield _test_settings(uri, mongo_uri, tmp_path_factory.mktemp("module"))


@pytest.fixture
def service_database(clientela_settings: Settings) -> Iterator[Callable[[str], Any]]:
    """``service_database(name)``: a service's database through a client of the test's own.

    (Services running in the test process keep their own connections untouched.)
    """
    import pymongo

    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        clientela_settings.mongo_uri, tz_aware=True
    )
    yield lambda service: client[clientela_settings.database_name(service)]
    client.close()


@contextmanager
def _kept_from_nameko_teardown() -> Iterator[None]:
    """Message consumers made meanwhile keep consuming after the test that made them.

    nameko's pytest plugin (its autouse ``fast_teardown``) wraps kombu's
    ``ConsumerMixin.__init__`` during each test to tell every consumer made
    in the test to stop at its end; the consumers of a platform shared by the
    tests of a module must not hear that.
    """
    from kombu.mixins import ConsumerMixin

    with pytest.MonkeyPatch.context() as patch:
        if "__init__" in vars(ConsumerMixin):
            patch.delattr(ConsumerMixin, "__init__")
        yield


class RunningServices:
    """Services running in the test process, and an RPC proxy to them."""

    def __init__(
        self, settings: Settings, service_names: tuple[str, ...], outlive_the_test: bool = False
    ) -> None:
        from nameko.runners import ServiceRunner

        from clientela.discovery import service_class, service_classes
        from clientela.messaging import declare_topology
        from clientela.rpc import rpc_proxy

        self.settings = settings
        self.service_names = service_names
        config = settings.nameko_config()
        self.handler_queues = declare_topology(service_classes(), config)
        self.runner = ServiceRunner(config)
        with _kept_from_nameko_teardown() if outlive_the_test else contextlib.nullcontext():
            for name in service_names:
                self.runner.add_service(service_class(name))
            self.runner.start()
        self._proxy = rpc_proxy(settings)
        self.rpc = self._proxy.start()

    def working(self) -> bool:
        """Whether any service is handling a call, an event or a timer tick right now."""
        return any(container._worker_threads for container in self.runner.containers)

    def stop(self) -> None:
        """Stop the proxy, then the services (each finishing the work it took)."""
        self._proxy.stop()
        self.runner.stop()


@pytest.fixture
def clientela_platform(
    clientela_settings: Settings,
) -> Iterator[Callable[..., Any]]:
    """``start(*service_names)`` runs those services and returns an RPC proxy to them.

    ``start(..., settings=changed)`` runs them with other settings (derive them
    from ``clientela_settings`` with ``replace`` to keep the test's isolation).
    """
    started: list[RunningServices] = []

    def start(*service_names: str, settings: Settings | None = None) -> Any:
        services = RunningServices(settings or clientela_settings, service_names)
        started.append(services)
        return services.rpc

    yield start
    for services in started:
        services.stop()


SETTLE_TIMEOUT_S = 30.0
"""How long a shared platform may take to finish the previous test's work before a restart."""


class SharedPlatform:
    """Services kept running from one test to the next, emptied in between.

    Starting services costs a second or more; emptying their databases and
    queues, once the work the previous test left under way is done, costs
    far less. One runs at a time, and only during the tests that use it:
    services of one name share mongoengine's connection aliases within a
    process, so any other test's services or database connections would
    take them over.
    """

    def __init__(self, mongo_uri: str) -> None:
        import pymongo

        self._client: Any = pymongo.MongoClient(mongo_uri, tz_aware=True)
        self.services: RunningServices | None = None

    def fresh(self, settings: Settings, service_names: tuple[str, ...]) -> Any:
        """An RPC proxy to ``service_names`` running on ``settings``, with nothing stored."""
        running = self.services
        same = running and (running.settings, running.service_names) == (settings, service_names)
        if running and same and self._settled(running):
            self._empty(running)
            return running.rpc
        self.stop()
        self.services = RunningServices(settings, service_names, outlive_the_test=True)
        self._empty(self.services)
        return self.services.rpc

    def stop(self) -> None:
        """Stop the services, if running, and empty what they leave behind."""
        running, self.services = self.services, None
        if running:
            running.stop()
            self._empty(running)

    def close(self) -> None:
        """Stop the services and let go of the database."""
        self.stop()
        self._client.close()

    def _settled(self, running: RunningServices) -> bool:
        """Wait until no service works and no event waits for one; False if that never comes.

        Quiet twice in a row: a message the broker just delivered may not have
        reached its service's worker yet at the first look.
        """
        from kombu import Connection

        from clientela.messaging import queue_counts

        consumed = [
            queue.name
            for handler in running.handler_queues
            if handler.main.name.split(".", 1)[0] in running.service_names
            for queue in (handler.main, *handler.retries)
        ]
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        quiet = 0
        with Connection(running.settings.amqp_uri) as connection:
            while quiet < 2:
                if time.monotonic() > deadline:
                    return False
                waiting = any((queue_counts(connection, name) or (0, 0))[0] for name in consumed)
                quiet = 0 if waiting or running.working() else quiet + 1
                time.sleep(CONSUMER_POLL_S)
        return True

    def _empty(self, services: RunningServices) -> None:
        """Purge every handler queue and delete every document of every service."""
        from kombu import Connection

        from clientela.discovery import service_names

        with Connection(services.settings.amqp_uri) as connection:
            channel = connection.default_channel
            for handler in services.handler_queues:
                for queue in handler.all():
                    channel.queue_purge(queue.name)
        for service in service_names():
            database = self._client[services.settings.database_name(service)]
            for collection in database.list_collection_names():
                if not collection.startswith("system."):
                    database[collection].delete_many({})


SHARED_PLATFORM = pytest.StashKey[SharedPlatform]()


@pytest.fixture(scope="session")
def _shared_platform(request: pytest.FixtureRequest, mongo_uri: str) -> Iterator[SharedPlatform]:
    """The one platform tests may share (see ``clientela_module_platform``)."""
    shared = SharedPlatform(mongo_uri)
    request.config.stash[SHARED_PLATFORM] = shared
    yield shared
    del request.config.stash[SHARED_PLATFORM]
    shared.close()


@pytest.fixture(autouse=True)
def _shared_platform_only_where_used(request: pytest.FixtureRequest) -> None:
    """Stop the shared platform, if one runs, before a test that does not use it."""
    shared = request.config.stash.get(SHARED_PLATFORM, None)
    if shared and "clientela_module_platform" not in request.fixturenames:
        shared.stop()


@pytest.fixture(scope="module")
def clientela_module_platform(
    clientela_module_settings: Settings, _shared_platform: SharedPlatform
) -> Iterator[Callable[..., Any]]:
    """``start(*service_names)``: an RPC proxy to those services, shared by a module's tests.

    The services run on ``clientela_module_settings`` and keep running from
    one test to the next; each call waits until the work the previous test
    left under way is done, then empties every database and handler queue,
    so each test starts from nothing, as with ``clientela_platform``. Call it
    from a function-scoped fixture.
    """
    yield lambda *service_names: _shared_platform.fresh(clientela_module_settings, service_names)
    _shared_platform.stop()


@pytest.fixture
def clientela_plugins() -> Any:
    """A registry of the installed plugins; register throwaway ones on it for a test."""
    from clientela.plugin_manager import load_plugins

    return load_plugins({})
