"""Complaints and suggestions: targets, running timers, breaches, and the period's figures.

Each category has a response target (the customer hears back) and a
resolution target; both timers start when the complaint is opened. A target
is breached at its due time when nothing met it by then. A resolution
answers the customer, so resolving also responds. The customer then confirms
the resolution, or rejects it and the complaint is open again.

Figures of a period P, over the complaints opened in P (suggestions are not
complaints): ``complaints``, ``complaints_breached`` (those that breached a
target by the time of reckoning), ``complaint_response_hours_median`` and
``complaint_resolution_hours_median`` (hours from opening, over those
responded or resolved by then).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from statistics import median

from clientela.checks import invalid, require_aware, require_optional_aware, require_text
from clientela.errors import Conflict
from clientela.periods import Period
from clientela.services.feedback.domain.checks import require_choice, require_not_before


class FeedbackKind(StrEnum):
    """A complaint asks for redress; a suggestion offers an idea."""

    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"


class Severity(StrEnum):
    """How badly the customer was let down."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class ComplaintStatus(StrEnum):
    """Where a complaint stands."""

    OPEN = "open"
    RESPONDED = "responded"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Deadline(StrEnum):
    """The two targets every complaint runs against."""

    RESPONSE = "response"
    RESOLUTION = "resolution"


@dataclass(frozen=True)
class ServiceTargets:
    """How soon a complaint is to be responded to and resolved."""

    respond_within: timedelta = timedelta(hours=24)
    resolve_within: timedelta = timedelta(days=5)

    def __post_init__(self) -> None:
        if self.respond_within <= timedelta(0):
            raise invalid("respond_within", "Must be positive.")
        if self.resolve_within < self.respond_within:
            raise invalid("resolve_within", "Must not be shorter than respond_within.")


@dataclass(frozen=True)
class CategoryTargets:
    """Targets per category, and those of every category not listed."""

    by_category: Mapping[str, ServiceTargets] = field(default_factory=dict)
    default: ServiceTargets = ServiceTargets()

    def for_category(self, category: str) -> ServiceTargets:
        """The targets of ``category``."""
        return self.by_category.get(category, self.default)


@dataclass(frozen=True)
class Complaint:
    """A complaint or suggestion, from any channel, the CLI or an import.

    ``customer_id`` None is an anonymous one (a suggestion-box slip). A
    ``resolved_at`` without ``responded_at`` counts as the response too.
    ``confirmed`` is the customer's word on the resolution: None until given.
    """

    complaint_ref: str
    customer_id: str | None
    kind: FeedbackKind
    category: str
    severity: Severity
    description: str
    opened_at: datetime
    owner: str | None = None
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str = ""
    confirmed: bool | None = None
    reopened: int = 0

    def __post_init__(self) -> None:
        require_text("complaint_ref", self.complaint_ref)
        if self.customer_id is not None:
            require_text("customer_id", self.customer_id)
        object.__setattr__(self, "kind", require_choice("kind", self.kind, FeedbackKind))
        require_text("category", self.category)
        object.__setattr__(self, "severity", require_choice("severity", self.severity, Severity))
        require_text("description", self.description)
        require_aware("opened_at", self.opened_at)
        require_optional_aware("responded_at", self.responded_at)
        require_optional_aware("resolved_at", self.resolved_at)
        if self.resolved_at is not None and self.responded_at is None:
            object.__setattr__(self, "responded_at", self.resolved_at)
        if self.responded_at is not None:
            require_not_before("responded_at", self.responded_at, self.opened_at, "opened_at")
        if self.resolved_at is not None and self.responded_at is not None:
            require_not_before("resolved_at", self.resolved_at, self.responded_at, "responded_at")
        if self.confirmed is not None and self.resolved_at is None:
            raise invalid("confirmed", "Only a resolution can be confirmed.")

    @property
    def status(self) -> ComplaintStatus:
        """Open, responded, resolved (awaiting the customer's word) or closed (confirmed)."""
        if self.confirmed:
            return ComplaintStatus.CLOSED
        if self.resolved_at is not None:
            return ComplaintStatus.RESOLVED
        if self.responded_at is not None:
            return ComplaintStatus.RESPONDED
        return ComplaintStatus.OPEN

    def assign(self, owner: str) -> Complaint:
        """The complaint owned by ``owner``; Conflict once closed."""
        require_text("owner", owner)
        if self.status is ComplaintStatus.CLOSED:
            raise Conflict(f"complaint {self.complaint_ref!r} is closed")
        return replace(self, owner=owner)

    def respond(self, at: datetime) -> Complaint:
        """The complaint answered at ``at``; Conflict when it already was."""
        require_aware("at", at)
        if self.responded_at is not None:
            raise Conflict(f"complaint {self.complaint_ref!r} was already responded to")
        require_not_before("at", at, self.opened_at, "opened_at")
        return replace(self, responded_at=at)

    def resolve(self, at: datetime, resolution: str) -> Complaint:
        """The complaint resolved at ``at`` as ``resolution``; Conflict when already resolved."""
        require_aware("at", at)
        require_text("resolution", resolution)
        if self.resolved_at is not None:
            raise Conflict(f"complaint {self.complaint_ref!r} is already resolved")
        require_not_before("at", at, self.responded_at or self.opened_at, "the response")
        return replace(self, resolved_at=at, resolution=resolution)

    def confirm(self, satisfied: bool) -> Complaint:
        """The customer's word on the resolution: closed if satisfied, open again if not.

        Conflict unless the complaint is resolved and awaiting that word, or
        when nobody can give it (an anonymous complaint).
        """
        if self.customer_id is None:
            raise Conflict(f"complaint {self.complaint_ref!r} is anonymous: nobody can confirm it")
        if self.status is not ComplaintStatus.RESOLVED:
            raise Conflict(f"complaint {self.complaint_ref!r} is {self.status}, not resolved")
        if satisfied:
            return replace(self, confirmed=True)
        return replace(self, resolved_at=None, resolution="", reopened=self.reopened + 1)


