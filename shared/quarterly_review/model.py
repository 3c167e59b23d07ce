"""What the quarterly management-review report shows, built from explicit inputs.

:class:`ReviewInputs` holds everything the document shows, as the services give it
(kpi's indicators and trends, kpi's targets, external references and alerts, loyalty's
SMART actions); :func:`build_review` arranges it into a :class:`QuarterlyReview` that
the template renders. Nothing here reaches a service: the application layer gathers
the inputs (``clientela kpi report``), and a missing input shows as missing ("no target
set"), never as an invented figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from clientela.indicators import INDICATORS, SECTIONS, Better, Indicator
from clientela.periods import Period, parse_period


@dataclass(frozen=True)
class ReviewInputs:
    """Everything the report of ``quarter`` (``2026-Q4``) shows, as the services give it.

    - ``indicators``: the quarter's row of kpi's ``indicators("quarter", ...)``
      (``{"period": "2026-Q4", name: figure}``), None when kpi reported nothing;
    - ``trends``: kpi's ``trends(None, "quarter", ...)`` rows of the quarter;
    - ``actions``: loyalty's ``actions()`` (SMART improvement actions);
    - ``targets``: kpi's targets, ``{"indicator", "target", "tolerance", "direction",
      "period" (None: every period), "segment" (empty: the whole company)}``;
    - ``references``: external reference values, ``{"indicator", "label", "value",
      "period"}`` (a sector benchmark, last year's audit);
    - ``alerts``: kpi's ``indicator_out_of_range`` alerts of the quarter (see
      ``docs/events.md``), with ``state`` and the ``action_id`` linked to them, if any.
    """

    quarter: str
    generated_at: datetime
    indicators: Mapping[str, Any] | None
    trends: Sequence[Mapping[str, Any]] = ()
    actions: Sequence[Mapping[str, Any]] = ()
    targets: Sequence[Mapping[str, Any]] = ()
    references: Sequence[Mapping[str, Any]] = ()
    alerts: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class TrendFigures:
    """One indicator's (or breakdown part's) trend in the quarter, as kpi computed it."""

    part: str | None
    previous: float | None
    change: float | None
    change_pct: float | None
    year_ago: float | None
    change_year: float | None
    change_year_pct: float | None
    rolling_mean: float | None
    window: int


@dataclass(frozen=True)
class Target:
    """The value an indicator should reach: at least ``target - tolerance`` when higher is
    better, at most ``target + tolerance`` when lower is."""

    target: float
    tolerance: float
    direction: Better
    period: str | None = None

    def holds(self, value: float) -> bool:
        """Whether ``value`` is within this target's range."""
        if self.direction is Better.HIGHER:
            return value >= self.target - self.tolerance
        return value <= self.target + self.tolerance


