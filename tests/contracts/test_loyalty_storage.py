"""The loyalty fake unit of work answers as the MongoDB one does."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.services.loyalty.dependencies import (
    AccountChange,
    FakeLoyaltyStorage,
    LoyaltyStorage,
    new_account,
)
from clientela.services.loyalty.documents import (
    ChurnAlarm,
    ImprovementActionRecord,
    LedgerEntry,
    Member,
    PointsAccount,
    ReferralCode,
    RetentionCaseRecord,
    RewardStock,
    WinBackCampaign,
)
from clientela.storage import RecordedEvents

MARCH = [datetime(2026, 3, day, 12, tzinfo=UTC) for day in range(1, 32)]


@pytest.fixture(params=["fake", pytest.param("mongodb", marks=pytest.mark.integration)])
def uow(request):
    if request.param == "fake":
        return FakeLoyaltyStorage()
    database = request.getfixturevalue("service_database")("loyalty")
    # the indexes as the service creates them: one code per customer is one's promise
    for document in (
        LedgerEntry,
        PointsAccount,
        ReferralCode,
        ChurnAlarm,
        ImprovementActionRecord,
        RetentionCaseRecord,
        Member,
        WinBackCampaign,
        RewardStock,
    ):
        for index in document._meta["index_specs"]:
            options = {key: value for key, value in index.items() if key != "fields"}
            database[document._meta["collection"]].create_index(index["fields"], **options)
    return LoyaltyStorage(database, RecordedEvents())


def entry(source: str, points: int, seq: int, customer_id: str = "C-1") -> dict:
    return {
        "_id": source,
        "customer_id": customer_id,
        "seq": seq,
        "kind": "earn",
        "points": points,
        "reason": f"because of {source}",
        "recorded_at": MARCH[seq],
    }


def change(version: int, entries: list[dict], balance: int, customer_id: str = "C-1", **account):
    count = entries[-1]["seq"] + 1 if entries else account.pop("entry_count")
    return AccountChange(
        customer_id=customer_id,
        version=version,
        entries=entries,
        balance=balance,
        tier=account.get("tier", "bronze"),
        review_at=account.get("review_at"),
        events=[{"id": f"E-{customer_id}-{version}"}],
        entry_count=count,
    )


def test_a_customer_without_points_has_a_fresh_account(uow):
    assert uow.account("C-1") == new_account("C-1")
    assert uow.journal("C-1", 10) == []
    assert uow.latest_entries("C-1", 20) == []


def test_a_change_writes_the_entries_and_the_account_and_announces_them(uow):
    first = [entry("purchase:F-1", 100, 0), entry("purchase:F-2", 10, 1)]
    assert uow.post(change(0, first, 110, review_at=MARCH[20])) is True
    assert uow.post(change(1, [entry("purchase:F-3", 1, 2)], 111, tier="silver")) is True

    assert uow.account("C-1") == {
        "_id": "C-1",
        "version": 2,
        "entries": 3,
        "balance": 111,
        "tier": "silver",
        "review_at": None,
    }
    assert [e["_id"] for e in uow.journal("C-1", 3)] == [
        "purchase:F-1",
        "purchase:F-2",
        "purchase:F-3",
    ]
    assert uow.journal("C-1", 2) == first
    assert [e["_id"] for e in uow.latest_entries("C-1", 2)] == ["purchase:F-3", "purchase:F-2"]
    assert [e["id"] for e in uow.events.envelopes] == ["E-C-1-0", "E-C-1-1"]


def test_a_change_from_a_stale_version_writes_and_announces_nothing(uow):
    assert uow.post(change(0, [entry("purchase:F-1", 100, 0)], 100)) is True
    assert uow.post(change(0, [entry("redeem:R-1", -100, 0)], 0)) is False
    assert uow.post(change(5, [entry("redeem:R-2", -100, 1)], 0)) is False

    assert uow.account("C-1")["balance"] == 100
    assert [e["_id"] for e in uow.journal("C-1", 10)] == ["purchase:F-1"]
    assert len(uow.events.envelopes) == 1


def test_a_change_without_entries_moves_only_the_account(uow):
    uow.post(change(0, [entry("purchase:F-1", 100, 0)], 100, review_at=MARCH[1]))
    assert uow.post(change(1, [], 100, tier="gold", entry_count=1)) is True

    account = uow.account("C-1")
    assert (account["version"], account["entries"], account["tier"]) == (2, 1, "gold")


def test_accounts_due_for_review_are_found_by_their_date(uow):
    uow.post(change(0, [entry("purchase:F-1", 1, 0)], 1, review_at=MARCH[4]))
    uow.post(change(0, [entry("purchase:G-1", 1, 0, "C-2")], 1, "C-2", review_at=MARCH[9]))
    uow.post(change(0, [entry("purchase:H-1", 1, 0, "C-3")], 1, "C-3"))

    assert uow.due_for_review(MARCH[3]) == []
    assert uow.due_for_review(MARCH[4]) == ["C-1"]
    assert sorted(uow.due_for_review(MARCH[30])) == ["C-1", "C-2"]


def test_members_are_remembered_with_their_latest_details(uow):
    assert uow.find_member("C-1") is None
    uow.remember_member("C-1", "P-1", "ana@example.com", MARCH[0])
    uow.remember_member("C-1", "P-1", None, MARCH[1])

    assert uow.find_member("C-1") == {
        "_id": "C-1",
        "prospect_id": "P-1",
        "email": None,
        "customer_since": MARCH[1],
    }
    assert uow.member_ids() == ["C-1"]


def test_a_code_belongs_to_one_customer_and_a_customer_has_one_code(uow):
    assert uow.add_referral_code("AAAA-BBBB", "C-1", MARCH[0]) is True
    assert uow.add_referral_code("AAAA-BBBB", "C-2", MARCH[1]) is False
    assert uow.add_referral_code("CCCC-DDDD", "C-1", MARCH[1]) is False

    assert uow.code_of("C-1") == "AAAA-BBBB"
    assert uow.code_of("C-2") is None
    assert uow.owner_of_code("AAAA-BBBB") == "C-1"
    assert uow.owner_of_code("CCCC-DDDD") is None


def test_who_was_rewarded_for_a_referral_is_found_by_the_prospect(uow):
    uow.post(change(0, [entry("referral:P-luis", 500, 0)], 500))

    assert uow.rewarded_for("P-luis") == "C-1"
    assert uow.rewarded_for("P-nobody") is None


def test_a_customer_s_referral_rewards_are_counted_apart_from_their_other_points(uow):
    assert uow.referrals_rewarded("C-1") == 0
    uow.post(
        change(
            0,
            [entry("referral:P-luis", 500, 0), entry("purchase:F-1", 40, 1)],
            540,
        )
    )
    uow.post(change(1, [entry("referral:P-eva", 500, 2)], 1040))

    assert uow.referrals_rewarded("C-1") == 2
    assert uow.referrals_rewarded("C-2") == 0


def test_purchases_and_answers_are_kept_once_per_id(uow):
    uow.add_purchase_fact("F-1", "C-1", MARCH[0], Decimal("99.90"), "cafeteria")
    uow.add_purchase_fact("F-1", "C-1", MARCH[1], Decimal("1"), "bakery")
    uow.add_purchase_fact("G-1", "C-2", MARCH[2], Decimal("5"))
    uow.add_answer_fact("A-1", "C-1", MARCH[3], 3, None)
    uow.add_answer_fact("A-2", "C-1", MARCH[4], None, 5)

    assert uow.purchase_facts("C-1") == [
        {
            "_id": "F-1",
            "customer_id": "C-1",
            "at": MARCH[0],
            "amount": Decimal("99.90"),
            "product_line": "cafeteria",
        }
    ]
    assert uow.purchase_facts("C-2")[0]["product_line"] is None  # kept before lines were
    assert sorted((a["_id"], a["nps"], a["csat"]) for a in uow.answer_facts("C-1")) == [
        ("A-1", 3, None),
        ("A-2", None, 5),
    ]


def test_a_complaint_keeps_what_each_announcement_told_in_any_order(uow):
    uow.note_complaint_fact("Q-1", "C-1", None, breached=True)  # the breach came first
    uow.note_complaint_fact("Q-1", "C-1", MARCH[0])
    uow.note_complaint_fact("Q-1", "C-1", MARCH[0], resolved=True)
    uow.note_complaint_fact("Q-1", "C-1", MARCH[0])  # the opening delivered again
    uow.note_complaint_fact("Q-2", "C-2", MARCH[1])

    assert uow.complaint_facts("C-1") == [
        {
            "_id": "Q-1",
            "customer_id": "C-1",
            "opened_at": MARCH[0],
            "resolved": True,
            "breached": True,
        }
    ]
    assert [c["_id"] for c in uow.complaint_facts("C-2")] == ["Q-2"]


def test_a_members_risk_is_kept_with_its_reasons(uow):
    uow.remember_member("C-1", "P-1", None, MARCH[0])
    reasons = [{"signal": "inactive", "points": 35, "detail": "95 days idle"}]
    uow.save_risk("C-1", 35, reasons, MARCH[5])

    member = uow.find_member("C-1")
    assert (member["risk_score"], member["risk_reasons"], member["scored_at"]) == (
        35,
        reasons,
        MARCH[5],
    )


def alarm(alarm_id: str, day: int, customer_id: str = "C-1", state: str = "open") -> dict:
    return {
        "_id": alarm_id,
        "customer_id": customer_id,
        "score": 60,
        "reasons": [{"signal": "inactive", "points": 35, "detail": "95 days idle"}],
        "raised_at": MARCH[day],
        "state": state,
        "live": state != "closed",
        "acknowledged_by": None,
        "acknowledged_at": None,
        "outcome": None,
        "closed_at": None,
    }


def test_an_alarm_is_raised_and_announced_once_per_id(uow):
    assert uow.add_alarm(alarm("C-1-1", 1), {"id": "E-1"}) is True
    assert uow.add_alarm(alarm("C-1-1", 2), {"id": "E-2"}) is False

    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]
    assert uow.find_alarm("C-1-1") == alarm("C-1-1", 1)
    assert uow.live_alarm("C-1") == alarm("C-1-1", 1)
    assert uow.alarm_count("C-1") == 1
    assert uow.find_alarm("C-1-9") is None
    assert uow.live_alarm("C-2") is None


def test_an_alarm_moves_only_from_the_state_it_was_read_in(uow):
    uow.add_alarm(alarm("C-1-1", 1), {"id": "E-1"})
    closed = {"state": "closed", "live": False, "outcome": "lost", "closed_at": MARCH[3]}

    assert uow.update_alarm("C-1-1", "acknowledged", closed, {"id": "E-2"}) is False
    assert uow.update_alarm("C-1-1", "open", closed, {"id": "E-3"}) is True

    assert uow.find_alarm("C-1-1") == {**alarm("C-1-1", 1), **closed}
    assert uow.live_alarm("C-1") is None
    assert [e["id"] for e in uow.events.envelopes] == ["E-1", "E-3"]


def test_alarms_are_listed_latest_first_and_the_live_ones_alone(uow):
    uow.add_alarm(alarm("C-1-1", 1, state="closed"), {"id": "E-1"})
    uow.add_alarm(alarm("C-2-1", 5, "C-2"), {"id": "E-2"})
    uow.add_alarm(alarm("C-1-2", 3, state="acknowledged"), {"id": "E-3"})

    assert [a["_id"] for a in uow.list_alarms(False, 10)] == ["C-2-1", "C-1-2", "C-1-1"]
    assert [a["_id"] for a in uow.list_alarms(True, 10)] == ["C-2-1", "C-1-2"]
    assert [a["_id"] for a in uow.list_alarms(False, 1)] == ["C-2-1"]


def action(action_id: str, due_day: int, state: str = "open") -> dict:
    return {
        "_id": action_id,
        "opportunity": "Detractors are never called back",
        "description": "Call detractors back",
        "specific": "Within 48 hours",
        "measurable": "NPS",
        "achievable": "Two agents",
        "relevant": "Heard detractors stay",
        "priority": "high",
        "owner": "maria",
        "indicator": "NPS",
        "target": "20",
        "before": "5",
        "alert_id": "AL-3",
        "granularity": "month",
        "opened_at": MARCH[0],
        "due_at": MARCH[due_day],
        "state": state,
        "after": None,
        "closed_at": None,
    }


def announced(action_id: str, what: str = "opened") -> dict:
    return {"id": f"E-{action_id}-{what}", "type": f"improvement_action_{what}"}


def test_an_action_is_added_once_announced_once_and_listed_soonest_due_first(uow):
    assert uow.add_action(action("ACT-1", 20), announced("ACT-1")) is None
    duplicate = {**action("ACT-1", 20), "owner": "luis"}
    assert uow.add_action(duplicate, announced("ACT-1")) == action("ACT-1", 20)
    uow.add_action(action("ACT-2", 10, state="closed"), announced("ACT-2"))
    uow.add_action(action("ACT-3", 15), announced("ACT-3"))

    assert uow.find_action("ACT-1") == action("ACT-1", 20)
    assert uow.find_action("ACT-9") is None
    assert [a["_id"] for a in uow.list_actions(False, 10)] == ["ACT-2", "ACT-3", "ACT-1"]
    assert [a["_id"] for a in uow.list_actions(True, 1)] == ["ACT-3"]
    assert [e["id"] for e in uow.events.envelopes] == [
        "E-ACT-1-opened",
        "E-ACT-2-opened",
        "E-ACT-3-opened",
    ]


def test_an_action_moves_only_from_the_state_it_was_read_in_announcing_it(uow):
    uow.add_action(action("ACT-1", 20), announced("ACT-1"))
    closed = {"state": "closed", "after": "22", "closed_at": MARCH[25]}

    assert uow.update_action("ACT-1", "closed", closed, announced("ACT-1", "closed")) is False
    assert uow.update_action("ACT-1", "open", closed, announced("ACT-1", "closed")) is True
    assert uow.find_action("ACT-1") == {**action("ACT-1", 20), **closed}
    assert [e["id"] for e in uow.events.envelopes] == ["E-ACT-1-opened", "E-ACT-1-closed"]


def case(case_id: str, day: int, customer_id: str = "C-1", live: bool = True) -> dict:
    return {
        "_id": case_id,
        "customer_id": customer_id,
        "reason": "a competitor offers 10% less",
        "announced_at": MARCH[day],
        "announced_by": "maria",
        "state": "announced" if live else "lost",
        "live": live,
        "history": [{"state": "announced", "at": MARCH[day], "by": "maria", "detail": "why"}],
        "steps": 1,
    }


def test_a_retention_case_is_added_once_found_live_and_listed_latest_first(uow):
    assert uow.add_case(case("C-1-R1", 1, live=False), announced("C-1-R1")) is True
    assert uow.add_case(case("C-1-R2", 5), announced("C-1-R2")) is True
    assert uow.add_case(case("C-1-R2", 6), announced("C-1-R2")) is False
    uow.add_case(case("C-2-R1", 3, customer_id="C-2"), announced("C-2-R1"))

    assert uow.live_case("C-1") == case("C-1-R2", 5)
    assert uow.live_case("C-3") is None
    assert (uow.case_count("C-1"), uow.case_count("C-3")) == (2, 0)
    assert uow.find_case("C-1-R1") == case("C-1-R1", 1, live=False)
    assert [c["_id"] for c in uow.list_cases(False, 10)] == ["C-1-R2", "C-2-R1", "C-1-R1"]
    assert [c["_id"] for c in uow.list_cases(True, 1)] == ["C-1-R2"]
    assert [e["id"] for e in uow.events.envelopes] == [
        "E-C-1-R1-opened",
        "E-C-1-R2-opened",
        "E-C-2-R1-opened",
    ]


def test_a_retention_case_moves_only_with_the_steps_it_was_read_with(uow):
    uow.add_case(case("C-1-R1", 1), announced("C-1-R1"))
    lost = {"state": "lost", "live": False, "steps": 2}

    assert uow.update_case("C-1-R1", 2, lost, announced("C-1-R1", "closed")) is False
    assert uow.update_case("C-1-R1", 1, {"state": "offered", "steps": 2}, None) is True
    assert uow.update_case("C-1-R1", 2, lost, announced("C-1-R1", "closed")) is True
    assert uow.find_case("C-1-R1") == {
        **case("C-1-R1", 1),
        "state": "lost",
        "live": False,
        "steps": 2,
    }
    assert uow.live_case("C-1") is None
    assert [e["id"] for e in uow.events.envelopes] == ["E-C-1-R1-opened", "E-C-1-R1-closed"]


def lost(value: str, day: int = 1) -> dict:
    return {
        "lost_at": MARCH[day],
        "lost_reason": "moved",
        "past_value": value,
        "past_value_cents": int(Decimal(value) * 100),
        "past_purchases": 2,
    }


def test_lost_members_are_listed_most_valuable_first_until_won_back(uow):
    uow.remember_member("C-1", "P-1", None, MARCH[0])
    uow.mark_lost("C-1", lost("900.50"))
    uow.mark_lost("C-2", lost("12000"))
    uow.mark_lost("C-3", lost("40"))
    won = {"won_back_at": MARCH[9], "won_back_by": "W-1"}

    assert [m["_id"] for m in uow.lost_members(10)] == ["C-2", "C-1", "C-3"]
    assert [m["_id"] for m in uow.lost_members(1)] == ["C-2"]
    assert uow.mark_won_back("C-1", MARCH[2], won, announced("C-1", "won")) is False
    assert uow.mark_won_back("C-1", MARCH[1], won, announced("C-1", "won")) is True
    assert uow.mark_won_back("C-1", MARCH[1], won, announced("C-1", "won")) is False
    assert [m["_id"] for m in uow.lost_members(10)] == ["C-2", "C-3"]
    assert uow.find_member("C-1") == {
        "_id": "C-1",
        "prospect_id": "P-1",
        "email": None,
        "customer_since": MARCH[0],
        **lost("900.50"),
        "lost": False,
        **won,
    }
    assert uow.won_back_by("W-1") == ["C-1"]
    assert [e["id"] for e in uow.events.envelopes] == ["E-C-1-won"]


def test_only_a_lost_member_is_targeted(uow):
    uow.remember_member("C-1", "P-1", None, MARCH[0])
    uow.mark_lost("C-2", lost("50"))

    assert uow.target_member("C-1", "W-1") is False
    assert uow.target_member("C-2", "W-1") is True
    assert uow.target_member("C-9", "W-1") is False
    assert uow.find_member("C-2")["targeted_by"] == "W-1"


def campaign(campaign_id: str, day: int) -> dict:
    return {
        "_id": campaign_id,
        "name": f"campaign {campaign_id}",
        "starts_at": MARCH[day],
        "ends_at": MARCH[day + 5],
        "targeted": ["C-1", "C-2"],
        "created_by": "maria",
        "created_at": MARCH[0],
    }


def test_a_campaign_is_added_once_and_listed_latest_starting_first(uow):
    assert uow.add_campaign(campaign("W-1", 1)) is None
    assert uow.add_campaign({**campaign("W-1", 1), "name": "other"}) == campaign("W-1", 1)
    uow.add_campaign(campaign("W-2", 10))

    assert uow.find_campaign("W-1") == campaign("W-1", 1)
    assert uow.find_campaign("W-9") is None
    assert [c["_id"] for c in uow.list_campaigns(10)] == ["W-2", "W-1"]
    assert [c["_id"] for c in uow.list_campaigns(1)] == ["W-2"]


def test_a_unit_of_stock_is_claimed_once_per_redemption_until_none_is_left(uow):
    assert uow.stock_left("MUG", 2) == 2
    uow.ensure_stock("MUG", 2)
    uow.ensure_stock("MUG", 2)

    assert uow.claim_unit("MUG", "redeem:C-1:a") is True
    assert uow.claim_unit("MUG", "redeem:C-1:a") is True  # the same redemption again
    assert uow.claim_unit("MUG", "redeem:C-2:b") is True
    assert uow.claim_unit("MUG", "redeem:C-3:c") is False
    assert uow.stock_left("MUG", 2) == 0
    assert uow.claim_unit("CAP", "redeem:C-1:a") is False  # no stock kept for it


def test_a_unit_given_back_can_be_claimed_again_and_restocking_adds_the_difference(uow):
    uow.ensure_stock("MUG", 1)
    uow.claim_unit("MUG", "redeem:C-1:a")
    uow.release_unit("MUG", "redeem:C-1:a")
    uow.release_unit("MUG", "redeem:C-1:a")  # held nothing any more

    assert uow.stock_left("MUG", 1) == 1
    assert uow.claim_unit("MUG", "redeem:C-2:b") is True
    uow.ensure_stock("MUG", 3)
    assert uow.stock_left("MUG", 3) == 2


@pytest.mark.integration
def test_entries_a_crash_left_on_the_account_reach_the_journal_when_it_is_read(
    service_database,
):
    database = service_database("loyalty")
    uow = LoyaltyStorage(database, RecordedEvents())
    uow.post(change(0, [entry("purchase:F-1", 100, 0)], 100))
    stranded = entry("purchase:F-2", 50, 1)
    # the account written, the process gone before it copied its entry to the ledger
    database[PointsAccount._meta["collection"]].update_one(
        {"_id": "C-1"},
        {"$set": {"version": 2, "entries": 2, "balance": 150}, "$push": {"pending": stranded}},
    )

    assert uow.account("C-1")["balance"] == 150
    assert uow.journal("C-1", 2) == [entry("purchase:F-1", 100, 0), stranded]
    assert database[PointsAccount._meta["collection"]].find_one({"_id": "C-1"})["pending"] == []


def test_alarms_are_replayed_a_page_at_a_time_in_id_order(uow):
    for alarm_id, day in (("C-2-1", 2), ("C-1-1", 1), ("C-3-1", 3)):
        uow.add_alarm(alarm(alarm_id, day, alarm_id[:3]), {"id": f"E-{alarm_id}"})

    first = uow.replay_documents("alarms", None, 2)

    assert first == [alarm("C-1-1", 1), alarm("C-2-1", 2, "C-2")]
    assert uow.replay_documents("alarms", "C-2-1", 2) == [alarm("C-3-1", 3, "C-3")]
    assert uow.replay_documents("ledger", None, 2) == []
