"""Boundary schemas of the customers service."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from clientela.services.customers.domain.receivables import Ageing
from clientela.vocabulary import CONTRACT_STATUSES

_REF = validate.Length(min=1, max=100)
_CURRENCY = validate.Regexp(r"^[A-Z]{3}$")


def cents(amount: Decimal) -> None:
    """Amounts are money: at most two decimal places, never silently rounded."""
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -2:  # NaN and infinities have a letter
        raise ValidationError("Must have at most two decimal places.")


def _money(positive: bool) -> fields.Decimal:
    low = validate.Range(min=0, min_inclusive=not positive)
    return fields.Decimal(required=True, validate=[low, cents])


def _instant(required: bool = False) -> fields.AwareDateTime:
    if required:
        return fields.AwareDateTime(required=True, default_timezone=UTC)
    return fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)


class _Input(Schema):
    class Meta:
        unknown = RAISE


class PurchaseInput(_Input):
    """A purchase to record; ``purchase_id`` makes a retried call harmless."""

    customer_id = fields.String(required=True, validate=validate.Length(min=1))
    amount = _money(positive=True)
    currency = fields.String(load_default="MXN", validate=_CURRENCY)
    product_line = fields.String(load_default="", validate=validate.Length(max=100))
    channel = fields.String(load_default="", validate=validate.Length(max=100))
    purchased_at = _instant()
    purchase_id = fields.String(load_default=None, validate=_REF)


class CustomerInput(_Input):
    """A customer an operator creates; ``customer_ref`` makes a retried call harmless."""

    customer_ref = fields.String(load_default=None, validate=_REF)
    email = fields.Email(load_default=None, allow_none=True)
    first_name = fields.String(load_default="")
    last_name = fields.String(load_default="")
    phone = fields.String(load_default="")
    company = fields.String(load_default="")
    position = fields.String(load_default="")
    typology = fields.String(load_default=None, allow_none=True)
    special = fields.Boolean(load_default=False)
    created_at = _instant()


class CustomerEdits(_Input):
    """The fields of a customer's record an edit may write; those absent stay as they are."""

    email = fields.Email(allow_none=True)
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String()
    company = fields.String()
    position = fields.String()
    addresses = fields.List(fields.String())
    contacts = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))
    needs = fields.String()
    requirements = fields.String()
    typology = fields.String(allow_none=True)
    special = fields.Boolean()
    declared_spend = fields.Decimal(allow_none=True, validate=[validate.Range(min=0), cents])
    estimated_spend = fields.Decimal(allow_none=True, validate=[validate.Range(min=0), cents])


class ContractInput(_Input):
    """A contract, or a later state of one (delivered, cancelled, breached)."""

    contract_ref = fields.String(required=True, validate=_REF)
    customer_id = fields.String(required=True, validate=validate.Length(min=1))
    value = _money(positive=False)
    currency = fields.String(load_default="MXN", validate=_CURRENCY)
    signed_at = _instant(required=True)
    due_at = _instant(required=True)
    delivered_at = _instant()
    status = fields.String(load_default="open", validate=validate.OneOf(CONTRACT_STATUSES))

    @validates_schema
    def delivery_has_a_date(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("status") == "delivered" and data.get("delivered_at") is None:
            raise ValidationError("Required when status is delivered.", "delivered_at")


class InvoiceInput(_Input):
    """An invoice, or its payment."""

    invoice_ref = fields.String(required=True, validate=_REF)
    customer_id = fields.String(required=True, validate=validate.Length(min=1))
    amount = _money(positive=False)
    currency = fields.String(load_default="MXN", validate=_CURRENCY)
    issued_at = _instant(required=True)
    due_at = _instant(required=True)
    paid_at = _instant()


class PageInput(_Input):
    """Which page of a listing to read, and how long a page is."""

    page = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1))
    page_size = fields.Integer(
        load_default=50, strict=True, validate=validate.Range(min=1, max=500)
    )


class LostInput(_Input):
    """An operator's mark that a customer was lost."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    lost_at = _instant()


class CreditInput(_Input):
    """A credit assessment on the four bases (see the credit rules)."""

    capacity = _money(positive=False)
    integrity = fields.Integer(required=True, strict=True)
    capital = _money(positive=False)
    conditions = fields.Integer(required=True, strict=True)
    term_months = fields.Integer(load_default=1, strict=True)
    capital_cover = fields.Decimal(load_default=Decimal("0.5"))


class ListInput(PageInput):
    """Which customers to list: a class label and a typology, each optional."""

    label = fields.String(
        load_default=None,
        validate=validate.OneOf(("A", "B", "C", "new", "existing", "inactive", "lost", "special")),
    )
    typology = fields.String(
        load_default=None, validate=validate.OneOf(("end_user", "intermediate", "prescriber"))
    )


class AsOfInput(_Input):
    """A report's day (today when absent)."""

    as_of = fields.Date(load_default=None)


class LostSchema(Schema):
    """When and why a customer was lost."""

    lost_at = fields.DateTime()
    reason = fields.String()


