"""The prospects service's replay on its in-memory unit of work: profiles as handlers left
them give back the events kpi counts, and kpi counts them as it counted the live ones."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from eventlet.semaphore import Semaphore

from clientela.config import Settings, completeness_weights
from clientela.errors import InvalidInput
from clientela.events import parse_event
from clientela.replay import replay_page
from clientela.services.prospects.dependencies.fake import FakeProspectsStorage
from clientela.services.prospects.domain.commands import (
    ConvertProspect,
    LogInteraction,
    MergeProspects,
    UnmergeProspect,
)
from clientela.services.prospects.domain.matching import Matcher
from clientela.services.prospects.domain.profiles import ProfileRules
from clientela.services.prospects.domain.scoring import Qualifier
from clientela.services.prospects.handlers import capture, followup, merging, profile
from clientela.services.prospects.intake import rows_to_capture
from clientela.services.prospects.replay import REPLAY_GAPS, REPLAY_SOURCES

from . import replay_checks

RULES = ProfileRules(
    Matcher(), Qualifier(), completeness_weights(Settings().completeness_weights), "ES"
)
JANUARY = datetime(2026, 1, 12, 9, tzinfo=UTC)
FEBRUARY = datetime(2026, 2, 3, 10, tzinfo=UTC)


@pytest.fixture
def uow(monkeypatch):
    """The unit of work, on a clock that moves a millisecond at each reading: kpi keeps the
    latest of two changes by time, which two changes made in one millisecond do not tell."""
    ticks = itertools.count()

    def ticking():
        return datetime(2026, 3, 1, 9, tzinfo=UTC) + timedelta(milliseconds=next(ticks))

    for module in (capture, followup, merging, profile):
        monkeypatch.setattr(module, "utcnow", ticking)
    return FakeProspectsStorage()


def add_person(uow, source, email, identified_at, origin, **fields):
    rows = [
        {
            "line": 1,
            "fields": {"email": email, **fields},
            "identified_at": identified_at.isoformat(),
        }
    ]
    capture.capture_leads(rows_to_capture(source, rows, origin), uow, RULES, Semaphore())
    [found] = [p for p in uow.profiles.values() if p["email"] == email]
    return found["_id"]


@pytest.fixture
def quarter(uow):
    """Berta from a web form in January, called, then seen again at a fair in February
    (merged); Carlos from the fair, called and converted."""
    berta = add_person(
        uow, "webforms", "berta@example.com", JANUARY, {"campaign": "winter"}, first_name="Berta"
    )
    again = add_person(
        uow, "fairs", "berta.ruiz@example.com", FEBRUARY, {"fair": "Expo"}, company="Ruiz SL"
    )
    carlos = add_person(
        uow, "fairs", "carlos@example.com", FEBRUARY, {"fair": "Expo"}, first_name="Carlos"
    )
    for prospect_id, hours in ((berta, 2), (carlos, 5)):
        contact = LogInteraction(
            prospect_id,
            "call",
            "phone",
            "interested",
            occurred_at=FEBRUARY + timedelta(hours=hours),
        )
        followup.log_interaction(contact, uow, RULES)
    merging.merge_prospects(MergeProspects(berta, again, "ana"), uow, RULES)
    profile.convert_prospect(ConvertProspect(carlos, "contract"), uow)
    return {"berta": berta, "again": again, "carlos": carlos}


def replay_all(uow, limit=500):
    return replay_checks.replay_all(REPLAY_SOURCES, uow, limit)


def test_each_profile_gives_back_its_capture_first_contact_conversion_and_merges(uow, quarter):
    replayed = [parse_event(envelope) for envelope in replay_all(uow)]
    by_prospect = {}
    for event in replayed:
        subject = event.payload.get("prospect_id") or event.payload["survivor_id"]
        by_prospect.setdefault(subject, []).append(event)

    carlos = by_prospect[quarter["carlos"]]
    assert [e.type for e in carlos] == [
        "prospect_captured",
        "prospect_contacted",
        "prospect_converted",
    ]
    assert carlos[1].payload["contacted_at"] == FEBRUARY + timedelta(hours=5)
    assert carlos[0].payload["fair"] == "Expo"
    berta = by_prospect[quarter["berta"]]
    assert [e.type for e in berta] == [
        "prospect_captured",
        "prospect_contacted",
        "prospect_merged",
    ]
    assert berta[0].payload["identified_at"] == JANUARY  # the earliest capture of the person
    assert berta[0].payload["campaign"] == "winter"
    assert berta[2].payload["merged_id"] == quarter["again"]
    assert [e.type for e in by_prospect[quarter["again"]]] == ["prospect_captured"]


def test_replayed_events_keep_their_ids_from_one_replay_to_the_next(uow, quarter):
    first = replay_all(uow)
    assert [e["id"] for e in replay_all(uow, limit=1)] == [e["id"] for e in first]
    assert len({e["id"] for e in first}) == len(first)


def test_kpi_counts_the_replayed_events_as_it_counted_the_live_ones(uow, quarter):
    reports = replay_checks.kpi_reports(uow.events.envelopes, replay_all(uow))

    for live, rebuilt in reports:
        assert rebuilt == live
    january = reports[0][1][0]
    assert (january["period"], january["I1_by_source"]) == ("2026-01", {"webforms": 1})


def test_an_undone_merge_is_not_replayed(uow, quarter):
    merging.unmerge_prospect(UnmergeProspect(quarter["again"], "supervisor"), uow, RULES)

    types = [e["type"] for e in replay_all(uow)]

    assert "prospect_merged" not in types
    assert types.count("prospect_captured") == 3


def test_a_cursor_of_another_service_is_refused_naming_it(uow):
    with pytest.raises(InvalidInput, match="after"):
        replay_page(REPLAY_SOURCES, uow.replay_documents, "ledger:x", 10, REPLAY_GAPS)
