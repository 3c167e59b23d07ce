"""Giving back what a merge moved, by its record (old records without lists included)."""

from datetime import UTC, datetime

from clientela.services.prospects.handlers.merging import _give_back

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def rosa_after_two_merges(record):
    """Rosa, into whom Quim (who had taken Pía in) was merged."""
    return {
        "merges": [record],
        "captures": [
            {"key": "rosa-1"},
            {"key": "quim-1", "from_prospect": "quim"},
            {"key": "pia-1", "from_prospect": "pia"},
        ],
        "interactions": [{"id": "call-rosa"}, {"id": "call-pia", "from_prospect": "pia"}],
    }


def left(profile):
    return [c["key"] for c in profile["captures"]], [i["id"] for i in profile["interactions"]]


def test_unmerge_gives_back_what_the_record_lists_including_a_profile_merged_in_before():
    record = {
        "prospect_id": "quim",
        "filled": {},
        "captures": ["quim-1", "pia-1"],
        "interactions": ["call-pia"],
    }
    rosa = rosa_after_two_merges(record)
    _give_back(rosa, record, "ES", NOW)
    assert left(rosa) == (["rosa-1"], ["call-rosa"])
    assert rosa["merges"] == []


def test_a_record_stored_before_merges_listed_what_they_moved_gives_back_by_origin():
    record = {"prospect_id": "quim", "filled": {}}
    rosa = rosa_after_two_merges(record)
    _give_back(rosa, record, "ES", NOW)
    assert left(rosa) == (["rosa-1", "pia-1"], ["call-rosa", "call-pia"])
