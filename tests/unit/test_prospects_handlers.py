"""Prospect use cases on the in-memory unit of work: pipeline, follow-up, merges, review, search."""

from datetime import UTC, datetime, timedelta

import pytest
from eventlet.semaphore import Semaphore

from clientela.config import Settings, completeness_weights
from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import new_event, parse_event
from clientela.services.prospects.dependencies.fake import FakeProspectsStorage
from clientela.services.prospects.dependencies.storage import mongo_filter
from clientela.services.prospects.domain.commands import (
    AddFollowUp,
    AssignOwner,
    ChangeStatus,
    ConvertProspect,
    DismissDuplicate,
    FindProspects,
    LogInteraction,
    MergeProspects,
    UnmergeProspect,
)
from clientela.services.prospects.domain.matching import Matcher
from clientela.services.prospects.domain.profiles import ProfileRules
from clientela.services.prospects.domain.scoring import Qualifier
from clientela.services.prospects.handlers import (
    capture,
    customers,
    duplicates,
    followup,
    merging,
    profile,
    search,
)
from clientela.services.prospects.intake import rows_to_capture

RULES = ProfileRules(
    Matcher(), Qualifier(), completeness_weights(Settings().completeness_weights), "ES"
)
PAST = datetime(2026, 1, 1, 9, tzinfo=UTC)


@pytest.fixture
def uow():
    return FakeProspectsStorage()


def add_person(uow, email, origin=None, **fields):
    """Capture one person; returns the id of their profile."""
    rows = [{"line": 1, "fields": {"email": email, **fields}}]
    capture.capture_leads(rows_to_capture("fairs", rows, origin or {}), uow, RULES, Semaphore())
    [found] = [p for p in uow.profiles.values() if p["email"] == email]
    return found["_id"]


@pytest.fixture
def ana(uow):
    prospect_id = add_person(uow, "ana@x.mx", first_name="Ana", last_name="Ruiz")
    uow.events.envelopes.clear()
    return prospect_id


def test_a_status_change_moves_the_prospect_and_is_announced_once(uow, ana):
    command = ChangeStatus(ana, "disqualified", " no budget ")

    changed = profile.change_status(command, uow, RULES)
    profile.change_status(command, uow, RULES)  # the status it has: nothing to do

    assert (changed["status"], changed["status_reason"]) == ("disqualified", "no budget")
    assert uow.events.types() == ["prospect_status_changed"]
    assert uow.events.envelopes[0]["payload"]["from_status"] == "new"


def test_a_move_the_pipeline_does_not_allow_is_a_conflict_naming_the_allowed_ones(uow, ana):
    with pytest.raises(InvalidInput, match="reason"):
        profile.change_status(ChangeStatus(ana, "disqualified"), uow, RULES)
    with pytest.raises(InvalidInput, match="Use convert"):
        profile.change_status(ChangeStatus(ana, "converted"), uow, RULES)
    profile.convert_prospect(ConvertProspect(ana, "contract"), uow)
    with pytest.raises(Conflict, match=r"allowed: none"):
        profile.change_status(ChangeStatus(ana, "contacted"), uow, RULES)


def test_a_conversion_is_announced_once_with_its_basis(uow, ana):
    converted = profile.convert_prospect(ConvertProspect(ana, "purchase", "T-1"), uow)
    profile.convert_prospect(ConvertProspect(ana, "contract"), uow)

    assert converted["conversion"]["basis"] == "purchase"
    [event] = uow.events.envelopes
    assert event["type"] == "prospect_converted"
    assert (event["payload"]["basis"], event["payload"]["reference"]) == ("purchase", "T-1")
    assert uow.find_profile(ana)["status"] == "converted"


def test_an_owner_is_assigned_silently_and_an_unknown_prospect_is_not_found(uow, ana):
    assert profile.assign_owner(AssignOwner(ana, "luis"), uow)["owner"] == "luis"
    assert uow.events.envelopes == []
    with pytest.raises(NotFound, match="prospect_id: no prospect 'nobody'"):
        profile.assign_owner(AssignOwner("nobody", "luis"), uow)


