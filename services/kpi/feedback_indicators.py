"""Feedback indicators of a period in plain Python (UTC throughout).

Survey answers count in the period they were given, signed ones only (as
feedback scores them): ``CSAT`` is the % of CSAT answers (1-5) of 4 or 5 and
``CSAT_mean`` their mean; ``CES_mean`` the mean of the CES answers (1-7).
``SC`` is the % of the customers surveyed in the period (a CSAT or NPS
answer) whose latest such answer is satisfied: CSAT 4 or more, NPS 7 or more
(a promoter or a passive); ``I6`` is SC over captive customers only.
``SERVQUAL_gap_<dimension>`` is the mean of the dimension's item gaps
(perception - expectation), each item's gap averaged over the period's
answers; ``SERVQUAL_weighted`` the mean of each answer's gaps weighted by the
importance its customer gave (:func:`clientela.figures.weighted_gap`).

Complaints count in the period they were opened (suggestions are not
complaints): ``complaints``, ``complaints_breached`` (those announced as
having missed a target), and the median hours from opening to the first
response and to the latest resolution, over those responded to or resolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean
from typing import Any, NamedTuple

from clientela import figures
from clientela.services.kpi.domain import (
    hours_between,
    latest_by_customer,
    median,
    net_promoter_score,
)

SURVEY_SCALES = ("csat", "ces")
"""The scored survey questions counted from ``survey_responded``, each a kind of fact."""

SERVQUAL = "servqual"
"""The SERVQUAL question, counted from ``survey_responded`` as a kind of fact."""

CSAT_SATISFIED = 4
"""The least CSAT answer that counts as satisfied (CSAT, SC)."""

NPS_SATISFIED = ("promoter", "passive")
"""The NPS categories that count as satisfied in SC: a score of 7 or more."""


class ScoredAnswer(NamedTuple):
    """One signed answer to a scored question, in the period of the requested granularity."""

    period: str
    customer: str
    answered_at: datetime
    score: int


class Satisfaction(NamedTuple):
    """Whether a customer's answer (CSAT or NPS) given at ``answered_at`` is satisfied."""

    period: str
    customer: str
    answered_at: datetime
    satisfied: bool


class ServqualAnswer(NamedTuple):
    """One signed SERVQUAL answer: its ``ratings`` (``item``, ``dimension``,
    ``expectation``, ``perception``) and ``importance`` points per dimension."""

    period: str
    ratings: Sequence[Mapping[str, Any]]
    importance: Mapping[str, int]


@dataclass
class PeriodServqual:
    """The SERVQUAL answers of one period: each item's gaps, each answer's weighted gap."""

    item_gaps: dict[int, list[int]] = field(default_factory=dict)
    item_dimension: dict[int, str] = field(default_factory=dict)
    weighted_gaps: list[float] = field(default_factory=list)

    def count(self, answer: ServqualAnswer) -> None:
        """Add the gaps of ``answer``'s ratings, and its importance-weighted gap."""
        dimension_gaps: dict[str, list[int]] = {}
        for rating in answer.ratings:
            gap = rating["perception"] - rating["expectation"]
            self.item_gaps.setdefault(rating["item"], []).append(gap)
            self.item_dimension[rating["item"]] = rating["dimension"]
            dimension_gaps.setdefault(rating["dimension"], []).append(gap)
        means = {dimension: fmean(gaps) for dimension, gaps in dimension_gaps.items()}
        weighted = figures.weighted_gap(means, answer.importance)
        if weighted is not None:
            self.weighted_gaps.append(weighted)

    def as_dict(self) -> dict[str, object]:
        """The gap of each dimension and the weighted gap under their public names."""
        by_dimension: dict[str, list[float]] = {}
        for item, gaps in self.item_gaps.items():
            by_dimension.setdefault(self.item_dimension[item], []).append(fmean(gaps))
        return {
            **{
                f"SERVQUAL_gap_{dimension}": figures.mean(by_dimension.get(dimension, []))
                for dimension in figures.SERVQUAL_DIMENSIONS
            },
            "SERVQUAL_weighted": figures.mean(self.weighted_gaps),
        }


@dataclass
class PeriodSurveys:
    """The survey answers of one period: each customer's latest NPS category and latest
    satisfaction in it, the scored answers and the SERVQUAL answers."""

    nps_latest_categories: list[str] = field(default_factory=list)
    scores: dict[str, list[int]] = field(default_factory=lambda: {s: [] for s in SURVEY_SCALES})
    satisfied: dict[str, bool] = field(default_factory=dict)
    servqual: PeriodServqual = field(default_factory=PeriodServqual)

    def as_dict(self) -> dict[str, object]:
        """NPS and its respondents, CSAT, CSAT_mean, CES_mean, SC and the SERVQUAL gaps."""
        csat = self.scores["csat"]
        return {
            "nps_respondents": len(self.nps_latest_categories),
            "NPS": net_promoter_score(self.nps_latest_categories),
            "CSAT": figures.percentage(sum(s >= CSAT_SATISFIED for s in csat), len(csat)),
            "CSAT_mean": figures.mean(csat),
            "CES_mean": figures.mean(self.scores["ces"]),
            "SC": _satisfied_share(self.satisfied.values()),
            **self.servqual.as_dict(),
        }


def captive_satisfaction(
    satisfied: Mapping[str, bool], captive: Mapping[str, datetime], end: datetime
) -> float | None:
    """I6: SC over the customers ``satisfied`` or not in a period who are ``captive``
    customers (by when they were created) created before its ``end``."""
    return _satisfied_share(
        kept
        for customer, kept in satisfied.items()
        if customer in captive and captive[customer] < end
    )


def latest_satisfaction(answers: Iterable[Satisfaction]) -> dict[str, dict[str, bool]]:
    """Per period, whether each customer's latest CSAT or NPS answer in it is satisfied."""
    periods: dict[str, dict[str, bool]] = {}
    for (period, customer), satisfied in latest_by_customer(answers).items():
        periods.setdefault(period, {})[customer] = satisfied
    return periods


def _satisfied_share(satisfied: Iterable[bool]) -> float | None:
    """% of the customers counted who are satisfied; None when nobody was surveyed."""
    counted = list(satisfied)
    return figures.percentage(sum(counted), len(counted))


class ComplaintFact(NamedTuple):
    """One counting complaint, in the period of the requested granularity it was opened in."""

    period: str
    opened_at: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    breached: bool


@dataclass
class PeriodComplaints:
    """The complaints opened in one period."""

    opened: int = 0
    breached: int = 0
    response_hours: list[float] = field(default_factory=list)
    resolution_hours: list[float] = field(default_factory=list)

    def count(self, complaint: ComplaintFact) -> None:
        """Add ``complaint``, its breach and how long it took to respond and resolve."""
        self.opened += 1
        self.breached += complaint.breached
        if complaint.responded_at is not None:
            self.response_hours.append(hours_between(complaint.opened_at, complaint.responded_at))
        if complaint.resolved_at is not None:
            self.resolution_hours.append(hours_between(complaint.opened_at, complaint.resolved_at))

    def as_dict(self) -> dict[str, object]:
        """The complaint figures under their public names."""
        return {
            "complaints": self.opened,
            "complaints_breached": self.breached,
            "complaint_response_hours_median": median(self.response_hours),
            "complaint_resolution_hours_median": median(self.resolution_hours),
        }