@dataclass(frozen=True)
class Reference:
    """An external value to compare an indicator with: a sector benchmark, an audit."""

    label: str
    value: float
    period: str | None = None


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of the quarter: its value, trend, target and references."""

    indicator: Indicator
    value: Any
    trends: list[TrendFigures]
    target: Target | None
    within: bool | None
    references: list[Reference]

    @property
    def has_value(self) -> bool:
        """Whether kpi gave the indicator a value this quarter (an empty breakdown is none)."""
        return self.value is not None and self.value != {}


@dataclass(frozen=True)
class Section:
    """The indicators of one catalogue section (Prospects, Feedback, ...)."""

    title: str
    lines: list[IndicatorLine]


@dataclass(frozen=True)
class Action:
    """A SMART improvement action and its measured effect (before, after)."""

    action_id: str
    indicator: str
    description: str
    owner: str
    state: str
    target: str
    before: str | None
    after: str | None
    effect: str | None
    target_met: bool | None
    due_at: str
    alert_id: str | None = None


@dataclass(frozen=True)
class Alert:
    """An out-of-range alert of the quarter and the action plan linked to it, if any."""

    alert_id: str
    indicator: Indicator
    period: str
    value: float | None
    target: float
    tolerance: float
    direction: str
    state: str
    action: Action | None
    action_id: str | None


@dataclass(frozen=True)
class QuarterlyReview:
    """The document: the quarter, its indicators by section, its alerts, the actions."""

    quarter: Period
    generated_at: datetime
    reported: bool
    sections: list[Section]
    alerts: list[Alert]
    actions: list[Action]
    targets_given: bool = False
    references_given: bool = False

    @property
    def last_day(self) -> datetime:
        """The quarter's last day (its end is the next quarter's first instant)."""
        return self.quarter.end - timedelta(days=1)


def build_review(inputs: ReviewInputs) -> QuarterlyReview:
    """The report of ``inputs.quarter``: every catalogue indicator by section, with what
    the inputs hold about it, the quarter's alerts with their action plans, and every action.
    """
    quarter = parse_period(inputs.quarter)
    row = inputs.indicators or {}
    actions = [_action(action) for action in inputs.actions]
    lines = [_line(name, row, inputs, quarter) for name in INDICATORS]
    return QuarterlyReview(
        quarter=quarter,
        generated_at=inputs.generated_at,
        reported=inputs.indicators is not None,
        sections=[
            Section(title, [line for line in lines if line.indicator.section == title])
            for title in SECTIONS
        ],
        alerts=[
            _alert(alert, actions)
            for alert in inputs.alerts
            if alert["period"] == quarter.key and alert["indicator"] in INDICATORS
        ],
        actions=actions,
        targets_given=bool(inputs.targets),
        references_given=bool(inputs.references),
    )


def _line(
    name: str, row: Mapping[str, Any], inputs: ReviewInputs, quarter: Period
) -> IndicatorLine:
    value = row.get(name)
    target = quarter_target(name, inputs.targets, quarter)
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return IndicatorLine(
        indicator=INDICATORS[name],
        value=value,
        trends=[
            _trend(trend)
            for trend in inputs.trends
            if trend["indicator"] == name and trend["period"] == quarter.key
        ],
        target=target,
        within=None if target is None or number is None else target.holds(number),
        references=[
            Reference(reference["label"], float(reference["value"]), reference.get("period"))
            for reference in inputs.references
            if reference["indicator"] == name
        ],
    )


def quarter_target(
    name: str, targets: Sequence[Mapping[str, Any]], quarter: Period
) -> Target | None:
    """The company-wide target of ``name`` for the quarter: the one set for that quarter,
    else the one set for every period; None when neither is set."""
    company_wide = [t for t in targets if t["indicator"] == name and not t.get("segment")]
    for wanted in (quarter.key, None):
        for target in company_wide:
            if target.get("period") == wanted:
                return Target(
                    float(target["target"]),
                    float(target.get("tolerance") or 0),
                    Better(target["direction"]),
                    wanted,
                )
    return None


def _trend(trend: Mapping[str, Any]) -> TrendFigures:
    return TrendFigures(
        part=trend["part"],
        previous=trend["previous"],
        change=trend["change"],
        change_pct=trend["change_pct"],
        year_ago=trend["year_ago"],
        change_year=trend["change_year"],
        change_year_pct=trend["change_year_pct"],
        rolling_mean=trend["rolling_mean"],
        window=trend["window"],
    )


def _action(action: Mapping[str, Any]) -> Action:
    return Action(
        action_id=action["id"],
        indicator=action["indicator"],
        description=action["description"],
        owner=action["owner"],
        state=action["state"],
        target=action["target"],
        before=action.get("before"),
        after=action.get("after"),
        effect=action.get("effect"),
        target_met=action.get("target_met"),
        due_at=action["due_at"],
        alert_id=action.get("alert_id"),
    )


def _alert(alert: Mapping[str, Any], actions: Sequence[Action]) -> Alert:
    """An alert with its action plan: the action kpi linked it to (``action_id``), or the
    one loyalty opened to answer it (its ``alert_id``)."""
    action_id = alert.get("action_id")
    plan = next(
        (
            action
            for action in actions
            if action.action_id == action_id or action.alert_id == alert["alert_id"]
        ),
        None,
    )
    return Alert(
        alert_id=alert["alert_id"],
        indicator=INDICATORS[alert["indicator"]],
        period=alert["period"],
        value=alert.get("value"),
        target=float(alert["target"]),
        tolerance=float(alert["tolerance"]),
        direction=alert["direction"],
        state=alert.get("state", "open"),
        action=plan,
        action_id=action_id or (plan.action_id if plan else None),
    )
