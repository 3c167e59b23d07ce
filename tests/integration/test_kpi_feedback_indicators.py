"""kpi on the real broker and database: a CSAT answer and a complaint recorded by the
feedback service reach the survey and complaint figures of their periods."""

from datetime import timedelta

import pytest
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.events import new_event
from clientela.periods import period_key

pytestmark = pytest.mark.integration


def test_a_csat_answer_and_a_breached_complaint_reach_the_kpi_figures(
    clientela_platform, clientela_settings
):
    rpc = clientela_platform("feedback", "kpi")
    now = utcnow()
    customer = {"customer_id": "C-ana", "name": "Ana", "captive": True, "created_at": now}
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    dispatch("customers", "customer_created", new_event("customer_created", customer))
    questions = [{"key": "satisfied", "kind": "csat", "text": "How satisfied are you?"}]
    rpc.feedback.define_survey("S-1", "After purchase", questions)
    wait_for(
        lambda: rpc.feedback.record_response("S-1", "satisfied", "r-1", 4, customer_id="C-ana"),
        not_yet=(NotFound,),
    )
    opened_at = now - timedelta(days=6)
    rpc.feedback.open_complaint(
        "Q-1", "billing", "high", "Charged twice", opened_at=opened_at.isoformat()
    )
    rpc.feedback.check_breaches()
    rpc.feedback.resolve_complaint("Q-1", "Refunded")

    def period(moment):
        periods = {row["period"]: row for row in rpc.kpi.indicators("month")["periods"]}
        return periods.get(period_key(moment, "month"), {})

    surveyed = wait_for(lambda: period(now), lambda row: row and row["CSAT"] is not None)
    complained = wait_for(
        lambda: period(opened_at),
        lambda row: row and row["complaints_breached"] and row["complaint_resolution_hours_median"],
    )

    assert (surveyed["CSAT"], surveyed["CSAT_mean"], surveyed["SC"]) == (100.0, 4.0, 100.0)
    assert surveyed["I6"] == 100.0  # Ana is a captive customer
    assert (complained["complaints"], complained["complaints_breached"]) == (1, 1)
    assert complained["complaint_resolution_hours_median"] >= 6 * 24
