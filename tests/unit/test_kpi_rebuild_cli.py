"""``clientela kpi rebuild``: every service's replay read page by page into kpi, progress
shown, the differences told, and the rebuilt facts swapped in unless only checked."""

import contextlib
import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from clientela.cli import kpi_rebuild as commands
from clientela.cli.app import clientela

GAP = "prospects: merges later undone are not kept"


class Replaying:
    """A service whose ``replay`` answers pages by cursor."""

    def __init__(self, pages):
        self.pages = pages
        self.cursors = []

    def replay(self, after, limit):
        self.cursors.append((after, limit))
        return self.pages[after]


class Kpi:
    def __init__(self, differences):
        self.differences = differences
        self.calls = []

    def rebuild_start(self, restart=False):
        self.calls.append("restart" if restart else "start")

    def rebuild_apply(self, events):
        self.calls.append(("apply", [event["id"] for event in events]))
        counted = [event for event in events if event["type"] != "tier_changed"]
        return {"applied": len(counted), "ignored": len(events) - len(counted)}

    def rebuild_compare(self, granularities):
        self.calls.append(("compare", granularities))
        return [d for d in self.differences if d["granularity"] in granularities]

    def rebuild_swap(self):
        self.calls.append("swap")
        return {"facts": 42}

    def rebuild_discard(self):
        self.calls.append("discard")


def page(events, following, gaps=()):
    return {"events": events, "next": following, "gaps": list(gaps)}


def events(*ids, kind="points_earned"):
    return [{"id": event_id, "type": kind} for event_id in ids]


@pytest.fixture
def platform(monkeypatch):
    def start(differences=()):
        proxy = SimpleNamespace(
            kpi=Kpi(list(differences)),
            prospects=Replaying(
                {
                    None: page(events("p1", "p2"), "prospects:P-2", [GAP]),
                    "prospects:P-2": page(events("p3"), None, [GAP]),
                }
            ),
            customers=Replaying({None: page(events("c1"), None)}),
            feedback=Replaying({None: page([], None)}),
            loyalty=Replaying({None: page(events("l1", "l2", kind="tier_changed"), None)}),
        )
        monkeypatch.setattr(
            commands, "platform", lambda settings, *names: contextlib.nullcontext(proxy)
        )
        monkeypatch.setattr(commands, "settings", lambda ctx: None)
        return proxy

    return start


def invoke(*argv):
    return CliRunner().invoke(clientela, ["kpi", "rebuild", *argv], catch_exceptions=False)


def test_every_page_of_every_service_reaches_kpi_then_the_rebuilt_facts_are_swapped_in(
    platform,
):
    proxy = platform()

    result = invoke("--page", "2")

    assert result.exit_code == 0, result.output
    assert proxy.prospects.cursors == [(None, 2), ("prospects:P-2", 2)]
    assert proxy.kpi.calls == [
        "start",
        ("apply", ["p1", "p2"]),
        ("apply", ["p3"]),
        ("apply", ["c1"]),
        ("apply", []),
        ("apply", ["l1", "l2"]),
        ("compare", ["month"]),
        ("compare", ["quarter"]),
        "swap",
    ]
    assert "prospects: 3 events replayed, 3 applied in all" in result.stderr
    assert "loyalty: 2 events replayed, 4 applied in all" in result.stderr
    assert result.stdout.splitlines() == [
        "The rebuilt indicators equal the live ones for every month and quarter.",
        f"Not kept by {GAP}.",
        "The rebuilt facts (42) replace the live ones.",
    ]


def test_a_check_lists_the_differences_keeps_the_live_facts_and_exits_1(platform):
    difference = {
        "granularity": "quarter",
        "period": "2026-Q1",
        "indicator": "I2_first_contacts",
        "live": 1,
        "rebuilt": 2,
    }
    proxy = platform([difference])

    result = invoke("--check", "--by", "quarter", "--json")

    assert result.exit_code == 1
    assert "swap" not in proxy.kpi.calls
    assert proxy.kpi.calls[-1] == "discard"  # live writes are no longer made aside
    report = json.loads(result.stdout)
    assert (report["differences"], report["swapped"], report["facts"]) == (
        [difference],
        False,
        None,
    )
    assert report["replayed"] == {"prospects": 3, "customers": 1, "feedback": 0, "loyalty": 2}
    assert (report["applied"], report["gaps"], report["compared"]) == (4, [GAP], ["quarter"])


def test_a_check_without_differences_says_the_live_facts_stay(platform):
    platform()

    result = invoke("--check")

    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "Checked only: the live facts stay in use."


def test_a_rebuild_stopping_short_is_discarded(platform):
    proxy = platform()
    proxy.customers.pages = {}  # its replay fails

    with pytest.raises(KeyError):
        invoke()

    assert proxy.kpi.calls[-1] == "discard"
    assert "swap" not in proxy.kpi.calls


def test_restart_discards_a_rebuild_under_way_first(platform):
    proxy = platform()

    assert invoke("--restart").exit_code == 0

    assert proxy.kpi.calls[0] == "restart"
