"""A lost-customer interview from feedback becomes the reason the customer was lost."""

from datetime import UTC, datetime

import pytest

from clientela.events import new_event, parse_event
from clientela.services.customers import classifying, handlers
from clientela.services.customers.dependencies import FakeCustomersStorage
from clientela.services.customers.domain import CreateCustomer

INTERVIEWED = datetime(2026, 5, 4, 16, tzinfo=UTC)


@pytest.fixture
def uow():
    uow = FakeCustomersStorage()
    for ref in ("CU-1", "CU-2"):
        created = datetime(2025, 1, 10, tzinfo=UTC)
        handlers.create_customer(CreateCustomer(ref, created_at=created), uow)
    uow.events.envelopes.clear()
    return uow


def interviewed(customer_id: str, *reasons: str) -> object:
    return parse_event(
        new_event(
            "lost_customer_interviewed",
            {
                "interview_ref": "INT-7",
                "customer_id": customer_id,
                "interviewer": "Marta",
                "interviewed_at": INTERVIEWED,
                "reasons": list(reasons),
                "main_reason": reasons[0],
                "loss_reason": f"{', '.join(reasons)} (lost-customer interview INT-7)",
            },
        )
    )


def test_a_customer_not_yet_lost_is_lost_as_of_the_interview_for_its_reasons(uow):
    event = interviewed("CU-1", "competitor", "price")
    classifying.handle_lost_customer_interviewed(event, uow)
    classifying.handle_lost_customer_interviewed(event, uow)

    lost = handlers.get_customer("CU-1", uow)["lost"]
    assert lost == {
        "lost_at": INTERVIEWED,
        "reason": "competitor, price (lost-customer interview INT-7)",
    }
    assert uow.events.types() == ["customer_lost"]


def test_a_customer_already_marked_lost_keeps_the_date_and_takes_the_interview_reason(uow):
    marked = datetime(2026, 4, 1, tzinfo=UTC)
    classifying.mark_lost("CU-2", "stopped ordering", marked, uow)

    classifying.handle_lost_customer_interviewed(interviewed("CU-2", "delivery"), uow)

    lost = handlers.get_customer("CU-2", uow)["lost"]
    assert (lost["lost_at"], lost["reason"]) == (
        marked,
        "delivery (lost-customer interview INT-7)",
    )


def test_an_interview_of_a_customer_customers_does_not_have_changes_nothing(uow):
    classifying.handle_lost_customer_interviewed(interviewed("CU-404", "price"), uow)

    assert uow.events.envelopes == []
