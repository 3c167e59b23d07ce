"""Boundary schemas of the customers service."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields, validate


def cents(amount: Decimal) -> None:
    """Amounts are money: at most two decimal places, never silently rounded."""
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -2:  # NaN and infinities have a letter
        raise ValidationError("Must have at most two decimal places.")


class PurchaseInput(Schema):
    """A purchase to record; ``purchase_id`` makes a retried call harmless."""

    class Meta:
        unknown = RAISE

    customer_id = fields.String(required=True, validate=validate.Length(min=1))
    amount = fields.Decimal(
        required=True, validate=[validate.Range(min=0, min_inclusive=False), cents]
    )
    currency = fields.String(load_default="MXN", validate=validate.Regexp(r"^[A-Z]{3}$"))
    product_line = fields.String(load_default="", validate=validate.Length(max=100))
    purchased_at = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    purchase_id = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


class PurchaseSchema(Schema):
    """A purchase as the service returns it."""

    id = fields.String(attribute="_id")
    customer_id = fields.String()
    amount = fields.Decimal(as_string=True)
    currency = fields.String()
    product_line = fields.String()
    purchased_at = fields.DateTime()


class CustomerSchema(Schema):
    """A customer as the service returns it."""

    id = fields.String(attribute="_id")
    prospect_id = fields.String(allow_none=True)
    email = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String()
    company = fields.String()
    captive = fields.Boolean()
    origin_source = fields.String()
    created_at = fields.DateTime()


purchase_input = PurchaseInput()
purchase_schema = PurchaseSchema()
customer_schema = CustomerSchema()
