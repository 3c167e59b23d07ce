"""The points journal as the service keeps it: earn, redeem, adjust, expire, tiers."""

import contextlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import new_event, parse_event
from clientela.services.loyalty import handlers
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def purchase(purchase_id: str, amount: str, at: datetime = NOW, customer_id: str = "C-ana"):
    return parse_event(
        new_event(
            "purchase_recorded",
            {
                "purchase_id": purchase_id,
                "customer_id": customer_id,
                "amount": Decimal(amount),
                "currency": "MXN",
                "purchased_at": at,
            },
        )
    )


def member(uow: FakeLoyaltyStorage, customer_id: str = "C-ana") -> None:
    handlers.remember_customer(
        parse_event(
            new_event(
                "customer_created",
                {
                    "customer_id": customer_id,
                    "prospect_id": f"P-{customer_id}",
                    "name": customer_id,
                    "email": None,
                    "captive": True,
                    "created_at": NOW,
                },
            )
        ),
        uow,
    )


@pytest.fixture
def clock(monkeypatch):
    """The time the use cases read; set ``clock.now`` to move it."""

    class Clock:
        now = NOW

    monkeypatch.setattr(handlers, "utcnow", lambda: Clock.now)
    return Clock


@pytest.fixture
def uow(clock):
    """Ana, a member holding 200 points from one purchase."""
    storage = FakeLoyaltyStorage()
    member(storage)
    handlers.credit_purchase(purchase("F-1", "200"), storage, points_per_unit=1.0)
    storage.events.envelopes.clear()
    return storage


def journal_sum(uow, customer_id="C-ana") -> int:
    return sum(e["points"] for e in uow.ledger.values() if e["customer_id"] == customer_id)


def payloads(uow, kind: str) -> list[dict]:
    return [e["payload"] for e in uow.events.envelopes if e["type"] == kind]


def test_a_redemption_spends_the_rewards_cost_once_per_request(uow):
    first = handlers.redeem("C-ana", "COFFEE", "req-1", uow)
    again = handlers.redeem("C-ana", "COFFEE", "req-1", uow)

    assert (
        first
        == again
        == {
            "customer_id": "C-ana",
            "entry_id": "redeem:C-ana:req-1",
            "points": -150,
            "balance": 50,
            "tier": "bronze",
        }
    )
    [redeemed] = payloads(uow, "points_redeemed")
    assert (redeemed["points"], redeemed["reward"]) == (150, "COFFEE")
    assert journal_sum(uow) == 50


def test_a_request_key_is_the_customers_own(uow):
    member(uow, "C-luis")
    handlers.credit_purchase(purchase("F-2", "150", customer_id="C-luis"), uow, 1.0)

    handlers.redeem("C-ana", "COFFEE", "req-1", uow)
    handlers.redeem("C-luis", "COFFEE", "req-1", uow)

    assert handlers.balance("C-luis", uow, latest=20)["points"] == 0 == journal_sum(uow, "C-luis")
    assert handlers.balance("C-ana", uow, latest=20)["points"] == 50 == journal_sum(uow)


def test_a_redemption_over_the_balance_is_refused_naming_it(uow):
    with pytest.raises(Conflict, match="more than the balance of 200"):
        handlers.redeem("C-ana", "VOUCHER-100", "req-1", uow)
    assert uow.events.envelopes == []


@pytest.mark.parametrize(
    ("customer_id", "reward", "error", "names"),
    [
        ("C-ana", "NO-SUCH", NotFound, "reward"),
        ("C-nobody", "COFFEE", NotFound, "customer_id"),
        ("C-ana", "VIP-DAY", Conflict, "gold"),  # reserved to gold customers
    ],
)
def test_redemptions_the_catalogue_or_the_tier_refuse(uow, customer_id, reward, error, names):
    with pytest.raises(error, match=names):
        handlers.redeem(customer_id, reward, "req-1", uow)


def test_an_adjustment_needs_a_reason_and_an_operator_and_is_announced(uow):
    with pytest.raises(InvalidInput, match="reason"):
        handlers.adjust("C-ana", 10, " ", "maria", "adj-1", uow)
    with pytest.raises(Conflict, match="balance"):
        handlers.adjust("C-ana", -201, "wrong purchase", "maria", "adj-1", uow)

    posted = handlers.adjust("C-ana", -30, "duplicate invoice", "maria", "adj-1", uow)

    assert (posted["points"], posted["balance"]) == (-30, 170)
    [adjusted] = payloads(uow, "points_adjusted")
    assert (adjusted["points"], adjusted["operator"]) == (-30, "maria")


