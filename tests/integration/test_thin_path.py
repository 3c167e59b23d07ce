"""The walking skeleton's path, from a visitor list to the indicators, on real services."""

from pathlib import Path

import pytest

from clientela.cli.client import wait_for
from clientela.cli.file_import import import_file
from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.plugin_manager import load_plugins

VISITORS = """nombre,apellidos,correo,telefono,empresa
Ana,Ruiz,ana@example.com,5511112222,Textiles Ruiz
Beto,Sosa, BETO@Example.com ,,Sosa y Hnos
Carla,Díaz,carla@example,,Díaz SA
Ana,Ruiz,ANA@example.com,,Textiles Ruiz
Dora,León,dora@example.com,,
"""


def import_visitors(rpc, path, fair="Expo Test"):
    source = load_plugins({}).lead_sources()["fairs"]
    return import_file(
        source,
        path,
        {"fair": fair},
        lambda rows, origin: rpc.prospects.capture_leads("fairs", rows, origin),
    )


@pytest.fixture
def visitors(tmp_path) -> Path:
    path = tmp_path / "visitors.csv"
    path.write_text(VISITORS, encoding="utf-8")
    return path


@pytest.fixture
def rpc(clientela_module_platform):
    return clientela_module_platform("prospects", "customers", "feedback", "loyalty", "kpi")


def current_month(rpc):
    periods = rpc.kpi.indicators("month")["periods"]
    return periods[-1] if periods else None


def test_csv_to_kpi_counts_each_distinct_valid_visitor_once(rpc, visitors):
    summary = import_visitors(rpc, visitors)

    assert (summary.rows, summary.created, summary.merged) == (5, 3, 1)
    assert summary.rejected == [(4, "email: Not a valid email address.")]
    month = wait_for(lambda: current_month(rpc), lambda m: m and m["I1_new_prospects"] == 3)
    assert month["I1_by_source"] == {"fairs": 3}

    again = import_visitors(rpc, visitors)
    assert (again.created, again.merged, again.unchanged) == (0, 0, 4)
    assert current_month(rpc)["I1_new_prospects"] == 3


def test_one_profile_per_email_keeps_every_capture(rpc, visitors, tmp_path):
    import_visitors(rpc, visitors, fair="Expo Norte")
    second_fair = tmp_path / "second.csv"
    second_fair.write_text("email,first_name\nana@example.com,Ana María\n", encoding="utf-8")
    import_visitors(rpc, second_fair, fair="Expo Sur")

    [ana] = rpc.prospects.find(email="  Ana@Example.com ")["prospects"]
    assert ana["first_name"] == "Ana"  # the first capture made the profile
    assert len(ana["captures"]) == 3  # two rows of the first fair, one of the second
    assert ana["status"] == "new"


def test_conversion_creates_the_captive_customer_and_flows_to_loyalty_feedback_kpi(rpc, visitors):
    import_visitors(rpc, visitors)
    [beto] = rpc.prospects.find(email="beto@example.com")["prospects"]

    converted = rpc.prospects.convert(beto["id"], "contract", "C-2026-17")
    assert converted["status"] == "converted"
    assert converted["conversion"]["reference"] == "C-2026-17"

    customer = wait_for(lambda: rpc.customers.find_by_prospect(beto["id"]), not_yet=(NotFound,))
    assert customer["captive"] is True
    assert customer["email"] == "beto@example.com"
    assert customer["company"] == "Sosa y Hnos"
    linked = wait_for(lambda: rpc.prospects.get(beto["id"]), lambda p: p["customer_id"])
    assert linked["customer_id"] == customer["id"]

    rpc.customers.record_purchase(customer["id"], "499.90", currency="MXN", purchase_id="F-1")
    balance = wait_for(lambda: rpc.loyalty.balance(customer["id"]), lambda b: b["points"])
    assert balance["points"] == 499

    wait_for(lambda: rpc.feedback.record_nps(customer["id"], 10), not_yet=(NotFound,))
    rpc.feedback.record_nps(customer["id"], 3)  # the latest answer is the one that counts

    month = wait_for(lambda: current_month(rpc), lambda m: m["nps_respondents"] == 1)
    assert month["conversions"] == 1
    assert month["I4_conversion_rate"] == pytest.approx(33.33)
    assert month["NPS"] == -100.0


