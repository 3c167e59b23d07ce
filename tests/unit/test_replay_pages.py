"""Replay pages: sources read one after another by ``_id``, cursors that say where the next
page starts, stable event ids, and bad cursors and limits refused naming the field."""

import pytest

from clientela.errors import InvalidInput
from clientela.replay import ReplaySource, replay_page, replayed, stored_after

STORED = {
    "ledger": {
        "purchase:P-2": {"_id": "purchase:P-2", "points": 80, "outbox": [{"id": "E-9"}]},
        "purchase:P-1": {"_id": "purchase:P-1", "points": 300},
        "adjust:CU-dora:g-1": {"_id": "adjust:CU-dora:g-1", "points": 50},
    },
    "alarms": {"CU-dora-1": {"_id": "CU-dora-1"}},
}
SOURCES = (
    ReplaySource("ledger", lambda entry: [{"entry": entry["_id"], "points": entry["points"]}]),
    ReplaySource("alarms", lambda alarm: [{"alarm": alarm["_id"]}, {"closed": alarm["_id"]}]),
)


def read(source, after, limit):
    return stored_after(STORED[source], after, limit)


def test_pages_walk_each_source_by_id_then_the_next_source_then_end():
    first = replay_page(SOURCES, read, None, 2, ["loyalty: nothing lost"])
    second = replay_page(SOURCES, read, first["next"], 2)
    third = replay_page(SOURCES, read, second["next"], 2)

    assert first == {
        "events": [
            {"entry": "adjust:CU-dora:g-1", "points": 50},
            {"entry": "purchase:P-1", "points": 300},
        ],
        "next": "ledger:purchase:P-1",
        "gaps": ["loyalty: nothing lost"],
    }
    assert (second["events"], second["next"]) == (
        [{"entry": "purchase:P-2", "points": 80}],
        "alarms:",
    )
    assert third == {
        "events": [{"alarm": "CU-dora-1"}, {"closed": "CU-dora-1"}],
        "next": None,
        "gaps": [],
    }


def test_documents_are_read_without_their_outbox():
    assert read("ledger", "purchase:P-1", 5) == [{"_id": "purchase:P-2", "points": 80}]


def test_a_replayed_event_id_depends_only_on_what_it_announces():
    envelope = {"id": "random", "type": "points_earned", "payload": {"points": 80}}

    once, again = (
        replayed(envelope, "points:purchase:P-2"),
        replayed(envelope, "points:purchase:P-2"),
    )

    assert once["id"] == again["id"] != replayed(envelope, "points:purchase:P-1")["id"]
    assert {**once, "id": "random"} == envelope


@pytest.mark.parametrize(
    ("after", "limit", "field"),
    [
        ("prospects:P-1", 10, "after"),
        ("ledger", 10, "after"),
        (None, 0, "limit"),
        (None, 5001, "limit"),
        (None, "500", "limit"),
        (None, True, "limit"),
    ],
)
def test_a_cursor_not_given_by_a_page_or_a_limit_out_of_range_is_refused(after, limit, field):
    with pytest.raises(InvalidInput) as refused:
        replay_page(SOURCES, read, after, limit)
    assert list(refused.value.errors) == [field]
