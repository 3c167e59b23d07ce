"""The kpi dashboard in headless Chromium: a running kpi on the real broker and database,
its figures from published events, with targets set and an alert raised; the charts
render with data points and targets, the alert is listed, filters change the charts,
the downloads answer.

Screenshots are kept in ``tests/artifacts/dashboard/`` (git-ignored), or in
``$CLIENTELA_TEST_ARTIFACTS/dashboard/`` when that is set.
"""

import csv
import io
import json
import os
import shutil
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clientela.cli.client import wait_for
from clientela.events import new_event
from clientela.messaging import EventBus

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(
    os.environ.get("CLIENTELA_TEST_ARTIFACTS") or Path(__file__).parents[1] / "artifacts"
)
WAIT_S = 30

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()),
    reason="needs Chromium and its driver (Debian: apt-get install chromium chromium-driver)",
)

JAN = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
CAPTURES = {  # month offset -> captures by source
    0: {"fairs": 4, "webforms": 2},
    1: {"fairs": 1, "webforms": 3, "referrals": 1},
    2: {"webforms": 5},
}
"""New prospects a quarter brought, by month and source: I1 is 6, 5 and 5."""


def captured(prospect_id: str, source: str, at: datetime) -> dict:
    return new_event(
        "prospect_captured",
        {
            "prospect_id": prospect_id,
            "email": f"{prospect_id}@example.com",
            "source": source,
            "captured_at": at,
            "completeness": 80.0,
            "score": 50,
        },
    )


def nps_answer(answer_id: str, customer_id: str, score: int, at: datetime) -> dict:
    category = "promoter" if score >= 9 else "detractor" if score <= 6 else "passive"
    return new_event(
        "survey_answered",
        {
            "answer_id": answer_id,
            "customer_id": customer_id,
            "survey": "nps",
            "score": score,
            "category": category,
            "channel": "email",
            "answered_at": at,
        },
    )


def purchase(purchase_id: str, amount: float, at: datetime) -> dict:
    return new_event(
        "purchase_recorded",
        {
            "purchase_id": purchase_id,
            "customer_id": "C-ana",
            "amount": amount,
            "currency": "MXN",
            "purchased_at": at,
        },
    )


@pytest.fixture
def dashboard(clientela_platform, clientela_settings) -> str:
    """The address of a running kpi's dashboard, once it counts a quarter of activity."""
    rpc = clientela_platform("kpi")
    config = clientela_settings.nameko_config()
    captures = [
        captured(f"p-{month}-{source}-{n}", source, JAN + timedelta(days=31 * month, hours=n))
        for month, by_source in CAPTURES.items()
        for source, count in by_source.items()
        for n in range(count)
    ]
    EventBus.connect("prospects", config).publish_many(captures)
    EventBus.connect("feedback", config).publish_many(
        [
            nps_answer("A-1", "C-ana", 10, JAN),
            nps_answer("A-2", "C-luis", 6, JAN),
            nps_answer("A-3", "C-ana", 9, JAN + timedelta(days=40)),
        ]
    )
    EventBus.connect("customers", config).publish_many(
        [purchase("T-1", 1250.0, JAN), purchase("T-2", 830.5, JAN + timedelta(days=62))]
    )
    wait_for(
        lambda: rpc.kpi.indicators("month")["periods"],
        lambda periods: (
            [row["I1_new_prospects"] for row in periods] == [6, 5, 5]
            and periods[0]["NPS"] is not None
            and periods[-1]["purchases"] == 1
        ),
    )
    rpc.kpi.set_target(by="lucia", indicator="I1_new_prospects", value=6, tolerance=1)
    rpc.kpi.set_target(by="lucia", indicator="NPS", value=50, tolerance=10, period="2026-01")
    rpc.kpi.check_targets()  # January's NPS is 0: out of range
    return f"http://{clientela_settings.dashboard_address}"


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1400,2400")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def screenshot(browser, name: str) -> None:
    folder = ARTIFACTS / "dashboard"
    folder.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(folder / f"{name}.png"))


