"""The fault suite's own RabbitMQ node, so stopping a broker never touches the machine's.

One node per test session, started from the installed ``rabbitmq-server`` on
free ports with an environment of its own (node name, config, plugins, data
and logs in a temporary directory), so the machine's ``/etc/rabbitmq`` files
and its node on 5672 are never read or touched. Every test of this directory
gets a virtual host of its own on that node: the ``rabbit_admin`` fixture is
overridden, and ``amqp_uri`` (hence ``clientela_settings``) follows it.

The node is driven through Erlang distribution with OTP's ``erl_call``
(milliseconds, where each ``rabbitmqctl`` call takes seconds): ``stop_app``,
``start_app`` and closing connections, as ``rabbitmqctl`` does them.
"""

from __future__ import annotations

import csv
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pymongo
import pytest

from clientela.cli.client import wait_for
from clientela.testing import TEST_API_KEY, free_port

SERVER_SCRIPTS = ("/usr/lib/rabbitmq/bin/rabbitmq-server", "rabbitmq-server")
"""The server start script, preferring Debian's own over its ``su rabbitmq`` wrapper."""
BOOT_TIMEOUT_S = 120.0
ACTING_USER = "clientela-tests"


def _program(*candidates: str) -> str:
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    pytest.fail(f"the fault suite needs {candidates[-1]} (from the RabbitMQ/Erlang install)")