@dataclass(frozen=True)
class Timer:
    """One target's clock: running from ``started_at`` until ``stopped_at``, due at ``due_at``."""

    deadline: Deadline
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None

    def _stop(self, now: datetime) -> datetime | None:
        return self.stopped_at if self.stopped_at is not None and self.stopped_at <= now else None

    def elapsed(self, now: datetime) -> timedelta:
        """Time on the clock at ``now``: up to the stop, or to ``now`` while running."""
        return (self._stop(now) or now) - self.started_at

    def running(self, now: datetime) -> bool:
        """Whether the clock is still running at ``now``."""
        return self._stop(now) is None

    def breached(self, now: datetime) -> bool:
        """Whether, at ``now``, the target was missed: not met by ``due_at``."""
        stop = self._stop(now)
        return stop > self.due_at if stop is not None else now > self.due_at


def timers(complaint: Complaint, targets: CategoryTargets) -> tuple[Timer, Timer]:
    """The response and resolution timers of ``complaint`` under its category's targets."""
    service = targets.for_category(complaint.category)
    return (
        Timer(
            Deadline.RESPONSE,
            complaint.opened_at,
            complaint.opened_at + service.respond_within,
            complaint.responded_at,
        ),
        Timer(
            Deadline.RESOLUTION,
            complaint.opened_at,
            complaint.opened_at + service.resolve_within,
            complaint.resolved_at,
        ),
    )


@dataclass(frozen=True)
class Breach:
    """A target a complaint missed: which one, and when (its due time)."""

    complaint_ref: str
    deadline: Deadline
    breached_at: datetime


def breaches(complaint: Complaint, targets: CategoryTargets, now: datetime) -> list[Breach]:
    """The targets ``complaint`` has missed by ``now``, response first."""
    require_aware("now", now)
    return [
        Breach(complaint.complaint_ref, timer.deadline, timer.due_at)
        for timer in timers(complaint, targets)
        if timer.breached(now)
    ]


def _median_hours(durations: Iterable[timedelta]) -> float | None:
    hours = [duration.total_seconds() / 3600 for duration in durations]
    return round(median(hours), 2) if hours else None


def complaint_figures(
    complaints: Iterable[Complaint], targets: CategoryTargets, period: Period, as_of: datetime
) -> dict[str, float | int | None]:
    """The complaint figures of ``period`` as they stand at ``as_of``, by public name."""
    require_aware("as_of", as_of)
    opened = [c for c in complaints if c.kind is FeedbackKind.COMPLAINT and c.opened_at in period]
    clocks = [timers(c, targets) for c in opened]
    return {
        "complaints": len(opened),
        "complaints_breached": sum(
            1 for clock in clocks if any(timer.breached(as_of) for timer in clock)
        ),
        "complaint_response_hours_median": _median_hours(
            response.elapsed(as_of) for response, _ in clocks if not response.running(as_of)
        ),
        "complaint_resolution_hours_median": _median_hours(
            resolution.elapsed(as_of) for _, resolution in clocks if not resolution.running(as_of)
        ),
    }
