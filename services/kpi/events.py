"""The events the kpi service announces."""

from __future__ import annotations

from typing import Any

from clientela.events import new_event


def indicator_out_of_range(alert: dict[str, Any]) -> dict:
    """``indicator_out_of_range``: ``alert`` found an indicator out of range in a period."""
    return new_event(
        "indicator_out_of_range",
        {
            "alert_id": alert["_id"],
            **{
                name: alert[name]
                for name in (
                    "indicator",
                    "period",
                    "granularity",
                    "segment",
                    "value",
                    "target",
                    "tolerance",
                    "direction",
                    "raised_at",
                )
            },
        },
        occurred_at=alert["raised_at"],
    )
