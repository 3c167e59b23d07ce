"""One profile per person on real services: namesakes reviewed, never merged; two instances."""

from datetime import UTC, datetime

import eventlet
import pymongo
import pytest
from eventlet.semaphore import Semaphore
from pymongo import monitoring

from clientela.cli.file_import import import_file
from clientela.config import completeness_weights
from clientela.errors import Conflict
from clientela.plugin_manager import load_plugins
from clientela.services.prospects.dependencies.storage import ProspectsStorage
from clientela.services.prospects.domain.matching import Matcher
from clientela.services.prospects.domain.profiles import ProfileRules
from clientela.services.prospects.domain.scoring import Qualifier
from clientela.services.prospects.domain.search import ProspectQuery
from clientela.services.prospects.handlers.capture import capture_leads
from clientela.services.prospects.intake import rows_to_capture
from clientela.storage import RecordedEvents

NAMESAKES = """nombre,apellidos,correo,telefono,empresa
Juan,Pérez,juan.perez@acme.mx,+34 612 000 001,"Acme, S.A. de C.V."
Juan Carlos,Pérez,jcperez@gmail.com,+34 612 000 002,ACME
Juan,Pérez,jperez@acme.mx,+34 612 000 003,Acme SA
Luis,,luis@acme.mx,+34 612 000 004,Acme
Luisa,Ramírez,luisa@acme.mx,+34 612 000 005,Acme
"""

ONE_PERSON = """nombre,apellidos,correo,telefono,empresa
Ana,Ruiz,Ana.Ruiz@Correo.mx,+34 612 345 678,Textiles Ruiz
ANA,RUIZ, ana.ruiz@correo.MX ,0034612345678,Textiles Ruiz
Ana,Ruiz,,(+34) 612-345-678,TEXTILES RUIZ SA
"""


@pytest.fixture
def rpc(clientela_module_platform):
    return clientela_module_platform("prospects")


def import_fair(rpc, path, **options):
    return import_file(
        load_plugins({}).lead_sources()["fairs"],
        path,
        {"fair": "Expo Norte", **options},
        lambda rows, origin: rpc.prospects.capture_leads.call_async("fairs", rows, origin),
    )


def csv_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def pair_names(pair):
    return sorted(f"{p['first_name']} {p['last_name']}".strip() for p in pair["people"])


def test_namesakes_at_one_company_are_distinct_people_listed_for_review(rpc, tmp_path):
    path = csv_file(tmp_path, "namesakes.csv", NAMESAKES)

    summary = import_fair(rpc, path)

    assert (summary.created, summary.merged) == (5, 0)
    assert rpc.prospects.find()["total"] == 5
    review = rpc.prospects.duplicates()
    assert sorted(pair_names(pair) for pair in review["pairs"]) == [
        ["Juan Carlos Pérez", "Juan Pérez"],
        ["Juan Carlos Pérez", "Juan Pérez"],
        ["Juan Pérez", "Juan Pérez"],
    ]
    pair = review["pairs"][0]
    assert pair["score"] == 1.0
    assert pair["reasons"][0].startswith("close_name_at_company: ")
    assert {p["company"] for p in pair["people"]} <= {"Acme, S.A. de C.V.", "ACME", "Acme SA"}
    assert all(p["email"] and p["phone"] for p in pair["people"])

    import_fair(rpc, path)  # again: nothing new to review
    assert len(rpc.prospects.duplicates()["pairs"]) == 3


def test_the_same_person_written_three_ways_is_one_profile(rpc, tmp_path):
    summary = import_fair(rpc, csv_file(tmp_path, "ana.csv", ONE_PERSON))

    assert (summary.created, summary.merged) == (1, 2)
    [ana] = rpc.prospects.find()["prospects"]
    assert (ana["email"], ana["phone"], len(ana["captures"])) == (
        "ana.ruiz@correo.mx",
        "+34612345678",
        3,
    )
    assert rpc.prospects.duplicates()["pairs"] == []


def test_a_reviewed_pair_is_merged_or_dismissed_and_never_suggested_again(rpc, tmp_path):
    path = csv_file(tmp_path, "namesakes.csv", NAMESAKES)
    import_fair(rpc, path)
    by_email = {p["email"]: p["id"] for p in rpc.prospects.find()["prospects"]}
    juan, juan_carlos, other_juan = (
        by_email["juan.perez@acme.mx"],
        by_email["jcperez@gmail.com"],
        by_email["jperez@acme.mx"],
    )

    rpc.prospects.dismiss_duplicate(juan, juan_carlos, "carmen")
    rpc.prospects.dismiss_duplicate(juan, juan_carlos, "carmen")  # again: no change
    with pytest.raises(Conflict, match="apart"):
        rpc.prospects.merge(juan, juan_carlos, "carmen")
    merged = rpc.prospects.merge(juan, other_juan, "carmen", "same person, two e-mails")
    assert [m["prospect_id"] for m in merged["merges"]] == [other_juan]

    # other_juan's pair with Juan Carlos moved to juan, who is kept apart from him: none left
    assert rpc.prospects.duplicates()["pairs"] == []

    rpc.prospects.unmerge(other_juan, "carmen")
    import_fair(rpc, path)
    assert rpc.prospects.duplicates()["pairs"] == []  # the undone pair is not suggested again
    assert rpc.prospects.find()["total"] == 5


