"""``clientela kpi report``: the quarterly management review rendered from a scripted year of
kpi data, as HTML and as PDF (its pages counted and its text read back with pypdf).

The rendered files are kept in ``tests/artifacts/report/`` (git-ignored) for a person to look at.
"""

import contextlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from clientela.cli import kpi_report
from clientela.cli.app import clientela
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import FakeKpiStorage
from clientela.services.kpi.domain import ReportIndicators, ReportTrends

from .cli_doubles import RecordingService, run
from .test_kpi_customer_indicators import contract, points, purchase
from .test_kpi_feedback_indicators import answered

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "report"

Q4_2025 = datetime(2025, 11, 12, 10, tzinfo=UTC)
Q2 = datetime(2026, 5, 6, 10, tzinfo=UTC)
Q3 = datetime(2026, 8, 12, 10, tzinfo=UTC)
Q4 = datetime(2026, 11, 11, 10, tzinfo=UTC)
DAY = timedelta(days=1)


def scripted_year():
    """kpi's facts from five quarters of events: NPS answers, contracts, purchases, points."""
    nps = {
        Q4_2025: [("c1", 9), ("c2", 3)],
        Q3: [("c1", 9), ("c2", 10), ("c3", 5)],
        Q4: [("c1", 10), ("c2", 9), ("c3", 9), ("c4", 4)],
    }
    events = [
        answered(f"{at:%Y%m}-{customer}", customer, score, _category(score), at)
        for at, answers in nps.items()
        for customer, score in answers
    ]
    events += [
        contract("k1", Q3, "delivered", Q3 - DAY),
        contract("k2", Q3, "delivered", Q3),
        contract("k3", Q4, "delivered", Q4 - DAY),
        contract("k4", Q4, "delivered", Q4),
        contract("k5", Q4, "delivered", Q4),
        contract("k6", Q4, "delivered", Q4 + 3 * DAY),  # late
    ]
    events += [
        purchase("u1", "1000.00", "MXN", Q4_2025),
        purchase("u2", "1200.50", "MXN", Q3),
        purchase("u3", "1500.00", "MXN", Q4),
        purchase("u4", "80.00", "EUR", Q4 + DAY),
    ]
    events += [
        points("points_earned", entry, amount, at)
        for entry, amount, at in (("e1", 100, Q4_2025), ("e2", 300, Q2), ("e3", 200, Q3))
    ]
    events.append(points("points_earned", "e4", 300, Q4))
    uow = FakeKpiStorage()
    for received in events:
        getattr(handlers, f"handle_{received.type}")(received, uow)
    return uow


def _category(score):
    return "promoter" if score >= 9 else "detractor" if score <= 6 else "passive"


ACTIONS = [
    {
        "id": "act-nps-q4",
        "opportunity": "Detractors in the November survey",
        "description": "Call every detractor within 48 hours",
        "specific": "s",
        "measurable": "m",
        "achievable": "a",
        "relevant": "r",
        "priority": "high",
        "owner": "maria",
        "indicator": "NPS",
        "target": "45",
        "before": "33.33",
        "opened_at": "2026-10-02T09:00:00+00:00",
        "due_at": "2026-12-15T00:00:00+00:00",
        "state": "closed",
        "after": "50",
        "closed_at": "2026-12-16T09:00:00+00:00",
        "effect": "16.67",
        "target_met": True,
    },
    {
        "id": "act-cct-q4",
        "opportunity": "Late deliveries",
        "description": "Weekly delivery review with the plant",
        "specific": "s",
        "measurable": "m",
        "achievable": "a",
        "relevant": "r",
        "priority": "medium",
        "owner": "luis",
        "indicator": "CCT",
        "target": "90",
        "before": "75",
        "opened_at": "2026-12-02T09:00:00+00:00",
        "due_at": "2027-03-31T00:00:00+00:00",
        "state": "open",
        "after": None,
        "closed_at": None,
        "effect": None,
        "target_met": None,
    },
]

KPI_REVIEW = {
    "targets": [
        {  # judges months: no part of a quarterly review
            "indicator": "CCT",
            "granularity": "month",
            "period": None,
            "segment": {},
            "value": 99.0,
            "tolerance": 0.0,
            "direction": "higher",
        },
        {
            "indicator": "CCT",
            "granularity": "quarter",
            "period": None,
            "segment": {},
            "value": 90.0,
            "tolerance": 5.0,
            "direction": "higher",
        },
        {
            "indicator": "NPS",
            "granularity": "quarter",
            "period": "2026-Q4",
            "segment": {},
            "value": 40.0,
            "tolerance": 0.0,
            "direction": "higher",
        },
    ],
    "references": [
        {"indicator": "NPS", "label": "Sector benchmark 2025", "value": 32.0, "period": "2025"},
    ],
    "alerts": [
        {
            "id": "al-cct-2026q4",
            "indicator": "CCT",
            "period": "2026-Q4",
            "granularity": "quarter",
            "segment": {},
            "value": 75.0,
            "target": 90.0,
            "tolerance": 5.0,
            "direction": "higher",
            "raised_at": "2026-12-01T06:00:00+00:00",
            "state": "linked",
            "action_id": "act-cct-q4",
        }
    ],
}
"""What kpi's ``review`` answers for the quarter once targets, references and alerts exist."""


