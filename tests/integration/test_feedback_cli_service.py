"""``clientela surveys`` and ``complaints`` against the real feedback service."""

import json

import pytest
from click.testing import CliRunner
from nameko.standalone.events import event_dispatcher

from clientela.cli import feedback as commands
from clientela.cli.app import clientela
from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.events import new_event

pytestmark = pytest.mark.integration


@pytest.fixture
def rpc(clientela_platform, clientela_settings, monkeypatch):
    monkeypatch.setattr(commands, "settings", lambda ctx: clientela_settings)
    proxy = clientela_platform("feedback")
    ana = {
        "customer_id": "C-ana",
        "prospect_id": "P-ana",
        "name": "Ana",
        "email": "ana@example.com",
        "captive": True,
        "created_at": utcnow(),
    }
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    dispatch("customers", "customer_created", new_event("customer_created", ana))
    return proxy


def run_json(*argv):
    result = CliRunner().invoke(clientela, [*argv, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_surveys_and_complaints_through_the_command_line(rpc):
    questions = [{"key": "satisfied", "kind": "csat", "text": "Satisfied?"}]
    rpc.feedback.define_survey("S-1", "After purchase", questions)
    wait_for(
        lambda: rpc.feedback.record_response(
            "S-1", "satisfied", "slip-1", 5, customer_id="C-ana", answered_at="2026-03-01T10:00Z"
        ),
        not_yet=(NotFound,),
    )
    [survey] = run_json("surveys", "list")
    assert survey["survey_id"] == "S-1"
    results = run_json("surveys", "results", "S-1", "--period", "2026-03")
    assert (results["responses"], results["CSAT_mean"]) == (1, 5.0)

    opened = run_json(
        "complaints", "open", "Q-1", "--category", "billing", "--severity", "low",
        "--description", "Charged twice",
    )  # fmt: skip
    assert opened["status"] == "open"
    assert [c["complaint_ref"] for c in run_json("complaints", "list", "--status", "open")] == [
        "Q-1"
    ]
    resolved = run_json("complaints", "resolve", "Q-1", "--resolution", "Refunded")
    assert (resolved["status"], resolved["resolution"]) == ("resolved", "Refunded")
