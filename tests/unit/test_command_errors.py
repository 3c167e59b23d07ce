"""Known failures of the broker or the database reach the user as one line, exit 2."""

import amqp.exceptions
import pymongo.errors
import pytest

from clientela import commands

FAILURES = [
    ConnectionRefusedError(111, "Connection refused"),
    ConnectionResetError(104, "Connection reset by peer"),
    amqp.exceptions.ConnectionForced("(0, 0): (320) CONNECTION_FORCED - broker shutdown"),
    pymongo.errors.ServerSelectionTimeoutError("127.0.0.1:27027: [Errno 111] refused"),
]


@pytest.mark.parametrize("failure", FAILURES, ids=lambda failure: type(failure).__name__)
def test_a_broker_or_database_failure_is_one_line_with_exit_2(failure, monkeypatch, capsys):
    def fails(args, settings):
        raise failure

    monkeypatch.setattr(commands, "cmd_kpi", fails)

    assert commands.run(["kpi"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("clientela: error: ")
    assert type(failure).__name__ in err
    assert "Traceback" not in err
