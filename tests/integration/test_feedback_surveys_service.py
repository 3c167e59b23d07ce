"""Surveys on the real feedback service: defined with versioned questions, answered once per
response key however often replayed, the customer's answers and the period's results, and a
signed NPS response reaching kpi."""

import pytest
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import InvalidInput, NotFound
from clientela.events import new_event

pytestmark = pytest.mark.integration

QUESTIONS = [
    {"key": "recommend", "kind": "nps", "text": "How likely are you to recommend us?"},
    {"key": "satisfied", "kind": "csat", "text": "How satisfied are you?"},
    {"key": "quality", "kind": "servqual", "text": "Rate our service"},
]


@pytest.fixture
def rpc(clientela_platform, clientela_settings):
    proxy = clientela_platform("feedback", "kpi")
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    payload = {
        "customer_id": "C-ana",
        "prospect_id": "P-ana",
        "name": "Ana",
        "email": "ana@example.com",
        "captive": True,
        "created_at": utcnow(),
    }
    dispatch("customers", "customer_created", new_event("customer_created", payload))
    proxy.feedback.define_survey("S-1", "After purchase", QUESTIONS)
    wait_for(
        lambda: proxy.feedback.record_response("S-1", "satisfied", "r-0", 5, customer_id="C-ana"),
        not_yet=(NotFound,),
    )
    return proxy


def test_a_survey_keeps_every_version_of_a_reworded_question(rpc):
    reworded = [{"key": "satisfied", "kind": "csat", "text": "All in all, satisfied?"}]
    survey = rpc.feedback.define_survey("S-1", "After purchase", reworded)
    assert [q["version"] for q in survey["questions"] if q["key"] == "satisfied"] == [1, 2]
    [listed] = rpc.feedback.surveys()
    assert listed == survey
    answer = rpc.feedback.record_response("S-1", "satisfied", "r-1", 4, customer_id="C-ana")
    assert answer["version"] == 2


def test_a_replayed_link_counts_once_and_reaches_the_indicators_once(rpc):
    for _ in range(3):
        rpc.feedback.record_response(
            "S-1", "recommend", "link-1", 10, customer_id="C-ana", raw={"token": "t"}
        )
    answers = rpc.feedback.answers("C-ana")
    assert [(a["question"], a["score"]) for a in answers] == [("recommend", 10), ("satisfied", 5)]
    assert answers[0]["raw"] == {"token": "t"}
    period = f"{utcnow():%Y-%m}"
    results = rpc.feedback.results("S-1", period)
    assert (results["NPS"], results["nps_respondents"], results["responses"]) == (100.0, 1, 2)
    assert results["I6"] == 100.0
    month = wait_for(
        lambda: rpc.kpi.indicators("month")["periods"],
        lambda periods: periods and periods[-1]["nps_respondents"] == 1,
    )
    assert month[-1]["NPS"] == 100.0


def test_a_servqual_response_gives_the_period_gaps(rpc):
    ratings = [{"item": n, "expectation": 7, "perception": 5} for n in range(1, 23)]
    rpc.feedback.record_response("S-1", "quality", "r-2", {"ratings": ratings}, customer_id="C-ana")
    results = rpc.feedback.results("S-1", f"{utcnow():%Y}")
    assert results["SERVQUAL_gap_empathy"] == -2.0
    assert results["SERVQUAL_weighted"] == -2.0


def test_an_answer_off_its_scale_is_refused_naming_the_field(rpc):
    with pytest.raises(InvalidInput) as refused:
        rpc.feedback.record_response("S-1", "satisfied", "r-3", 6, customer_id="C-ana")
    assert "score" in str(refused.value)