def rendered(browser, chart_id: str) -> dict:
    """What plotly drew in ``chart_id``: its traces' names, x and y as plotly holds them,
    and how many data points it put in the page."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, WAIT_S).until(
        lambda b: b.execute_script(
            "const c = document.getElementById(arguments[0]);"
            "return !!(c && c._fullLayout && c.querySelector('.scatterlayer'));",
            chart_id,
        )
    )
    return browser.execute_script(
        "const chart = document.getElementById(arguments[0]);"
        "return {traces: chart.data.map(t => ({name: t.name, x: t.x, y: t.y, meta: t.meta})),"
        " points: chart.querySelectorAll('.scatterlayer .trace .points path').length};",
        chart_id,
    )


def trace(chart: dict, name: str) -> dict:
    """The series called ``name``: its name, x and y."""
    found = next(t for t in chart["traces"] if t["name"] == name)
    return {key: found[key] for key in ("name", "x", "y")}


def drawn(chart: dict, meta: str) -> list[tuple[list, list]]:
    """The x and y of the traces tagged ``meta`` (``target:NPS``, ``tolerance:NPS``)."""
    return [(t["x"], t["y"]) for t in chart["traces"] if t["meta"] == meta]


def download(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=WAIT_S) as answer:
        return answer.headers["Content-Type"], answer.read().decode()


def test_the_dashboard_draws_the_quarter_and_filters_change_the_charts(dashboard, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(f"{dashboard}/?by=month&from=2026-01-01&to=2026-04-01")

    assert browser.execute_script("return typeof Plotly") == "object"  # served by kpi itself
    script = browser.find_element(By.CSS_SELECTOR, "script[src*='plotly']")
    assert script.get_attribute("src").startswith(f"{dashboard}/plotly.min.js")
    prospects = rendered(browser, "chart-prospects")
    months = ["2026-01", "2026-02", "2026-03"]
    assert trace(prospects, "New prospects") == {
        "name": "New prospects",
        "x": months,
        "y": [6, 5, 5],
    }
    assert trace(prospects, "New prospects by source: fairs")["y"] == [4, 1, None]
    assert prospects["points"] >= 3 * 3  # every period of I1, by fairs, by webforms...
    assert drawn(prospects, "target:I1_new_prospects") == [(months, [6, 6, 6])]
    assert drawn(prospects, "tolerance:I1_new_prospects") == [(months, [5, 5, 5])]
    feedback = rendered(browser, "chart-feedback")
    assert trace(feedback, "Net Promoter Score")["y"] == [0.0, 100.0, None]
    assert drawn(feedback, "target:NPS") == [(["2026-01"], [50])]
    customers = rendered(browser, "chart-customers")
    assert trace(customers, "Purchase value: MXN")["y"] == [1250.0, None, 830.5]
    alerts = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#alerts tr.alert")]
    assert any(row.startswith("Net Promoter Score 2026-01 0.0 50.0 open") for row in alerts)
    screenshot(browser, "by-month")

    Select(browser.find_element(By.ID, "filter-source")).select_by_value("fairs")
    Select(browser.find_element(By.ID, "filter-by")).select_by_value("quarter")
    old = browser.find_element(By.ID, "chart-prospects")
    browser.find_element(By.ID, "apply").click()
    WebDriverWait(browser, WAIT_S).until(lambda b: not _attached(old))

    prospects = rendered(browser, "chart-prospects")
    by_source = [t["name"] for t in prospects["traces"] if "by source" in t["name"]]
    assert by_source == ["New prospects by source: fairs"]
    assert trace(prospects, "New prospects by source: fairs") == {
        "name": "New prospects by source: fairs",
        "x": ["2026-Q1"],
        "y": [5],
    }
    assert trace(prospects, "New prospects")["y"] == [16]
    assert drawn(prospects, "target:I1_new_prospects") == []  # a monthly target
    screenshot(browser, "by-quarter-fairs")

    kind, text = download(browser.find_element(By.ID, "download-csv").get_attribute("href"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert kind.startswith("text/csv")
    assert [(r["period"], r["I1_new_prospects"], r["I1_by_source.fairs"]) for r in rows] == [
        ("2026-Q1", "16", "5")
    ]
    assert not any(column.startswith("I1_by_source.webforms") for column in rows[0])
    kind, text = download(browser.find_element(By.ID, "download-json").get_attribute("href"))
    body = json.loads(text)
    assert kind == "application/json"
    assert body["filters"]["by"] == "quarter" and body["filters"]["source"] == "fairs"
    assert [row["I1_by_source"] for row in body["periods"]] == [{"fairs": 5}]


def test_bad_filters_get_a_page_saying_what_is_wrong(dashboard, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{dashboard}/?by=fortnight&from=2026-03-01")

    errors = browser.find_element(By.ID, "errors").text
    assert "by: Must be one of: day, week, month, quarter, year." in errors
    assert browser.find_elements(By.CSS_SELECTOR, ".plot") == []
    screenshot(browser, "bad-filter")
    with pytest.raises(urllib.error.HTTPError) as refused:
        download(f"{dashboard}/data.csv?by=month&to=yesterday")
    assert refused.value.code == 400
    assert json.load(refused.value)["errors"] == {"to": ["Not a valid datetime."]}


def _attached(element) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return False
    return True