def test_points_expire_a_year_after_they_were_earned_once_however_often_reviewed(uow, clock):
    clock.now = datetime(2027, 3, 11, tzinfo=UTC)

    assert handlers.review_accounts(uow) == 1
    assert handlers.review_accounts(uow) == 0

    [expired] = payloads(uow, "points_expired")
    assert (expired["points"], expired["lot"]) == (200, "purchase:F-1")
    assert expired["expired_at"] == "2027-03-10T12:00:00+00:00"
    assert handlers.balance("C-ana", uow, latest=20)["points"] == 0 == journal_sum(uow)


def test_tiers_move_up_with_points_earned_and_down_as_they_leave_the_window(uow, clock):
    handlers.credit_purchase(purchase("F-2", "800"), uow, points_per_unit=1.0)
    [upgrade] = payloads(uow, "tier_changed")
    assert (upgrade["from_tier"], upgrade["to_tier"], upgrade["move"]) == (
        "bronze",
        "silver",
        "upgrade",
    )
    assert upgrade["changed_at"] == NOW.isoformat()

    an_hour_later = datetime(2026, 3, 10, 13, tzinfo=UTC)
    handlers.credit_purchase(purchase("F-3", "100", an_hour_later), uow, points_per_unit=1.0)
    assert handlers.balance("C-ana", uow, latest=1)["latest"][0]["points"] == 125  # silver x1.25

    handlers.redeem("C-ana", "VOUCHER-100", "req-1", uow)  # spending keeps the tier
    clock.now = datetime(2027, 3, 11, tzinfo=UTC)
    handlers.review_accounts(uow)
    downgrade = payloads(uow, "tier_changed")[-1]
    assert (downgrade["to_tier"], downgrade["move"]) == ("bronze", "downgrade")
    assert handlers.balance("C-ana", uow, latest=20)["tier"] == "bronze"


class RacedStorage(FakeLoyaltyStorage):
    """A fake where another request changes the account just before the first write."""

    def __init__(self, rival) -> None:
        super().__init__()
        self.rival = rival

    def post(self, change):
        rival, self.rival = self.rival, None
        if rival is not None:
            rival(self)
        return super().post(change)


def test_of_two_concurrent_redemptions_of_the_last_points_only_one_succeeds(clock):
    uow = RacedStorage(lambda uow: handlers.redeem("C-ana", "COFFEE", "req-rival", uow))
    member(uow)
    uow.rival, rival = None, uow.rival
    handlers.credit_purchase(purchase("F-1", "150"), uow, points_per_unit=1.0)
    uow.rival = rival

    with pytest.raises(Conflict, match="balance of 0"):
        handlers.redeem("C-ana", "COFFEE", "req-mine", uow)

    assert [e["_id"] for e in uow.ledger.values()] == [
        "purchase:F-1",
        "redeem:C-ana:req-rival",
    ]
    assert handlers.balance("C-ana", uow, latest=20)["points"] == 0


operations = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(0, 9), st.integers(1, 500), st.integers(0, 30)),
        st.tuples(st.just("redeem"), st.integers(0, 9), st.sampled_from(["COFFEE", "VOUCHER-100"])),
        st.tuples(st.just("adjust"), st.integers(0, 9), st.integers(-400, 400)),
        st.tuples(st.just("review"), st.integers(0, 30)),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(operations)
def test_any_sequence_with_replays_keeps_the_balance_the_sum_of_the_journal(steps):
    uow = FakeLoyaltyStorage()
    member(uow)
    clock = {"now": NOW}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(handlers, "utcnow", lambda: clock["now"])
        for step in steps:
            # a refusal (over the balance) must leave everything as it was
            with contextlib.suppress(Conflict):
                _apply(step, uow, clock)
            balance = handlers.balance("C-ana", uow, latest=1)["points"]
            assert balance == journal_sum(uow) >= 0
    sources = [e["payload"]["entry_id"] for e in uow.events.envelopes if "entry_id" in e["payload"]]
    assert len(sources) == len(set(sources)) == len(uow.ledger)


def _apply(step, uow, clock) -> None:
    kind, key, *rest = step
    if kind == "earn":
        points, month = rest
        at = datetime(2026 + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        handlers.credit_purchase(purchase(f"F-{key}", str(points), at), uow, points_per_unit=1.0)
    elif kind == "redeem":
        handlers.redeem("C-ana", rest[0], f"req-{key}", uow)
    elif kind == "adjust" and rest[0]:
        handlers.adjust("C-ana", rest[0], "correction", "maria", f"adj-{key}", uow)
    elif kind == "review":
        month = key
        clock["now"] = max(
            clock["now"], datetime(2026 + month // 12, month % 12 + 1, 2, tzinfo=UTC)
        )
        handlers.review_accounts(uow)
