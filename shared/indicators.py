"""The indicators clientela publishes: each one's name, title, unit, which way is better
and its definition, written once.

The names are a public contract (``clientela kpi --json``, targets, alerts,
exports): the kpi service computes a figure under each name, targets and
alerts refer to these names, and the command line, the dashboard and the
quarterly report take their legends and explanations from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Better(StrEnum):
    """Which way an indicator improves: a target is a floor or a ceiling accordingly."""

    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Indicator:
    """One published indicator.

    ``unit`` is ``%``, ``hours``, ``count``, ``points``, ``score`` (a scale or
    an index such as NPS) or ``money`` (per currency). ``better`` is None
    where neither way is better in itself (a volume of points, say).
    ``breakdown`` names what the figure is a mapping over (``source``,
    ``currency``) rather than one number.
    """

    name: str
    title: str
    section: str
    unit: str
    better: Better | None
    definition: str
    breakdown: str | None = None


def _define(section: str, *rows: tuple) -> dict[str, Indicator]:
    return {row[0]: Indicator(row[0], row[1], section, *row[2:]) for row in rows}


H, L = Better.HIGHER, Better.LOWER

INDICATORS: dict[str, Indicator] = {
    **_define(
        "Prospects",
        (
            "I1_new_prospects",
            "New prospects",
            "count",
            H,
            "Distinct prospects whose first capture falls in the period; a merged duplicate "
            "counts once.",
        ),
        (
            "I1_by_source",
            "New prospects by source",
            "count",
            None,
            "I1 broken down by the lead source of each prospect's first capture.",
            "source",
        ),
        (
            "I1_by_fair",
            "New prospects by fair",
            "count",
            None,
            "I1 broken down by fair (captures without a fair are left out).",
            "fair",
        ),
        (
            "I1_by_campaign",
            "New prospects by campaign",
            "count",
            None,
            "I1 broken down by campaign (captures without a campaign are left out).",
            "campaign",
        ),
        (
            "I1_by_channel",
            "New prospects by channel",
            "count",
            None,
            "I1 broken down by social network or utm_source.",
            "channel",
        ),
        (
            "I2_first_contacts",
            "First contacts",
            "count",
            H,
            "Prospects first contacted in the period.",
        ),
        (
            "I2_median_hours",
            "Time to first contact (median)",
            "hours",
            L,
            "For prospects first contacted in the period: first-contact time minus the time the "
            "person was first identified, median, in hours.",
        ),
        (
            "I2_p90_hours",
            "Time to first contact (90th percentile)",
            "hours",
            L,
            "As I2, the 90th percentile: nine first contacts in ten came sooner.",
        ),
        (
            "I3_completeness",
            "Profile completeness",
            "%",
            H,
            "Mean over prospects captured in the period of the weighted share of profile fields "
            "present and valid (name, e-mail, phone, company, position, needs, consent).",
        ),
        (
            "conversions",
            "Conversions",
            "count",
            H,
            "Prospects converted into captive customers in the period (first conversion).",
        ),
        (
            "I4_conversion_rate",
            "Conversion rate",
            "%",
            H,
            "Conversions in the period / new prospects in the period x 100.",
        ),
        (
            "I4_cohort_conversion_rate",
            "Cohort conversion",
            "%",
            H,
            "Share of the prospects captured in the period converted so far x 100.",
        ),
    ),
    **_define(
        "Feedback",
        (
            "nps_respondents",
            "NPS respondents",
            "count",
            H,
            "Customers who answered the NPS question in the period.",
        ),
        (
            "NPS",
            "Net Promoter Score",
            "score",
            H,
            "% promoters (9-10) minus % detractors (0-6) among customers who answered in the "
            "period, latest answer per customer; from -100 to 100.",
        ),
        (
            "CSAT",
            "Customer satisfaction (CSAT)",
            "%",
            H,
            "Share of CSAT answers in the period scoring 4 or 5 of 5 x 100.",
        ),
        ("CSAT_mean", "CSAT mean", "score", H, "Mean CSAT answer in the period, 1 to 5."),
        (
            "CES_mean",
            "Customer effort (CES) mean",
            "score",
            H,
            "Mean CES answer in the period, 1 to 7 (7: easiest).",
        ),
        (
            "SC",
            "Satisfied customers (SC)",
            "%",
            H,
            "Customers surveyed in the period whose latest answer in it is satisfied (CSAT >= 4 "
            "or NPS >= 7) / customers surveyed in the period x 100.",
        ),
        (
            "I6",
            "Satisfaction of captive customers",
            "%",
            H,
            "SC restricted to captive customers (those converted from a prospect).",
        ),
        *(
            (
                f"SERVQUAL_gap_{dimension}",
                f"SERVQUAL gap: {dimension}",
                "score",
                H,
                f"Mean perception minus expectation over the {dimension} items answered in the "
                "period; below 0, the service falls short of what customers expect.",
            )
            for dimension in (
                "tangibility",
                "reliability",
                "responsiveness",
                "assurance",
                "empathy",
            )
        ),
        (
            "SERVQUAL_weighted",
            "SERVQUAL weighted gap",
            "score",
            H,
            "The five dimensions' gaps weighted by the importance customers gave each (100 "
            "points spread over the five).",
        ),
        ("complaints", "Complaints", "count", L, "Complaints opened in the period."),
        (
            "complaints_breached",
            "Complaints past target",
            "count",
            L,
            "Complaints opened in the period that missed their response or resolution target.",
        ),
        (
            "complaint_response_hours_median",
            "Complaint response time (median)",
            "hours",
            L,
            "Hours from opening to first response, median over complaints opened in the period.",
        ),
        (
            "complaint_resolution_hours_median",
            "Complaint resolution time (median)",
            "hours",
            L,
            "Hours from opening to resolution, median over complaints opened in the period.",
        ),
    ),
    **_define(
        "Customers",
        ("new_customers", "New customers", "count", H, "Customers created in the period."),
        ("lost_customers", "Lost customers", "count", L, "Customers lost in the period."),
        (
            "churn_rate",
            "Churn rate",
            "%",
            L,
            "Customers lost in the period / active customers at its start x 100.",
        ),
        (
            "retention_rate",
            "Retention rate",
            "%",
            H,
            "(Active at the end of the period - new in it) / active at its start x 100.",
        ),
        (
            "I5_updates_per_active_customer",
            "Record updates per active customer",
            "count",
            H,
            "Customer-record updates in the period / active customers (I5).",
        ),
        (
            "I5_updated_90d_pct",
            "Records updated in 90 days",
            "%",
            H,
            "Share of active customers whose record was updated in the 90 days before the "
            "period's end x 100 (I5).",
        ),
        ("contracts_due", "Contracts due", "count", None, "Contracts due in the period."),
        (
            "contracts_on_time",
            "Contracts on time",
            "count",
            H,
            "Contracts due in the period delivered on or before their due date.",
        ),
        (
            "CCT",
            "Contracts fulfilled on time (CCT)",
            "%",
            H,
            "Contracts due in the period fulfilled on or before their due date / contracts due "
            "in the period x 100.",
        ),
        ("purchases", "Purchases", "count", H, "Purchases made in the period."),
        (
            "purchase_value",
            "Purchase value",
            "money",
            H,
            "Total value of the period's purchases, per currency.",
            "currency",
        ),
    ),
    **_define(
        "Loyalty",
        ("points_earned", "Points earned", "points", None, "Points credited in the period."),
        (
            "points_redeemed",
            "Points redeemed",
            "points",
            None,
            "Points spent on rewards in the period.",
        ),
        ("points_expired", "Points expired", "points", None, "Points expired in the period."),
        (
            "points_adjusted",
            "Points adjusted by hand",
            "points",
            None,
            "Points operators added in the period, less those they deducted.",
        ),
        (
            "alarms_raised",
            "Churn alarms raised",
            "count",
            L,
            "Churn-risk alarms raised in the period.",
        ),
        (
            "customers_at_risk",
            "Customers at risk",
            "count",
            L,
            "Customers with a churn alarm open at the period's end.",
        ),
    ),
}
"""Every indicator by name, in the order reports show them."""

SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(i.section for i in INDICATORS.values()))
"""The sections indicators are grouped in, in report order."""


def indicator(name: str) -> Indicator:
    """The indicator called ``name``; ValueError naming the known ones otherwise."""
    try:
        return INDICATORS[name]
    except KeyError:
        raise ValueError(f"no indicator {name!r}; known: {', '.join(INDICATORS)}") from None