def test_the_pairs_of_a_profile_merged_away_move_to_the_profile_it_lives_on_in(rpc, tmp_path):
    path = csv_file(
        tmp_path,
        "three.csv",
        "nombre,apellidos,correo,empresa\n"
        "Juan,Pérez,juan@casa.mx,\n"  # no company: no pair with the others
        "Juan,Pérez,juan@acme.mx,Acme\n"
        "Juana,Pérez,juana@acme.mx,Acme\n",
    )
    import_fair(rpc, path)
    ids = {p["email"]: p["id"] for p in rpc.prospects.find()["prospects"]}
    [pair] = rpc.prospects.duplicates()["pairs"]
    assert {p["email"] for p in pair["people"]} == {"juan@acme.mx", "juana@acme.mx"}

    rpc.prospects.merge(ids["juan@casa.mx"], ids["juan@acme.mx"], "carmen")

    [moved] = rpc.prospects.duplicates()["pairs"]
    assert {p["id"] for p in moved["people"]} == {ids["juan@casa.mx"], ids["juana@acme.mx"]}
    assert moved["reasons"] == pair["reasons"]


def test_a_shared_switchboard_merges_nobody_and_is_reported(rpc, tmp_path):
    rows = [
        {"line": n, "fields": fields, "extra": {}, "origin": {}, "consent": {}}
        for n, fields in enumerate(
            [
                {"first_name": "Ana", "last_name": "Ruiz", "phone": "+52 55 5000 1000"},
                {"first_name": "Pedro", "last_name": "Gil", "phone": "+52 55 5000 1000"},
                {"first_name": "Ana", "email": "ana@acme.mx", "phone": "+52 55 5000 1000"},
            ],
            start=1,
        )
    ]

    report = rpc.prospects.capture_leads("fairs", rows)

    assert report["created"] == 3
    assert report["shared_lines"] == ["+525550001000"]
    [line] = rpc.prospects.duplicates()["shared_lines"]
    assert line["line"] == "+525550001000"
    assert len(line["prospect_ids"]) == 3


def test_two_instances_capturing_the_same_new_people_at_once_make_one_profile_each(
    clientela_platform,
):
    first = clientela_platform("prospects")
    clientela_platform("prospects")  # a second instance, consuming the same RPC queue
    people = [
        {
            "first_name": name,
            "last_name": "Pérez",
            "company": "Acme",
            "email": f"{name.lower()}{n}@acme.mx",
            "phone": f"+34 612 100 {n:03d}",
        }
        for n, name in enumerate(["Juan", "Ana", "Luis", "María", "José"] * 8)
    ]

    def capture(fair):
        rows = [
            {"line": n, "fields": fields, "extra": {}, "origin": {}, "consent": {}}
            for n, fields in enumerate(people, start=1)
        ]
        return first.prospects.capture_leads.call_async("fairs", rows, {"fair": fair})

    replies = [capture(f"Feria {k}") for k in range(8)]  # both instances take some at once
    reports = [reply.result() for reply in replies]
    eventlet.sleep(0)

    assert sum(report["created"] for report in reports) == len(people)
    assert all(report["rejected"] == [] for report in reports)
    found = first.prospects.find(limit=500)
    assert found["total"] == len(people)
    assert {len(p["captures"]) for p in found["prospects"]} == {8}


ANA_AT_WORK = """nombre,apellidos,correo,telefono,empresa
Ana,Ruiz,ana@work.mx,+34 612 000 001,Textiles Ruiz
"""

ANA_AT_HOME = """nombre,apellidos,correo,telefono,empresa
Ana,Ruiz,ana.ruiz@gmail.com,+34 699 000 002,Textiles Ruiz
"""


def test_after_an_operator_merge_either_persons_e_mail_finds_the_merged_profile(rpc, tmp_path):
    import_fair(rpc, csv_file(tmp_path, "work.csv", ANA_AT_WORK))
    home = csv_file(tmp_path, "home.csv", ANA_AT_HOME)
    import_fair(rpc, home)
    by_email = {p["email"]: p["id"] for p in rpc.prospects.find()["prospects"]}
    rpc.prospects.merge(by_email["ana@work.mx"], by_email["ana.ruiz@gmail.com"], "carmen")

    again = import_fair(rpc, home)
    later = import_fair(
        rpc, csv_file(tmp_path, "later.csv", ANA_AT_HOME.replace("Textiles Ruiz", "Textiles"))
    )

    assert (again.created, again.unchanged) == (0, 1)
    assert (later.created, later.merged) == (0, 1)
    [ana] = rpc.prospects.find()["prospects"]
    assert (ana["email"], len(ana["captures"])) == ("ana@work.mx", 3)


