"""The 360-degree view: own sections from storage, others' gathered by a deadline."""

from datetime import UTC, date, datetime
from decimal import Decimal

import eventlet

from clientela.services.customers import handlers, view
from clientela.services.customers.dependencies import FakeCustomersStorage
from clientela.services.customers.domain import CreateCustomer, RecordContract, RecordInvoice
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
