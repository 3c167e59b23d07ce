"""Known failures of the broker or the database reach the user as one line, exit 2."""

import json

import amqp.exceptions
import pymongo.errors
import pytest

from clientela.cli import kpi, lead_import
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
    assert run(["kpi", "--by", "fortnight"]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert "'fortnight' is not one of 'day', 'week', 'month', 'quarter', 'year'" in err
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


@pytest.mark.parametrize("command", ["events", "hooks", "plugins", "kpi"])
def test_every_command_reads_the_config_file_named(command, capsys):
    assert run(["--config", "/nonexistent/clientela.yaml", command]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("clientela: error: cannot read config file /nonexistent/clientela.yaml")


def test_status_offers_the_statuses_it_moves_to_and_refuses_converted(capsys):
    assert run(["prospects", "status", "--help"]) == 0
    assert "{new|contacted|qualified|disqualified}" in capsys.readouterr().out

    assert run(["prospects", "status", "P-1", "converted"]) == 2
    _, err = capsys.readouterr()
    assert "'converted' is not one of 'new', 'contacted', 'qualified', 'disqualified'" in err


def test_an_import_counts_its_rows_before_connecting_to_the_platform(monkeypatch, tmp_path, capsys):
    done = []

    def count_rows(source, path, options):
        done.append("counted")
        return 1

    def platform(settings, *services):
        done.append("connected")
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(lead_import, "count_rows", count_rows)
    monkeypatch.setattr(lead_import, "platform", platform)
    visitors = tmp_path / "visitors.csv"
    visitors.write_text("nombre,correo\nAna,ana@x.mx\n", encoding="utf-8")

    assert run(["import", "fairs", str(visitors)]) == 2
    assert done == ["counted", "connected"]
