"""The prospects fake unit of work answers as the MongoDB one does."""

import copy
from datetime import UTC, datetime, timedelta

import pytest

from clientela.outbox import STAGED_EVENTS
from clientela.services.prospects.dependencies.fake import FakeProspectsStorage
from clientela.services.prospects.dependencies.storage import ProspectsStorage
from clientela.services.prospects.domain.batch import Suggestion
from clientela.services.prospects.domain.search import ProspectQuery
from clientela.storage import RecordedEvents

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(params=["fake", pytest.param("mongodb", marks=pytest.mark.integration)])
def uow(request):
    if request.param == "fake":
        return FakeProspectsStorage()
    database = request.getfixturevalue("service_database")("prospects")
    return ProspectsStorage(database, RecordedEvents())


def profile(prospect_id, keys=(), captures=("c",), minutes=0, **values):
    """A stored profile as captures make it (the fields these calls read)."""
    return {
        "_id": prospect_id,
        "first_name": values.pop("first_name", prospect_id.title()),
        "last_name": "",
        "email": None,
        "phone": None,
        "company": "",
        "company_key": "",
        "consent": None,
        "status": "new",
        "owner": "",
        "source": "fairs",
        "origin": {},
        "captured_at": T0 + timedelta(minutes=minutes),
        "identified_at": T0 + timedelta(minutes=minutes),
        "updated_at": T0,
        "completeness": 0.0,
        "score": 0,
        "match_keys": sorted(keys),
        "facets": ["source:fairs"],
        "captures": [
            {"key": f"{prospect_id}-{key}", "source": "fairs", "fields": {"a": "1"}, "extra": {}}
            for key in captures
        ],
        "merged_into": None,
        "kept_apart": [],
        "customer_id": None,
        "version": 0,
        **values,
    }


def event(event_id):
    return {"id": event_id, "type": "prospect_updated"}


def test_a_profile_is_found_by_id_without_its_outbox(uow):
    uow.insert_profiles([profile("ana")])

    found = uow.find_profile("ana")

    assert found["first_name"] == "Ana" and "outbox" not in found
    assert uow.find_profile("nobody") is None


def test_a_save_holds_only_on_the_version_read_and_publishes_its_events(uow):
    uow.insert_profiles([profile("ana")])
    read_first, read_again = uow.find_profile("ana"), uow.find_profile("ana")

    read_first["owner"] = "luis"
    assert uow.save_profile(read_first, [event("E-1")])
    read_again["owner"] = "eva"
    assert not uow.save_profile(read_again, [event("E-2")])

    stored = uow.find_profile("ana")
    assert (stored["owner"], stored["version"]) == ("luis", 1)
    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]


def test_known_profiles_are_found_by_match_key_or_capture_key_live_and_without_raw_rows(uow):
    uow.insert_profiles(
        [
            profile("ana", keys=["email:ana@x.mx"]),
            profile("eva", keys=["email:eva@x.mx"]),
            profile("old", keys=["email:ana@x.mx"], merged_into="ana"),
            profile("pia", keys=["phone:+34600"]),
        ]
    )

    found = uow.known_profiles(["email:ana@x.mx", "email:nobody"], captures=["eva-c"])

    assert sorted(p["_id"] for p in found) == ["ana", "eva"]
    assert all("fields" not in c and "extra" not in c for p in found for c in p["captures"])
    assert uow.known_profiles([], []) == []


def test_a_new_persons_identity_is_claimed_once(uow):
    assert uow.claim_identities({"email:ana": "p1", "phone:1": "p1"}, T0) == set()
    assert uow.claim_identities({"email:ana": "p1"}, T0) == set()  # its own claim again

    lost = uow.claim_identities({"email:ana": "p2", "phone:2": "p2"}, T0 + timedelta(seconds=1))

    assert lost == {"p2"}
    # the loser's other key is released: a third profile may claim it
    assert uow.claim_identities({"phone:2": "p3"}, T0 + timedelta(seconds=1)) == set()


def test_a_claim_whose_profile_never_appeared_is_taken_over_after_a_grace(uow):
    uow.claim_identities({"email:ana": "ghost"}, T0)
    uow.insert_profiles([profile("held")])
    uow.claim_identities({"email:eva": "held"}, T0)
    later = T0 + timedelta(minutes=1)

    assert uow.claim_identities({"email:ana": "p2"}, later) == set()
    assert uow.claim_identities({"email:eva": "p3"}, later) == {"p3"}  # its profile exists


def test_captures_are_added_unless_the_profile_changed_since_read(uow):
    uow.insert_profiles([profile("ana"), profile("eva")])
    ana, eva = uow.find_profile("ana"), uow.find_profile("eva")
    uow.save_profile(uow.find_profile("eva"), [])  # someone else's write
    capture = {"key": "new", "source": "fairs", "filled": ["company"], "fields": {}, "extra": {}}
    ana.update(company="Acme", score=40)
    eva.update(company="Acme", score=40)

    changed = uow.add_captures([(ana, [capture]), (eva, [capture])])

    assert changed == {"eva"}
    stored = uow.find_profile("ana")
    assert [c["key"] for c in stored["captures"]] == ["ana-c", "new"]
    assert (stored["company"], stored["score"], stored["version"]) == ("Acme", 40, 1)
    assert uow.missing_captures({"ana": "new", "eva": "new"}) == {"eva"}


