"""The dashboard's responses: the HTML page (Jinja2), its CSV and JSON downloads and the
plotly script it loads from the service itself, so that it works offline."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import asdict
from functools import cache
from typing import Any

import jinja2
import plotly
from plotly.offline import get_plotlyjs
from werkzeug.wrappers import Request, Response

from clientela import indicator_csv
from clientela.services.kpi.dashboard.charts import figure_data, section_figure
from clientela.services.kpi.dashboard.view import UNIT_LABELS, DashboardView, Filters
from clientela.vocabulary import KPI_GRANULARITIES

PLOTLY_PATH = "/plotly.min.js"
"""Where the page loads plotly's bundled script from."""

SCRIPT_MAX_AGE_S = 7 * 24 * 3600
"""How long a browser keeps the plotly script (its URL names plotly's version)."""

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("clientela.services.kpi.dashboard", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)


def page(view: DashboardView) -> Response:
    """The dashboard page of ``view``."""
    return _html(_render(view.filters, view=view, errors={}))


def refused_page(args: Mapping[str, str], errors: Mapping[str, Any]) -> Response:
    """A 400 page naming what is wrong in the query string ``args``, with the form to fix it."""
    filters = Filters(source=args.get("source") or None)
    return _html(_render(filters, view=None, errors=errors), status=400)


def _render(filters: Filters, view: DashboardView | None, errors: Mapping[str, Any]) -> str:
    charts = (
        [
            {
                "id": f"chart-{section.title.lower()}",
                "section": section,
                "figure": figure_data(section_figure(section, view.period_keys)),
            }
            for section in view.sections
            if section.series
        ]
        if view is not None
        else []
    )
    return _templates.get_template("dashboard.html").render(
        view=view,
        filters=filters,
        errors=errors,
        charts=charts,
        granularities=KPI_GRANULARITIES,
        units=UNIT_LABELS,
        plotly_src=f"{PLOTLY_PATH}?v={plotly.__version__}",
    )


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/html")


def csv_download(view: DashboardView) -> Response:
    """The periods shown, as ``clientela kpi --csv`` writes them, as a file to save."""
    text = io.StringIO()
    indicator_csv.write(view.periods, text)
    return _attachment(text.getvalue(), "text/csv", _file_name(view.filters, "csv"))


def json_download(view: DashboardView) -> Response:
    """The filters, the periods, the targets drawn and the open alerts shown, as JSON."""
    filters = view.filters
    body = {
        "filters": {
            "by": filters.granularity,
            "from": filters.form_value("from") or None,
            "to": filters.form_value("to") or None,
            "source": filters.source,
        },
        "periods": view.periods,
        "targets": [asdict(target) for section in view.sections for target in section.targets],
        "alerts": [asdict(alert) for alert in view.alerts],
    }
    return _attachment(
        json.dumps(body, default=str, indent=1),
        "application/json",
        _file_name(filters, "json"),
    )


def _attachment(body: str, mimetype: str, name: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _file_name(filters: Filters, extension: str) -> str:
    """``kpi-month.csv``, ``kpi-quarter-2026-01-01-2027-01-01.json``..."""
    parts = ["kpi", filters.granularity, filters.form_value("from"), filters.form_value("to")]
    name = "-".join(part for part in parts if part)
    return f"{name}.{extension}"


@cache
def _plotly_script() -> bytes:
    return get_plotlyjs().encode()


def plotly_script(request: Request) -> Response:
    """plotly's bundled script, cached by the browser (304 when it holds it already)."""
    response = Response(_plotly_script(), mimetype="application/javascript")
    response.headers["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE_S}"
    response.set_etag(f"plotly-{plotly.__version__}")
    return response.make_conditional(request)
