"""``clientela kpi targets|references|alerts``: what a manager types and reads."""

import json

import pytest
from click.testing import CliRunner

from clientela.cli import kpi_targets as commands
from clientela.cli.app import clientela

from .cli_doubles import run, serve

VERSION_1 = {
    "value": 90.0,
    "tolerance": 5.0,
    "direction": "higher",
    "set_by": "lucia",
    "set_at": "2026-10-01T09:00:00+00:00",
}
VERSION_2 = {**VERSION_1, "value": 95.0, "tolerance": 2.0, "set_by": "marta"}
CCT = {
    "key": "CCT|quarter|*|",
    "indicator": "CCT",
    "granularity": "quarter",
    "period": None,
    "segment": {},
    **VERSION_2,
    "history": [VERSION_1, VERSION_2],
}
FAIRS = {
    "key": "I1_by_source|month|2026-11|source=fairs",
    "indicator": "I1_by_source",
    "granularity": "month",
    "period": "2026-11",
    "segment": {"source": "fairs"},
    **VERSION_1,
    "value": 40.0,
    "tolerance": 0.0,
    "history": [{**VERSION_1, "value": 40.0, "tolerance": 0.0}],
}
OPEN = {
    "id": "oor-3f2a9c1b7d4e",
    "indicator": "CCT",
    "granularity": "quarter",
    "period": "2026-Q3",
    "segment": {},
    "value": 50.0,
    "target": 90.0,
    "tolerance": 5.0,
    "direction": "higher",
    "raised_at": "2026-11-15T10:00:00+00:00",
    "state": "open",
    "action_id": None,
    "action": None,
    "dismissed_reason": None,
    "dismissed_by": None,
    "dismissed_at": None,
}
LINKED = {
    **OPEN,
    "id": "oor-77aa01",
    "period": "2026-Q2",
    "state": "linked",
    "action_id": "A-7",
    "action": {"after": "92.5", "effect": "42.5", "target_met": True, "closed_at": "x"},
}
DISMISSED = {
    **OPEN,
    "state": "dismissed",
    "dismissed_reason": "Supplier strike",
    "dismissed_by": "lucia",
}
REFERENCE = {
    "indicator": "NPS",
    "label": "Sector benchmark",
    "period": "2025",
    "value": 32.0,
    "set_by": "lucia",
    "set_at": "2026-10-01T09:00:00+00:00",
}


@pytest.fixture
def service(monkeypatch):
    return serve(
        monkeypatch,
        commands,
        "kpi",
        {
            "set_target": CCT,
            "set_targets": {"saved": [CCT], "problems": []},
            "targets": [CCT, FAIRS],
            "alerts": [OPEN, LINKED],
            "dismiss_alert": DISMISSED,
            "check_targets": ["oor-3f2a9c1b7d4e"],
            "set_reference": REFERENCE,
            "references": [REFERENCE],
        },
    )


def test_setting_a_target_says_where_it_falls_out_of_range(service):
    output = run(
        "kpi", "targets", "set", "CCT", "95", "--tolerance", "2", "--granularity", "quarter",
        "--by", "marta",
    )  # fmt: skip

    assert service.calls == [
        ("set_target", (), {"by": "marta", "indicator": "CCT", "value": 95.0, "tolerance": 2.0,
                            "granularity": "quarter"}),
    ]  # fmt: skip
    assert output.strip() == (
        "target CCT (every quarter): 95, higher is better, tolerance 2: out of range below 93; "
        "version 2, set by marta"
    )


def test_a_segment_and_a_direction_go_to_the_service(service):
    run(
        "kpi", "targets", "set", "I1_by_source", "40", "--segment", "source=fairs",
        "--period", "2026-11", "--direction", "higher", "--by", "lucia",
    )  # fmt: skip

    [(_, _, given)] = service.calls
    assert given["segment"] == {"source": "fairs"}
    assert (given["period"], given["direction"]) == ("2026-11", "higher")


def test_a_segment_not_shaped_dimension_equals_value_is_a_usage_error(service):
    result = CliRunner().invoke(
        clientela, ["kpi", "targets", "set", "I1_by_source", "40", "--segment", "fairs"]
    )

    assert result.exit_code == 2
    assert "Must be DIMENSION=VALUE, e.g. source=fairs." in result.output
    assert service.calls == []


