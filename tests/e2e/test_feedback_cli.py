"""Feedback from the command line: responses imported from a file with a rejects file, a
corrective action on an imported complaint, and a lost-customer interview shown as the
customer's loss reason in `clientela customers show`."""

import json

from clientela.cli.client import wait_for

RESPONSES = """Respuesta,Cliente,Encuesta,Puntuación,Fecha de respuesta,Canal
R-1,CU-1,nps,10,2026-03-02,correo
R-2,CU-404,nps,9,2026-03-02,correo
"""
COMPLAINTS = """Queja,Cliente,Categoría,Gravedad,Fecha de apertura,Descripción
Q-1,CU-1,billing,alta,2026-03-02 09:00,Charged twice
"""


def test_imports_actions_and_an_interview_from_the_command_line(clientela, env, platform, tmp_path):
    customers = tmp_path / "clientes.csv"
    customers.write_text("Ref cliente,Nombre,Correo\nCU-1,Ana Ruiz,ana@example.com\n", "utf-8")
    assert clientela(env, "import", "customers", str(customers)).returncode == 0
    responses = tmp_path / "respuestas.csv"
    responses.write_text(RESPONSES, encoding="utf-8")

    def imported():
        return json.loads(clientela(env, "import", "responses", str(responses), "--json").stdout)

    report = wait_for(imported, lambda r: r["created"] or r["unchanged"])  # CU-1 announced
    assert report["rejected"][0]["reason"] == (
        "customer_ref: no customer 'CU-404' is known to feedback"
    )
    rejects = (tmp_path / "respuestas.csv.rejects.csv").read_text(encoding="utf-8")
    assert "CU-404" in rejects and "known to feedback" in rejects
    again = clientela(env, "import", "responses", str(responses))
    assert "0 new, 0 updated, 1 already imported, 1 rejected" in again.stdout

    complaints = tmp_path / "quejas.csv"
    complaints.write_text(COMPLAINTS, encoding="utf-8")
    assert clientela(env, "import", "complaints", str(complaints)).returncode == 0
    planned = clientela(
        env, "complaints", "action", "add", "CA-1", "--cause", "Invoices re-sent",
        "--action", "Skip invoices already sent", "--owner", "lu", "--due", "2026-03-20",
        "--complaint", "Q-1",
    )  # fmt: skip
    assert "CA-1: planned, due 2026-03-20" in planned.stdout, planned.stderr
    unknown = clientela(
        env, "complaints", "action", "add", "CA-2", "--cause", "c", "--action", "a",
        "--owner", "lu", "--due", "2026-03-20", "--complaint", "Q-404",
    )  # fmt: skip
    assert unknown.returncode == 2 and "Q-404" in unknown.stderr

    interviewed = clientela(
        env, "interviews", "record", "INT-7", "--customer", "CU-1", "--interviewer", "Marta",
        "--reason", "competitor", "--reason", "price",
    )  # fmt: skip
    assert interviewed.returncode == 0, interviewed.stderr

    def shown():
        return clientela(env, "customers", "show", "CU-1").stdout

    assert "competitor, price (lost-customer interview INT-7)" in wait_for(
        shown, lambda out: "interview INT-7" in out
    )
