"""I1 to I4 across a merge and its undoing, through the real prospects and kpi services.

Berta answered a web form in January; Andrés was scanned at a fair in March,
contacted three hours later and converted. They turn out to be one person:
merged, the person counts once, in January, as a web-form lead of the winter
campaign, converted, first contacted 54 days after being identified. Undone,
each has their own figures again. Carlos, at the same fair, is there to show
the March figures move too.
"""

from datetime import UTC, datetime

import pytest

from clientela.cli.client import wait_for
from clientela.clock import utcnow

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
JANUARY, MARCH = "2025-01", "2025-03"


@pytest.fixture
def rpc(clientela_module_platform):
    return clientela_module_platform("prospects", "kpi")


def capture(rpc, source, identified_at, fields, origin):
    row = {"line": 1, "fields": fields, "origin": origin, "identified_at": identified_at}
    report = rpc.prospects.capture_leads(source, [row], {})
    assert report["created"] == 1, report
    [prospect] = rpc.prospects.find(email=fields["email"])["prospects"]
    return prospect


def contact(rpc, prospect, occurred_at):
    rpc.prospects.log_interaction(
        prospect["id"], kind="call", mode="phone", outcome="interested", occurred_at=occurred_at
    )


def figures(rpc):
    """The indicators of January and March 2025 and of this month (conversions)."""
    periods = rpc.kpi.indicators("month", "2025-01-01T00:00:00+00:00")["periods"]
    found = {period["period"]: period for period in periods}
    return {
        key: {name: found[key][name] for name in INDICATORS} if key in found else None
        for key in (JANUARY, MARCH, utcnow().strftime("%Y-%m"))
    }


