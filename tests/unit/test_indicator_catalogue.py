"""Every figure kpi reports is in the published catalogue, and nothing else is."""

from datetime import UTC, datetime

import pytest

from clientela.events import new_event, parse_event
from clientela.indicators import INDICATORS, SECTIONS, Better, indicator
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import FakeKpiStorage
from clientela.services.kpi.domain import ReportIndicators


def test_the_catalogue_names_exactly_the_figures_kpi_reports():
    storage = FakeKpiStorage()
    created = {
        "customer_id": "C-1",
        "prospect_id": "P-1",
        "name": "Ana",
        "email": None,
        "captive": True,
        "created_at": datetime(2026, 1, 5, tzinfo=UTC),
    }
    handlers.handle_customer_created(parse_event(new_event("customer_created", created)), storage)

    [row] = handlers.report_indicators(ReportIndicators("month", None, None), storage)

    assert set(row) - {"period"} == set(INDICATORS)


def test_each_indicator_says_which_way_is_better_and_what_it_means():
    assert INDICATORS["CCT"].better is Better.HIGHER
    assert INDICATORS["complaints_breached"].better is Better.LOWER
    assert INDICATORS["purchase_value"].breakdown == "currency"
    assert SECTIONS == ("Prospects", "Feedback", "Customers", "Loyalty")
    assert all(i.definition.endswith(".") for i in INDICATORS.values())


def test_an_unknown_indicator_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="no indicator 'I9'; known: I1_new_prospects"):
        indicator("I9")
