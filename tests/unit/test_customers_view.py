"""The 360-degree view: own sections from storage, others' gathered by a deadline."""

from datetime import UTC, date, datetime
from decimal import Decimal

import eventlet

from clientela.cli.customers import relationship_lines
from clientela.services.customers import handlers, view
from clientela.services.customers.dependencies import FakeCustomersStorage
from clientela.services.customers.domain import (
    CreateCustomer,
    EditCustomer,
    RecordContract,
    RecordInvoice,
    RecordPurchase,
)
from clientela.services.customers.sections import gather


class Reply:
    def __init__(self, answer=None, error=None, delay_s=0.0):
        self.answer, self.error, self.delay_s = answer, error, delay_s

    def result(self):
        if self.delay_s:  # an answer already there is returned without waiting
            eventlet.sleep(self.delay_s)
        if self.error:
            raise self.error
        return self.answer


def test_a_slow_or_failing_section_is_unavailable_and_the_others_come_back():
    def unroutable():
        raise LookupError("Unknown service `loyalty`")

    sections = gather(
        {
            "fast": lambda: Reply({"points": 10}),
            "slow": lambda: Reply({"late": True}, delay_s=5),
            "failing": lambda: Reply(error=RuntimeError("boom")),
            "stopped": unroutable,
        },
        deadline_s=0.2,
    )

    assert sections == {
        "fast": {"status": "ok", "data": {"points": 10}},
        "slow": {"status": "unavailable", "reason": "no answer within 0.2s"},
        "failing": {"status": "unavailable", "reason": "RuntimeError: boom"},
        "stopped": {
            "status": "unavailable",
            "reason": "LookupError: Unknown service `loyalty`",
        },
    }


def test_the_view_asks_each_owner_for_its_section_of_this_customer():
    uow = FakeCustomersStorage()
    handlers.create_customer(CreateCustomer("CU-1", first_name="Ana"), uow)
    issued = datetime(2026, 3, 1, tzinfo=UTC)
    invoice = RecordInvoice("I-1", "CU-1", Decimal("50"), issued, datetime(2026, 3, 31, tzinfo=UTC))
    handlers.record_invoice(invoice, uow)
    asked = []

    def caller(service, method, *args):
        asked.append((service, method, args))
        if method == "alarms":
            return lambda: Reply([{"customer_id": "CU-1"}, {"customer_id": "CU-2"}])
        if method == "referrals_converted":
            return lambda: Reply(0)
        if method == "answers":
            return lambda: Reply([])
        return lambda: Reply({"from": service})

    own, remote, ageing = view.customer_view("CU-1", date(2026, 4, 15), uow, caller, 1.0)

    assert own["profile"]["first_name"] == "Ana"
    assert [i["_id"] for i in own["invoices"]] == ["I-1"]
    assert ageing.overdue == Decimal("50")
    assert sorted(asked) == [
        ("feedback", "answers", ("CU-1",)),
        ("feedback", "customer_complaints", ("CU-1",)),
        ("feedback", "customer_interviews", ("CU-1",)),
        ("feedback", "customer_requirements", ("CU-1",)),
        ("loyalty", "alarms", (True,)),
        ("loyalty", "balance", ("CU-1",)),
        ("loyalty", "referrals_converted", ("CU-1",)),
    ]
    assert remote["loyalty"] == {"status": "ok", "data": {"from": "loyalty"}}
    assert remote["prospect"] == {"status": "ok", "data": None}  # never a prospect
    assert remote["alarms"] == {"status": "ok", "data": [{"customer_id": "CU-1"}]}


def test_answers_already_there_are_taken_even_after_the_deadline():
    sections = gather({"late": lambda: Reply(1, delay_s=0.1), "there": lambda: Reply(2)}, 0.0)

    assert sections["late"]["status"] == "unavailable"
    assert sections["there"] == {"status": "ok", "data": 2}


def test_the_views_contracts_say_how_each_stands_at_the_end_of_its_day():
    uow = FakeCustomersStorage()
    handlers.create_customer(CreateCustomer("CU-1", first_name="Ana"), uow)
    signed, due = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
    handlers.record_contract(RecordContract("K-1", "CU-1", Decimal("900"), signed, due), uow)

    def nobody_answers(service, method, *args):
        return lambda: Reply(delay_s=1)

    def stands(as_of: date, grace_days: int) -> str:
        own, _, _ = view.customer_view("CU-1", as_of, uow, nobody_answers, 0.01, grace_days)
        return own["contracts"][0]["fulfilment"]

    assert stands(date(2026, 3, 30), 30) == "open"  # the grace ends on 31 March at 00:00
    assert stands(date(2026, 3, 31), 30) == "breached"
    assert stands(date(2026, 4, 15), 30) == "breached"
    assert stands(date(2026, 4, 15), 60) == "open"


