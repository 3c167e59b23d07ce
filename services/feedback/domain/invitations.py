"""When a customer is invited to a survey, and why not: pure decisions.

Triggers: after a purchase or a delivered contract; at lifecycle moments (the
first purchase, the anniversary of becoming a customer, a complaint
resolved); the fixed panel, the same customers surveyed every period; and an
operator's request (``clientela surveys send``).
Event-driven triggers wait a quiet period so the survey arrives once the
experience is complete, not while it is still going on.

Every decision respects the customer's consent and suppression and a frequency
cap: no two invitations of one customer less than the cap apart (30 days by
default), counting invitations already sent and those scheduled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from clientela.checks import invalid, require_aware, require_text
from clientela.periods import Period, shift_months

DEFAULT_QUIET_PERIOD = timedelta(days=2)
DEFAULT_FREQUENCY_CAP = timedelta(days=30)


class Trigger(StrEnum):
    """What prompts an invitation."""

    PURCHASE = "purchase"
    CONTRACT_DELIVERED = "contract_delivered"
    FIRST_PURCHASE = "first_purchase"
    ANNIVERSARY = "anniversary"
    COMPLAINT_RESOLVED = "complaint_resolved"
    PANEL = "panel"
    REQUEST = "request"


QUIET_TRIGGERS = frozenset(
    {
        Trigger.PURCHASE,
        Trigger.CONTRACT_DELIVERED,
        Trigger.FIRST_PURCHASE,
        Trigger.COMPLAINT_RESOLVED,
    }
)
"""Triggers that follow an experience and so wait the quiet period."""


class Refusal(StrEnum):
    """Why a customer is not invited."""

    TRIGGER_OFF = "trigger_off"
    NO_CONSENT = "no_consent"
    SUPPRESSED = "suppressed"
    FREQUENCY_CAP = "frequency_cap"
    NOT_IN_PANEL = "not_in_panel"


@dataclass(frozen=True)
class InvitationPolicy:
    """The configurable part of the rules: quiet period, frequency cap, triggers in use."""

    quiet_period: timedelta = DEFAULT_QUIET_PERIOD
    frequency_cap: timedelta = DEFAULT_FREQUENCY_CAP
    triggers: frozenset[Trigger] = frozenset(Trigger)

    def __post_init__(self) -> None:
        if self.quiet_period < timedelta(0):
            raise invalid("quiet_period", "Must not be negative.")
        if self.frequency_cap < timedelta(0):
            raise invalid("frequency_cap", "Must not be negative.")


@dataclass(frozen=True)
class Recipient:
    """A customer as the invitation rules see them.

    ``consented``: they agreed to be surveyed; ``suppressed``: they must not
    be contacted (opted out, bounced, erased...); ``invited_at``: their
    invitations, sent or scheduled.
    """

    customer_id: str
    consented: bool
    suppressed: bool = False
    invited_at: tuple[datetime, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        require_text("customer_id", self.customer_id)
        for moment in self.invited_at:
            require_aware("invited_at", moment)

    def with_invitation(self, at: datetime) -> Recipient:
        """This recipient once invited at ``at``."""
        return Recipient(self.customer_id, self.consented, self.suppressed, (*self.invited_at, at))


@dataclass(frozen=True)
class Decision:
    """Whether to invite: when (``send_at``) if so, why not (``refusal``) otherwise."""

    customer_id: str
    trigger: Trigger
    send_at: datetime | None = None
    refusal: Refusal | None = None

    @property
    def invite(self) -> bool:
        """Whether an invitation is to be sent."""
        return self.refusal is None


def _conflicts(recipient: Recipient, at: datetime, cap: timedelta) -> list[datetime]:
    return [moment for moment in recipient.invited_at if abs(at - moment) < cap]


def _refusal(recipient: Recipient, trigger: Trigger, policy: InvitationPolicy) -> Refusal | None:
    if trigger not in policy.triggers:
        return Refusal.TRIGGER_OFF
    if recipient.suppressed:
        return Refusal.SUPPRESSED
    if not recipient.consented:
        return Refusal.NO_CONSENT
    return None


def decide(
    recipient: Recipient,
    trigger: Trigger,
    occurred_at: datetime,
    policy: InvitationPolicy = InvitationPolicy(),
) -> Decision:
    """Whether ``trigger``, which happened at ``occurred_at``, invites ``recipient``, and when.

    The invitation is due after the quiet period for triggers that follow an
    experience, at once otherwise. It is refused when the trigger is off, the
    customer is suppressed or has not consented, or another invitation is
    less than the frequency cap away from when this one would go.
    """
    require_aware("occurred_at", occurred_at)
    send_at = occurred_at + (policy.quiet_period if trigger in QUIET_TRIGGERS else timedelta(0))
    refusal = _refusal(recipient, trigger, policy)
    if refusal is None and _conflicts(recipient, send_at, policy.frequency_cap):
        refusal = Refusal.FREQUENCY_CAP
    if refusal is not None:
        return Decision(recipient.customer_id, trigger, refusal=refusal)
    return Decision(recipient.customer_id, trigger, send_at=send_at)


def transaction_trigger(earlier_purchases: int) -> Trigger:
    """A purchase is the customer's first purchase when none came before it."""
    return Trigger.FIRST_PURCHASE if earlier_purchases == 0 else Trigger.PURCHASE


def anniversary_in(customer_since: datetime, period: Period) -> datetime | None:
    """The anniversary of ``customer_since`` that falls in ``period``, if one does.

    Anniversaries start one year after ``customer_since``; one of a 29 February
    falls on 28 February in other years.
    """
    require_aware("customer_since", customer_since)
    for year in range(max(period.start.year, customer_since.year + 1), period.end.year + 1):
        moment = shift_months(customer_since, 12 * (year - customer_since.year))
        if moment in period:
            return moment
    return None


@dataclass(frozen=True)
class Panel:
    """A fixed sample of customers surveyed once in every period."""

    members: frozenset[str]

    def __post_init__(self) -> None:
        if not self.members:
            raise invalid("members", "A panel needs at least one customer.")


def _earliest_clear(recipient: Recipient, at: datetime, cap: timedelta) -> datetime:
    """The earliest instant from ``at`` at least ``cap`` away from every invitation."""
    for moment in sorted(recipient.invited_at):
        if abs(at - moment) < cap:
            at = moment + cap
    return at


def panel_invitations(
    panel: Panel,
    recipients: Iterable[Recipient],
    period: Period,
    policy: InvitationPolicy = InvitationPolicy(),
) -> list[Decision]:
    """This period's decision for every recipient, by ``panel`` membership.

    A member is invited at the start of the period, or as soon after as the
    frequency cap allows; refused only when that moment falls outside the
    period, or for consent or suppression. Recipients outside the panel are
    refused as ``not_in_panel``.
    """
    decisions = []
    for recipient in recipients:
        if recipient.customer_id not in panel.members:
            refusal: Refusal | None = Refusal.NOT_IN_PANEL
        else:
            refusal = _refusal(recipient, Trigger.PANEL, policy)
        if refusal is not None:
            decisions.append(Decision(recipient.customer_id, Trigger.PANEL, refusal=refusal))
            continue
        send_at = _earliest_clear(recipient, period.start, policy.frequency_cap)
        if send_at in period:
            decisions.append(Decision(recipient.customer_id, Trigger.PANEL, send_at=send_at))
        else:
            decisions.append(
                Decision(recipient.customer_id, Trigger.PANEL, refusal=Refusal.FREQUENCY_CAP)
            )
    return decisions
