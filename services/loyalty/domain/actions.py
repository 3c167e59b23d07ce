"""SMART improvement actions (seed 002 section C).

An improvement group turns an opportunity into an action only when it passes
every SMART criterion, checked one by one: a refused action's error names
each criterion it fails. An action has an owner, a priority, a target
indicator with its target value and a due date (and the kpi alert it answers,
if any); it is closed with the indicator's value after, and the measured
effect against the value before, both measured over periods of the action's
``granularity``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from clientela.checks import invalid, require_aware, require_text
from clientela.errors import Conflict, InvalidInput
from clientela.periods import shift_months
from clientela.services.loyalty.domain.measures import DEFAULT_GRANULARITY, require_granularity

DEFAULT_HORIZON_MONTHS = 12
"""An action due further off than this is not time-bound in any useful sense."""


class Criterion(StrEnum):
    """The SMART criteria; each names the field of the error when it fails."""

    SPECIFIC = "specific"
    MEASURABLE = "measurable"
    ACHIEVABLE = "achievable"
    RELEVANT = "relevant"
    TIME_BOUND = "time_bound"


class Priority(StrEnum):
    """How soon the group means to act."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ActionState(StrEnum):
    """Whether the action is under way or closed with its effect."""

    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class SmartStatement:
    """The group's answer to the SMART questions time alone cannot answer.

    ``specific``: exactly what is done, where, for whom; ``measurable``: how
    the target indicator shows the effect; ``achievable``: why it is within
    reach, with which resources; ``relevant``: how it raises loyalty or
    satisfaction.
    """

    specific: str
    measurable: str
    achievable: str
    relevant: str


@dataclass(frozen=True)
class ImprovementAction:
    """An improvement action; build one with :func:`open_action`, which checks it."""

    action_id: str
    opportunity: str
    description: str
    statement: SmartStatement
    priority: Priority
    owner: str
    indicator: str
    target: Decimal
    opened_at: datetime
    due_at: datetime
    before: Decimal | None = None
    alert_id: str | None = None
    granularity: str = DEFAULT_GRANULARITY
    state: ActionState = ActionState.OPEN
    after: Decimal | None = None
    closed_at: datetime | None = None

    @property
    def effect(self) -> Decimal | None:
        """The change in the indicator, after minus before; None until closed."""
        if self.after is None or self.before is None:
            return None
        return self.after - self.before

    @property
    def target_met(self) -> bool | None:
        """Whether the value after reached the target, moving from the value before
        towards it; None until closed."""
        if self.after is None or self.before is None:
            return None
        if self.target >= self.before:
            return self.after >= self.target
        return self.after <= self.target

    def close(self, after: Decimal, at: datetime) -> ImprovementAction:
        """The action closed at ``at`` with the indicator's value ``after``.

        Closing again with the same value changes nothing; with another, Conflict.
        """
        _require_value("after", after)
        require_aware("at", at)
        if self.before is None:
            raise invalid("before", "The value before is needed to measure the effect.")
        if self.state is ActionState.CLOSED:
            if self.after == after:
                return self
            raise Conflict(f"action {self.action_id} is closed already (after: {self.after})")
        return replace(self, state=ActionState.CLOSED, after=after, closed_at=at)


def smart_problems(
    action: ImprovementAction,
    relevant_indicators: Collection[str] = (),
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
) -> dict[Criterion, str]:
    """What fails each SMART criterion; an empty mapping when the action passes them all.

    With ``relevant_indicators``, only those indicators are relevant targets.
    """
    said = action.statement
    problems: dict[Criterion, str] = {}
    if not _written(action.description) or not _written(said.specific):
        problems[Criterion.SPECIFIC] = "Say exactly what is done, where and for whom."
    elif _same_text(action.description, action.opportunity):
        problems[Criterion.SPECIFIC] = "The action restates the opportunity: say what is done."
    if not _written(action.indicator) or not _written(said.measurable):
        problems[Criterion.MEASURABLE] = "Name the indicator and how it shows the effect."
    elif action.before is not None and action.target == action.before:
        problems[Criterion.MEASURABLE] = (
            f"The target {action.target} is the value before: it measures no change."
        )
    if not _written(said.achievable):
        problems[Criterion.ACHIEVABLE] = "Say why the target is within reach, with what resources."
    if not _written(said.relevant):
        problems[Criterion.RELEVANT] = "Say how the action raises loyalty or satisfaction."
    elif relevant_indicators and action.indicator not in relevant_indicators:
        problems[Criterion.RELEVANT] = (
            f"{action.indicator} is not an indicator of the programme: "
            f"one of {', '.join(sorted(relevant_indicators))}."
        )
    if action.due_at <= action.opened_at:
        problems[Criterion.TIME_BOUND] = "The due date must come after the action is opened."
    elif action.due_at > shift_months(action.opened_at, horizon_months):
        problems[Criterion.TIME_BOUND] = f"Due within {horizon_months} months of opening."
    return problems


def open_action(
    action: ImprovementAction,
    relevant_indicators: Collection[str] = (),
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
) -> ImprovementAction:
    """``action`` once checked: its fields, then every SMART criterion.

    Raises InvalidInput naming each bad field and each criterion that fails.
    """
    require_text("action_id", action.action_id)
    require_text("opportunity", action.opportunity)
    require_text("owner", action.owner)
    try:
        Priority(action.priority)
    except ValueError:
        raise invalid("priority", f"Must be one of: {', '.join(Priority)}.") from None
    _require_value("target", action.target)
    if action.before is not None:
        _require_value("before", action.before)
    require_aware("opened_at", action.opened_at)
    require_aware("due_at", action.due_at)
    require_granularity(action.granularity)
    if action.alert_id is not None:
        require_text("alert_id", action.alert_id)
    problems = smart_problems(action, relevant_indicators, horizon_months)
    if problems:
        raise InvalidInput({str(criterion): [why] for criterion, why in problems.items()})
    return replace(action, priority=Priority(action.priority))


def _written(text: str) -> bool:
    return isinstance(text, str) and bool(text.strip())


def _same_text(one: str, other: str) -> bool:
    return " ".join(one.casefold().split()) == " ".join(other.casefold().split())


def _require_value(field: str, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise invalid(field, "Must be a finite decimal number.")