def _answers(*nps: tuple[int, str]) -> list[dict]:
    return [
        {"kind": "nps", "score": score, "answered_at": f"{day}T10:00:00+00:00"}
        for score, day in nps
    ] + [{"kind": "csat", "score": 5, "answered_at": "2026-04-01T10:00:00+00:00"}]


def _bought(uow, purchase_id, amount, line, day):
    purchased_at = datetime.fromisoformat(f"{day}T12:00:00+00:00")
    handlers.record_purchase(
        RecordPurchase(
            "CU-1",
            Decimal(amount),
            product_line=line,
            purchased_at=purchased_at,
            purchase_id=purchase_id,
        ),
        uow,
    )


def test_the_relationship_level_weighs_longevity_scope_wallet_and_referral():
    uow = FakeCustomersStorage()
    since = datetime(2025, 4, 15, tzinfo=UTC)
    handlers.create_customer(CreateCustomer("CU-1", first_name="Ana", created_at=since), uow)
    handlers.edit_customer(
        EditCustomer("CU-1", {"declared_spend": Decimal("20000")}, changed_by="li"), uow
    )
    _bought(uow, "F-1", "3000", "seeds", "2025-06-01")
    _bought(uow, "F-2", "2000", "fertiliser", "2026-02-01")
    _bought(uow, "F-3", "900", "drones", "2026-03-01")  # a line no longer offered
    answers = _answers((6, "2025-09-01"), (9, "2026-03-20"))

    def caller(service, method, *args):
        replies = {"answers": answers, "referrals_converted": 2, "alarms": []}
        return lambda: Reply(replies.get(method, {}))

    own, _, _ = view.customer_view(
        "CU-1",
        date(2026, 4, 15),
        uow,
        caller,
        1.0,
        offered_lines={"seeds", "fertiliser", "tools", "irrigation"},
    )

    assert own["relationship"] == {
        "longevity_days": 365,
        "product_lines_used": 2,
        "product_lines_offered": 4,
        "scope_pct": 50.0,
        "share_of_wallet_pct": 29.5,  # 5,900 bought in the last 12 months of 20,000 declared
        "spend_source": "declared",
        "latest_nps": 9,
        "referrals_converted": 2,
        "unmeasured": {},
    }


def test_a_criterion_another_service_could_not_give_is_unknown_not_zero():
    uow = FakeCustomersStorage()
    handlers.create_customer(CreateCustomer("CU-1", first_name="Ana"), uow)

    def caller(service, method, *args):
        if service == "feedback":
            return lambda: Reply(error=RuntimeError("feedback is down"))
        if method == "referrals_converted":
            return lambda: Reply(delay_s=5)
        return lambda: Reply([])

    own, remote, _ = view.customer_view("CU-1", date(2026, 4, 15), uow, caller, 0.2)

    level = own["relationship"]
    assert level["latest_nps"] is None and level["referrals_converted"] is None
    assert level["unmeasured"] == {
        "latest_nps": "feedback: RuntimeError: feedback is down",
        "referrals_converted": "loyalty: no answer within 0.2s",
    }
    assert level["spend_source"] is None and level["share_of_wallet_pct"] is None
    assert "referrals" not in remote  # shown as part of the relationship level only


def test_the_cli_says_each_criterion_and_why_one_is_unknown():
    level = {
        "longevity_days": 365,
        "product_lines_used": 2,
        "product_lines_offered": 4,
        "scope_pct": 50.0,
        "share_of_wallet_pct": None,
        "spend_source": None,
        "latest_nps": None,
        "referrals_converted": 2,
        "unmeasured": {"latest_nps": "feedback: no answer within 3s"},
    }

    assert relationship_lines(level) == [
        "longevity:  365 days",
        "scope:      2 of 4 product lines (50.0 %)",
        "depth:      share of wallet unknown (no category spend declared or estimated)",
        "referral:   latest NPS unknown (feedback: no answer within 3s); referred customers 2",
    ]