def test_the_customer_a_prospect_became_is_remembered_however_often_announced(uow, ana):
    created = parse_event(
        new_event(
            "customer_created",
            {
                "customer_id": "C-1",
                "prospect_id": ana,
                "name": "Ana Ruiz",
                "captive": True,
                "created_at": PAST,
            },
        )
    )

    customers.handle_customer_created(created, uow)
    customers.handle_customer_created(created, uow)

    assert uow.profiles[ana]["customer_id"] == "C-1"
    assert uow.profiles[ana]["version"] == 1


def test_reaching_the_person_sets_the_first_contact_and_makes_a_new_prospect_contacted(uow, ana):
    missed = LogInteraction(ana, "call", "phone", "no_answer", occurred_at=PAST)
    reached = LogInteraction(ana, "call", "phone", "interested", occurred_at=PAST + timedelta(1))

    followup.log_interaction(missed, uow, RULES)
    assert uow.find_profile(ana)["first_contact_at"] is None
    logged = followup.log_interaction(reached, uow, RULES)

    stored = uow.find_profile(ana)
    assert (stored["status"], stored["first_contact_at"]) == ("contacted", logged["occurred_at"])
    contacts = [e for e in uow.events.envelopes if e["type"] == "prospect_contacted"]
    assert [e["payload"]["first_contact"] for e in contacts] == [False, True]
    assert "prospect_status_changed" in uow.events.types()


def test_follow_ups_are_planned_done_once_and_listed_when_overdue(uow, ana):
    soon = followup.add_follow_up(AddFollowUp(ana, "call back", PAST, "luis"), uow)
    later = followup.add_follow_up(AddFollowUp(ana, "send offer", PAST + timedelta(1), "eva"), uow)

    assert [t["_id"] for t in followup.follow_ups(ana, uow)] == [soon["_id"], later["_id"]]
    assert [t["_id"] for t in followup.overdue_follow_ups("eva", uow)] == [later["_id"]]
    done = followup.complete_follow_up(soon["_id"], uow)
    again = followup.complete_follow_up(soon["_id"], uow)
    assert again["done_at"] == done["done_at"] is not None
    assert [t["_id"] for t in followup.overdue_follow_ups(None, uow)] == [later["_id"]]
    with pytest.raises(NotFound, match="task_id"):
        followup.complete_follow_up("nothing", uow)
    with pytest.raises(NotFound):
        followup.add_follow_up(AddFollowUp("nobody", "call", PAST, "luis"), uow)


def test_a_merge_moves_history_and_open_tasks_and_the_unmerge_gives_them_back(uow, ana):
    other = add_person(uow, "ana.ruiz@gmail.com", first_name="Ana", phone="+34 612 000 002")
    task = followup.add_follow_up(AddFollowUp(other, "call", PAST, "luis"), uow)
    followup.log_interaction(LogInteraction(other, "visit", "in_person", "agreed"), uow, RULES)
    uow.events.envelopes.clear()

    survivor = merging.merge_prospects(MergeProspects(ana, other, "carmen"), uow, RULES)
    merging.merge_prospects(MergeProspects(ana, other, "carmen"), uow, RULES)  # again: no-op

    assert (survivor["phone"], len(survivor["captures"])) == ("+34612000002", 2)
    assert [i["from_prospect"] for i in survivor["interactions"]] == [other]
    assert uow.find_profile(other)["merged_into"] == ana
    assert uow.events.types() == ["prospect_merged", "prospect_updated"]
    assert [(t["_id"], t["moved_from"]) for t in followup.follow_ups(ana, uow)] == [
        (task["_id"], other)
    ]
    with pytest.raises(Conflict, match="was merged into"):
        profile.assign_owner(AssignOwner(other, "luis"), uow)

    restored = merging.unmerge_prospect(UnmergeProspect(other, "carmen"), uow, RULES)

    assert (restored["merged_into"], restored["kept_apart"]) == (None, [ana])
    back = uow.find_profile(ana)
    assert (back["phone"], len(back["captures"]), back["interactions"]) == (None, 1, [])
    assert uow.events.types()[-2:] == ["prospect_unmerged", "prospect_updated"]
    assert [t["_id"] for t in followup.follow_ups(other, uow)] == [task["_id"]]
    with pytest.raises(Conflict, match="apart"):
        merging.merge_prospects(MergeProspects(ana, other, "carmen"), uow, RULES)


