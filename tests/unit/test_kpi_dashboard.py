"""The dashboard's data shaping: periods into series per section, filters, targets, downloads."""

import csv
import io
import json
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from clientela.errors import InvalidInput
from clientela.indicators import SECTIONS
from clientela.services.kpi.dashboard.charts import section_figure
from clientela.services.kpi.dashboard.page import csv_download, json_download, page, plotly_script
from clientela.services.kpi.dashboard.schemas import filters_from
from clientela.services.kpi.dashboard.view import (
    Alert,
    Filters,
    Target,
    build_view,
    narrowed,
    source_choices,
)
from clientela.services.kpi.domain import PeriodIndicators


def month(key: str, by_source: dict[str, int], **figures) -> dict:
    """A period as ``kpi.indicators`` reports it: prospects by source, other figures given."""
    row = PeriodIndicators(key).as_dict()
    row.update(
        I1_new_prospects=sum(by_source.values()),
        I1_by_source=by_source,
        **figures,
    )
    return row


REPORT = [
    month(
        "2026-01",
        {"fairs": 12, "webforms": 5},
        I3_completeness=71.25,
        NPS=35.0,
        purchase_value={"MXN": "5400.50"},
    ),
    month("2026-02", {"fairs": 7}, NPS=None, purchase_value={"MXN": "800.00", "USD": "120.00"}),
    month(
        "2026-03",
        {"referrals": 2, "webforms": 9},
        I3_completeness=64.0,
        NPS=52.5,
        purchase_value={},
    ),
]


def section(view, title):
    return next(s for s in view.sections if s.title == title)


def series(view, key):
    return next(s for sec in view.sections for s in sec.series if s.key == key)


def test_each_indicator_is_a_series_over_the_periods_in_its_catalogue_section():
    view = build_view(Filters(), REPORT)

    assert [s.title for s in view.sections] == list(SECTIONS)
    assert view.period_keys == ("2026-01", "2026-02", "2026-03")
    new = series(view, "I1_new_prospects")
    assert (new.label, new.periods, new.values) == (
        "New prospects",
        ("2026-01", "2026-02", "2026-03"),
        (17, 7, 11),
    )
    assert series(view, "NPS").values == (35.0, None, 52.5)
    assert series(view, "NPS") in section(view, "Feedback").series


def test_a_breakdown_is_a_series_per_part_with_gaps_where_a_period_lacks_it():
    view = build_view(Filters(), REPORT)

    assert series(view, "I1_by_source.fairs").values == (12, 7, None)
    assert series(view, "I1_by_source.referrals").label == "New prospects by source: referrals"
    assert series(view, "purchase_value.USD").values == (None, 120.0, None)
    assert series(view, "purchase_value.MXN").values == (5400.5, 800.0, None)


@pytest.mark.parametrize(
    ("granularity", "keys", "between"),
    [
        ("month", ["2025-11", "2026-02"], ["2025-11", "2025-12", "2026-01", "2026-02"]),
        ("quarter", ["2025-Q4", "2026-Q2"], ["2025-Q4", "2026-Q1", "2026-Q2"]),
        (
            "day",
            ["2026-02-27", "2026-03-02"],
            ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"],
        ),
        ("year", ["2024", "2026"], ["2024", "2025", "2026"]),
        ("week", ["2025-W52", "2026-W02"], ["2025-W52", "2026-W01", "2026-W02"]),
    ],
)
def test_periods_without_activity_are_on_the_axis_without_figures(granularity, keys, between):
    report = [month(keys[0], {"fairs": 3}), month(keys[1], {"fairs": 1})]

    view = build_view(Filters(granularity), report)

    assert view.period_keys == tuple(between)
    assert series(view, "I1_new_prospects").values == (3, *[None] * (len(between) - 2), 1)
    rows = list(csv.reader(io.StringIO(csv_download(view).get_data(as_text=True))))
    assert [row[:2] for row in rows[1:]] == [
        [keys[0], "3"],
        *[[key, ""] for key in between[1:-1]],
        [keys[1], "1"],
    ]