def test_a_capture_already_stored_is_not_reported_although_the_version_moved(uow):
    uow.insert_profiles([profile("ana")])
    ana = uow.find_profile("ana")
    capture = {"key": "new", "source": "fairs", "filled": [], "fields": {}, "extra": {}}
    assert uow.add_captures([(copy.deepcopy(ana), [capture])]) == set()

    # a redelivered batch: read before the first write, its capture is there already
    assert uow.add_captures([(ana, [capture])]) == set()
    assert [c["key"] for c in uow.find_profile("ana")["captures"]] == ["ana-c", "new"]


def test_a_profile_not_stored_is_reported_as_changed(uow):
    uow.insert_profiles([profile("ana")])
    capture = {"key": "new", "source": "fairs", "filled": [], "fields": {}, "extra": {}}

    changed = uow.add_captures([(uow.find_profile("ana"), [capture]), (profile("gone"), [capture])])

    assert changed == {"gone"}
    assert uow.find_profile("gone") is None


def stages(uow):
    """The ids of the event stages not released yet."""
    if isinstance(uow, FakeProspectsStorage):
        return set(uow.staged)
    return {stage["_id"] for stage in uow.database[STAGED_EVENTS].find({}, {"_id": 1})}


def test_staged_events_are_published_when_released_and_the_stage_dropped(uow):
    stage_id = uow.stage_events([(event("E-1"), "ana", None), (event("E-2"), "eva", "eva-c")])
    uow.insert_profiles([profile("ana")])
    assert stages(uow) == {stage_id}

    uow.release_events(stage_id, [event("E-1")])

    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]
    assert stages(uow) == set()


def test_a_search_page_holds_the_live_profiles_matching_every_condition(uow):
    uow.insert_profiles(
        [
            profile("ana", keys=["email:ana"], minutes=1, score=60, owner="luis"),
            profile("eva", keys=["email:eva"], minutes=2, score=80, owner="luis"),
            profile("pia", keys=["email:pia"], minutes=3, score=90, status="contacted"),
            profile("old", keys=["email:ana"], minutes=4, score=90, merged_into="ana"),
        ]
    )

    total, page = uow.find_page(ProspectQuery(facets=("source:fairs",), min_score=50), 2, 0)
    assert (total, [p["_id"] for p in page]) == (3, ["pia", "eva"])
    assert "outbox" not in page[0]
    assert uow.find_page(ProspectQuery(min_score=50), 2, 2)[1][0]["_id"] == "ana"
    found = uow.find_page(ProspectQuery(identities=(("email:ana", "email:eva"),)), 10, 0)
    assert [p["_id"] for p in found[1]] == ["eva", "ana"]
    by_identity = ProspectQuery(identities=(("email:ana", "email:eva", "email:pia"),), owner="luis")
    total, page = uow.find_page(by_identity, 1, 1)  # eva and ana are luis's: the second
    assert (total, [p["_id"] for p in page]) == (2, ["ana"])
    both = ProspectQuery(identities=(("email:ana",), ("email:eva",)))
    assert uow.find_page(both, 10, 0) == (0, [])
    assert uow.find_page(ProspectQuery(identities=((),)), 10, 0) == (0, [])
    query = ProspectQuery(
        owner="luis", max_score=70, captured_from=T0, captured_to=T0 + timedelta(minutes=2)
    )
    assert [p["_id"] for p in uow.find_page(query, 10, 0)[1]] == ["ana"]
    assert uow.find_page(ProspectQuery(status="contacted", facets=("fair:x",)), 10, 0) == (0, [])


def test_merge_marks_are_guarded_by_version_and_given_back(uow):
    uow.insert_profiles([profile("ana"), profile("eva")])

    assert not uow.mark_merged("eva", "ana", version=7, now=T0)
    assert uow.mark_merged("eva", "ana", version=0, now=T0)
    assert uow.find_profile("eva")["merged_into"] == "ana"
    uow.unmark_merged("eva", "other")  # not merged there: nothing happens
    assert uow.find_profile("eva")["merged_into"] == "ana"
    uow.restore_merged("eva", "ana", T0)
    uow.restore_merged("eva", "ana", T0)

    eva = uow.find_profile("eva")
    assert (eva["merged_into"], eva["kept_apart"], eva["version"]) == (None, ["ana"], 3)


def test_keeping_apart_and_linking_a_customer_are_written_once(uow):
    uow.insert_profiles([profile("ana")])

    for _ in range(2):
        uow.keep_apart("ana", "eva")
        uow.link_customer("ana", "C-1")

    ana = uow.find_profile("ana")
    assert (ana["kept_apart"], ana["customer_id"], ana["version"]) == (["eva"], "C-1", 2)


