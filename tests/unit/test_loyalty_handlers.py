"""Loyalty use cases on the in-memory unit of work."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.errors import NotFound
from clientela.events import new_event, parse_event
from clientela.services.loyalty import handlers
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage

REWARD = 500


def purchase_recorded(
    purchase_id: str,
    amount: str,
    customer_id: str = "C-ana",
    purchased_at: datetime = datetime(2026, 3, 5, tzinfo=UTC),
) -> object:
    return parse_event(
        new_event(
            "purchase_recorded",
            {
                "purchase_id": purchase_id,
                "customer_id": customer_id,
                "amount": Decimal(amount),
                "currency": "MXN",
                "purchased_at": purchased_at,
            },
        )
    )


def customer_created(customer_id: str, prospect_id: str, email: str) -> object:
    return parse_event(
        new_event(
            "customer_created",
            {
                "customer_id": customer_id,
                "prospect_id": prospect_id,
                "name": customer_id,
                "email": email,
                "captive": True,
                "created_at": datetime(2026, 3, 1, tzinfo=UTC),
            },
        )
    )


def converted(prospect_id: str, **referral: str) -> object:
    return parse_event(
        new_event(
            "prospect_converted",
            {
                "prospect_id": prospect_id,
                "email": f"{prospect_id}@example.com",
                "source": "referrals",
                "captured_at": datetime(2026, 3, 1, tzinfo=UTC),
                "converted_at": datetime(2026, 3, 2, tzinfo=UTC),
                "basis": "purchase",
                **referral,
            },
        )
    )


@pytest.fixture
def uow():
    """Loyalty knowing Ana, the customer prospect P-ana became."""
    storage = FakeLoyaltyStorage()
    handlers.remember_customer(customer_created("C-ana", "P-ana", "ana@example.com"), storage)
    return storage


def earned(uow) -> list[tuple[str, str, int]]:
    """The points_earned announcements so far: (entry, customer, points)."""
    return [
        (e["payload"]["entry_id"], e["payload"]["customer_id"], e["payload"]["points"])
        for e in uow.events.envelopes
        if e["type"] == "points_earned"
    ]


def test_a_purchase_earns_its_points_once_however_often_it_arrives(uow):
    event = purchase_recorded("F-1", "499.90")
    handlers.credit_purchase(event, uow, points_per_unit=1.0)
    handlers.credit_purchase(event, uow, points_per_unit=1.0)
    handlers.credit_purchase(purchase_recorded("F-1", "499.90"), uow, points_per_unit=1.0)

    assert earned(uow) == [("purchase:F-1", "C-ana", 499)]
    assert uow.events.types() == ["points_earned", "tier_changed"]
    balance = handlers.balance("C-ana", uow, latest=20)
    assert balance["points"] == 499
    [entry] = balance["latest"]
    assert (entry["_id"], entry["kind"]) == ("purchase:F-1", "earn")
    assert entry["reason"] == "purchase F-1 of 499.90 MXN"


def test_points_follow_the_rate_per_currency_unit_rounded_down(uow):
    handlers.credit_purchase(purchase_recorded("F-1", "10.99"), uow, points_per_unit=2.5)

    assert handlers.balance("C-ana", uow, latest=20)["points"] == 27


def test_the_balance_sums_every_entry_and_shows_the_latest_first(uow, monkeypatch):
    moments = iter(datetime(2026, 3, day, tzinfo=UTC) for day in (1, 2, 3, 4))
    monkeypatch.setattr(handlers, "utcnow", lambda: next(moments))
    for purchase_id in ("F-1", "F-2", "F-3"):
        handlers.credit_purchase(purchase_recorded(purchase_id, "100"), uow, points_per_unit=1.0)
    handlers.credit_purchase(purchase_recorded("F-9", "7", "C-other"), uow, points_per_unit=1.0)

    balance = handlers.balance("C-ana", uow, latest=2)
    assert (balance["customer_id"], balance["points"]) == ("C-ana", 300)
    assert [entry["_id"] for entry in balance["latest"]] == ["purchase:F-3", "purchase:F-2"]


def test_a_customer_without_entries_has_no_points(uow):
    assert handlers.balance("C-nobody", uow, latest=20) == {
        "customer_id": "C-nobody",
        "points": 0,
        "tier": None,
        "latest": [],
    }


def test_a_member_gets_one_stable_code_that_resolves_to_them_however_typed(uow):
    code = handlers.referral_code("C-ana", uow)

    assert handlers.referral_code("C-ana", uow) == code
    assert handlers.resolve_referral_code(f" {code.lower().replace('-', ' ')} ", uow) == "C-ana"


def test_only_members_get_codes_and_only_issued_codes_resolve(uow):
    with pytest.raises(NotFound, match="customer_id"):
        handlers.referral_code("C-404", uow)
    with pytest.raises(NotFound, match="code"):
        handlers.resolve_referral_code("ZZZZ-ZZZZ", uow)
    with pytest.raises(NotFound, match="code"):
        handlers.resolve_referral_code("not a code", uow)


def test_a_code_already_taken_is_drawn_again(uow):
    handlers.remember_customer(customer_created("C-luis", "P-luis", "luis@example.com"), uow)
    draws = iter(["AAAA-BBBB", "AAAA-BBBB", "CCCC-DDDD"])

    assert handlers.referral_code("C-ana", uow, lambda: next(draws)) == "AAAA-BBBB"
    assert handlers.referral_code("C-luis", uow, lambda: next(draws)) == "CCCC-DDDD"
    handlers.remember_customer(customer_created("C-eva", "P-eva", "eva@example.com"), uow)
    with pytest.raises(RuntimeError, match="no free referral code"):
        handlers.referral_code("C-eva", uow, lambda: "AAAA-BBBB")


def test_the_owner_of_the_code_is_rewarded_once_when_their_friend_converts(uow):
    code = handlers.referral_code("C-ana", uow)
    event = converted("P-luis", referral_code=code.replace("-", "").lower())
    handlers.credit_referral(event, uow, reward_points=REWARD)
    handlers.credit_referral(event, uow, reward_points=REWARD)

    assert earned(uow) == [("referral:P-luis", "C-ana", REWARD)]
    [entry] = handlers.balance("C-ana", uow, latest=20)["latest"]
    assert "P-luis" in entry["reason"]


def test_the_referrer_named_by_id_is_rewarded(uow):
    handlers.credit_referral(converted("P-eva", referrer="C-ana"), uow, reward_points=REWARD)

    assert earned(uow) == [("referral:P-eva", "C-ana", REWARD)]


@pytest.mark.parametrize(
    ("event", "reward_points"),
    [
        (converted("P-luis"), REWARD),  # nobody referred them
        (converted("P-ana", referrer="C-ana"), REWARD),  # Ana referring herself
        (converted("P-x", referral_code="ZZZZ-ZZZZ"), REWARD),  # a code nobody has
        (converted("P-luis", referrer="C-ana"), 0),  # rewards are off
    ],
)
def test_conversions_that_earn_no_reward_credit_nothing(uow, event, reward_points):
    handlers.credit_referral(event, uow, reward_points=reward_points)

    assert uow.ledger == {} and uow.events.envelopes == []


def test_a_friend_with_the_referrers_own_email_earns_nothing(uow):
    handlers.credit_referral(
        converted("P-new", referrer="C-ana", email="ANA@example.com"), uow, reward_points=REWARD
    )

    assert handlers.balance("C-ana", uow, latest=20)["points"] == 0


def test_an_unknown_referrer_fails_so_the_event_is_retried(uow):
    with pytest.raises(handlers.ReferrerUnknown, match="C-404"):
        handlers.credit_referral(converted("P-y", referrer="C-404"), uow, reward_points=REWARD)
    assert uow.ledger == {}


def test_a_customer_announced_again_is_remembered_with_their_latest_details(uow):
    handlers.remember_customer(customer_created("C-ana", "P-ana", "ana.ruiz@example.com"), uow)

    assert uow.members == {
        "C-ana": {
            "_id": "C-ana",
            "prospect_id": "P-ana",
            "email": "ana.ruiz@example.com",
            "customer_since": datetime(2026, 3, 1, tzinfo=UTC),
        }
    }


def test_a_referral_back_to_whoever_referred_you_closes_a_loop_and_earns_nothing(uow):
    handlers.remember_customer(customer_created("C-luis", "P-luis", "luis@example.com"), uow)
    handlers.credit_referral(converted("P-ana", referrer="C-luis"), uow, reward_points=REWARD)
    assert earned(uow) == [("referral:P-ana", "C-luis", REWARD)]

    handlers.credit_referral(converted("P-luis", referrer="C-ana"), uow, reward_points=REWARD)

    assert earned(uow) == [("referral:P-ana", "C-luis", REWARD)]
    assert handlers.balance("C-ana", uow, latest=20)["points"] == 0