def _erlang_binary(text: str) -> str:
    """``text`` as an Erlang binary literal."""
    return "<<" + ",".join(str(byte) for byte in text.encode()) + ">>"


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, even without a teardown."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class RabbitNode:
    """A RabbitMQ node of the tests' own on ``127.0.0.1``, with vhosts and faults on demand.

    Offers ``amqp_uri``, ``create_vhost``, ``delete_vhost`` and
    ``close_connections`` like :class:`clientela.testing.RabbitAdmin`, so the
    ``amqp_uri`` fixture works on it unchanged.
    """

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self.port = free_port()
        self.name = f"clientela-faults-{uuid.uuid4().hex[:8]}@localhost"
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.cookie = secrets.token_hex(16)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        """Where the node writes its log."""
        return self.base_dir / "log" / f"{self.name}.log"

    def _environment(self) -> dict[str, str]:
        base = self.base_dir
        (base / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n", encoding="utf-8"
        )
        (base / "rabbitmq-env.conf").write_text("", encoding="utf-8")
        (base / "enabled_plugins").write_text("[].\n", encoding="utf-8")
        cookie = base / ".erlang.cookie"
        cookie.write_text(self.cookie, encoding="utf-8")
        cookie.chmod(0o400)
        return {
            **os.environ,
            "HOME": str(base),  # Erlang reads its cookie from $HOME
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_PID_FILE": str(base / "rabbitmq.pid"),
            "RABBITMQ_PLUGINS_EXPAND_DIR": str(base / "plugins"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    def start(self) -> None:
        """Boot the node and wait until RabbitMQ runs on it."""
        with (self.base_dir / "server.out").open("ab") as output:
            self._process = subprocess.Popen(
                [_program(*SERVER_SCRIPTS)],
                env=self._environment(),
                cwd=self.base_dir,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while not self.running():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
                pytest.fail(f"the fault suite's RabbitMQ node did not start: {log[-3000:]}")
            time.sleep(0.25)

    def evaluate(self, expression: str) -> str:
        """Evaluate an Erlang ``expression`` on the node; its printed result."""
        # files, not pipes: eventlet's green pipes can miss erl_call's exit and hang
        with tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as answered:
            given.write(expression.encode() + b"\n")
            given.seek(0)
            command = [_program("erl_call"), "-sname", self.name, "-c", self.cookie]
            subprocess.run(
                [*command, "-timeout", "20", "-e"],
                stdin=given,
                stdout=answered,
                stderr=subprocess.STDOUT,
                timeout=60,
                check=False,
            )
            answered.seek(0)
            answer = answered.read().decode(errors="replace").strip()
        if not answer.startswith("{ok,"):
            raise RuntimeError(f"{self.name} could not evaluate {expression!r}: {answer}")
        return answer.removeprefix("{ok,").removesuffix("}").strip()

    def running(self) -> bool:
        """Whether RabbitMQ (the ``rabbit`` application) runs on the node."""
        try:
            return self.evaluate("rabbit:is_running().") == "true"
        except (RuntimeError, subprocess.TimeoutExpired):
            return False

    def stop_app(self) -> None:
        """``rabbitmqctl stop_app``: the broker goes away, the node stays."""
        self.evaluate("rabbit:stop().")
        assert not self.accepts_connections()

    def start_app(self) -> None:
        """``rabbitmqctl start_app``: the broker comes back (returns once it runs)."""
        self.evaluate("rabbit:start().")
        assert self.running()

    def accepts_connections(self) -> bool:
        """Whether the AMQP port answers."""
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def create_vhost(self, vhost: str) -> None:
        """Add ``vhost`` with every permission for guest."""
        name, acting = _erlang_binary(vhost), _erlang_binary(ACTING_USER)
        everything = _erlang_binary(".*")
        self.evaluate(
            f"ok = rabbit_vhost:add({name}, {acting}), "
            f'rabbit_auth_backend_internal:set_permissions(<<"guest">>, {name}, '
            f"{everything}, {everything}, {everything}, {acting})."
        )

    def delete_vhost(self, vhost: str) -> None:
        """Delete ``vhost`` and everything in it."""
        self.evaluate(
            f"rabbit_vhost:delete({_erlang_binary(vhost)}, {_erlang_binary(ACTING_USER)})."
        )

    def close_connections(self, vhost: str) -> int:
        """Close every client connection to ``vhost`` (``rabbitmqctl close_all_connections``)."""
        in_vhost = f"[{{vhost, {_erlang_binary(vhost)}}}]"
        return int(
            self.evaluate(
                "Pids = [P || P <- rabbit_networking:connections(), "
                f"rabbit_networking:connection_info(P, [vhost]) =:= {in_vhost}], "
                '[rabbit_networking:close_connection(P, "fault suite") || P <- Pids], '
                "length(Pids)."
            )
        )

    def stop(self) -> None:
        """Stop the node (the start script stops RabbitMQ cleanly on SIGTERM); kill it if stuck."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
        self._process = None


@pytest.fixture(scope="session")
def rabbit_node() -> Iterator[RabbitNode]:
    """The fault suite's RabbitMQ node, started once per session and stopped after it."""
    base_dir = Path(tempfile.mkdtemp(prefix="clientela-faults-rabbit-"))
    node = RabbitNode(base_dir)
    node.start()
    try:
        yield node
    finally:
        node.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def rabbit_admin(rabbit_node: RabbitNode) -> RabbitNode:
    """Every fault test's virtual host lives on the suite's own node."""
    return rabbit_node


CLI = str(Path(sys.executable).with_name("clientela"))


class RunningPlatform:
    """``clientela up`` in a process of its own, as a user runs it, and ways to watch it."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.http_address = env["CLIENTELA_HTTP_ADDRESS"]
        self.database_uri = f"mongodb://127.0.0.1:{env['CLIENTELA_EMBEDDED_DB_PORT']}/"
        self.process: subprocess.Popen[bytes] | None = None
        self._client = pymongo.MongoClient(self.database_uri, serverSelectionTimeoutMS=30_000)

    def start(self) -> None:
        """Start ``clientela up`` and wait until its services answer."""
        with (self.workdir / "up.log").open("ab") as log:
            self.process = subprocess.Popen(
                [CLI, "up"], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_for(lambda: self.cli("kpi").returncode == 0, timeout_s=90, interval_s=0.5)

    def stop(self) -> None:
        """Ctrl-C, as a user stops it; killed if it does not stop within a minute."""
        self._client.close()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        """What ``clientela up`` has logged so far."""
        return (self.workdir / "up.log").read_text(encoding="utf-8", errors="replace")

    def tracebacks(self) -> list[str]:
        """Each traceback ``clientela up`` logged, with the line that introduced it."""
        return tracebacks(self.log())

    def running(self) -> bool:
        """Whether ``clientela up`` is still running."""
        return self.process is not None and self.process.poll() is None

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a ``clientela`` command against this platform."""
        return subprocess.run(
            [CLI, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start_import(self, path: Path) -> subprocess.Popen[str]:
        """``clientela import fairs PATH`` in the background (output in ``.stdout``/``.stderr``)."""
        return subprocess.Popen(
            [CLI, "import", "fairs", str(path)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish_import(self, running: subprocess.Popen[str]) -> int:
        """Wait for an import; it either finished or failed with one line and exit 2."""
        _, stderr = running.communicate(timeout=600)
        assert "Traceback" not in stderr
        if running.returncode != 0:
            assert running.returncode == 2, stderr
            [error] = _error_lines(stderr)
            assert error.startswith("clientela: error: ")
        return running.returncode

    def import_until_done(self, path: Path, rows: int, attempts: int = 3) -> None:
        """Import ``path`` again until an import completes (each failure is one line)."""
        for _ in range(attempts):
            if self.finish_import(self.start_import(path)) == 0:
                return
        pytest.fail(f"{attempts} imports of {path} failed")

    def post_lead(self, email: str) -> int:
        """``POST /leads/webforms`` with one lead; the HTTP status."""
        body = {"first_name": "Lía", "last_name": "Soto", "email": email, "consent": False}
        request = urllib.request.Request(
            f"http://{self.http_address}/leads/webforms",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {TEST_API_KEY}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=90) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def new_prospects(self) -> int | None:
        """I1 over every period, as ``clientela kpi --json`` reports it (None if it fails)."""
        result = self.cli("kpi", "--json")
        if result.returncode != 0:
            return None
        return sum(row["I1_new_prospects"] or 0 for row in json.loads(result.stdout)["periods"])

    def wait_for_new_prospects(self, count: int, timeout_s: float = 600) -> int | None:
        """I1 once kpi has counted ``count`` captures (as it stands, should it pass ``count``).

        kpi's facts are watched in its database, a cheap indexed count, and
        I1 is then read the way a user reads it (``clientela kpi --json``,
        whose aggregations would slow the platform down if run every moment).
        """
        wait_for(self.counted_captures, lambda n: n >= count, timeout_s=timeout_s, interval_s=2)
        return wait_for(
            self.new_prospects, lambda n: n is not None and n >= count, timeout_s=60, interval_s=2
        )

    def counted_captures(self) -> int:
        """Captures kpi has recorded so far, read in its database."""
        since_ever = {"$gte": datetime(1970, 1, 1, tzinfo=UTC)}
        return self._database("kpi").facts.count_documents({"kind": "captured", "at": since_ever})

    def _database(self, service: str) -> Any:
        return self._client[f"{self.env['CLIENTELA_DB_PREFIX']}_{service}"]

    def live_profiles(self) -> int:
        """Profiles in the prospects database not merged into another one."""
        return self._database("prospects").prospects.count_documents({"merged_into": None})

    def database_pid(self) -> int | None:
        """The pid of the embedded database ``clientela up`` runs as its child, if any."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in children.read_text().split():
            if "secantusd" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
                return int(pid)
        return None


def tracebacks(log: str) -> list[str]:
    """Each traceback in ``log``, with the line before it, as one text (for a failure message)."""
    lines = log.splitlines()
    found = []
    for index, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = index + 1
            while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end]):
                end += 1
            found.append("\n".join(lines[max(index - 1, 0) : end + 1]))
    return found


def _error_lines(stderr: str) -> list[str]:
    """Lines of ``stderr`` other than the import's progress bar (``importing ━━━ 120/5000 ...``)."""
    lines = [line.rsplit("\r", 1)[-1].strip() for line in stderr.splitlines()]
    return [line for line in lines if line and not line.startswith("importing ")]


@pytest.fixture
def platform_env(amqp_uri: str, tmp_path: Path) -> dict[str, str]:
    """A user's environment for a platform on the suite's node, with everything of its own."""
    return {
        **os.environ,
        "CLIENTELA_AMQP_URI": amqp_uri,
        "CLIENTELA_MONGO_URI": "",
        "CLIENTELA_EMBEDDED_DB_PORT": str(free_port()),
        "CLIENTELA_DATA_DIR": str(tmp_path / "data"),
        "CLIENTELA_DB_PREFIX": f"f{uuid.uuid4().hex[:10]}",
        "CLIENTELA_HTTP_ADDRESS": f"127.0.0.1:{free_port()}",
        "CLIENTELA_HEALTH_ADDRESS": f"127.0.0.1:{free_port()}",
        "CLIENTELA_FEEDBACK_HTTP_ADDRESS": f"127.0.0.1:{free_port()}",
        "CLIENTELA_API_KEYS": TEST_API_KEY,
        "CLIENTELA_OUTBOX_RELAY_INTERVAL_S": "1",
        "CLIENTELA_EVENT_RETRY_DELAY_MS": "500",
        "CLIENTELA_RPC_TIMEOUT_S": "30",
    }


@pytest.fixture
def platform_factory(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], RunningPlatform]]:
    """``platform_factory(env)`` starts ``clientela up`` in ``env``; stopped with Ctrl-C after."""
    started: list[RunningPlatform] = []

    def start(env: dict[str, str]) -> RunningPlatform:
        running = RunningPlatform(env, tmp_path)
        started.append(running)
        running.start()
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def platform(
    platform_env: dict[str, str], platform_factory: Callable[[dict[str, str]], RunningPlatform]
) -> RunningPlatform:
    """``clientela up`` running on the suite's node."""
    return platform_factory(platform_env)


@pytest.fixture
def visitor_list(tmp_path: Path) -> Any:
    """``visitor_list(people)``: a fair visitor list of that many distinct people."""

    def write(people: int) -> Path:
        path = tmp_path / f"visitors-{people}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["First Name", "Last Name", "E-mail", "Phone"])
            for person in range(people):
                writer.writerow(
                    [
                        "Ana",
                        f"Visitante {person}",
                        f"visitor{person}@example.org",
                        f"55 {10000000 + person:08d}",
                    ]
                )
        return path

    return write
