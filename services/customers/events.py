"""The events the customers service announces."""

from __future__ import annotations

from typing import Any

from clientela.events import new_event
from clientela.services.customers.domain import display_name
from clientela.services.customers.domain.history import RecordChange


def customer_created(customer: dict[str, Any]) -> dict:
    """``customer_created``: a customer record exists (captive when a prospect converted)."""
    return new_event(
        "customer_created",
        {
            "customer_id": customer["_id"],
            "prospect_id": customer.get("prospect_id"),
            "name": display_name(customer),
            "email": customer["email"],
            "captive": customer["captive"],
            "created_at": customer["created_at"],
        },
        occurred_at=customer["created_at"],
    )


def customer_updated(change: RecordChange) -> dict:
    """``customer_updated``: an edit changed fields of a customer's record (I5)."""
    return new_event(
        "customer_updated",
        {
            "customer_id": change.customer_ref,
            "changed_by": change.changed_by,
            "changed_at": change.changed_at,
            "changed_fields": list(change.fields),
        },
        occurred_at=change.changed_at,
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
            "channel": purchase["channel"],
            "purchased_at": purchase["purchased_at"],
        },
    )


def contract_recorded(contract: dict[str, Any]) -> dict:
    """``contract_recorded``: a contract as it stands now (recorded, delivered, cancelled...)."""
    fields = ("customer_id", "value", "currency", "signed_at", "due_at", "delivered_at", "status")
    return new_event(
        "contract_recorded", {"contract_id": contract["_id"], **{f: contract[f] for f in fields}}
    )


def invoice_recorded(invoice: dict[str, Any]) -> dict:
    """``invoice_recorded``: an invoice as it stands now (issued, or paid)."""
    fields = ("customer_id", "amount", "currency", "issued_at", "due_at", "paid_at")
    return new_event(
        "invoice_recorded", {"invoice_id": invoice["_id"], **{f: invoice[f] for f in fields}}
    )


def customer_lost(customer_id: str, lost: dict[str, Any]) -> dict:
    """``customer_lost``: an operator marked the customer lost, when and why."""
    return new_event(
        "customer_lost",
        {"customer_id": customer_id, "lost_at": lost["lost_at"], "reason": lost["reason"]},
        occurred_at=lost["lost_at"],
    )
