"""``clientela kpi``: tables a manager can read, a spreadsheet's CSV, each indicator explained."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from clientela.cli import kpi as commands
from clientela.cli.app import clientela
from clientela.indicators import INDICATORS

from .cli_doubles import run, serve


def period(key: str, **figures) -> dict:
    row = {name: None for name in INDICATORS}
    row.update({"I1_by_source": {}, "I1_by_fair": {}, "I1_by_campaign": {}, "I1_by_channel": {}})
    row.update({"purchase_value": {}}, period=key, **figures)
    return row


@pytest.fixture
def service(monkeypatch):
    report = {
        "granularity": "quarter",
        "periods": [
            period("2026-Q3", I1_new_prospects=12, CCT=87.5, purchase_value={"MXN": "1200.50"}),
            period(
                "2026-Q4",
                I1_new_prospects=30,
                CCT=None,
                I1_by_source={"fairs": 30},
                purchase_value={"EUR": "80", "MXN": "300"},
            ),
        ],
    }
    monkeypatch.setattr(commands, "backlog", lambda settings, service: BEHIND)
    return serve(monkeypatch, commands, "kpi", {"indicators": report})


BEHIND = {"waiting": 319, "oldest_age_s": 421.6}


def test_the_tables_carry_a_legend_of_their_headings(service):
    output = run("kpi", "--by", "quarter", "--from", "2026-07-01")

    assert service.calls == [("indicators", ("quarter", "2026-07-01", None), {})]
    assert "I1 new: New prospects (I1_new_prospects)" in output
    assert "CCT %: Contracts fulfilled on time (CCT) (CCT, %)" in output
    assert "value: Purchase value (purchase_value, per currency)" in output
    assert "clientela kpi --explain NAME" in output
    assert output.rstrip().endswith(
        "kpi is behind: 319 events wait to be counted, the oldest published 7 min 2 s ago; "
        "the figures above do not include them yet."
    )


def test_json_says_how_far_behind_the_figures_are(service):
    report = json.loads(run("kpi", "--json"))

    assert report["backlog"] == BEHIND
    assert [row["period"] for row in report["periods"]] == ["2026-Q3", "2026-Q4"]


@pytest.mark.parametrize(
    ("behind", "notice"),
    [
        ({"waiting": 0, "oldest_age_s": None}, "kpi is up to date: no event is waiting"),
        ({"waiting": 3, "oldest_age_s": None}, "kpi is behind: 3 events wait to be counted;"),
        ({"waiting": 1, "oldest_age_s": 3725.0}, "the oldest published 1 h 2 min 5 s ago;"),
    ],
)
def test_the_lag_notice(behind, notice):
    assert notice in commands.lag_notice(behind)


def test_csv_has_a_column_per_indicator_and_per_part_of_a_breakdown(service):
    result = CliRunner().invoke(clientela, ["kpi", "--by", "quarter", "--csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))

    assert [row["period"] for row in rows] == ["2026-Q3", "2026-Q4"]
    assert (rows[0]["I1_new_prospects"], rows[0]["CCT"]) == ("12", "87.5")
    assert rows[1]["CCT"] == ""  # no contract due: no value, not zero
    assert (rows[0]["purchase_value.EUR"], rows[1]["purchase_value.EUR"]) == ("", "80")
    assert rows[1]["I1_by_source.fairs"] == "30"
    assert "purchase_value" not in rows[0]  # a breakdown is only its parts
    assert "kpi is behind: 319 events" in result.stderr  # beside the data, not in it


def test_explain_says_what_an_indicator_means_without_a_running_platform():
    output = run("kpi", "--explain", "I2_median_hours")

    assert output.splitlines()[:4] == [
        "I2_median_hours: Time to first contact (median)",
        "  section: Prospects",
        "  unit: hours",
        "  better: lower",
    ]
    explained = json.loads(run("kpi", "--explain", "NPS", "--json"))
    assert (explained["better"], explained["unit"]) == ("higher", "score")


def test_explaining_an_unknown_indicator_names_the_known_ones():
    result = CliRunner().invoke(clientela, ["kpi", "--explain", "I9"])

    assert result.exit_code == 2
    assert "no indicator 'I9'; known: I1_new_prospects" in result.output


def test_weeks_are_asked_for_by_name(service):
    run("kpi", "--by", "week", "--from", "2026-11-30", "--json")

    assert service.calls == [("indicators", ("week", "2026-11-30", None), {})]
