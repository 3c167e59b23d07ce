"""When leads were identified, on real services: back-filled lists count in their own period,
redeliveries are one capture, and every shipped sample file imports."""

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from clientela.cli.client import wait_for
from clientela.cli.file_import import import_file
from clientela.cli.lead_import import import_leads
from clientela.clock import utcnow
from clientela.plugin_manager import load_plugins
from clientela.testing import TEST_API_KEY

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
SAMPLES = sorted(PLUGINS.glob("*/samples/*"))


@pytest.fixture
def rpc(clientela_module_platform):
    return clientela_module_platform("prospects", "kpi")


@pytest.fixture
def clientela_settings(clientela_module_settings):
    """The module's settings: its tests share the services they run on."""
    return clientela_module_settings


def years(rpc):
    return {period["period"]: period for period in rpc.kpi.indicators("year")["periods"]}


def test_a_fair_list_of_last_year_counts_in_last_years_indicators(rpc, tmp_path):
    last_year = utcnow().year - 1
    visitors = tmp_path / "visitantes.csv"
    visitors.write_text(
        "nombre;correo;Fecha\n"
        f"Ana;ana@example.com;12/03/{last_year}\n"
        f"Beto;beto@example.com;{last_year}-03-13 10:30\n"
        "Carla;carla@example.com;\n"  # no date of its own: the fair's
        f"Dora;dora@example.com;01/01/{last_year + 2}\n",  # in the future
        encoding="utf-8",
    )
    source = load_plugins({}).lead_sources()["fairs"]

    summary = import_file(
        source,
        visitors,
        {"fair": "Expo Norte", "fair_date": f"{last_year}-03-11"},
        lambda rows, origin: rpc.prospects.capture_leads.call_async("fairs", rows, origin),
    )

    assert (summary.created, [line for line, _ in summary.rejected]) == (3, [5])
    # named as the user wrote the column, not by a field they never typed
    assert summary.rejected[0][1].startswith(f"Fecha: In the future: '{last_year + 2}")
    [ana] = rpc.prospects.find(email="ana@example.com")["prospects"]
    assert ana["identified_at"].startswith(f"{last_year}-03-12T00:00:00")
    assert ana["captured_at"].startswith(str(utcnow().year))  # when it reached clientela
    # the kpi service counts each capture as its event arrives: wait for all three
    counted = wait_for(
        lambda: years(rpc),
        lambda found: found.get(str(last_year), {}).get("I1_new_prospects") == 3,
    )
    assert counted[str(last_year)]["I1_by_fair"] == {"Expo Norte": 3}
    assert str(utcnow().year) not in counted


def test_a_stand_list_in_local_time_imported_within_the_hour_is_identified_in_its_zone(
    rpc, tmp_path
):
    madrid = ZoneInfo("Europe/Madrid")
    scanned = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
    stand = tmp_path / "stand.csv"
    stand.write_text(
        "nombre,correo,fecha_escaneo\n"
        f"Ana,ana.madrid@example.com,{scanned.astimezone(madrid):%d/%m/%Y %H:%M}\n",
        encoding="utf-8",
    )
    source = load_plugins({}).lead_sources()["fairs"]

    summary = import_file(
        source,
        stand,
        {"fair": "Expo Madrid", "time_zone": "Europe/Madrid"},
        lambda rows, origin: rpc.prospects.capture_leads.call_async("fairs", rows, origin),
    )

    assert (summary.created, summary.rejected) == (1, [])
    [ana] = rpc.prospects.find(email="ana.madrid@example.com")["prospects"]
    assert datetime.fromisoformat(ana["identified_at"]) == scanned


def post(settings, path, payload, status=200):
    request = urllib.request.Request(
        f"http://{settings.http_address}{path}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TEST_API_KEY}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == status
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        assert error.code == status, error.read()
        return json.loads(error.read())


def test_fifty_deliveries_of_a_submission_without_a_time_are_one_capture(rpc, clientela_settings):
    submission = {"email": "eva@example.com", "nombre": "Eva", "consent": True, "form": "quote"}

    reports = [post(clientela_settings, "/leads/webforms", submission) for _ in range(50)]

    assert [report["created"] for report in reports] == [1] + [0] * 49
    assert [report["unchanged"] for report in reports] == [0] + [1] * 49
    [eva] = rpc.prospects.find(email="eva@example.com")["prospects"]
    assert len(eva["captures"]) == 1
    # no time sent: identified, and consenting, when the first delivery arrived
    assert eva["consent"]["given_at"] == eva["identified_at"] == eva["captures"][0]["identified_at"]


@pytest.mark.parametrize(
    "sample", SAMPLES, ids=lambda path: f"{path.parent.parent.name}/{path.name}"
)
def test_every_shipped_sample_imports(rpc, clientela_settings, sample):
    source = sample.parent.parent.name

    summary = import_leads(clientela_settings, source, sample, {})

    assert summary.rows > 0
    assert summary.created > 0
    landed = summary.created + summary.merged + summary.unchanged + len(summary.rejected)
    assert landed == summary.rows


def test_a_pushed_lead_with_an_option_its_source_does_not_take_is_refused(rpc, clientela_settings):
    answer = post(
        clientela_settings, "/leads/webforms?campaing=spring", {"email": "x@example.com"}, 400
    )

    assert "option campaing: not an option of webforms (it takes: campaign (" in json.dumps(answer)
    assert rpc.prospects.find()["total"] == 0