@pytest.fixture
def services(monkeypatch):
    """kpi answering from the scripted year through its own use cases, loyalty with actions."""
    uow = scripted_year()

    class Kpi:
        def indicators(self, granularity, start, end):
            query = ReportIndicators(granularity, *map(datetime.fromisoformat, (start, end)))
            return {"granularity": granularity, "periods": handlers.report_indicators(query, uow)}

        reviewed = {"targets": [], "references": [], "alerts": []}

        def review(self, start, end, open_only):
            assert open_only is False  # the report shows dismissed and linked alerts too
            return self.reviewed

        def trends(self, indicator, granularity, start, end, window):
            span = map(datetime.fromisoformat, (start, end))
            query = ReportTrends(indicator, granularity, *span, window)
            return {"trends": handlers.report_trends(query, uow)}

    proxy = SimpleNamespace(kpi=Kpi(), loyalty=RecordingService({"actions": ACTIONS}))
    monkeypatch.setattr(kpi_report, "platform", lambda *args: contextlib.nullcontext(proxy))
    monkeypatch.setattr(kpi_report, "settings", lambda ctx: None)
    return proxy


@pytest.fixture
def with_targets(services):
    """kpi holding targets, references and an alert about the quarter."""
    services.kpi.reviewed = KPI_REVIEW


def test_the_pdf_report_shows_every_section_the_figures_and_the_actions_effect(
    services, with_targets
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "review-2026-Q4.pdf"
    pdf.unlink(missing_ok=True)

    output = run("kpi", "report", "--quarter", "2026Q4", "--pdf", "--output", str(pdf))

    assert output.strip() == f"Wrote {pdf}"
    reader = PdfReader(pdf)
    # the summary; each section from a new page: Prospects, Feedback and Customers take two,
    # Loyalty one; the alerts and actions
    assert len(reader.pages) == 9
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for title in ("Net Promoter Score", "Contracts fulfilled on time (CCT)", "Purchase value"):
        assert title in text
    assert "50 score +16.67 (+50.02 %)" in text  # 3 promoters and 1 detractor of 4
    assert "75 % -25 (-25 %)" in text  # CCT: 3 of 4 on time, against 2 of 2
    # the action: target 45, before 33.33, after 50, effect +16.67, target met
    assert "Call every detractor within 48 hours NPS maria closed" in text
    assert "45 33.33 50 +16.67 yes" in text
    assert "Weekly delivery review with the plant (owner luis, open)" in text  # CCT's plan


def test_the_html_report_by_section_with_trends_targets_and_references(services, with_targets):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    html_file = ARTIFACTS / "review-2026-Q4.html"

    run("kpi", "report", "--quarter", "2026-Q4", "--output", str(html_file))

    html = html_file.read_text(encoding="utf-8")
    cct = _row(html, "Contracts fulfilled on time (CCT)")
    assert ">75<" in cct  # 3 of 4 contracts due in the quarter on time
    assert '-25 (-25 %) <span class="base">from 100</span>' in cct  # 2 of 2 in 2026-Q3
    assert "&ge; 90 &plusmn; 5" in cct and '<span class="out">no</span>' in cct
    nps = _row(html, "Net Promoter Score")
    assert "+16.67 (+50.02 %)" in nps  # from 33.33 in 2026-Q3
    assert '+50 <span class="base">from 0</span>' in nps  # from 2025-Q4: no % of nothing
    assert "no mean" in nps  # no NPS answer in 2026-Q2
    assert "Sector benchmark 2025 (2025): 32" in nps and '<span class="in">yes</span>' in nps
    points = _row(html, "Points earned")
    assert "266.67 (3 q.)" in points  # (300 + 200 + 300) / 3
    assert "no target set" in points


def _row(html, title):
    """The table row of the indicator titled ``title``."""
    start = html.index(f"<td>{title} <span")
    return html[start : html.index("</tr>", start)]


def test_without_targets_the_report_says_none_is_set_rather_than_inventing_one(services):
    html = run("kpi", "report", "--quarter", "2026Q4")

    assert "no target set for any indicator" in html
    assert "no reference value entered" in html
    assert "No out-of-range alert for this quarter." in html
    assert "Call every detractor within 48 hours" in html


def test_json_gives_the_inputs_the_report_is_built_from(services):
    inputs = json.loads(run("kpi", "report", "--quarter", "2026Q4", "--json"))

    assert inputs["quarter"] == "2026-Q4"
    assert inputs["indicators"]["CCT"] == 75.0
    assert {t["indicator"] for t in inputs["trends"]} >= {"NPS", "CCT", "purchase_value"}
    assert [action["id"] for action in inputs["actions"]] == ["act-nps-q4", "act-cct-q4"]
    assert (inputs["targets"], inputs["alerts"]) == ([], [])


def test_a_bad_quarter_is_refused_as_usage():
    result = CliRunner().invoke(clientela, ["kpi", "report", "--quarter", "2026-13"])

    assert result.exit_code == 2
    assert "Must be a quarter such as 2026Q4." in result.output
