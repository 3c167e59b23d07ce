"""The dashboard's query string: ``by`` (granularity), ``from``, ``to`` and ``source``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

from marshmallow import fields, validate

from clientela.errors import load
from clientela.services.kpi.dashboard.view import Filters
from clientela.services.kpi.schemas import IndicatorsQuery
from clientela.vocabulary import KPI_GRANULARITIES


class DashboardQuery(IndicatorsQuery):
    """The indicators' query under the names the page's form gives, and a lead source."""

    granularity = fields.String(
        data_key="by", load_default="month", validate=validate.OneOf(KPI_GRANULARITIES)
    )
    start = fields.AwareDateTime(data_key="from", load_default=None, default_timezone=UTC)
    end = fields.AwareDateTime(data_key="to", load_default=None, default_timezone=UTC)
    source = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


dashboard_query = DashboardQuery()


def filters_from(args: Mapping[str, str]) -> Filters:
    """The filters a query string asks for (a field left empty is not given);
    InvalidInput naming each bad parameter."""
    return Filters(**load(dashboard_query, {key: value for key, value in args.items() if value}))
