"""Capturing leads on the in-memory unit of work: new people, known people, namesakes."""

from datetime import timedelta

import pytest
from eventlet.semaphore import Semaphore

from clientela.config import Settings, completeness_weights
from clientela.services.prospects.dependencies.fake import FakeProspectsStorage
from clientela.services.prospects.domain.matching import Matcher
from clientela.services.prospects.domain.profiles import ProfileRules
from clientela.services.prospects.domain.scoring import Qualifier
from clientela.services.prospects.handlers import capture, duplicates
from clientela.services.prospects.intake import rows_to_capture

RULES = ProfileRules(
    Matcher(), Qualifier(), completeness_weights(Settings().completeness_weights), "ES"
)


@pytest.fixture
def uow():
    return FakeProspectsStorage()


def row(line, **fields):
    return {"line": line, "fields": fields}


ANA = {"first_name": "Ana", "last_name": "Ruiz", "email": "ana@x.mx", "company": "Textiles"}


def capture_rows(uow, *rows, origin=None):
    command = rows_to_capture("fairs", list(rows), origin or {})
    return capture.capture_leads(command, uow, RULES, Semaphore())


def outcome(report):
    return report.created, report.merged, report.unchanged, report.profiles_merged


def test_a_new_person_gets_a_profile_announced_once(uow):
    report = capture_rows(uow, row(1, **ANA), origin={"fair": "Expo"})

    assert outcome(report) == (1, 0, 0, 0) and report.rejected == []
    [ana] = uow.profiles.values()
    assert (ana["email"], ana["source"], ana["origin"]) == ("ana@x.mx", "fairs", {"fair": "Expo"})
    [captured] = uow.events.envelopes
    assert captured["type"] == "prospect_captured"
    assert captured["payload"]["prospect_id"] == ana["_id"]
    assert captured["payload"]["fair"] == "Expo"
    assert uow.staged == {}  # released once written


def test_the_same_row_received_again_changes_nothing(uow):
    capture_rows(uow, row(1, **ANA))
    events_before = list(uow.events.envelopes)

    again = capture_rows(uow, row(1, **ANA))

    assert outcome(again) == (0, 0, 1, 0)
    assert len(uow.profiles) == 1 and len(next(iter(uow.profiles.values()))["captures"]) == 1
    assert uow.events.envelopes == events_before


def test_the_same_e_mail_later_is_one_more_capture_of_the_person(uow):
    capture_rows(uow, row(1, **ANA))

    later = capture_rows(uow, row(7, email="ANA@x.mx", phone="+34 612 345 678"))

    assert outcome(later) == (0, 1, 0, 0)
    [ana] = uow.profiles.values()
    assert ana["phone"] == "+34612345678"  # a blank filled
    assert [c["line"] for c in ana["captures"]] == [1, 7]
    assert uow.events.types() == ["prospect_captured", "prospect_updated"]
    assert uow.events.envelopes[-1]["payload"]["reason"] == "capture"


def test_a_lead_carrying_two_profiles_identifiers_merges_them(uow):
    capture_rows(uow, row(1, **ANA))
    capture_rows(uow, row(1, first_name="Ana", last_name="Ruiz", phone="+34 612 000 002"))
    by_email = {p["email"]: p["_id"] for p in uow.profiles.values()}
    # the older profile survives: make ana's older than one captured in the same millisecond
    uow.profiles[by_email["ana@x.mx"]]["captured_at"] -= timedelta(minutes=1)

    report = capture_rows(uow, row(1, **ANA, phone="+34 612 000 002"))

    assert outcome(report) == (0, 1, 0, 1)
    merged = uow.profiles[by_email[None]]
    assert merged["merged_into"] == by_email["ana@x.mx"]
    assert "prospect_merged" in uow.events.types()


def test_a_namesake_at_the_same_company_is_suggested_not_merged(uow):
    juan = {"first_name": "Juan", "last_name": "Pérez", "company": "Acme"}
    report = capture_rows(
        uow,
        row(1, **juan, email="juan.perez@acme.mx", phone="+34 612 000 001"),
        row(2, **juan, email="jperez@acme.mx", phone="+34 612 000 003"),
    )

    assert outcome(report) == (2, 0, 0, 0) and report.possible_duplicates == 1
    [pair] = duplicates.open_pairs(10, uow)
    assert sorted(p["email"] for p in pair["people"]) == ["jperez@acme.mx", "juan.perez@acme.mx"]
    assert pair["reasons"][0].startswith("close_name_at_company: ")


def test_rows_that_do_not_validate_are_reported_by_line_and_the_others_land(uow):
    report = capture_rows(
        uow,
        row(3, **ANA),
        {"line": 4, "fields": "not a mapping"},
        row(5, email="not an e-mail"),
        ["not a row"],
    )

    assert report.created == 1
    assert report.rejected == [
        {"line": 4, "errors": {"fields": ["Not a valid mapping type."]}},
        {"line": 4, "errors": {"_schema": ["Invalid input type."]}},
        {"line": 5, "errors": {"email": ["Not a valid email address."]}},
    ]
