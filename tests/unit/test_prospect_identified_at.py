"""When and where a person was first identified (services/prospects/domain/profiles.py)."""

from datetime import UTC, datetime, timedelta

from clientela.config import Settings, completeness_weights
from clientela.services.prospects.domain.matching import Matcher
from clientela.services.prospects.domain.normalise import normalise_lead
from clientela.services.prospects.domain.profiles import (
    ProfileRules,
    add_capture,
    derived,
    new_capture,
    new_profile,
    refresh,
)
from clientela.services.prospects.domain.scoring import Qualifier

RULES = ProfileRules(
    Matcher(), Qualifier(), completeness_weights(Settings().completeness_weights), "MX"
)
RECEIVED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def capture(source, origin, identified_at="", received=RECEIVED, email="ana@x.mx"):
    lead = normalise_lead({"email": email}, origin, {}, "MX", identified_at, received)
    row = {"line": 1, "fields": {"email": email}, "extra": {}}
    return new_capture(f"{source}-{identified_at}", source, received, row, lead, []), lead


def test_a_capture_keeps_when_it_was_received_and_when_the_person_was_identified():
    scanned, _ = capture("fairs", {"fair": "Expo"}, "2025-03-12T10:05:00")
    unknown, _ = capture("webforms", {})

    assert scanned["captured_at"] == RECEIVED
    assert scanned["identified_at"] == datetime(2025, 3, 12, 10, 5, tzinfo=UTC)
    assert unknown["identified_at"] == RECEIVED  # no time of its own: receipt


def test_the_person_takes_the_time_and_origin_of_the_earliest_identification():
    first, lead = capture("webforms", {"campaign": "primavera"}, "2026-04-01")
    profile = new_profile("p1", first, lead)
    refresh(profile, RULES)
    before = derived(profile)
    backfilled, old_lead = capture(
        "fairs", {"fair": "Expo 2025"}, "2025-03-12", RECEIVED + timedelta(hours=1)
    )

    add_capture(profile, backfilled, old_lead)
    refresh(profile, RULES)

    assert profile["identified_at"] == datetime(2025, 3, 12, tzinfo=UTC)
    assert (profile["source"], profile["origin"]) == ("fairs", {"fair": "Expo 2025"})
    assert profile["captured_at"] == RECEIVED  # it reached clientela first with the web form
    assert derived(profile) != before  # announced, so the indicators move it


def test_captures_stored_before_identification_times_were_kept_count_from_receipt():
    first, lead = capture("webforms", {})
    profile = new_profile("p1", first, lead)
    profile["captures"][0].pop("identified_at")  # as stored before the field existed

    refresh(profile, RULES)

    assert profile["identified_at"] == RECEIVED


def test_among_identifications_at_one_time_the_first_received_wins():
    first, lead = capture("fairs", {"fair": "A"}, "2025-03-12")
    profile = new_profile("p1", first, lead)
    same_time, other = capture("fairs", {"fair": "B"}, "2025-03-12", RECEIVED + timedelta(1))

    add_capture(profile, same_time, other)
    refresh(profile, RULES)

    assert profile["origin"] == {"fair": "A"}
