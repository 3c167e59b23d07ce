"""Complaints: targets per category, running timers, breaches, states and the period's figures."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.errors import Conflict, InvalidInput
from clientela.periods import Period
from clientela.services.feedback.domain.complaints import (
    Breach,
    CategoryTargets,
    Complaint,
    ComplaintStatus,
    Deadline,
    FeedbackKind,
    ServiceTargets,
    Severity,
    breaches,
    complaint_figures,
    timers,
)

HOUR = timedelta(hours=1)
OPENED = datetime(2026, 3, 10, 9, tzinfo=UTC)
TARGETS = CategoryTargets(
    by_category={"delivery": ServiceTargets(respond_within=4 * HOUR, resolve_within=48 * HOUR)}
)
MARCH = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))


def complaint(
    ref: str = "c1",
    category: str = "delivery",
    opened_at: datetime = OPENED,
    kind: FeedbackKind = FeedbackKind.COMPLAINT,
    customer_id: str | None = "ana",
    **changes,
) -> Complaint:
    return Complaint(
        complaint_ref=ref,
        customer_id=customer_id,
        kind=kind,
        category=category,
        severity=Severity.HIGH,
        description="The order arrived broken.",
        opened_at=opened_at,
        **changes,
    )


def test_targets_are_per_category_with_a_default_for_the_rest():
    assert TARGETS.for_category("delivery").respond_within == 4 * HOUR
    assert TARGETS.for_category("billing") == ServiceTargets(24 * HOUR, timedelta(days=5))


def test_targets_must_be_positive_and_resolution_no_sooner_than_response():
    with pytest.raises(InvalidInput) as no_time:
        ServiceTargets(respond_within=timedelta(0))
    with pytest.raises(InvalidInput) as backwards:
        ServiceTargets(respond_within=48 * HOUR, resolve_within=24 * HOUR)

    assert list(no_time.value.errors) == ["respond_within"]
    assert list(backwards.value.errors) == ["resolve_within"]


def test_a_complaint_met_on_time_has_no_breach():
    # Responded after 3 hours (target 4), resolved after exactly 48 (target 48).
    met = complaint(responded_at=OPENED + 3 * HOUR, resolved_at=OPENED + 48 * HOUR)

    assert breaches(met, TARGETS, OPENED + 100 * HOUR) == []


def test_a_late_response_is_breached_at_its_due_time():
    late = complaint(responded_at=OPENED + 5 * HOUR)

    assert breaches(late, TARGETS, OPENED + 6 * HOUR) == [
        Breach("c1", Deadline.RESPONSE, OPENED + 4 * HOUR)
    ]


def test_a_running_timer_breaches_once_its_due_time_passes():
    waiting = complaint(category="billing")

    assert breaches(waiting, TARGETS, OPENED + 24 * HOUR) == []
    assert breaches(waiting, TARGETS, OPENED + 25 * HOUR) == [
        Breach("c1", Deadline.RESPONSE, OPENED + 24 * HOUR)
    ]
    assert [b.deadline for b in breaches(waiting, TARGETS, OPENED + 6 * 24 * HOUR)] == [
        Deadline.RESPONSE,
        Deadline.RESOLUTION,
    ]


def test_timers_run_until_stopped():
    responded = complaint(responded_at=OPENED + 3 * HOUR)
    response, resolution = timers(responded, TARGETS)
    now = OPENED + 10 * HOUR

    assert (response.deadline, response.due_at) == (Deadline.RESPONSE, OPENED + 4 * HOUR)
    assert not response.running(now)
    assert response.elapsed(now) == 3 * HOUR
    assert resolution.running(now)
    assert resolution.elapsed(now) == 10 * HOUR


def test_a_timer_read_before_its_stop_is_still_running():
    response, _ = timers(complaint(responded_at=OPENED + 3 * HOUR), TARGETS)

    assert response.running(OPENED + HOUR)
    assert response.elapsed(OPENED + HOUR) == HOUR


def test_a_complaint_goes_from_open_to_closed_with_the_customers_confirmation():
    opened = complaint()
    owned = opened.assign("luz")
    responded = owned.respond(OPENED + HOUR)
    resolved = responded.resolve(OPENED + 20 * HOUR, "Replaced the item.")
    closed = resolved.confirm(satisfied=True)

    assert [c.status for c in (opened, responded, resolved, closed)] == [
        ComplaintStatus.OPEN,
        ComplaintStatus.RESPONDED,
        ComplaintStatus.RESOLVED,
        ComplaintStatus.CLOSED,
    ]
    assert closed.owner == "luz"
    assert closed.resolution == "Replaced the item."


def test_resolving_without_a_response_responds_too():
    resolved = complaint().resolve(OPENED + 2 * HOUR, "Refunded.")

    assert resolved.responded_at == OPENED + 2 * HOUR
    assert complaint(resolved_at=OPENED + 2 * HOUR).responded_at == OPENED + 2 * HOUR


def test_a_customer_rejecting_the_resolution_opens_the_complaint_again():
    resolved = complaint().resolve(OPENED + 2 * HOUR, "Refunded.")

    reopened = resolved.confirm(satisfied=False)

    assert reopened.status is ComplaintStatus.RESPONDED
    assert reopened.reopened == 1
    assert reopened.resolved_at is None
    resolution_timer = timers(reopened, TARGETS)[1]
    assert resolution_timer.running(OPENED + 100 * HOUR)


@pytest.mark.parametrize(
    "step",
    [
        lambda c: c.respond(OPENED + HOUR).respond(OPENED + 2 * HOUR),
        lambda c: c.resolve(OPENED + HOUR, "Done.").resolve(OPENED + 2 * HOUR, "Again."),
        lambda c: c.confirm(satisfied=True),
        lambda c: c.resolve(OPENED + HOUR, "Done.").confirm(True).assign("luz"),
    ],
    ids=["respond twice", "resolve twice", "confirm unresolved", "assign closed"],
)
def test_illegal_transitions_are_conflicts(step):
    with pytest.raises(Conflict):
        step(complaint())


def test_an_anonymous_complaint_cannot_be_confirmed():
    anonymous = complaint(customer_id=None).resolve(OPENED + HOUR, "Fixed the lamp.")

    with pytest.raises(Conflict, match="anonymous"):
        anonymous.confirm(satisfied=True)


def test_times_before_what_they_follow_are_refused_naming_the_field():
    with pytest.raises(InvalidInput) as early_response:
        complaint().respond(OPENED - HOUR)
    with pytest.raises(InvalidInput) as resolved_before_response:
        complaint(responded_at=OPENED + 5 * HOUR, resolved_at=OPENED + 4 * HOUR)
    with pytest.raises(InvalidInput) as naive:
        complaint(opened_at=datetime(2026, 3, 10, 9))

    assert list(early_response.value.errors) == ["at"]
    assert list(resolved_before_response.value.errors) == ["resolved_at"]
    assert list(naive.value.errors) == ["opened_at"]


def test_kind_and_severity_may_come_as_text_and_are_checked():
    from_import = Complaint("c9", "ana", "suggestion", "shop", "low", "More parking.", OPENED)

    assert from_import.kind is FeedbackKind.SUGGESTION
    assert from_import.severity is Severity.LOW
    with pytest.raises(InvalidInput) as raised:
        Complaint("c9", "ana", "complaint", "shop", "urgent", "Rude staff.", OPENED)
    assert list(raised.value.errors) == ["severity"]


def test_complaint_figures_of_a_period():
    day = timedelta(days=1)
    complaints = [
        # delivery, on time: responded in 3 h, resolved in 48 h.
        complaint("c1", responded_at=OPENED + 3 * HOUR, resolved_at=OPENED + 48 * HOUR),
        # delivery, response late (5 h > 4 h), resolved in 20 h.
        complaint(
            "c2",
            opened_at=OPENED + day,
            responded_at=OPENED + day + 5 * HOUR,
            resolved_at=OPENED + day + 20 * HOUR,
        ),
        # billing, resolution late (144 h > 120 h).
        complaint(
            "c3",
            category="billing",
            opened_at=OPENED + 2 * day,
            responded_at=OPENED + 2 * day + 10 * HOUR,
            resolved_at=OPENED + 2 * day + 144 * HOUR,
        ),
        # billing, opened 30 March 09:00 and still unanswered on the 31st at noon (27 h).
        complaint("c4", category="billing", opened_at=datetime(2026, 3, 30, 9, tzinfo=UTC)),
        complaint("s1", kind=FeedbackKind.SUGGESTION, opened_at=OPENED),
        complaint("c0", opened_at=datetime(2026, 2, 27, 9, tzinfo=UTC)),
    ]

    figures = complaint_figures(complaints, TARGETS, MARCH, datetime(2026, 3, 31, 12, tzinfo=UTC))

    assert figures == {
        "complaints": 4,
        "complaints_breached": 3,
        "complaint_response_hours_median": 5.0,  # of 3, 5, 10
        "complaint_resolution_hours_median": 48.0,  # of 48, 20, 144
    }


def test_complaint_figures_of_a_quiet_period():
    figures = complaint_figures([], TARGETS, MARCH, datetime(2026, 4, 1, tzinfo=UTC))

    assert figures == {
        "complaints": 0,
        "complaints_breached": 0,
        "complaint_response_hours_median": None,
        "complaint_resolution_hours_median": None,
    }
