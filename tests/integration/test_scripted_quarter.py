"""A scripted quarter through all five services: leads captured, customers, purchases,
contracts, survey answers and complaints imported from files as a shop exports them, a
target on CCT that the quarter misses, the alert it raises and the SMART action that
answers it, measured by kpi.

The third quarter of 2026 at a farm-supply distributor. Two visitors of a July fair and
one web-form lead in August; three customers imported, who bought four times; two
contracts, one delivered on time and one ten days late; two NPS answers (a promoter and
a detractor) and a CSAT answer; a late delivery complained about, answered in four hours
and resolved in two days. Management wants CCT at 90 +/- 5: the quarter's 50 % raises an
alert, answered by an improvement action whose value before is read from kpi.
"""

from datetime import timedelta

import pytest

from clientela.cli.client import wait_for
from clientela.cli.customer_import import RecordFile, records_capture
from clientela.cli.feedback_import import feedback_file
from clientela.cli.file_import import import_file
from clientela.clock import utcnow
from clientela.figures import SERVQUAL_DIMENSIONS

pytestmark = pytest.mark.integration

Q3 = "2026-Q3"

LEADS = [
    ("fairs", "2026-07-08T10:00:00+00:00", "ana.lopez@agrovalle.mx", "Ana", {"fair": "Expo Julio"}),
    ("fairs", "2026-07-08T11:30:00+00:00", "beto@riegos.mx", "Beto", {"fair": "Expo Julio"}),
    ("webforms", "2026-08-14T16:00:00+00:00", "cira@huerta.mx", "Cira", {"campaign": "verano"}),
]
CUSTOMERS = """Clave,Nombre,Correo,Tipo de cliente,Fecha de alta
CU-1,Huerta Norte,compras@huertanorte.mx,usuario final,2026-07-01
CU-2,Riego Sur,pedidos@riegosur.mx,distribuidor,2026-07-15
CU-3,Vivero Centro,vivero@centro.mx,prescriptor,2026-08-01
"""
PURCHASES = """Pedido,Clave cliente,Importe,Moneda,Línea,Fecha de compra
P-101,CU-1,1600.00,MXN,Semillas,2026-07-10
P-102,CU-1,300.00,MXN,Riego,2026-09-05
P-103,CU-2,2000.00,MXN,Riego,2026-08-20
P-104,CU-3,250.50,MXN,Semillas,2026-09-12
"""
CONTRACTS = """Contrato,Clave cliente,Valor,Firmado,Vence,Entregado,Estado
K-1,CU-1,8000,2026-07-02,2026-08-31,2026-08-30,entregado
K-2,CU-2,12000,2026-07-20,2026-09-15,2026-09-25,entregado
"""
RESPONSES = """Respuesta,Clave cliente,Encuesta,Puntuación,Fecha de respuesta,Canal
R-1,CU-1,nps,9,2026-09-20,email
R-2,CU-2,nps,4,2026-09-21,phone
R-3,CU-1,csat,5,2026-09-20,email
"""
COMPLAINTS = """Queja,Clave cliente,Categoría,Severidad,Abierta,Respondida,Resuelta,Descripción
Q-1,CU-2,delivery,high,2026-09-26 09:00,2026-09-26 13:00,2026-09-28 09:00,Pedido K-2 tarde
"""


def imported(rpc, tmp_path, service, source, text):
    path = tmp_path / f"{source.name}.csv"
    path.write_text(text, encoding="utf-8")
    summary = import_file(source, path, {}, records_capture(rpc, service, source.name))
    assert summary.rejected == [], summary.rejected
    return summary


def quarter(rpc):
    return next(
        (row for row in rpc.kpi.indicators("quarter")["periods"] if row["period"] == Q3), {}
    )


