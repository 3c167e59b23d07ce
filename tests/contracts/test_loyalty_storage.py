"""The loyalty fake unit of work answers as the MongoDB one does."""

from datetime import UTC, datetime

import pytest

from clientela.services.loyalty.dependencies import FakeLoyaltyStorage, LoyaltyStorage
from clientela.services.loyalty.documents import ReferralCode
from clientela.storage import RecordedEvents

MARCH = [datetime(2026, 3, day, 12, tzinfo=UTC) for day in range(1, 32)]


@pytest.fixture(params=["fake", pytest.param("mongodb", marks=pytest.mark.integration)])
def uow(request):
    if request.param == "fake":
        return FakeLoyaltyStorage()
    database = request.getfixturevalue("service_database")("loyalty")
    # one code per customer is the index's promise, as the service creates it
    for index in ReferralCode._meta["index_specs"]:
        options = {key: value for key, value in index.items() if key != "fields"}
        database[ReferralCode._meta["collection"]].create_index(index["fields"], **options)
    return LoyaltyStorage(database, RecordedEvents())


def entry(entry_id: str, points: int, day: int, customer_id: str = "C-1") -> dict:
    return {
        "_id": entry_id,
        "customer_id": customer_id,
        "kind": "earn",
        "points": points,
        "reason": f"because of {entry_id}",
        "recorded_at": MARCH[day - 1],
    }


def test_an_entry_is_recorded_and_announced_once(uow):
    assert uow.add_entry(entry("purchase:F-1", 100, 1), {"id": "E-1"}) is True
    assert uow.add_entry(entry("purchase:F-1", 999, 2), {"id": "E-2"}) is False

    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]
    assert uow.balance("C-1") == 100
    assert uow.latest_entries("C-1", 20) == [entry("purchase:F-1", 100, 1)]


def test_the_balance_is_the_sum_and_the_latest_entries_come_newest_first(uow):
    for number, day in enumerate((3, 1, 2)):
        uow.add_entry(entry(f"purchase:F-{number}", 10**number, day), {"id": f"E-{number}"})
    uow.add_entry(entry("purchase:X", 5, 4, customer_id="C-2"), {"id": "E-X"})

    assert uow.balance("C-1") == 111
    assert uow.latest_entries("C-1", 2) == [
        entry("purchase:F-0", 1, 3),
        entry("purchase:F-2", 100, 2),
    ]
    assert uow.balance("C-nobody") == 0
    assert uow.latest_entries("C-nobody", 20) == []


def test_members_are_remembered_with_their_latest_details(uow):
    assert uow.find_member("C-1") is None
    uow.remember_member("C-1", "P-1", "ana@example.com")
    uow.remember_member("C-1", "P-1", None)

    assert uow.find_member("C-1") == {"_id": "C-1", "prospect_id": "P-1", "email": None}


def test_a_code_belongs_to_one_customer_and_a_customer_has_one_code(uow):
    assert uow.add_referral_code("AAAA-BBBB", "C-1", MARCH[0]) is True
    assert uow.add_referral_code("AAAA-BBBB", "C-2", MARCH[1]) is False
    assert uow.add_referral_code("CCCC-DDDD", "C-1", MARCH[1]) is False

    assert uow.code_of("C-1") == "AAAA-BBBB"
    assert uow.code_of("C-2") is None
    assert uow.owner_of_code("AAAA-BBBB") == "C-1"
    assert uow.owner_of_code("CCCC-DDDD") is None
