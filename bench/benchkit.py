"""What the benchmarks share: a throwaway database and broker, services run as deployed, timing.

A benchmark gets a database (an embedded SecantusDB of its own, or the MongoDB
given with ``--mongo-uri``), a RabbitMQ virtual host of its own (created
through the management API on 127.0.0.1:15672, deleted afterwards) and
:class:`~clientela.config.Settings` for both, with a database prefix and
listening addresses nobody else uses::

    with throwaway_platform(args.mongo_uri) as settings:
        with service_running(settings, "kpi"):
            ...

The benchmarks that need no broker use :func:`bench_database` alone. The
module also holds the measuring helpers more than one benchmark uses: raw
``insert_many`` timing, a raw pika consume+ack loop, the size of a queue and
progress lines on stderr.

The benchmarks import it as ``benchkit`` (they run as ``bench/<script>.py``, so
``bench/`` is on the path). Nothing here needs eventlet patched first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pika

from clientela.config import Settings
from clientela.embedded import EmbeddedDatabase
from clientela.testing import RabbitAdmin, free_port

if TYPE_CHECKING:
    from clientela.cli.file_import import ImportSummary

RABBIT_API_URI = "http://guest:guest@127.0.0.1:15672"
"""RabbitMQ's management API, which creates and deletes the throwaway virtual hosts."""
RABBIT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
"""The broker the benchmarks talk to; a throwaway virtual host is appended to it."""
SERVICE_STOP_TIMEOUT_S = 60
"""How long a stopped service may take to exit."""


def workdir(prefix: str = "clientela-bench-") -> Path:
    """A new temporary directory for a benchmark's files; left behind for a look afterwards."""
    return Path(tempfile.mkdtemp(prefix=prefix))


@contextmanager
def bench_database(
    mongo_uri: str = "", *, data_dir: Path | None = None, durable: bool = False
) -> Iterator[str]:
    """The URI of the database to benchmark on, for the length of the block.

    ``mongo_uri`` given: that database, untouched. Otherwise an embedded
    SecantusDB on a free port, flushing its log on every commit if ``durable``,
    stopped when the block ends. Its data goes to ``data_dir``, left there
    afterwards, or to a temporary directory removed afterwards.
    """
    if mongo_uri:
        yield mongo_uri
        return
    scratch = None if data_dir is not None else workdir()
    db = EmbeddedDatabase(str(data_dir or scratch), free_port(), durable=durable)
    db.start()
    try:
        yield db.uri
    finally:
        db.stop()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def best_ms(call: Callable[[], object], rounds: int) -> float:
    """The fastest of ``rounds`` calls of ``call``, in milliseconds."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return min(times)


def create_indexes(database: Any, documents: Iterable[Any]) -> None:
    """Create in ``database`` the indexes the service's ``documents`` declare, as the
    service does when it starts."""
    for document in documents:
        collection = database[document._meta["collection"]]
        for spec in document._meta["index_specs"]:
            collection.create_index(spec["fields"])


@contextmanager
def throwaway_vhost() -> Iterator[str]:
    """The AMQP URI of a new RabbitMQ virtual host, deleted when the block ends."""
    admin = RabbitAdmin(RABBIT_API_URI, RABBIT_AMQP_URI)
    vhost = f"clientela-bench-{uuid.uuid4().hex[:8]}"
    admin.create_vhost(vhost)
    try:
        yield f"{RABBIT_AMQP_URI}{vhost}"
    finally:
        admin.delete_vhost(vhost)


def bench_settings(amqp_uri: str, mongo_uri: str, **settings: Any) -> Settings:
    """Settings on ``amqp_uri`` and ``mongo_uri`` that share nothing with another run.

    Databases get a fresh prefix, and the HTTP, health and dashboard addresses
    free ports; ``settings`` (``Settings`` fields) override any of these.
    """
    defaults: dict[str, Any] = {
        "db_prefix": f"bench{uuid.uuid4().hex[:6]}",
        "http_address": f"127.0.0.1:{free_port()}",
        "health_address": f"127.0.0.1:{free_port()}",
        "dashboard_address": f"127.0.0.1:{free_port()}",
    }
    return Settings(amqp_uri=amqp_uri, mongo_uri=mongo_uri, **{**defaults, **settings})


@contextmanager
def throwaway_platform(
    mongo_uri: str = "",
    *,
    data_dir: Path | None = None,
    durable: bool = False,
    **settings: Any,
) -> Iterator[Settings]:
    """Settings for a database and a virtual host of their own, for the length of the block.

    The database is :func:`bench_database` (``mongo_uri``, or an embedded SecantusDB
    in ``data_dir``, ``durable`` or not), the virtual host
    :func:`throwaway_vhost`; ``settings`` go to :func:`bench_settings`. The
    virtual host is deleted and the embedded database stopped afterwards.
    """
    with (
        bench_database(mongo_uri, data_dir=data_dir, durable=durable) as uri,
        throwaway_vhost() as amqp_uri,
    ):
        yield bench_settings(amqp_uri, uri, **settings)


def service_environment(settings: Settings, **extra: object) -> dict[str, str]:
    """This process's environment with the ``CLIENTELA_*`` variables ``settings`` need.

    Broker, database, database prefix and addresses come from ``settings``, the
    log level is WARNING; each of ``extra`` (a setting name, lower case, and its
    value) becomes ``CLIENTELA_<NAME>`` and wins over those.
    """
    environ = {
        **os.environ,
        "CLIENTELA_AMQP_URI": settings.amqp_uri,
        "CLIENTELA_MONGO_URI": settings.mongo_uri,
        "CLIENTELA_DB_PREFIX": settings.db_prefix,
        "CLIENTELA_HTTP_ADDRESS": settings.http_address,
        "CLIENTELA_HEALTH_ADDRESS": settings.health_address,
        "CLIENTELA_DASHBOARD_ADDRESS": settings.dashboard_address,
        "CLIENTELA_LOG_LEVEL": "WARNING",
    }
    environ.update({f"CLIENTELA_{name.upper()}": str(value) for name, value in extra.items()})
    return environ


def run_service(settings: Settings, name: str, **extra_env: object) -> subprocess.Popen:
    """``clientela run <name>`` on ``settings``, in a process of its own, as deployed.

    ``extra_env`` are further settings for it, as in :func:`service_environment`.
    """
    command = [str(Path(sys.executable).with_name("clientela")), "run", name]
    return subprocess.Popen(command, env=service_environment(settings, **extra_env))


def wait_until_running(settings: Settings, name: str) -> None:
    """Return once service ``name`` answers on ``settings``' broker (TimeoutError after 30 s)."""
    from clientela.cli.client import require_services, wait_for

    wait_for(lambda: require_services(settings, name) or True, not_yet=(Exception,))


