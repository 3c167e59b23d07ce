"""kpi on the real broker and database takes a burst of lead-import events in batches and
counts each once, however often the burst is delivered."""

from datetime import UTC, datetime, timedelta

from kombu import Connection

from clientela.cli.client import wait_for
from clientela.events import new_event
from clientela.messaging import EventBus, queue_counts

IMPORTED_AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
LEADS = 240


def captured(number: int) -> dict:
    """A trade-fair visitor announced by a lead import."""
    return new_event(
        "prospect_captured",
        {
            "prospect_id": f"p{number}",
            "email": f"visitante{number}@empresa{number % 7}.mx",
            "source": "fairs",
            "fair": "Expo Norte 2026",
            "captured_at": IMPORTED_AT + timedelta(seconds=number),
            "completeness": 40.0,
            "score": 30,
        },
    )


def completed(number: int) -> dict:
    """The visitor's profile completed on the fair's second day."""
    at = IMPORTED_AT + timedelta(seconds=number)
    return new_event(
        "prospect_updated",
        {
            "prospect_id": f"p{number}",
            "completeness": 80.0,
            "score": 50,
            "reason": "edit",
            "updated_at": at + timedelta(days=1),
            "identified_at": at,
            "source": "fairs",
            "fair": "Expo Norte 2026",
        },
    )


def march(rpc) -> dict:
    periods = rpc.kpi.indicators("month")["periods"]
    return next((row for row in periods if row["period"] == "2026-03"), {})


def test_a_burst_delivered_twice_is_counted_once(clientela_platform, clientela_settings):
    batched = clientela_settings.replace(event_batch_size=25, event_batch_linger_ms=20)
    rpc = clientela_platform("kpi", settings=batched)
    bus = EventBus.connect("prospects", batched.nameko_config())
    captures = [captured(n) for n in range(LEADS)]
    updates = [completed(n) for n in range(0, LEADS, 2)]

    bus.publish_many([*updates[:60], *captures])
    bus.publish_many([*captures[:100], *updates])  # the relay announcing them again

    expected_completeness = (40.0 * LEADS / 2 + 80.0 * LEADS / 2) / LEADS
    counted = wait_for(
        lambda: march(rpc),
        # any half-updated part of the burst averages the same completeness: wait for all
        lambda row: (
            row.get("I1_new_prospects") == LEADS
            and row.get("I3_completeness") == expected_completeness
        ),
        timeout_s=60,
    )
    assert counted["I1_by_fair"] == {"Expo Norte 2026": LEADS}
    with Connection(batched.amqp_uri) as connection:
        for queue in ("kpi.handle_prospect_captured", "kpi.handle_prospect_updated"):
            assert queue_counts(connection, f"{queue}.parked") == (0, 0)
