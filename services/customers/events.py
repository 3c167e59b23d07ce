"""The events the customers service announces."""

from __future__ import annotations

from typing import Any

from clientela.events import new_event
from clientela.services.customers.domain import display_name


def customer_created(customer: dict[str, Any]) -> dict:
    """``customer_created``: a customer record exists (captive when a prospect converted)."""
    return new_event(
        "customer_created",
        {
            "customer_id": customer["_id"],
            "prospect_id": customer["prospect_id"],
            "name": display_name(customer),
            "email": customer["email"],
            "captive": customer["captive"],
            "created_at": customer["created_at"],
        },
        occurred_at=customer["created_at"],
    )


def purchase_recorded(purchase: dict[str, Any]) -> dict:
    """``purchase_recorded``: a customer bought something."""
    return new_event(
        "purchase_recorded",
        {
            "purchase_id": purchase["_id"],
            "customer_id": purchase["customer_id"],
            "amount": purchase["amount"],
            "currency": purchase["currency"],
            "product_line": purchase["product_line"],
            "purchased_at": purchase["purchased_at"],
        },
    )
