"""A user's platform for the end-to-end tests: ``clientela`` run as separate processes."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from kombu import Connection

from clientela.cli.client import wait_for
from clientela.discovery import service_names
from clientela.messaging import queue_counts
from clientela.testing import free_port

CLI = str(Path(sys.executable).with_name("clientela"))


@pytest.fixture
def env(amqp_uri, tmp_path):
    """Environment of a user whose platform runs on its own vhost and embedded database."""
    return {
        **os.environ,
        "CLIENTELA_AMQP_URI": amqp_uri,
        "CLIENTELA_MONGO_URI": "",
        "CLIENTELA_EMBEDDED_DB_PORT": str(free_port()),
        "CLIENTELA_DATA_DIR": str(tmp_path / "data"),
        "CLIENTELA_OUTBOX_RELAY_INTERVAL_S": "1",
        "CLIENTELA_HTTP_ADDRESS": f"127.0.0.1:{free_port()}",
        "CLIENTELA_HEALTH_ADDRESS": f"127.0.0.1:{free_port()}",
        "CLIENTELA_FEEDBACK_HTTP_ADDRESS": f"127.0.0.1:{free_port()}",
        "CLIENTELA_DASHBOARD_ADDRESS": f"127.0.0.1:{free_port()}",
    }


def run_clientela(env, *args, timeout=60):
    """``clientela ARGS...`` with ``env``: its completed process, output as text."""
    return subprocess.run(
        [CLI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def every_service_consumes(amqp_uri):
    """Whether each installed service consumes its RPC queue: the platform takes commands.

    Read on the broker from this process: asking with ``clientela kpi`` would
    start a Python process per look, competing with the booting platform.
    """
    with Connection(amqp_uri) as connection:
        return all(
            (queue_counts(connection, f"rpc-{name}") or (0, 0))[1] for name in service_names()
        )


@pytest.fixture
def clientela():
    """``clientela(env, *args)`` runs the command line as a user would."""
    return run_clientela


@pytest.fixture
def platform(env, tmp_path):
    """``clientela up`` running in the background; stopped with Ctrl-C afterwards."""
    log = (tmp_path / "up.log").open("w")
    process = subprocess.Popen([CLI, "up"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: every_service_consumes(env["CLIENTELA_AMQP_URI"]), timeout_s=60)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
        log.close()
