"""The 360-degree view of a customer: this service's record and each other owner's section.

The profile, contracts, purchases, invoices and ageing are this service's
own; the prospect history, loyalty points, survey answers, complaints, open
alarms and converted referrals belong to other services and are asked of them
(see :mod:`clientela.services.customers.sections`). The relationship level
draws on both.
own; the prospect history, loyalty points, survey answers, complaints,
requirements, lost-customer interviews and open alarms belong to other
services and are asked of them (see :mod:`clientela.services.customers.sections`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime, time
from typing import Any

from clientela.services.customers.collecting import invoice_rules
from clientela.services.customers.dependencies import CustomersStorage
from clientela.services.customers.domain.contracts import DEFAULT_BREACH_GRACE_DAYS
from clientela.services.customers.domain.receivables import Ageing, ageing
from clientela.services.customers.handlers import get_customer, purchases_page, with_fulfilment
from clientela.services.customers.relationship_level import relationship_section
from clientela.services.customers.sections import SectionCall, available, gather

REMOTE_SECTIONS = {
    "loyalty": ("loyalty", "balance"),
    "surveys": ("feedback", "answers"),
    "complaints": ("feedback", "customer_complaints"),
    "referrals": ("loyalty", "referrals_converted"),
    "requirements": ("feedback", "customer_requirements"),
    "interviews": ("feedback", "customer_interviews"),
}
"""Section: (owning service, its RPC method taking the customer id)."""
LATEST_PURCHASES = 20

Caller = Callable[..., SectionCall]
"""``caller(service, method, *args)``: the :data:`SectionCall` of one RPC call."""


def customer_view(
    customer_id: str,
    as_of: date,
    uow: CustomersStorage,
    caller: Caller,
    deadline_s: float,
    breach_grace_days: int = DEFAULT_BREACH_GRACE_DAYS,
    offered_lines: Collection[str] = (),
) -> tuple[dict[str, Any], dict[str, Any], Ageing]:
    """The customer's own record (profile, contracts with their fulfilment and relationship
    level at the end of ``as_of``, latest purchases, invoices), their remote sections (each
    available or unavailable with the reason), and their ageing at ``as_of``. A customer who
    was never a prospect has no prospect history (None). Scope is measured against
    ``offered_lines``."""
    customer = get_customer(customer_id, uow)
    calls = {
        section: caller(service, method, customer_id)
        for section, (service, method) in REMOTE_SECTIONS.items()
    }
    calls["alarms"] = caller("loyalty", "alarms", True)  # every open alarm: kept are theirs
    prospect_id = customer.get("prospect_id")
    if prospect_id:
        calls["prospect"] = caller("prospects", "get", prospect_id)
    remote = gather(calls, deadline_s)
    remote.setdefault("prospect", available(None))
    if remote["alarms"]["status"] == "ok":
        mine = [a for a in remote["alarms"]["data"] if a.get("customer_id") == customer_id]
        remote["alarms"] = available(mine)
    invoices = uow.invoices_of(customer_id)
    day_end = datetime.combine(as_of, time.max, UTC)
    own = {
        "profile": customer,
        "contracts": with_fulfilment(uow.contracts_of(customer_id), day_end, breach_grace_days),
        "relationship": relationship_section(
            customer,
            uow.purchase_facts_of(customer_id),
            offered_lines,
            remote["surveys"],
            remote.pop("referrals"),
            day_end,
        ),
        "purchases": purchases_page(customer_id, 1, LATEST_PURCHASES, uow),
        "invoices": invoices,
    }
    return own, remote, ageing((invoice_rules(i) for i in invoices), as_of)
