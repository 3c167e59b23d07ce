"""Churn risk and its alarms (proactive retention, seed 003).

A customer's score adds up the warning signs listed in
:class:`ChurnSettings`, capped at 100, each with its reason. When the score
reaches the threshold an alarm is raised; it is acknowledged by whoever takes
it up, then closed with its outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from clientela.checks import invalid, require_aware, require_text
from clientela.errors import Conflict
from clientela.services.loyalty.domain.facts import Complaint, Purchase, SurveyAnswer, latest_answer
from clientela.services.loyalty.domain.validation import require_whole

MAX_SCORE = 100


class RiskSignal(StrEnum):
    """A warning sign that a customer may leave."""

    INACTIVE = "inactive"
    FEWER_PURCHASES = "fewer_purchases"
    LOWER_SPEND = "lower_spend"
    UNHAPPY_ANSWER = "unhappy_answer"
    OPEN_COMPLAINT = "open_complaint"
    BREACHED_COMPLAINT = "breached_complaint"


@dataclass(frozen=True)
class ChurnSettings:
    """The signals' weights and windows, and the score that raises an alarm.

    - inactive: no purchase (or, never having bought, no start as a customer)
      in ``inactive_days``;
    - fewer purchases / lower spend, for a customer not inactive: the last
      ``trend_days`` against the ``trend_days`` before, down by
      ``drop_percent`` or more;
    - unhappy answer: the latest answer of the last ``answer_days`` is a
      detractor's NPS (0-6) or a CSAT of 1 or 2;
    - complaints opened in the last ``complaint_days``: each open one, each
      breached one (a target missed, open or not), together at most
      ``complaints_cap``.
    """

    inactive_days: int = 90
    trend_days: int = 90
    drop_percent: int = 50
    answer_days: int = 180
    inactive_weight: int = 35
    fewer_purchases_weight: int = 20
    lower_spend_weight: int = 20
    unhappy_answer_weight: int = 25
    open_complaint_weight: int = 10
    breached_complaint_weight: int = 20
    complaints_cap: int = 40
    complaint_days: int = 365
    threshold: int = 50

    def __post_init__(self) -> None:
        for name in ("inactive_days", "trend_days", "answer_days"):
            require_whole(name, getattr(self, name), minimum=1)
        if not 0 < self.drop_percent <= 100:
            raise invalid("drop_percent", "Must be from 1 to 100.")
        if not 0 < self.threshold <= MAX_SCORE:
            raise invalid("threshold", f"Must be from 1 to {MAX_SCORE}.")


@dataclass(frozen=True)
class ChurnFacts:
    """What the score reads about one customer."""

    customer_id: str
    customer_since: datetime
    purchases: Sequence[Purchase] = ()
    answers: Sequence[SurveyAnswer] = ()
    complaints: Sequence[Complaint] = ()

    def __post_init__(self) -> None:
        require_text("customer_id", self.customer_id)
        require_aware("customer_since", self.customer_since)


@dataclass(frozen=True)
class RiskReason:
    """One signal found, what it adds to the score, and what was seen."""

    signal: RiskSignal
    points: int
    detail: str


@dataclass(frozen=True)
class ChurnRisk:
    """A customer's churn-risk score at ``as_of`` (0-100) and the reasons behind it."""

    customer_id: str
    score: int
    reasons: tuple[RiskReason, ...]
    as_of: datetime


def _fell(recent: Decimal, before: Decimal, drop_percent: int) -> bool:
    return before > 0 and (before - recent) * 100 >= before * drop_percent


def _activity_reasons(
    facts: ChurnFacts, as_of: datetime, settings: ChurnSettings
) -> list[RiskReason]:
    reasons = []
    last = max((p.at for p in facts.purchases if p.at <= as_of), default=None)
    idle_days = (as_of - (last or facts.customer_since)).days
    if idle_days >= settings.inactive_days:
        seen = f"last purchase {last.date().isoformat()}" if last else "no purchase yet"
        # The fall in frequency and spend that idleness causes is not counted again.
        return [
            RiskReason(
                RiskSignal.INACTIVE, settings.inactive_weight, f"{idle_days} days idle ({seen})"
            )
        ]
    span = timedelta(days=settings.trend_days)
    recent = [p for p in facts.purchases if as_of - span < p.at <= as_of]
    before = [p for p in facts.purchases if as_of - 2 * span < p.at <= as_of - span]
    if _fell(Decimal(len(recent)), Decimal(len(before)), settings.drop_percent):
        reasons.append(
            RiskReason(
                RiskSignal.FEWER_PURCHASES,
                settings.fewer_purchases_weight,
                f"{len(recent)} purchases in the last {settings.trend_days} days, "
                f"{len(before)} in the {settings.trend_days} before",
            )
        )
    spent_recent = sum((p.amount for p in recent), Decimal(0))
    spent_before = sum((p.amount for p in before), Decimal(0))
    if _fell(spent_recent, spent_before, settings.drop_percent):
        reasons.append(
            RiskReason(
                RiskSignal.LOWER_SPEND,
                settings.lower_spend_weight,
                f"spent {spent_recent} in the last {settings.trend_days} days, "
                f"{spent_before} in the {settings.trend_days} before",
            )
        )
    return reasons