def test_a_quarter_through_every_service_gives_its_indicators_an_alert_and_its_plan(
    clientela_platform, tmp_path
):
    rpc = clientela_platform("prospects", "customers", "feedback", "loyalty", "kpi")
    leads = [
        {
            "line": line,
            "fields": {"email": email, "first_name": name},
            "origin": origin,
            "identified_at": identified_at,
        }
        for line, (_, identified_at, email, name, origin) in enumerate(LEADS, start=2)
    ]
    for source in ("fairs", "webforms"):
        rpc.prospects.capture_leads(
            source, [r for r, s in zip(leads, LEADS, strict=True) if s[0] == source], {}
        )
    [ana] = rpc.prospects.find(email="ana.lopez@agrovalle.mx")["prospects"]
    rpc.prospects.log_interaction(
        ana["id"], kind="call", mode="phone", outcome="interested", occurred_at="2026-07-09T12:00Z"
    )
    imported(rpc, tmp_path, "customers", RecordFile("customers"), CUSTOMERS)
    imported(rpc, tmp_path, "customers", RecordFile("purchases"), PURCHASES)
    imported(rpc, tmp_path, "customers", RecordFile("contracts"), CONTRACTS)
    wait_for(  # feedback learns the customers from customer_created
        lambda: rpc.feedback.answers("CU-3") is not None, not_yet=(Exception,), timeout_s=60
    )
    imported(rpc, tmp_path, "feedback", feedback_file("responses"), RESPONSES)
    imported(rpc, tmp_path, "feedback", feedback_file("complaints"), COMPLAINTS)

    row = wait_for(
        lambda: quarter(rpc),
        lambda row: (
            row.get("purchases") == 4
            and row.get("contracts_due") == 2
            and row.get("nps_respondents") == 2
            and row.get("CSAT") is not None
            and row.get("complaint_resolution_hours_median") is not None
            and row.get("I2_first_contacts") == 1
        ),
        timeout_s=90,
    )

    assert row == {
        "period": Q3,
        # prospects: two fair visitors and a web-form lead, one called 26 hours later
        "I1_new_prospects": 3,
        "I1_by_source": {"fairs": 2, "webforms": 1},
        "I1_by_fair": {"Expo Julio": 2},
        "I1_by_campaign": {"verano": 1},
        "I1_by_channel": {},
        "I2_first_contacts": 1,
        "I2_median_hours": 26.0,
        "I2_p90_hours": 26.0,
        "I3_completeness": 40.0,  # a name and an e-mail: 20 + 20
        "conversions": 0,
        "I4_conversion_rate": 0.0,
        "I4_cohort_conversion_rate": 0.0,
        # feedback: a promoter and a detractor; CU-1 (NPS 9, CSAT 5) satisfied, CU-2 not
        "nps_respondents": 2,
        "NPS": 0.0,
        "CSAT": 100.0,
        "CSAT_mean": 5.0,
        "CES_mean": None,
        "SC": 50.0,
        "I6": None,  # no captive customer answered
        **{f"SERVQUAL_gap_{d}": None for d in SERVQUAL_DIMENSIONS},
        "SERVQUAL_weighted": None,
        "complaints": 1,
        "complaints_breached": 0,
        "complaint_response_hours_median": 4.0,
        "complaint_resolution_hours_median": 48.0,
        # customers: three new, four purchases, K-1 on time and K-2 ten days late
        "CCT": 50.0,
        "contracts_due": 2,
        "contracts_on_time": 1,
        "purchases": 4,
        "purchase_value": {"MXN": "4150.50"},
        "new_customers": 3,
        "lost_customers": 0,
        "I5_updates_per_active_customer": 0.0,
        "I5_updated_90d_pct": 0.0,
        "churn_rate": None,  # nobody was a customer when the quarter began
        "retention_rate": None,
        # loyalty: a point per whole peso bought; P-101's 1,600 points make CU-1 silver, so
        # P-102 earns x1.25 whichever of the two purchases is handled first
        "points_earned": 1600 + 375 + 2000 + 250,
        "points_redeemed": 0,
        "points_expired": 0,
        "points_adjusted": 0,
        "alarms_raised": 0,
        "customers_at_risk": 0,
    }

    rpc.kpi.set_target("direccion", indicator="CCT", value=90, tolerance=5, granularity="quarter")
    raised = rpc.kpi.check_targets()
    assert rpc.kpi.check_targets() == []  # once per indicator and period
    [alert] = [a for a in rpc.kpi.alerts(True) if a["id"] in raised]
    assert (alert["indicator"], alert["period"], alert["value"], alert["state"]) == (
        "CCT",
        Q3,
        50.0,
        "open",
    )

    action = rpc.loyalty.add_action(
        action_id="ACT-CCT-Q4",
        opportunity="Half the contracts due in Q3 were delivered late",
        description="Weekly delivery review with the warehouse",
        specific="Review every open contract due within three weeks each Monday",
        measurable="CCT per quarter",
        achievable="The warehouse lead and one account manager, one hour a week",
        relevant="Late deliveries raised a complaint and lost a detractor",
        priority="high",
        owner="luis",
        indicator="CCT",
        target="90",
        granularity="quarter",
        alert_id=alert["id"],
        due_at=(utcnow() + timedelta(days=90)).isoformat(),
    )

    assert (action["before"], action["alert_id"]) == ("50.0", alert["id"])  # read from kpi
    linked = wait_for(lambda: rpc.kpi.alert(alert["id"]), lambda found: found["state"] == "linked")
    assert linked["action_id"] == "ACT-CCT-Q4"
    assert alert["id"] not in [a["id"] for a in rpc.kpi.alerts(True)]
