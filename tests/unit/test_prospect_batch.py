"""Resolving a batch of leads against known profiles, in memory (prospects domain/batch.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.config import Settings, completeness_weights
from clientela.services.prospects.domain.batch import BatchResolution, IncomingLead, Update
from clientela.services.prospects.domain.matching import Matcher
from clientela.services.prospects.domain.normalise import normalise_lead
from clientela.services.prospects.domain.profiles import (
    ProfileRules,
    lead_view,
    new_capture,
    new_profile,
    refresh,
    rule_view,
)
from clientela.services.prospects.domain.rows import capture_key
from clientela.services.prospects.domain.scoring import Qualifier, completeness

RULES = ProfileRules(
    Matcher(), Qualifier(), completeness_weights(Settings().completeness_weights), "MX"
)
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SOURCE = "fairs"


def incoming(line=1, source=SOURCE, origin=None, consent=None, **fields):
    """One row of a batch as the service validated it."""
    origin, consent = origin or {}, consent or {}
    row = {"line": line, "fields": fields, "extra": {}, "origin": origin, "consent": consent}
    lead = normalise_lead(fields, origin, consent, RULES.phone_region)
    key = capture_key(source, {"fields": fields, "consent": consent}, origin)
    return IncomingLead.of(row, lead, key, source, RULES.matcher)


def known(prospect_id, days_ago, source="webforms", **fields):
    """A stored profile first captured ``days_ago`` days before the batch."""
    item = incoming(source=source, **fields)
    keys = RULES.matcher.keys(lead_view(item.lead, source))
    at = NOW - timedelta(days=days_ago)
    profile = new_profile(
        prospect_id, new_capture(item.capture_key, source, at, item.row, item.lead, keys), item.lead
    )
    refresh(profile, RULES)
    return profile


def batch(*known_profiles):
    return BatchResolution(RULES, SOURCE, NOW, known_profiles)


def assert_derived_values_are_current(profile):
    view = rule_view(profile)
    assert profile["completeness"] == completeness(view, RULES.completeness_weights)
    assert profile["score"] == RULES.qualifier.score(view)
    assert set(RULES.matcher.keys(view)) <= set(profile["match_keys"])


# --- within one batch ---------------------------------------------------------------------


def test_a_new_person_is_created_with_derived_values():
    resolution = batch()

    outcome = resolution.resolve(
        incoming(email="ana@x.mx", first_name="ANA", needs="telas", phone="5511112222")
    )

    assert outcome == "created"
    (profile,) = resolution.created.values()
    assert profile["email"] == "ana@x.mx"
    assert profile["first_name"] == "Ana"
    assert profile["source"] == SOURCE
    assert profile["captured_at"] == NOW
    assert profile["match_keys"] == ["same_email:ana@x.mx", "same_phone:+525511112222"]
    assert profile["completeness"] == 65.0  # name 20 + email 20 + phone 15 + needs 10
    assert profile["score"] == 30  # needs 20 + reachable 10
    assert resolution.updates == {}
    assert resolution.merges == []


def test_the_same_email_twice_in_one_batch_is_one_profile_with_two_captures():
    resolution = batch()

    first = resolution.resolve(incoming(1, email="ana@x.mx", first_name="Ana"))
    second = resolution.resolve(
        incoming(2, email=" ANA@X.MX", phone="55 1111 2222", company="Textiles Ruiz")
    )

    assert (first, second) == ("created", "merged")
    (profile,) = resolution.created.values()
    assert [capture["line"] for capture in profile["captures"]] == [1, 2]
    assert [capture["filled"] for capture in profile["captures"]] == [
        ["email", "first_name"],
        ["company", "phone"],
    ]
    assert profile["phone"] == "+525511112222"
    assert profile["company"] == "Textiles Ruiz"
    assert profile["company_key"] == "textiles ruiz"
    assert profile["first_name"] == "Ana"  # kept from the first capture
    assert profile["completeness"] == 70.0
    assert profile["score"] == 10  # now reachable
    assert_derived_values_are_current(profile)
    assert resolution.updates == {}  # nothing known changed
    assert resolution.merges == []


def test_a_later_capture_does_not_overwrite_known_values():
    resolution = batch()
    resolution.resolve(incoming(1, email="ana@x.mx", company="Textiles Ruiz"))

    resolution.resolve(incoming(2, email="ana@x.mx", company="Otra Empresa"))

    (profile,) = resolution.created.values()
    assert profile["company"] == "Textiles Ruiz"
    assert profile["captures"][1]["filled"] == []


def test_the_same_row_twice_is_unchanged():
    resolution = batch()
    row = dict(email="ana@x.mx", phone="5511112222", first_name="Ana")

    outcomes = [resolution.resolve(incoming(1, **row)), resolution.resolve(incoming(1, **row))]

    assert outcomes == ["created", "unchanged"]
    (profile,) = resolution.created.values()
    assert len(profile["captures"]) == 1


def test_the_same_person_from_another_origin_is_a_new_capture():
    resolution = batch()
    resolution.resolve(incoming(1, origin={"fair": "Expo Textil"}, email="ana@x.mx"))

    outcome = resolution.resolve(incoming(1, origin={"fair": "Expo Moda"}, email="ana@x.mx"))

    assert outcome == "merged"
    (profile,) = resolution.created.values()
    assert [capture["origin"] for capture in profile["captures"]] == [
        {"fair": "Expo Textil"},
        {"fair": "Expo Moda"},
    ]
    assert profile["facets"] == ["fair:Expo Moda", "fair:Expo Textil", "source:fairs"]


def test_close_names_at_one_company_in_one_batch_are_two_profiles_suggested_as_one():
    resolution = batch()
    rows = [
        dict(first_name="Ana", last_name="Ruiz", company="Textiles Ruiz SA", email="a@x.mx"),
        dict(first_name="Anna", last_name="Ruiz", company="TEXTILES RUIZ", phone="5511112222"),
        dict(first_name="Alberto", last_name="Gómez", company="Textiles Ruiz", email="al@x.mx"),
    ]

    outcomes = [resolution.resolve(incoming(line, **row)) for line, row in enumerate(rows, 1)]

    assert outcomes == ["created", "created", "created"]
    by_name = {p["first_name"]: p["_id"] for p in resolution.created.values()}
    [suggestion] = resolution.suggestions()
    assert set(suggestion.prospect_ids) == {by_name["Ana"], by_name["Anna"]}
    assert suggestion.rules == ("close_name_at_company",)
    assert suggestion.score == 0.94


# --- against known profiles ---------------------------------------------------------------


def test_a_known_profile_matched_by_phone_gets_an_update_with_the_new_capture():
    stored = known("k1", 3, phone="5511112222", first_name="Ana")
    before = (stored["completeness"], stored["score"])
    resolution = batch(stored)

    outcome = resolution.resolve(
        incoming(7, phone="+52 55 1111 2222", email="ana@x.mx", needs="telas")
    )

    assert outcome == "merged"
    assert resolution.created == {}
    ((profile, update),) = resolution.changed()
    assert profile is stored
    assert isinstance(update, Update)
    assert update.before[:2] == before == (35.0, 0)
    (capture,) = update.captures
    assert capture["line"] == 7
    assert capture["source"] == SOURCE
    assert capture["captured_at"] == NOW
    assert capture["filled"] == ["email", "needs"]
    assert profile["captures"][-1] == capture
    assert profile["email"] == "ana@x.mx"
    assert profile["updated_at"] == NOW
    assert (profile["completeness"], profile["score"]) == (65.0, 30)
    assert "same_email:ana@x.mx" in profile["match_keys"]
    assert_derived_values_are_current(profile)


def test_a_known_profile_captured_again_with_the_same_row_is_unchanged():
    stored = known("k1", 3, source=SOURCE, email="ana@x.mx")
    resolution = batch(stored)

    assert resolution.resolve(incoming(email="ana@x.mx")) == "unchanged"
    assert resolution.changed() == []


def test_several_captures_of_a_known_profile_make_one_update():
    stored = known("k1", 3, email="ana@x.mx")
    resolution = batch(stored)

    resolution.resolve(incoming(1, email="ana@x.mx", phone="5511112222"))
    resolution.resolve(incoming(2, email="ana@x.mx", company="Textiles Ruiz"))

    ((profile, update),) = resolution.changed()
    assert [capture["line"] for capture in update.captures] == [1, 2]
    assert update.before[:2] == (20.0, 0)
    assert profile["completeness"] == 50.0  # email 20 + phone 15 + company 15


@pytest.mark.parametrize("order", ["older-first", "newer-first"])
def test_a_lead_matching_two_known_profiles_keeps_the_earliest_captured(order):
    older = known("older", 10, email="ana@x.mx", first_name="Ana")
    newer = known("newer", 5, phone="5511112222", email="ana.ruiz@y.mx")
    resolution = batch(*([older, newer] if order == "older-first" else [newer, older]))

    outcome = resolution.resolve(incoming(email="ana@x.mx", phone="55 1111 2222"))

    assert outcome == "merged"
    assert resolution.merges == [("older", "newer")]
    assert [profile["_id"] for profile, _ in resolution.changed()] == ["older"]
    assert resolution.created == {}
    assert older["phone"] == "+525511112222"  # filled from the lead, not from the other profile
    assert len(newer["captures"]) == 1  # the stored merge moves it later


def test_a_lead_matching_a_new_profile_and_a_known_one_folds_the_new_one_into_the_known_one():
    stored = known("k1", 3, phone="5511112222")
    resolution = batch(stored)
    assert resolution.resolve(incoming(1, email="ana@x.mx", first_name="Ana", company="ACME")) == (
        "created"
    )
    (new_id,) = resolution.created

    outcome = resolution.resolve(incoming(2, email="ana@x.mx", phone="5511112222"))

    assert outcome == "merged"
    assert resolution.created == {}
    assert resolution.merges == []  # nothing stored to merge
    ((profile, update),) = resolution.changed()
    assert profile is stored
    assert [(capture["line"], capture["filled"]) for capture in update.captures] == [
        (2, ["email"]),
        (1, ["company", "first_name"]),
    ]
    assert len(profile["captures"]) == 3
    assert (profile["email"], profile["first_name"], profile["company"]) == (
        "ana@x.mx",
        "Ana",
        "ACME",
    )
    assert profile["company_key"] == "acme"
    assert_derived_values_are_current(profile)
    assert (profile["completeness"], profile["score"]) == (70.0, 10)

    # later rows of the folded profile land on the known one
    assert resolution.resolve(incoming(1, email="ana@x.mx", first_name="Ana", company="ACME")) == (
        "unchanged"
    )
    assert resolution.resolve(incoming(3, email="ana@x.mx", position="CEO")) == "merged"
    assert new_id not in resolution.created
    assert resolution.created == {}
    assert stored["position"] == "CEO"
    assert stored["score"] == 30


def test_a_folded_new_profile_gives_its_consent_to_a_known_one_without():
    consent = {"purpose": "contact", "given_at": "2024-04-01", "method": "badge scan"}
    stored = known("k1", 3, phone="5511112222")
    resolution = batch(stored)
    resolution.resolve(incoming(1, consent=consent, email="ana@x.mx"))

    resolution.resolve(incoming(2, email="ana@x.mx", phone="5511112222"))

    assert stored["consent"] == {**consent, "given_at": "2024-04-01T00:00:00+00:00"}
    assert stored["score"] == 20  # reachable + consent


def test_a_lead_matching_a_known_profile_merged_earlier_in_the_batch_is_not_a_new_person():
    older = known("older", 10, email="ana@x.mx")
    newer = known("newer", 5, phone="5511112222", email="ana.ruiz@y.mx")
    resolution = batch(older, newer)
    resolution.resolve(incoming(1, email="ana@x.mx", phone="5511112222"))

    outcome = resolution.resolve(incoming(2, email="ana.ruiz@y.mx", needs="telas"))

    assert outcome == "merged"
    assert resolution.created == {}
