"""kpi on the real broker and database: I1 to I4 from prospect events, a merged duplicate once."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.cli.client import wait_for
from clientela.events import new_event
from clientela.messaging import EventBus

MONTH = "2026-03"
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
INDICATORS = (
    "I1_new_prospects",
    "I1_by_source",
    "I1_by_fair",
    "I1_by_campaign",
    "I1_by_channel",
    "I2_first_contacts",
    "I2_median_hours",
    "I2_p90_hours",
    "I3_completeness",
    "conversions",
    "I4_conversion_rate",
    "I4_cohort_conversion_rate",
)


def at(days: int = 0, hours: int = 0) -> datetime:
    """A time in the reported month: ``DAY`` plus ``days`` and ``hours``."""
    return DAY + timedelta(days=days, hours=hours)


def captured(prospect_id: str, captured_at: datetime, completeness: float, **origin: str) -> dict:
    return new_event(
        "prospect_captured",
        {
            "prospect_id": prospect_id,
            "email": f"{prospect_id}@example.com",
            "source": origin.pop("source"),
            "captured_at": captured_at,
            "completeness": completeness,
            "score": 50,
            **origin,
        },
    )


def updated(prospect_id: str, completeness: float, updated_at: datetime) -> dict:
    return new_event(
        "prospect_updated",
        {
            "prospect_id": prospect_id,
            "completeness": completeness,
            "score": 60,
            "reason": "edit",
            "updated_at": updated_at,
        },
    )


def contacted(prospect_id: str, captured_at: datetime, hours: int, first: bool = True) -> dict:
    return new_event(
        "prospect_contacted",
        {
            "interaction_id": f"{prospect_id}-{hours}",
            "prospect_id": prospect_id,
            "kind": "call",
            "mode": "phone",
            "first_contact": first,
            "captured_at": captured_at,
            "contacted_at": captured_at + timedelta(hours=hours),
        },
    )


def merged(survivor_id: str, merged_id: str, merged_at: datetime) -> dict:
    payload = {"survivor_id": survivor_id, "merged_id": merged_id, "merged_at": merged_at}
    return new_event("prospect_merged", {**payload, "reason": "same e-mail", "by": "ana"})


def unmerged(survivor_id: str, restored_id: str, unmerged_at: datetime) -> dict:
    payload = {"survivor_id": survivor_id, "restored_id": restored_id, "unmerged_at": unmerged_at}
    return new_event("prospect_unmerged", {**payload, "by": "ana"})


def converted(prospect_id: str, captured_at: datetime, converted_at: datetime) -> dict:
    return new_event(
        "prospect_converted",
        {
            "prospect_id": prospect_id,
            "email": f"{prospect_id}@example.com",
            "source": "webforms",
            "captured_at": captured_at,
            "converted_at": converted_at,
            "basis": "contract",
        },
    )


def month_indicators(rpc) -> dict:
    """The indicators of ``MONTH`` (empty before any), without NPS."""
    periods = {row["period"]: row for row in rpc.kpi.indicators("month")["periods"]}
    return {key: periods[MONTH][key] for key in INDICATORS} if MONTH in periods else {}


def wait_for_month(rpc, expected: dict) -> None:
    """Wait until ``MONTH`` shows ``expected``; on timeout, show the difference."""
    try:
        wait_for(lambda: month_indicators(rpc), lambda got: got == expected)
    except TimeoutError:
        assert month_indicators(rpc) == expected


@pytest.fixture
def rpc(clientela_module_platform):
    return clientela_module_platform("kpi")


@pytest.fixture
def clientela_settings(clientela_module_settings):
    """The module's settings: its tests share the services they run on."""
    return clientela_module_settings


@pytest.fixture
def bus(clientela_settings, rpc):
    return EventBus.connect("prospects", clientela_settings.nameko_config())


def test_a_merged_duplicate_counts_once_until_it_is_unmerged(rpc, bus):
    merge = merged("p1", "p3", at(days=4))
    bus.publish_many(
        [
            merge,  # before the capture it refers to
            captured("p1", at(), 40.0, source="fairs", fair="Expo Norte"),
            captured(
                "p2", at(days=1), 80.0, source="webforms", campaign="spring", channel="linkedin"
            ),
            captured("p3", at(days=2), 20.0, source="fairs", fair="Expo Norte"),
            updated("p1", 70.0, at(days=3)),
            updated("p2", 10.0, at(hours=-1)),  # older than its capture: ignored
            contacted("p1", at(), hours=6),
            contacted("p2", at(days=1), hours=24),
            contacted("p2", at(days=1), hours=48, first=False),
            contacted("p3", at(days=2), hours=1),
            converted("p2", at(days=1), at(days=8)),
            merge,  # the same merge delivered again
        ]
    )

    counted_once = {
        "I1_new_prospects": 2,
        "I1_by_source": {"fairs": 1, "webforms": 1},
        "I1_by_fair": {"Expo Norte": 1},
        "I1_by_campaign": {"spring": 1},
        "I1_by_channel": {"linkedin": 1},
        "I2_first_contacts": 2,
        "I2_median_hours": 15.0,
        "I2_p90_hours": 24.0,
        "I3_completeness": 75.0,
        "conversions": 1,
        "I4_conversion_rate": 50.0,
        "I4_cohort_conversion_rate": 50.0,
    }
    wait_for_month(rpc, counted_once)

    bus.publish(unmerged("p1", "p3", at(days=5)))

    wait_for_month(
        rpc,
        {
            **counted_once,
            "I1_new_prospects": 3,
            "I1_by_source": {"fairs": 2, "webforms": 1},
            "I1_by_fair": {"Expo Norte": 2},
            "I2_first_contacts": 3,
            "I2_median_hours": 6.0,
            "I3_completeness": 56.67,
            "I4_conversion_rate": 33.33,
            "I4_cohort_conversion_rate": 33.33,
        },
    )


def test_an_unmerge_delivered_before_its_merge_wins(rpc, bus):
    bus.publish_many(
        [
            unmerged("p1", "p2", at(days=5)),
            captured("p1", at(), 50.0, source="fairs"),
            captured("p2", at(days=1), 100.0, source="fairs"),
            captured("p3", at(days=2), 30.0, source="webforms"),
            captured("p4", at(days=3), 60.0, source="referrals"),
        ]
    )
    wait_for(lambda: month_indicators(rpc), lambda got: got.get("I1_new_prospects") == 4)

    # the late merge, then one on the same queue whose effect shows it was handled
    bus.publish_many([merged("p1", "p2", at(days=4)), merged("p1", "p4", at(days=4))])

    wait_for_month(
        rpc,
        {
            "I1_new_prospects": 3,
            "I1_by_source": {"fairs": 2, "webforms": 1},
            "I1_by_fair": {},
            "I1_by_campaign": {},
            "I1_by_channel": {},
            "I2_first_contacts": 0,
            "I2_median_hours": None,
            "I2_p90_hours": None,
            "I3_completeness": 60.0,
            "conversions": 0,
            "I4_conversion_rate": 0.0,
            "I4_cohort_conversion_rate": 0.0,
        },
    )