def period(
    new, by_source=None, by_fair=None, by_campaign=None, by_channel=None, hours=(), **values
):
    """The indicators of a period with ``new`` prospects and first contacts after ``hours``."""
    ordered = sorted(hours)
    middle = len(ordered) // 2
    median = None
    if ordered:
        odd = len(ordered) % 2
        median = ordered[middle] if odd else (ordered[middle - 1] + ordered[middle]) / 2
    return {
        "I1_new_prospects": new,
        "I1_by_source": by_source or {},
        "I1_by_fair": by_fair or {},
        "I1_by_campaign": by_campaign or {},
        "I1_by_channel": by_channel or {},
        "I2_first_contacts": len(ordered),
        "I2_median_hours": median,
        "I2_p90_hours": ordered[-(-90 * len(ordered) // 100) - 1] if ordered else None,
        "conversions": 0,
        "I4_conversion_rate": 0.0 if new else None,
        **values,
    }


def test_every_indicator_before_a_merge_after_it_and_after_undoing_it(rpc):
    berta = capture(
        rpc,
        "webforms",
        "2025-01-15T10:00:00Z",
        {"email": "berta@example.com", "first_name": "Berta", "company": "Luna Agro"},
        {"campaign": "invierno", "channel": "google"},
    )
    andres = capture(
        rpc,
        "fairs",
        "2025-03-10T09:00:00Z",
        {"email": "andres@example.com", "first_name": "Andrés", "phone": "+34 600 000 001"},
        {"fair": "Expo Marzo"},
    )
    carlos = capture(
        rpc,
        "fairs",
        "2025-03-12T09:00:00Z",
        {"email": "carlos@example.com", "first_name": "Carlos"},
        {"fair": "Expo Marzo"},
    )
    contact(rpc, andres, "2025-03-10T12:00:00+00:00")  # 3 h after the scan
    contact(rpc, carlos, "2025-03-12T19:00:00+00:00")  # 10 h
    rpc.prospects.convert(andres["id"], "contract")
    own = {
        name: rpc.prospects.get(prospect["id"])["completeness"]
        for name, prospect in (("berta", berta), ("andres", andres), ("carlos", carlos))
    }
    now = utcnow().strftime("%Y-%m")
    apart = {
        JANUARY: period(
            1,
            {"webforms": 1},
            by_campaign={"invierno": 1},
            by_channel={"google": 1},
            I3_completeness=own["berta"],
            I4_cohort_conversion_rate=0.0,
        ),
        MARCH: period(
            2,
            {"fairs": 2},
            {"Expo Marzo": 2},
            hours=(3.0, 10.0),
            I3_completeness=round((own["andres"] + own["carlos"]) / 2, 2),
            I4_cohort_conversion_rate=50.0,
        ),
        now: period(0, conversions=1, I3_completeness=None, I4_cohort_conversion_rate=None),
    }
    wait_for(lambda: figures(rpc), lambda found: found == apart, timeout_s=30)

    rpc.prospects.merge(andres["id"], berta["id"], "ana", "same person, two e-mails")

    person = rpc.prospects.get(andres["id"])
    assert (person["source"], person["identified_at"][:19]) == ("webforms", "2025-01-15T10:00:00")
    merged = {
        JANUARY: period(
            1,
            {"webforms": 1},
            by_campaign={"invierno": 1},
            by_channel={"google": 1},
            I3_completeness=person["completeness"],
            I4_cohort_conversion_rate=100.0,  # the person converted
        ),
        MARCH: period(
            1,
            {"fairs": 1},
            {"Expo Marzo": 1},
            # Andrés' call still counts, measured from Berta's form: 54 days and 2 hours
            hours=(10.0, 54 * 24 + 2.0),
            I3_completeness=own["carlos"],
            I4_cohort_conversion_rate=0.0,
        ),
        now: apart[now],
    }
    wait_for(lambda: figures(rpc), lambda found: found == merged, timeout_s=30)

    rpc.prospects.unmerge(berta["id"], "supervisor")

    wait_for(lambda: figures(rpc), lambda found: found == apart, timeout_s=30)


def test_a_first_contact_on_the_merged_profile_counts_from_the_earliest_capture(rpc):
    early = capture(
        rpc,
        "webforms",
        "2025-03-01T08:00:00Z",
        {"email": "eli@example.com", "first_name": "Eli"},
        {"campaign": "marzo"},
    )
    late = capture(
        rpc,
        "fairs",
        "2025-03-20T08:00:00Z",
        {"email": "eli.ruiz@example.com", "first_name": "Eli"},
        {"fair": "Expo Marzo"},
    )
    contact(rpc, early, "2025-03-01T14:00:00+00:00")  # on the profile that will be merged
    wait_for(lambda: figures(rpc)[MARCH], lambda m: m and m["I2_first_contacts"] == 1)

    rpc.prospects.merge(late["id"], early["id"], "ana")

    # counted once, as the web-form lead, first contacted 6 h after that form
    expected = period(1, {"webforms": 1}, by_campaign={"marzo": 1}, hours=(6.0,))
    march = wait_for(
        lambda: figures(rpc)[MARCH],
        lambda m: all(m[name] == value for name, value in expected.items()),
        timeout_s=30,
    )
    assert march["I1_by_fair"] == {}
    assert datetime.fromisoformat(rpc.prospects.get(late["id"])["first_contact_at"]) == datetime(
        2025, 3, 1, 14, tzinfo=UTC
    )


def test_an_earlier_capture_of_a_contacted_person_moves_the_person_and_lengthens_i2(rpc):
    fields = {"email": "rosa@example.com", "first_name": "Rosa"}
    rosa = capture(rpc, "webforms", "2025-03-10T09:00:00Z", fields, {"campaign": "marzo"})
    contact(rpc, rosa, "2025-03-10T12:00:00+00:00")
    wait_for(lambda: figures(rpc)[MARCH], lambda m: m and m["I2_median_hours"] == 3.0)

    # last month's fair list, imported late: Rosa was met there first
    row = {"line": 1, "fields": fields, "identified_at": "2025-01-10T09:00:00Z"}
    assert rpc.prospects.capture_leads("fairs", [row], {"fair": "Expo Enero"})["merged"] == 1

    found = wait_for(
        lambda: figures(rpc),
        lambda f: f[JANUARY] and f[MARCH] and f[JANUARY]["I1_new_prospects"] == 1,
        timeout_s=30,
    )
    assert found[JANUARY]["I1_by_fair"] == {"Expo Enero": 1}
    march = wait_for(
        lambda: figures(rpc)[MARCH],
        lambda m: m["I2_median_hours"] == 59 * 24 + 3.0,  # from the fair, 10 Jan to 10 Mar
        timeout_s=30,
    )
    assert (march["I1_new_prospects"], march["I2_first_contacts"]) == (0, 1)


def test_undoing_the_outer_of_two_nested_merges_gives_back_both_inner_profiles(rpc):
    """Pía was merged into Quim, then Quim into Rosa; undoing Quim's merge takes Pía along."""
    pia, quim, rosa = (
        capture(rpc, "fairs", identified_at, {"email": email, "first_name": name}, {"fair": fair})
        for identified_at, email, name, fair in (
            ("2025-01-05T09:00:00Z", "pia@example.com", "Pía", "Expo Enero"),
            ("2025-03-05T09:00:00Z", "quim@example.com", "Quim", "Expo Marzo"),
            ("2025-03-20T09:00:00Z", "rosa@example.com", "Rosa", "Expo Marzo"),
        )
    )
    rpc.prospects.merge(quim["id"], pia["id"], "ana", "same person")
    rpc.prospects.merge(rosa["id"], quim["id"], "ana", "same person")
    wait_for(
        lambda: figures(rpc),
        lambda f: (
            f[JANUARY]
            and f[JANUARY]["I1_by_fair"] == {"Expo Enero": 1}
            and not (f[MARCH] and f[MARCH]["I1_new_prospects"])
        ),
        timeout_s=30,
    )

    rpc.prospects.unmerge(quim["id"], "supervisor")

    def captured(prospect_id):
        profile = rpc.prospects.get(prospect_id)
        emails = sorted(c["fields"]["email"] for c in profile["captures"])
        return emails, profile["identified_at"][:10]

    assert captured(rosa["id"]) == (["rosa@example.com"], "2025-03-20")
    assert captured(quim["id"]) == (["pia@example.com", "quim@example.com"], "2025-01-05")
    found = wait_for(
        lambda: figures(rpc),
        lambda f: f[MARCH] and f[MARCH]["I1_new_prospects"] == 1,
        timeout_s=30,
    )
    assert (found[JANUARY]["I1_new_prospects"], found[JANUARY]["I1_by_fair"]) == (
        1,
        {"Expo Enero": 1},
    )
    assert found[MARCH]["I1_by_fair"] == {"Expo Marzo": 1}  # Rosa alone