def test_people_name_the_profiles_asked_for(uow):
    uow.insert_profiles([profile("ana", email="ana@x.mx"), profile("eva")])

    people = uow.people(["ana", "nobody"])

    assert people == [
        {
            "_id": "ana",
            "first_name": "Ana",
            "last_name": "",
            "email": "ana@x.mx",
            "phone": None,
            "company": "",
        }
    ]


def task(task_id, prospect_id, minutes, owner="luis"):
    return {
        "_id": task_id,
        "prospect_id": prospect_id,
        "title": f"call {task_id}",
        "due_at": T0 + timedelta(minutes=minutes),
        "owner": owner,
        "created_at": T0,
        "done_at": None,
        "moved_from": None,
    }


def test_follow_ups_are_listed_soonest_first_and_done_once(uow):
    for each in (task("t2", "ana", 20), task("t1", "ana", 10), task("t3", "eva", 5, "eva")):
        uow.add_follow_up(each)

    assert [t["_id"] for t in uow.follow_ups("ana")] == ["t1", "t2"]
    assert uow.complete_follow_up("t1", T0)["done_at"] == T0
    assert uow.complete_follow_up("t1", T0 + timedelta(hours=1))["done_at"] == T0
    assert uow.complete_follow_up("nothing", T0) is None
    now = T0 + timedelta(minutes=30)
    assert [t["_id"] for t in uow.overdue_follow_ups(now, None)] == ["t3", "t2"]
    assert [t["_id"] for t in uow.overdue_follow_ups(now, "luis")] == ["t2"]


def test_open_follow_ups_move_with_a_merge_and_come_back_with_the_unmerge(uow):
    for each in (task("t1", "eva", 10), task("t2", "eva", 20), task("t3", "ana", 5)):
        uow.add_follow_up(each)
    uow.complete_follow_up("t2", T0)

    uow.move_follow_ups("eva", "ana")
    assert [(t["_id"], t["moved_from"]) for t in uow.follow_ups("ana")] == [
        ("t3", None),
        ("t1", "eva"),
    ]
    uow.return_follow_ups("ana", "eva")
    assert [t["_id"] for t in uow.follow_ups("eva")] == ["t1", "t2"]
    assert [t["moved_from"] for t in uow.follow_ups("eva")] == [None, None]


def suggestion(a, b, score):
    return Suggestion((a, b), score, ("close_name",), ("alike",))


def test_the_review_list_keeps_each_pair_and_line_once(uow):
    uow.record_review(
        [suggestion("eva", "ana", 0.5), suggestion("pia", "ana", 0.9)], {"phone:1": ["a", "b"]}, T0
    )
    later = T0 + timedelta(minutes=1)
    uow.record_review([suggestion("ana", "eva", 0.7)], {"phone:1": ["c"], "phone:2": ["d"]}, later)

    pairs = uow.open_pairs(10)
    assert [(p["_id"], p["score"]) for p in pairs] == [("ana|pia", 0.9), ("ana|eva", 0.5)]
    assert pairs[0]["prospect_ids"] == ["ana", "pia"] and pairs[0]["reasons"] == ["alike"]
    assert uow.open_pairs(1)[0]["_id"] == "ana|pia"
    lines = uow.shared_lines(10)
    assert [(line["_id"], line["prospect_ids"]) for line in lines] == [
        ("phone:2", ["d"]),
        ("phone:1", ["a", "b", "c"]),
    ]
    assert uow.known_lines({"phone:1", "phone:3"}) == {"phone:1"}
    assert sorted(p["_id"] for p in uow.open_pairs_with("ana")) == ["ana|eva", "ana|pia"]


def test_pairs_are_decided_once_and_dismissed_even_unseen(uow):
    uow.record_review([suggestion("ana", "eva", 0.5)], {}, T0)

    uow.decide_pair("ana|eva", "merged", "luis", T0)
    uow.decide_pair("ana|eva", "closed", "eva", T0)
    dismissed = uow.dismiss_pair("pia", "ana", "luis", T0)
    uow.suggest_pair({"_id": "ana|pia", "status": "open", "score": 1.0})

    assert uow.open_pairs(10) == [] and uow.open_pairs_with("ana") == []
    assert (dismissed["_id"], dismissed["status"], dismissed["score"]) == (
        "ana|pia",
        "dismissed",
        0,
    )
    assert dismissed["decided_by"] == "luis" and dismissed["prospect_ids"] == ["ana", "pia"]
    uow.suggest_pair(
        {
            "_id": "eva|pia",
            "prospect_ids": ["eva", "pia"],
            "status": "open",
            "score": 1.0,
            "found_at": T0,
        }
    )
    assert [p["_id"] for p in uow.open_pairs(10)] == ["eva|pia"]


def test_profiles_are_replayed_a_page_at_a_time_in_id_order(uow):
    uow.insert_profiles([profile("P-3"), profile("P-1", minutes=1), profile("P-2")])

    first = uow.replay_documents("prospects", None, 2)
    rest = uow.replay_documents("prospects", first[-1]["_id"], 2)

    assert [p["_id"] for p in first] == ["P-1", "P-2"]
    assert first[0] == profile("P-1", minutes=1)
    assert [p["_id"] for p in rest] == ["P-3"]
    assert uow.replay_documents("prospects", "P-3", 2) == []