SWITCHBOARD = """nombre,apellidos,correo,telefono,empresa
Ana,Ruiz,,+34 912 000 000,Acme
Bruno,Gil,,+34 912 000 000,Acme
"""


def test_a_row_whose_only_identifier_became_a_shared_line_imported_again_changes_nothing(
    rpc, tmp_path
):
    path = csv_file(tmp_path, "switchboard.csv", SWITCHBOARD)
    first = import_fair(rpc, path)

    again = import_fair(rpc, path)
    once_more = import_fair(rpc, path)

    assert first.created == 2
    assert (again.created, again.unchanged) == (0, 2)
    assert (once_more.created, once_more.unchanged) == (0, 2)
    assert rpc.prospects.find()["total"] == 2


class QueryRecorder(monitoring.CommandListener):
    """Keeps the filter of every ``find`` and ``delete`` sent."""

    def __init__(self):
        self.filters = []
        self.deletes = []

    def started(self, event):
        if event.command_name == "find":
            self.filters.append(event.command["filter"])
        if event.command_name == "delete":
            self.deletes += [delete["q"] for delete in event.command["deletes"]]

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def test_profiles_that_changed_meanwhile_are_found_by_id_without_or(clientela_settings):
    recorder = QueryRecorder()
    client = pymongo.MongoClient(clientela_settings.mongo_uri, event_listeners=[recorder])
    collection = client[clientela_settings.database_name("prospects")]["prospects"]
    collection.insert_many(
        [
            {"_id": "written", "captures": [{"key": "old"}, {"key": "new"}]},
            {"_id": "changed", "captures": [{"key": "old"}]},
        ]
    )
    storage = ProspectsStorage(collection.database, RecordedEvents())

    try:
        assert storage.missing_captures({"written": "new", "changed": "newer"}) == {"changed"}
    finally:
        client.close()
    assert recorder.filters == [{"_id": {"$in": ["written", "changed"]}}]  # no $or: no scan


def test_a_capture_finds_known_profiles_by_one_indexed_field_per_query(clientela_settings):
    recorder = QueryRecorder()
    client = pymongo.MongoClient(
        clientela_settings.mongo_uri, tz_aware=True, event_listeners=[recorder]
    )
    storage = ProspectsStorage(
        client[clientela_settings.database_name("prospects")], RecordedEvents()
    )
    rules = ProfileRules(Matcher(), Qualifier(), completeness_weights("name=1"), "ES")
    row = {"line": 1, "fields": {"first_name": "Ana", "email": "ana@x.mx"}}
    try:
        for _ in range(2):
            capture_leads(rows_to_capture("fairs", [row], {}), storage, rules, Semaphore())
        stored = storage.database["prospects"].count_documents({})
    finally:
        client.close()

    assert stored == 1
    searched = [f for f in recorder.filters if {"match_keys", "captures.key"} & set(f)]
    assert searched and all(len(f) == 1 for f in searched)  # a second condition: a scan


def test_a_search_by_e_mail_and_released_claims_use_an_index_alone(clientela_settings):
    recorder = QueryRecorder()
    client = pymongo.MongoClient(
        clientela_settings.mongo_uri, tz_aware=True, event_listeners=[recorder]
    )
    storage = ProspectsStorage(
        client[clientela_settings.database_name("prospects")], RecordedEvents()
    )
    now = datetime.now(UTC)
    profiles = [
        {"_id": pid, "match_keys": ["email:ana@x.mx"], "captured_at": now, "owner": owner}
        for pid, owner in (("p1", "luis"), ("p2", "eva"))
    ]
    try:
        storage.insert_profiles(profiles)
        total, page = storage.find_page(
            ProspectQuery(identities=(("email:ana@x.mx",),), owner="luis"), 10, 0
        )
        storage.claim_identities({"email:ana@x.mx": "p3"}, now)
        lost = storage.claim_identities({"email:ana@x.mx": "p4", "phone:+341": "p4"}, now)
    finally:
        client.close()

    assert (total, [p["_id"] for p in page], lost) == (1, ["p1"], {"p4"})
    assert [f for f in recorder.filters if "match_keys" in f] == [
        {"match_keys": {"$in": ["email:ana@x.mx"]}}  # the owner is checked on the few found
    ]
    assert sorted(recorder.deletes, key=str) == [
        {"_id": "email:ana@x.mx", "prospect_id": "p4"},
        {"_id": "phone:+341", "prospect_id": "p4"},
    ]