def test_converting_twice_and_repeating_a_purchase_change_nothing(rpc, visitors):
    import_visitors(rpc, visitors)
    [dora] = rpc.prospects.find(email="dora@example.com")["prospects"]
    rpc.prospects.convert(dora["id"], "purchase", "T-1")
    again = rpc.prospects.convert(dora["id"], "agreement", "other")
    assert again["conversion"]["basis"] == "purchase"

    customer = wait_for(lambda: rpc.customers.find_by_prospect(dora["id"]), not_yet=(NotFound,))
    first = rpc.customers.record_purchase(customer["id"], "100", purchase_id="INV-9")
    repeated = rpc.customers.record_purchase(customer["id"], "100", purchase_id="INV-9")
    assert repeated == first
    with pytest.raises(Conflict, match="purchase_id: 'INV-9' is already recorded"):
        rpc.customers.record_purchase(customer["id"], "250", purchase_id="INV-9")
    # a later purchase is a sentinel: once it is credited, a duplicate credit would show
    rpc.customers.record_purchase(customer["id"], "1", purchase_id="INV-10")
    balance = wait_for(lambda: rpc.loyalty.balance(customer["id"]), lambda b: len(b["latest"]) >= 2)
    assert balance["points"] == 101
    assert sorted(entry["id"] for entry in balance["latest"]) == [
        "purchase:INV-10",
        "purchase:INV-9",
    ]
    month = wait_for(lambda: current_month(rpc), lambda m: m and m["conversions"])
    assert month["conversions"] == 1


def test_a_malformed_row_is_reported_by_its_line_and_the_batch_still_lands(rpc):
    report = rpc.prospects.capture_leads(
        "webforms",
        [
            {"line": 2, "fields": {"email": "ok@example.com"}},
            {"line": 3, "fields": {"email": "phone@example.com", "phone": 5551234}},
            {"line": 4, "fields": {"email": "also-ok@example.com"}},
            "not a row",  # no line of its own: reported by its position in the batch
        ],
    )

    assert (report["received"], report["created"]) == (4, 2)
    assert [rejected["line"] for rejected in report["rejected"]] == [3, 4]
    assert report["rejected"][0]["errors"] == {"phone": ["Not a string."]}


def test_bad_requests_name_the_field(rpc):
    with pytest.raises(InvalidInput) as bad_basis:
        rpc.prospects.convert("whatever", "handshake")
    assert "basis" in bad_basis.value.errors

    with pytest.raises(NotFound, match="prospect_id"):
        rpc.prospects.convert("no-such-prospect", "contract")

    with pytest.raises(NotFound, match="customer_id"):
        rpc.feedback.record_nps("no-such-customer", 9)

    with pytest.raises(InvalidInput) as bad_score:
        rpc.feedback.record_nps("anyone", 11)
    assert "score" in bad_score.value.errors

    with pytest.raises(InvalidInput) as bad_amount:
        rpc.customers.record_purchase("anyone", "-5")
    assert "amount" in bad_amount.value.errors

    with pytest.raises(InvalidInput) as injected:
        rpc.loyalty.balance({"$ne": None})
    assert "customer_id" in injected.value.errors

    with pytest.raises(InvalidInput) as bad_page:
        rpc.prospects.find(limit="10")
    assert "limit" in bad_page.value.errors

    with pytest.raises(InvalidInput, match="amount: Must have at most two decimal places"):
        rpc.customers.record_purchase("anyone", "100.005")

    with pytest.raises(InvalidInput) as bad_period:
        rpc.kpi.indicators("fortnight")
    assert "granularity" in bad_period.value.errors
