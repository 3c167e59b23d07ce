"""Credit limits and over-limit flags, receivables ageing and dunning runs, on the fake."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from clientela.services.customers import collecting, handlers
from clientela.services.customers.dependencies import FakeCustomersStorage
from clientela.services.customers.domain import CreateCustomer, RecordInvoice, RecordPurchase
from clientela.services.customers.domain.credit import CreditAssessment
from clientela.services.customers.letters import PostOffice

ISSUED = datetime(2026, 3, 1, 9, tzinfo=UTC)
DUE = datetime(2026, 3, 31, 9, tzinfo=UTC)


@pytest.fixture
def uow():
    uow = FakeCustomersStorage()
    handlers.create_customer(CreateCustomer("CU-1", email="ana@example.com", first_name="Ana"), uow)
    handlers.create_customer(CreateCustomer("CU-2", company="Sosa y Hnos"), uow)
    return uow


def invoice(ref, customer, amount, due=DUE, paid_at=None) -> RecordInvoice:
    return RecordInvoice(ref, customer, Decimal(amount), ISSUED, due, paid_at=paid_at)


def test_a_purchase_or_invoice_over_the_credit_limit_is_flagged(uow):
    assessment = CreditAssessment(Decimal("1000"), 5, Decimal("10000"), 5, term_months=2)
    credit = collecting.assess_credit("CU-1", assessment, "li", ISSUED, uow)
    assert credit["limit"] == Decimal("2000.00")
    handlers.record_invoice(invoice("I-1", "CU-1", "1500"), uow)

    within = handlers.record_purchase(RecordPurchase("CU-1", Decimal("500")), uow)
    over = handlers.record_purchase(RecordPurchase("CU-1", Decimal("500.01")), uow)
    invoiced = handlers.record_invoice(invoice("I-2", "CU-1", "600"), uow)

    assert within["over_limit"] is None
    assert over["over_limit"] == {
        "limit": Decimal("2000.00"),
        "exposure": Decimal("2000.01"),
        "excess": Decimal("0.01"),
    }
    assert invoiced["over_limit"]["excess"] == Decimal("100.00")
    unassessed = handlers.record_purchase(RecordPurchase("CU-2", Decimal("1e6")), uow)
    assert unassessed["over_limit"] is None


def test_ageing_puts_what_is_owed_in_its_bucket_with_the_collection_term(uow):
    handlers.record_invoice(invoice("I-1", "CU-1", "100"), uow)  # due 31 March
    handlers.record_invoice(invoice("I-2", "CU-1", "50", due=DUE + timedelta(days=31)), uow)
    handlers.record_invoice(invoice("I-3", "CU-2", "70", paid_at=ISSUED + timedelta(days=10)), uow)
    handlers.record_invoice(invoice("I-4", "CU-2", "30", paid_at=DUE + timedelta(days=40)), uow)

    total, by_customer, term = collecting.ageing_report(date(2026, 4, 30), uow)

    # I-1 and I-4 (paid only in May) are 30 days overdue; I-2 is due on 1 May
    assert {b.value: t.amount for b, t in total.buckets.items() if t.count} == {
        "current": Decimal("50"),
        "1-30": Decimal("130"),
    }
    assert (total.total, total.overdue) == (Decimal("180"), Decimal("130"))
    assert sorted(by_customer) == ["CU-1", "CU-2"]
    assert term == (10 + 70) / 2


def test_dunning_sends_one_letter_a_customer_and_never_the_same_template_twice(uow, tmp_path):
    handlers.record_invoice(invoice("I-1", "CU-1", "100.50"), uow)
    post = PostOffice(tmp_path, send=False, smtp_uri="", mail_from="")

    first = collecting.run_dunning(date(2026, 4, 2), post, uow)
    same_day = collecting.run_dunning(date(2026, 4, 2), post, uow)
    week_later = collecting.run_dunning(date(2026, 4, 9), post, uow)

    assert [(x["customer_id"], x["template"]) for x in first] == [("CU-1", "reminder-1")]
    assert same_day == []
    assert [x["template"] for x in week_later] == ["reminder-2"]
    text = (tmp_path / "dunning" / "letters" / "2026-04-02-CU-1-reminder-1.txt").read_text()
    assert "Dear Ana" in text and "100.50" in text and "I-1" in text
    assert (tmp_path / "dunning" / "templates" / "reminder-1.txt").exists()
    assert [letter["template"] for letter in uow.letters_of("CU-1")] == ["reminder-1", "reminder-2"]


def test_an_operator_template_replaces_the_default(uow, tmp_path):
    handlers.record_invoice(invoice("I-1", "CU-2", "10"), uow)
    templates = tmp_path / "dunning" / "templates"
    templates.mkdir(parents=True)
    (templates / "reminder-1.txt").write_text("Estimado $name: debe $amount.", encoding="utf-8")

    [letter] = collecting.run_dunning(date(2026, 4, 2), PostOffice(tmp_path, False, "", ""), uow)

    assert Path(letter["path"]).read_text(encoding="utf-8") == "Estimado Sosa y Hnos: debe 10.00."


def test_sending_without_smtp_renders_the_letter_and_says_it_was_not_sent(uow, tmp_path):
    handlers.record_invoice(invoice("I-1", "CU-1", "10"), uow)
    post = PostOffice(tmp_path, send=True, smtp_uri="", mail_from="")

    [letter] = collecting.run_dunning(date(2026, 4, 2), post, uow)

    assert (letter["delivery"], letter["note"]) == ("file", "not sent: smtp_uri/mail_from not set")