def test_the_axis_spans_the_range_asked_for():
    filters = filters_from({"by": "month", "from": "2025-12-15", "to": "2026-03-01"})

    view = build_view(filters, [month("2026-01", {"fairs": 2})])

    assert view.period_keys == ("2025-12", "2026-01", "2026-02")
    assert build_view(filters, []).period_keys == ()


def test_a_range_too_long_to_fill_spans_the_periods_with_activity():
    filters = filters_from({"by": "day", "from": "1900-01-01"})
    report = [month("2026-01-30", {"fairs": 2}), month("2026-02-01", {"fairs": 1})]

    view = build_view(filters, report)

    assert view.period_keys == ("2026-01-30", "2026-01-31", "2026-02-01")


def test_an_indicator_without_a_figure_in_any_period_is_not_drawn():
    view = build_view(Filters(), REPORT)

    drawn = {s.indicator.name for sec in view.sections for s in sec.series}
    assert "CSAT" not in drawn and "I2_median_hours" not in drawn
    assert "I1_by_fair" not in drawn  # no capture came from a fair
    assert section(view, "Prospects").units == ("count", "%")


def test_the_source_filter_keeps_that_source_only_in_figures_by_source():
    shown = narrowed(REPORT, "webforms")

    assert [row["I1_by_source"] for row in shown] == [{"webforms": 5}, {}, {"webforms": 9}]
    assert [row["I1_new_prospects"] for row in shown] == [17, 7, 11]
    assert narrowed(REPORT, None) == REPORT
    assert source_choices(REPORT) == ("fairs", "referrals", "webforms")


def test_a_filtered_view_offers_every_source_but_draws_the_chosen_one():
    view = build_view(Filters(source="fairs"), REPORT)

    assert view.sources == ("fairs", "referrals", "webforms")
    by_source = [s.key for s in section(view, "Prospects").series if s.part]
    assert by_source == ["I1_by_source.fairs"]


def test_filters_come_from_the_query_string_and_go_back_to_it():
    filters = filters_from({"by": "quarter", "from": "2026-01-01", "to": "", "source": "fairs"})

    assert filters == Filters("quarter", datetime(2026, 1, 1, tzinfo=UTC), None, "fairs")
    assert filters.query_string() == "by=quarter&from=2026-01-01&source=fairs"
    assert filters_from(dict(parse_qsl(filters.query_string()))) == filters
    assert filters_from({}) == Filters("month", None, None, None)


def test_a_time_that_is_not_midnight_goes_back_as_a_time():
    filters = filters_from({"from": "2026-01-01T09:30:00-06:00"})

    assert filters.form_value("from") == "2026-01-01T15:30:00+00:00"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"by": "fortnight"}, "by"),
        ({"from": "last tuesday"}, "from"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "to"),
        ({"source": "x" * 101}, "source"),
        ({"granularity": "month"}, "granularity"),
    ],
)
def test_bad_filters_are_refused_naming_the_parameter(args, field):
    with pytest.raises(InvalidInput) as refused:
        filters_from(args)

    assert field in refused.value.errors


@pytest.mark.parametrize(
    ("direction", "threshold"),
    [("higher", 75.0), ("lower", 85.0)],
)
def test_a_target_is_out_of_range_past_its_tolerance_on_the_worse_side(direction, threshold):
    assert Target("CCT", 80.0, 5.0, direction).threshold == threshold


def test_targets_are_drawn_on_the_chart_of_their_indicator_as_a_line_and_band():
    targets = [Target("I1_new_prospects", 10, 2, "higher"), Target("CSAT", 90, 5, "higher")]
    view = build_view(Filters(), REPORT, targets)

    prospects = section(view, "Prospects")
    assert prospects.targets == (targets[0],)  # CSAT has no figure: nothing to draw it on
    figure = section_figure(prospects, view.period_keys)
    band, line = (t for t in figure.data if (t.meta or "").endswith(":I1_new_prospects"))
    assert list(band.y) == [8, 8, 8] and list(line.y) == [10, 10, 10]
    assert line.fill == "tonexty"
    assert line.name == "Target: New prospects (>= 10, tolerance 2)"