def _answer_reasons(
    facts: ChurnFacts, as_of: datetime, settings: ChurnSettings
) -> list[RiskReason]:
    since = as_of - timedelta(days=settings.answer_days)
    latest = latest_answer(a for a in facts.answers if since < a.at <= as_of)
    if latest is None or not latest.unhappy:
        return []
    score = f"NPS {latest.nps}" if latest.nps is not None else f"CSAT {latest.csat}"
    detail = f"answered {score} on {latest.at.date().isoformat()}"
    return [RiskReason(RiskSignal.UNHAPPY_ANSWER, settings.unhappy_answer_weight, detail)]


def _complaint_reasons(
    facts: ChurnFacts, as_of: datetime, settings: ChurnSettings
) -> list[RiskReason]:
    reasons = []
    budget = settings.complaints_cap
    since = as_of - timedelta(days=settings.complaint_days)
    recent = [c for c in facts.complaints if c.opened_at is None or c.opened_at >= since]
    for complaint in sorted(recent, key=lambda c: not c.breached):
        if complaint.breached:
            signal, weight, state = (
                RiskSignal.BREACHED_COMPLAINT,
                settings.breached_complaint_weight,
                "breached",
            )
        elif complaint.open:
            signal, weight, state = (
                RiskSignal.OPEN_COMPLAINT,
                settings.open_complaint_weight,
                "open",
            )
        else:
            continue
        points = min(weight, budget)
        budget -= points
        if points:
            reasons.append(
                RiskReason(signal, points, f"complaint {complaint.complaint_id} {state}")
            )
    return reasons


def churn_risk(
    facts: ChurnFacts, as_of: datetime, settings: ChurnSettings = ChurnSettings()
) -> ChurnRisk:
    """The churn-risk score of ``facts.customer_id`` at ``as_of``, with its reasons."""
    require_aware("as_of", as_of)
    reasons = (
        _activity_reasons(facts, as_of, settings)
        + _answer_reasons(facts, as_of, settings)
        + _complaint_reasons(facts, as_of, settings)
    )
    score = min(sum(reason.points for reason in reasons), MAX_SCORE)
    return ChurnRisk(facts.customer_id, score, tuple(reasons), as_of)


class AlarmState(StrEnum):
    """Where an alarm is: raised, taken up by someone, or done with."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class AlarmOutcome(StrEnum):
    """How an alarm ended."""

    RETAINED = "retained"
    LOST = "lost"
    FALSE_ALARM = "false_alarm"
    CLEARED = "cleared"
    """The score fell below the threshold by itself."""


@dataclass(frozen=True)
class Alarm:
    """A churn-risk alarm: open -> acknowledged -> closed with an outcome.

    An open alarm may also be closed directly (when its risk clears before
    anyone takes it up). Acknowledging or closing again the same way changes
    nothing, so a repeated request is harmless.
    """

    alarm_id: str
    customer_id: str
    score: int
    reasons: tuple[RiskReason, ...]
    raised_at: datetime
    state: AlarmState = AlarmState.OPEN
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    outcome: AlarmOutcome | None = None
    closed_at: datetime | None = None

    def acknowledge(self, by: str, at: datetime) -> Alarm:
        """This alarm taken up by ``by`` at ``at``; Conflict once closed."""
        require_text("by", by)
        require_aware("at", at)
        if self.state is AlarmState.ACKNOWLEDGED:
            return self
        if self.state is AlarmState.CLOSED:
            raise Conflict(f"alarm {self.alarm_id} is closed ({self.outcome})")
        return replace(self, state=AlarmState.ACKNOWLEDGED, acknowledged_by=by, acknowledged_at=at)

    def close(self, outcome: AlarmOutcome | str, at: datetime) -> Alarm:
        """This alarm closed with ``outcome`` at ``at``; Conflict if closed with another one."""
        require_aware("at", at)
        try:
            ended = AlarmOutcome(outcome)
        except ValueError:
            choices = ", ".join(AlarmOutcome)
            raise invalid("outcome", f"Must be one of: {choices}.") from None
        if self.state is AlarmState.CLOSED:
            if self.outcome is ended:
                return self
            raise Conflict(f"alarm {self.alarm_id} is closed already ({self.outcome})")
        return replace(self, state=AlarmState.CLOSED, outcome=ended, closed_at=at)


def raise_alarm(alarm_id: str, risk: ChurnRisk) -> Alarm:
    """An open alarm ``alarm_id`` for ``risk``, raised when the risk was measured."""
    require_text("alarm_id", alarm_id)
    return Alarm(alarm_id, risk.customer_id, risk.score, risk.reasons, risk.as_of)


class AlarmDecision(StrEnum):
    """What a new score means for a customer's alarm."""

    RAISE = "raise"
    ALREADY_RAISED = "already_raised"
    CLEAR = "clear"
    NOTHING = "nothing"


def alarm_decision(
    risk: ChurnRisk, current: Alarm | None, settings: ChurnSettings = ChurnSettings()
) -> AlarmDecision:
    """Whether ``risk`` raises an alarm, finds one raised already (``current``, not closed),
    clears it (the score fell below the threshold), or calls for nothing."""
    live = current is not None and current.state is not AlarmState.CLOSED
    at_risk = risk.score >= settings.threshold
    if at_risk:
        return AlarmDecision.ALREADY_RAISED if live else AlarmDecision.RAISE
    return AlarmDecision.CLEAR if live else AlarmDecision.NOTHING
