"""Feedback on the real broker and database: survey responses and complaints imported from
files (twice, with a rejects file), their figures in kpi, requirements documented for the
customers, and a lost-customer interview recorded by customers as the loss reason."""

import csv

import pytest

from clientela.cli.client import wait_for
from clientela.cli.customer_import import records_capture
from clientela.cli.feedback_import import feedback_file
from clientela.cli.file_import import import_file
from clientela.cli.lead_import import write_rejects
from clientela.errors import NotFound

pytestmark = pytest.mark.integration

RESPONSES = """Respuesta;Ref cliente;Correo;Encuesta;Puntuación;Fecha de respuesta;Canal
R-1;CU-1;;NPS;10;2026-03-02 10:00;correo
R-2;;Beto@Example.com;csat;5;2026-03-03;teléfono
R-3;CU-404;;nps;9;2026-03-03;correo
R-4;CU-1;;ces;3;2099-01-01;correo
"""
COMPLAINTS = """\
Queja,Cliente,Categoría,Gravedad,Fecha de apertura,Fecha de respuesta,Resuelta,Descripción
Q-1,CU-1,billing,Alta,2026-03-02 09:00,2026-03-02 15:00,2026-03-05 12:00,Charged twice
Q-2,CU-2,delivery,medium,2026-03-10 09:00,,2026-03-09 09:00,Parcel lost
"""


@pytest.fixture
def platform(clientela_platform):
    """customers, feedback and kpi running, with two customers feedback knows of."""
    rpc = clientela_platform("customers", "feedback", "kpi")
    for ref, name, email in (
        ("CU-1", "Ana", "ana@example.com"),
        ("CU-2", "Beto", "beto@example.com"),
    ):
        rpc.customers.create(customer_ref=ref, first_name=name, email=email)
        wait_for(
            lambda ref=ref: rpc.feedback.document_requirement(
                f"RQ-{ref}", customer_id=ref, statement="Invoices in CFDI 4.0",
                priority="must", source="visit",
            ),
            not_yet=(NotFound,),
            timeout_s=60,
        )  # fmt: skip
    return rpc


def test_imported_responses_and_complaints_count_once_and_reach_kpi(platform, tmp_path):
    rpc = platform

    def imported(kind, text):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        capture = records_capture(rpc, "feedback", kind)
        return import_file(feedback_file(kind), path, {}, capture)

    responses = imported("responses", RESPONSES)
    replayed = imported("responses", RESPONSES)
    complaints = imported("complaints", COMPLAINTS)
    imported("complaints", COMPLAINTS)

    assert (responses.created, replayed.created, replayed.unchanged) == (2, 0, 2)
    assert responses.rejected == [
        (4, "customer_ref: no customer 'CU-404' is known to feedback"),
        (5, "answered_at: Is in the future; it must have happened already."),
    ]
    rejects = tmp_path / "rejects.csv"
    write_rejects(responses, rejects)
    with rejects.open(encoding="utf-8") as rows:
        written = list(csv.DictReader(rows))
    assert [(r["line"], r["Respuesta"]) for r in written] == [("4", "R-3"), ("5", "R-4")]
    assert "no customer 'CU-404'" in written[0]["reason"]
    assert complaints.rejected == [(3, "resolved_at: Must not be before the response.")]

    def march():
        periods = {row["period"]: row for row in rpc.kpi.indicators("month")["periods"]}
        return periods.get("2026-03", {})

    figures = wait_for(
        march,
        # NPS answers, other responses and complaints reach kpi on queues of their own
        lambda row: (
            row and row["nps_respondents"] and row["CSAT"] is not None and row["complaints"]
        ),
        timeout_s=60,
    )
    assert (figures["NPS"], figures["nps_respondents"], figures["CSAT"]) == (100.0, 1, 100.0)
    assert (figures["complaints"], figures["complaint_resolution_hours_median"]) == (1, 75.0)
    listed = rpc.feedback.customer_requirements("CU-2")
    assert [(r["requirement_ref"], r["priority"]) for r in listed] == [("RQ-CU-2", "must")]


def test_a_lost_customer_interview_becomes_the_customers_loss_reason(platform):
    rpc = platform
    for _ in range(2):  # a retried call records and announces once
        rpc.feedback.interview_lost_customer(
            "INT-7",
            customer_id="CU-1",
            interviewer="Marta",
            reasons=["competitor", "price"],
            notes="Found it 15% cheaper elsewhere",
            interviewed_at="2026-05-04T16:00:00+00:00",
        )

    lost = wait_for(lambda: rpc.customers.get("CU-1")["lost"], timeout_s=60)

    assert lost == {
        "lost_at": "2026-05-04T16:00:00+00:00",
        "reason": "competitor, price (lost-customer interview INT-7)",
    }
    view = rpc.customers.view("CU-1")
    assert view["profile"]["lost"]["reason"].startswith("competitor, price")
    [interview] = rpc.feedback.customer_interviews("CU-1")
    assert interview["reasons"] == ["competitor", "price"]