def test_a_target_for_one_period_is_drawn_on_that_period_only():
    targets = [
        Target("NPS", 50.0, 10.0, "higher", "2026-03"),
        Target("NPS", 40.0, 5.0, "higher", "2025-12"),  # not shown
    ]
    view = build_view(Filters(), REPORT, targets)

    figure = section_figure(section(view, "Feedback"), view.period_keys)
    drawn = [t for t in figure.data if t.meta == "target:NPS"]
    assert len(drawn) == 1
    assert (list(drawn[0].x), list(drawn[0].y)) == (["2026-03"], [50.0])
    assert (list(drawn[0].error_y.arrayminus), list(drawn[0].error_y.array)) == ([10.0], [0.0])


def test_a_chart_has_a_plot_per_unit_with_the_series_titled_from_the_catalogue():
    view = build_view(Filters(), REPORT)

    figure = section_figure(section(view, "Customers"), view.period_keys)
    assert [a.text for a in figure.layout.annotations] == ["amount per currency"]
    assert [t.name for t in figure.data] == ["Purchase value: MXN", "Purchase value: USD"]
    assert list(figure.layout.xaxis.categoryarray) == ["2026-01", "2026-02", "2026-03"]


def test_the_csv_download_holds_exactly_the_periods_and_parts_shown():
    view = build_view(filters_from({"source": "webforms"}), REPORT)

    download = csv_download(view)
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert download.headers["Content-Disposition"] == 'attachment; filename="kpi-month.csv"'
    assert [row["period"] for row in rows] == ["2026-01", "2026-02", "2026-03"]
    assert [row["I1_by_source.webforms"] for row in rows] == ["5", "", "9"]
    assert "I1_by_source.fairs" not in rows[0]
    assert [row["NPS"] for row in rows] == ["35.0", "", "52.5"]


def test_the_json_download_holds_the_filters_periods_targets_and_alerts():
    targets = [Target("NPS", 50.0, 10.0, "higher")]
    alerts = [Alert("A-1", "NPS", "2026-01", 35.0, 50.0, "open")]
    view = build_view(filters_from({"by": "month", "from": "2026-01-01"}), REPORT, targets, alerts)

    body = json.loads(json_download(view).get_data())
    assert body["filters"] == {
        "by": "month",
        "from": "2026-01-01",
        "to": None,
        "source": None,
    }
    assert [row["I1_new_prospects"] for row in body["periods"]] == [17, 7, 11]
    target = {"indicator": "NPS", "value": 50.0, "tolerance": 10.0, "direction": "higher"}
    assert body["targets"] == [{**target, "period": None, "part": None}]
    assert body["alerts"][0]["alert_id"] == "A-1"


def test_the_page_lists_open_alerts_and_links_downloads_with_its_filters():
    alerts = [Alert("A-7", "CCT", "2026-02", 62.5, 90.0, "open")]
    view = build_view(filters_from({"by": "month", "source": "fairs"}), REPORT, (), alerts)

    html = page(view).get_data(as_text=True)
    assert 'href="/data.csv?by=month&amp;source=fairs"' in html
    assert "Contracts fulfilled on time (CCT)" in html and "A-7" in html
    assert 'id="chart-prospects"' in html and 'id="chart-loyalty"' not in html


def test_names_from_lead_data_cannot_break_out_of_the_page():
    report = [month("2026-01", {"</script><script>alert(1)</script>": 3})]

    html = page(build_view(Filters(), report)).get_data(as_text=True)
    assert "<script>alert(1)" not in html


def test_plotly_is_served_from_the_service_and_kept_by_the_browser():
    first = plotly_script(Request(EnvironBuilder(path="/plotly.min.js").get_environ()))
    again = plotly_script(
        Request(
            EnvironBuilder(
                path="/plotly.min.js", headers={"If-None-Match": first.headers["ETag"]}
            ).get_environ()
        )
    )

    assert first.status_code == 200 and b"plotly" in first.get_data()[:2000].lower()
    assert "max-age" in first.headers["Cache-Control"]
    assert again.status_code == 304