def test_a_yaml_file_of_targets_is_sent_whole_and_its_refused_entries_named(service, tmp_path):
    service.answers["set_targets"] = {
        "saved": [CCT, CCT],
        "problems": [
            {"position": 3, "errors": {"indicator": ["No indicator 'CTT'; known: ..."]}},
            {"position": 4, "errors": {"value": ["Not a valid number."]}},
        ],
    }
    targets = tmp_path / "metas.yaml"
    targets.write_text(
        "- {indicator: CCT, value: 90, tolerance: 5, granularity: quarter}\n"
        "- {indicator: NPS, value: 30, period: 2026-11-23, segment: {}}\n"
        "- {indicator: CTT, value: 90}\n"
        "- {indicator: complaints, value: many}\n",
        encoding="utf-8",
    )

    output = run("kpi", "targets", "load", str(targets), "--by", "lucia")

    [(method, (entries, by), _)] = service.calls
    assert (method, by, len(entries)) == ("set_targets", "lucia", 4)
    assert entries[1]["period"] == "2026-11-23"  # not a date: a period key
    assert entries[0] == {
        "indicator": "CCT",
        "value": "90",
        "tolerance": "5",
        "granularity": "quarter",
    }
    assert "2 targets set, 2 entries refused" in output
    assert "entry 3: indicator: No indicator 'CTT'" in output
    assert "entry 4: value: Not a valid number." in output


def test_a_file_that_is_not_a_list_is_refused_before_any_call(service, tmp_path):
    targets = tmp_path / "metas.yaml"
    targets.write_text("indicator: CCT\nvalue: 90\n", encoding="utf-8")

    result = CliRunner().invoke(clientela, ["kpi", "targets", "load", str(targets)])

    assert result.exit_code == 2
    assert "must hold a list of targets" in result.output
    assert service.calls == []


def test_the_targets_in_force_and_their_history(service):
    in_force = run("kpi", "targets", "list")
    history = run("kpi", "targets", "list", "--history")

    assert "every quarter" in in_force and "below 93" in in_force
    assert "source=fairs" in in_force and "2026-11" in in_force
    [cct_line] = [line for line in in_force.splitlines() if line.startswith("CCT")]
    assert "marta" in cct_line and "lucia" not in cct_line  # the version in force
    lines = [line for line in history.splitlines() if line.startswith("CCT")]
    assert len(lines) == 2
    assert "lucia" in lines[0] and "below 85" in lines[0]
    assert "marta" in lines[1] and "below 93" in lines[1]
    assert json.loads(run("kpi", "targets", "list", "--json")) == [CCT, FAIRS]


def test_alerts_lists_the_open_ones_and_asks_for_an_action_plan(service):
    output = run("kpi", "alerts")

    assert service.calls == [("alerts", (True,), {})]
    assert "oor-3f2a9c1b7d4e" in output and "2026-Q3" in output and "below 85" in output
    assert "action A-7, closed: effect 42.5" in output
    assert "clientela kpi alerts dismiss ALERT --reason TEXT" in output


def test_alerts_all_asks_for_every_alert_and_json_gives_them_as_they_are(service):
    found = json.loads(run("kpi", "alerts", "--all", "--json"))

    assert service.calls == [("alerts", (False,), {})]
    assert found == [OPEN, LINKED]


def test_dismissing_needs_a_reason(service):
    refused = CliRunner().invoke(clientela, ["kpi", "alerts", "dismiss", "oor-3f2a9c1b7d4e"])
    output = run(
        "kpi", "alerts", "dismiss", "oor-3f2a9c1b7d4e", "--reason", "Supplier strike",
        "--by", "lucia",
    )  # fmt: skip

    assert refused.exit_code == 2 and "--reason" in refused.output
    assert service.calls == [
        ("dismiss_alert", ("oor-3f2a9c1b7d4e", "Supplier strike", "lucia"), {})
    ]
    assert output.strip() == "alert oor-3f2a9c1b7d4e dismissed by lucia: Supplier strike"


def test_checking_now_lists_the_alerts_raised(service):
    assert run("kpi", "alerts", "check").strip() == "1 new alerts: oor-3f2a9c1b7d4e"


def test_references_are_set_and_listed(service):
    said = run(
        "kpi", "references", "set", "NPS", "32", "--label", "Sector benchmark",
        "--period", "2025", "--by", "lucia",
    )  # fmt: skip
    listed = run("kpi", "references", "list")

    assert service.calls[0] == (
        "set_reference",
        (),
        {"indicator": "NPS", "value": 32.0, "label": "Sector benchmark", "period": "2025",
         "by": "lucia"},
    )  # fmt: skip
    assert said.strip() == "reference NPS Sector benchmark (2025): 32"
    assert "Sector benchmark" in listed and "32" in listed
    assert json.loads(run("kpi", "references", "list", "--json")) == [REFERENCE]
