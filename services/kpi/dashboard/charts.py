"""The dashboard's charts, drawn with plotly: one figure per section of indicators.

A section's indicators are drawn over the periods shown, one stacked plot per
unit (counts, %, hours...) sharing the period axis, so that no two units share
a scale. A target is a dashed line at its value with a shaded band down (or
up) to the threshold its tolerance allows; a target for one period is a
diamond on that period with the band as its error bar.
"""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from clientela.indicators import INDICATORS
from clientela.services.kpi.dashboard.view import UNIT_LABELS, Section, Series, Target

PLOT_HEIGHT_PX = 260
"""Height of each unit's plot within a section's chart."""

TARGET_COLOUR = "rgba(200, 30, 30, 0.9)"
BAND_COLOUR = "rgba(200, 30, 30, 0.12)"


def section_figure(section: Section, periods: tuple[str, ...]) -> go.Figure:
    """The chart of ``section`` over ``periods`` (keys, oldest first)."""
    units = section.units
    figure = make_subplots(
        rows=max(len(units), 1),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12 / max(len(units), 1),
        subplot_titles=[UNIT_LABELS.get(unit, unit) for unit in units],
    )
    for series in section.series:
        figure.add_trace(_line(series), row=units.index(series.indicator.unit) + 1, col=1)
    for target in section.targets:
        row = units.index(INDICATORS[target.indicator].unit) + 1
        for trace in _target_traces(target, periods):
            figure.add_trace(trace, row=row, col=1)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=list(periods))
    figure.update_layout(
        title={"text": section.title},
        height=120 + PLOT_HEIGHT_PX * max(len(units), 1),
        margin={"l": 60, "r": 20, "t": 80, "b": 40},
        legend={"orientation": "v", "x": 1.02, "y": 1, "traceorder": "grouped"},
        hovermode="x unified",
    )
    return figure


def _line(series: Series) -> go.Scatter:
    unit = series.indicator.unit
    return go.Scatter(
        x=list(series.periods),
        y=list(series.values),
        name=series.label,
        meta=series.key,
        mode="lines+markers",
        connectgaps=False,
        legendgroup=unit,
        legendgrouptitle={"text": UNIT_LABELS.get(unit, unit)},
        hovertemplate=f"%{{y}} {UNIT_LABELS.get(unit, unit)}<extra>{series.label}</extra>",
    )


def _target_traces(target: Target, periods: tuple[str, ...]) -> list[go.Scatter]:
    """The traces drawing ``target`` on ``periods``; none when its period is not shown."""
    title = INDICATORS[target.indicator].title + (f": {target.part}" if target.part else "")
    name = f"Target: {title} ({_bound(target)})"
    if target.period is not None:
        if target.period not in periods:
            return []
        low, high = sorted((target.value, target.threshold))
        return [
            go.Scatter(
                x=[target.period],
                y=[target.value],
                name=name,
                meta=f"target:{target.key}",
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": TARGET_COLOUR},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [high - target.value],
                    "arrayminus": [target.value - low],
                    "color": TARGET_COLOUR,
                },
            )
        ]
    every = list(periods)
    threshold = go.Scatter(
        x=every,
        y=[target.threshold] * len(every),
        name=f"Tolerance: {title}",
        meta=f"tolerance:{target.key}",
        mode="lines",
        line={"width": 0},
        showlegend=False,
        hoverinfo="skip",
    )
    line = go.Scatter(
        x=every,
        y=[target.value] * len(every),
        name=name,
        meta=f"target:{target.key}",
        mode="lines",
        line={"dash": "dash", "color": TARGET_COLOUR},
        fill="tonexty",
        fillcolor=BAND_COLOUR,
    )
    return [threshold, line]


def _bound(target: Target) -> str:
    """``>= 80 (tolerance 5)``: which side of the target is good, and the tolerance."""
    side = ">=" if target.direction == "higher" else "<="
    return f"{side} {target.value:g}, tolerance {target.tolerance:g}"


def figure_data(figure: go.Figure) -> dict[str, Any]:
    """The figure as ``Plotly.newPlot`` takes it, ``{"data": [...], "layout": {...}}``, in
    plain JSON types."""
    return json.loads(figure.to_json())
