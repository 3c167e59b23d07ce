"""Feedback files: English or Spanish headers, and `clientela import responses|complaints`."""

import json

import pytest
from openpyxl import Workbook

from clientela.cli import feedback_import
from clientela.cli.feedback_import import feedback_file
from clientela.cli.file_import import ImportSummary
from clientela.leads import LeadRow, LeadSourceError

from .cli_doubles import run


def test_a_servqual_row_with_spanish_headers_names_every_column(tmp_path):
    path = tmp_path / "encuestas.csv"
    path.write_text(
        "Respuesta;Correo;Encuesta;Fecha de respuesta;Dimensión;Ítem;Expectativa;Percepción;"
        "Importancia\nSQ-1;ana@example.com;servqual;02/03/2026;Fiabilidad;5;7;5;30\n",
        encoding="utf-8",
    )

    [row] = feedback_file("responses").read(path, {})

    assert row == LeadRow(
        2,
        {
            "response_ref": "SQ-1",
            "email": "ana@example.com",
            "survey": "servqual",
            "answered_at": "02/03/2026",
            "dimension": "Fiabilidad",
            "item": "5",
            "expectation": "7",
            "perception": "5",
            "importance": "30",
        },
    )


def test_a_complaints_workbook_is_read_from_its_first_sheet(tmp_path):
    book = Workbook()
    book.active.append(["Queja", "Cliente", "Categoría", "Gravedad", "Fecha de apertura"])
    book.active.append(["Q-1", "CU-1", "billing", "alta", "2026-03-02"])
    book.save(tmp_path / "quejas.xlsx")

    [row] = feedback_file("complaints").read(tmp_path / "quejas.xlsx", {})

    assert row.fields["complaint_ref"] == "Q-1" and row.fields["severity"] == "alta"


def test_a_file_without_its_reference_column_is_refused_saying_which_headers_do(tmp_path):
    path = tmp_path / "quejas.csv"
    path.write_text("Cliente,Categoría\nCU-1,billing\n", encoding="utf-8")
    with pytest.raises(LeadSourceError, match=r"no complaint_ref column.*queja"):
        list(feedback_file("complaints").read(path, {}))


def test_import_complaints_goes_to_feedback_and_writes_the_rejects_file(monkeypatch, tmp_path):
    path = tmp_path / "quejas.csv"
    path.write_text("Queja\nQ-1\nQ-2\n", encoding="utf-8")
    summary = ImportSummary(rows=2, created=1, rejected=[(3, "severity: Missing data")])
    summary.rejected_rows[3] = {"Queja": "Q-2"}
    asked = []

    def import_feedback(settings, kind, file, options):
        asked.append((kind, file))
        return summary

    monkeypatch.setattr(feedback_import, "import_feedback", import_feedback)

    report = json.loads(run("import", "complaints", str(path), "--json"))

    assert asked == [("complaints", path)]
    assert (report["created"], report["rejected"][0]["reason"]) == (1, "severity: Missing data")
    rejects = (tmp_path / "quejas.csv.rejects.csv").read_text(encoding="utf-8")
    assert "severity: Missing data" in rejects and "Q-2" in rejects