def test_a_converted_profile_is_merged_into_only_never_away(uow, ana):
    other = add_person(uow, "ana.ruiz@gmail.com", first_name="Ana")
    profile.convert_prospect(ConvertProspect(ana, "contract"), uow)

    with pytest.raises(Conflict, match="is converted"):
        merging.merge_prospects(MergeProspects(other, ana, "carmen"), uow, RULES)
    with pytest.raises(InvalidInput, match="merged_id"):
        merging.merge_prospects(MergeProspects(ana, ana, "carmen"), uow, RULES)
    with pytest.raises(Conflict, match="not merged"):
        merging.unmerge_prospect(UnmergeProspect(other, "carmen"), uow, RULES)
    assert uow.find_profile(ana)["merged_into"] is None


def namesakes(uow):
    """Three Juan Pérez at Acme: every two of them a possible duplicate."""
    return [
        add_person(uow, f"juan{n}@acme.mx", first_name="Juan", last_name="Pérez", company="Acme")
        for n in range(3)
    ]


def pairs(uow):
    return sorted(tuple(p["id"].split("|")) for p in duplicates.open_pairs(10, uow))


def test_a_dismissed_pair_is_kept_apart_and_leaves_the_review_list(uow):
    juan, other, _ = namesakes(uow)
    assert len(pairs(uow)) == 3

    dismissed = duplicates.dismiss(DismissDuplicate(juan, other, "carmen"), uow)

    assert (dismissed["status"], dismissed["decided_by"]) == ("dismissed", "carmen")
    assert uow.find_profile(juan)["kept_apart"] == [other]
    assert uow.find_profile(other)["kept_apart"] == [juan]
    assert tuple(sorted((juan, other))) not in pairs(uow)
    with pytest.raises(InvalidInput, match="Must differ"):
        duplicates.dismiss(DismissDuplicate(juan, juan, "carmen"), uow)
    with pytest.raises(NotFound, match="b: no prospect"):
        duplicates.dismiss(DismissDuplicate(juan, "nobody", "carmen"), uow)


def test_a_merged_profiles_pairs_move_to_the_profile_it_lives_on_in(uow):
    juan, other, third = namesakes(uow)

    merging.merge_prospects(MergeProspects(juan, third, "carmen"), uow, RULES)

    assert pairs(uow) == [tuple(sorted((juan, other)))]


def test_a_search_finds_the_live_prospects_matching_every_filter_a_page_at_a_time(uow):
    ids = [
        add_person(uow, f"p{n}@x.mx", origin={"fair": "Expo" if n % 2 else "Feria"})
        for n in range(5)
    ]
    profile.change_status(ChangeStatus(ids[1], "contacted"), uow, RULES)

    expo = search.find_prospects(FindProspects(fair="Expo", limit=1), uow, RULES)
    assert (expo["total"], expo["limit"], len(expo["prospects"])) == (2, 1, 1)
    second = search.find_prospects(FindProspects(fair="Expo", limit=1, offset=1), uow, RULES)
    assert {expo["prospects"][0]["_id"], second["prospects"][0]["_id"]} == {ids[1], ids[3]}
    found = search.find_prospects(FindProspects(email="P2@X.MX"), uow, RULES)
    assert [p["_id"] for p in found["prospects"]] == [ids[2]]
    contacted = search.find_prospects(FindProspects(status="contacted", source="fairs"), uow, RULES)
    assert [p["_id"] for p in contacted["prospects"]] == [ids[1]]
    assert search.find_prospects(FindProspects(fair="Otra"), uow, RULES)["total"] == 0
    with pytest.raises(InvalidInput, match="phone"):
        search.find_prospects(FindProspects(phone="not a phone"), uow, RULES)


def test_a_search_becomes_identity_keys_and_the_mongodb_filter_of_the_other_fields():
    command = FindProspects(
        source="fairs",
        fair="Expo",
        email="Ana@x.mx",
        phone="612 000 001",
        status="new",
        captured_from=PAST,
        min_score=10,
    )

    query = search.search_query(command, RULES)

    assert query.identities == (("same_email:ana@x.mx",), ("same_phone:+34612000001",))
    assert mongo_filter(query) == {
        "merged_into": None,
        "facets": {"$all": ["source:fairs", "fair:Expo"]},
        "status": "new",
        "captured_at": {"$gte": PAST},
        "score": {"$gte": 10},
    }