@contextmanager
def service_running(
    settings: Settings, name: str, *, wait: bool = True, **extra_env: object
) -> Iterator[subprocess.Popen]:
    """:func:`run_service` for the length of the block, terminated afterwards.

    With ``wait`` the block starts once the service answers
    (:func:`wait_until_running`).
    """
    service = run_service(settings, name, **extra_env)
    try:
        if wait:
            wait_until_running(settings, name)
        yield service
    finally:
        service.terminate()
        service.wait(timeout=SERVICE_STOP_TIMEOUT_S)


def insert_raw(database: Any, documents: list[dict], batch: int, indexed_as: Any = None) -> float:
    """Seconds to ``insert_many`` ``documents``, ``batch`` at a time (unordered).

    They go into a new collection of ``database`` with the indexes of the
    mongoengine document class ``indexed_as`` (none if None), dropped afterwards.
    """
    collection = database[f"raw_{uuid.uuid4().hex[:6]}"]
    if indexed_as is not None:
        for index in indexed_as._meta["index_specs"]:
            collection.create_index(index["fields"], sparse=index.get("sparse", False))
    started = time.perf_counter()
    for start in range(0, len(documents), batch):
        collection.insert_many(documents[start : start + batch], ordered=False)
    elapsed = time.perf_counter() - started
    collection.drop()
    return elapsed


def progress(label: str, done: int, total: int) -> None:
    """``label: done/total`` over the previous progress line on stderr."""
    print(f"\r  {label}: {done}/{total}", end="", file=sys.stderr, flush=True)


def import_progress(
    label: str, total: int, started: float | None = None
) -> Callable[[ImportSummary], None]:
    """A ``progress`` callback for ``import_file``: rows done of ``total`` and rows/s on stderr.

    The rate counts from ``started`` (a ``time.perf_counter()`` value), or from now.
    """
    since = time.perf_counter() if started is None else started

    def show(summary: ImportSummary) -> None:
        rate = summary.rows / (time.perf_counter() - since)
        print(f"\r  {label}: {summary.rows}/{total} rows, {rate:.0f}/s", end="", file=sys.stderr)

    return show


def consume_and_ack(
    channel: Any, queue: str, count: int, prefetch: int, label: str | None = None
) -> float:
    """Seconds for a plain pika consumer to ack ``count`` messages of ``queue`` one by one.

    ``channel`` (a pika ``BlockingChannel``) gets a prefetch of ``prefetch``; the
    consumer is cancelled afterwards. With ``label``, progress every 1,000
    messages on stderr.
    """
    channel.basic_qos(prefetch_count=prefetch)
    started = time.perf_counter()
    for done, (method, _properties, _body) in enumerate(channel.consume(queue), start=1):
        channel.basic_ack(method.delivery_tag)
        if label is not None and done % 1000 == 0:
            progress(label, done, count)
        if done == count:
            break
    elapsed = time.perf_counter() - started
    channel.cancel()
    return elapsed


def queued(amqp_uri: str, queue: str) -> int:
    """Messages ready in ``queue`` (those delivered but not acked are not counted)."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()
