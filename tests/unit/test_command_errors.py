"""Known failures of the broker or the database reach the user as one line, exit 2."""

import json

import amqp.exceptions
import pymongo.errors
import pytest

from clientela.cli import kpi
from clientela.cli.app import run
from clientela.testing import free_port

FAILURES = [
    ConnectionRefusedError(111, "Connection refused"),
    ConnectionResetError(104, "Connection reset by peer"),
    amqp.exceptions.ConnectionForced("(0, 0): (320) CONNECTION_FORCED - broker shutdown"),
    pymongo.errors.ServerSelectionTimeoutError("127.0.0.1:27027: [Errno 111] refused"),
]


@pytest.mark.parametrize("failure", FAILURES, ids=lambda failure: type(failure).__name__)
def test_a_broker_or_database_failure_is_one_line_with_exit_2(failure, monkeypatch, capsys):
    def fails(settings, *services):
        raise failure

    monkeypatch.setattr(kpi, "platform", fails)

    assert run(["kpi"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("clientela: error: ")
    assert type(failure).__name__ in err
    assert "Traceback" not in err


def test_a_usage_error_says_what_is_valid_with_exit_2(capsys):
    assert run(["kpi", "--by", "week"]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert "'week' is not one of 'day', 'month', 'quarter', 'year'" in err
    assert "Traceback" not in err


def test_help_lists_the_services_and_exits_0(capsys):
    assert run(["run", "--help"]) == 0

    out, _ = capsys.readouterr()
    assert "prospects|customers|feedback|loyalty|kpi" in out


def test_status_exits_1_when_the_broker_and_the_database_are_down(monkeypatch, capsys):
    monkeypatch.setenv("CLIENTELA_AMQP_URI", f"amqp://guest:guest@127.0.0.1:{free_port()}/")
    monkeypatch.setenv("CLIENTELA_MONGO_URI", f"mongodb://127.0.0.1:{free_port()}/")

    assert run(["status", "--json"]) == 1

    report = json.loads(capsys.readouterr().out)
    assert not report["broker"]["ok"] and not report["database"]["ok"]
