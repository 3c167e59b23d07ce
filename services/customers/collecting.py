"""Credit and collections use cases: credit assessment, receivables ageing, dunning runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from clientela.services.customers.dependencies import CustomersStorage
from clientela.services.customers.domain.credit import CreditAssessment
from clientela.services.customers.domain.dunning import DunningPlan, SentLetter, dunning_run
from clientela.services.customers.domain.receivables import (
    Ageing,
    Invoice,
    ageing,
    ageing_by_customer,
    collection_term,
)
from clientela.services.customers.handlers import get_customer, stored_time
from clientela.services.customers.letters import DEFAULT_PLAN, PostOffice


def assess_credit(
    customer_id: str,
    assessment: CreditAssessment,
    assessed_by: str,
    assessed_at: datetime,
    uow: CustomersStorage,
) -> dict[str, Any]:
    """Store a customer's credit assessment on the four bases and the limit it gives.

    Purchases and invoices recorded from now on are flagged when they take the
    customer's exposure over that limit.
    """
    get_customer(customer_id, uow)
    credit = {
        "capacity": assessment.capacity,
        "integrity": assessment.integrity,
        "capital": assessment.capital,
        "conditions": assessment.conditions,
        "term_months": assessment.term_months,
        "capital_cover": assessment.capital_cover,
        "limit": assessment.credit_limit,
        "assessed_by": assessed_by,
        "assessed_at": stored_time(assessed_at),
    }
    uow.save_credit(customer_id, credit)
    return credit


def invoice_rules(stored: dict[str, Any]) -> Invoice:
    """A stored invoice as the receivables rules take it."""
    return Invoice(
        stored["_id"],
        stored["customer_id"],
        stored["amount"],
        stored["issued_at"],
        stored["due_at"],
        stored["paid_at"],
    )


def _owed_on(as_of: date, uow: CustomersStorage) -> list[Invoice]:
    """The invoices that may be owed at the end of ``as_of`` (the rules tell which are)."""
    start_of_day = datetime.combine(as_of, time(), UTC)
    return [invoice_rules(stored) for stored in uow.outstanding_invoices(start_of_day)]


def ageing_report(
    as_of: date, uow: CustomersStorage
) -> tuple[Ageing, dict[str, Ageing], float | None]:
    """Receivables at the end of ``as_of``: in total, per customer, and the collection term
    (average days from issue to payment of the invoices paid)."""
    owed = _owed_on(as_of, uow)
    term = collection_term(invoice_rules(stored) for stored in uow.paid_invoices())
    return ageing(owed, as_of), ageing_by_customer(owed, as_of), term


def run_dunning(
    as_of: date, post: PostOffice, uow: CustomersStorage, plan: DunningPlan = DEFAULT_PLAN
) -> list[dict[str, Any]]:
    """Send the dunning letters due on ``as_of`` and record each; returns what was sent.

    A customer never gets the same template twice in a row, nor two letters
    within the plan's interval, so a run repeated the same day sends nothing
    more. A letter is recorded after it is delivered: a crash in between may
    deliver it again, never lose it.
    """
    owed = _owed_on(as_of, uow)
    overdue = {
        i.customer_ref for i in owed if i.outstanding_on(as_of) and i.days_overdue(as_of) > 0
    }
    histories = {
        ref: [
            SentLetter(letter["template"], letter["sent_on"].date())
            for letter in uow.letters_of(ref)
        ]
        for ref in overdue
    }
    sent = []
    for letter in dunning_run(owed, histories, as_of, plan):
        customer = get_customer(letter.customer_ref, uow)
        delivery = post.deliver(letter, customer, as_of)
        record = {
            "_id": f"{letter.customer_ref}:{as_of.isoformat()}",
            "customer_id": letter.customer_ref,
            "step": letter.step,
            "template": letter.template,
            "sent_on": datetime.combine(as_of, time(), UTC),
            "overdue_amount": letter.overdue_amount,
            "invoice_refs": list(letter.invoice_refs),
            "delivery": "email" if delivery.emailed else "file",
            "path": str(delivery.path),
        }
        uow.add_letter(record)
        sent.append({**record, "note": delivery.note})
    return sent