class CreditSchema(Schema):
    """A customer's credit assessment and the limit it gives."""

    capacity = fields.Decimal(as_string=True)
    integrity = fields.Integer()
    capital = fields.Decimal(as_string=True)
    conditions = fields.Integer()
    term_months = fields.Integer()
    capital_cover = fields.Decimal(as_string=True)
    limit = fields.Decimal(as_string=True)
    assessed_by = fields.String()
    assessed_at = fields.DateTime()


class OverLimitSchema(Schema):
    """The flag of a purchase or invoice over the customer's credit limit."""

    limit = fields.Decimal(as_string=True)
    exposure = fields.Decimal(as_string=True)
    excess = fields.Decimal(as_string=True)


class PurchaseSchema(Schema):
    """A purchase as the service returns it."""

    id = fields.String(attribute="_id")
    customer_id = fields.String()
    amount = fields.Decimal(as_string=True)
    currency = fields.String()
    product_line = fields.String()
    channel = fields.String()
    purchased_at = fields.DateTime()
    over_limit = fields.Nested(OverLimitSchema, allow_none=True)


class PurchasesPageSchema(Schema):
    """One page of a customer's purchases."""

    items = fields.List(fields.Nested(PurchaseSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    has_more = fields.Boolean()


class CustomerSchema(Schema):
    """A customer as the service returns it."""

    id = fields.String(attribute="_id")
    prospect_id = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String()
    company = fields.String()
    position = fields.String()
    addresses = fields.List(fields.String())
    contacts = fields.List(fields.Dict())
    needs = fields.String()
    requirements = fields.String()
    typology = fields.String(allow_none=True)
    special = fields.Boolean()
    declared_spend = fields.String(allow_none=True)
    estimated_spend = fields.String(allow_none=True)
    captive = fields.Boolean()
    origin_source = fields.String()
    created_at = fields.DateTime()
    lost = fields.Nested(LostSchema, allow_none=True)
    classification = fields.Dict(allow_none=True)
    credit = fields.Nested(CreditSchema, allow_none=True)


class RelationshipSchema(Schema):
    """A customer's relationship level: longevity, scope, depth (share of wallet) and
    referral; ``unmeasured`` names each criterion another service could not give, and why."""

    longevity_days = fields.Integer()
    product_lines_used = fields.Integer()
    product_lines_offered = fields.Integer()
    scope_pct = fields.Float(allow_none=True)
    share_of_wallet_pct = fields.Float(allow_none=True)
    spend_source = fields.String(allow_none=True)
    latest_nps = fields.Integer(allow_none=True)
    referrals_converted = fields.Integer(allow_none=True)
    unmeasured = fields.Dict(keys=fields.String(), values=fields.String())


class RecordChangeSchema(Schema):
    """One change to a customer's record: who, when, each field before and after."""

    changed_by = fields.String()
    changed_at = fields.DateTime()
    changes = fields.List(fields.Dict())


class ContractSchema(Schema):
    """A contract as the service returns it."""

    id = fields.String(attribute="_id")
    customer_id = fields.String()
    value = fields.Decimal(as_string=True)
    currency = fields.String()
    signed_at = fields.DateTime()
    due_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    status = fields.String()
    fulfilment = fields.String()


class InvoiceSchema(Schema):
    """An invoice as the service returns it."""

    id = fields.String(attribute="_id")
    customer_id = fields.String()
    amount = fields.Decimal(as_string=True)
    currency = fields.String()
    issued_at = fields.DateTime()
    due_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)
    over_limit = fields.Nested(OverLimitSchema, allow_none=True)


purchase_input = PurchaseInput()
customer_input = CustomerInput()
customer_edits = CustomerEdits()
contract_input = ContractInput()
invoice_input = InvoiceInput()
page_input = PageInput()
lost_input = LostInput()
credit_input = CreditInput()
list_input = ListInput()
as_of_input = AsOfInput()
credit_schema = CreditSchema()
purchase_schema = PurchaseSchema()
purchases_page_schema = PurchasesPageSchema()
customer_schema = CustomerSchema()
record_change_schema = RecordChangeSchema()
relationship_schema = RelationshipSchema()
contract_schema = ContractSchema()
invoice_schema = InvoiceSchema()


def ageing_totals(report: Ageing) -> dict[str, Any]:
    """An ageing's buckets (count and amount each), total and overdue amount."""
    return {
        "buckets": {
            bucket.value: {"count": total.count, "amount": str(total.amount)}
            for bucket, total in report.buckets.items()
        },
        "total": str(report.total),
        "overdue": str(report.overdue),
    }


def dump_ageing(
    total: Ageing, by_customer: dict[str, Ageing], term: float | None
) -> dict[str, Any]:
    """An ageing report as the service returns it: totals, then one entry per customer owing."""
    return {
        "as_of": total.as_of.isoformat(),
        **ageing_totals(total),
        "collection_term_days": term,
        "customers": {ref: ageing_totals(report) for ref, report in sorted(by_customer.items())},
    }
