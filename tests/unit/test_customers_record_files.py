"""Customer record files: English or Spanish headers, any case or accents, CSV or XLSX."""

import pytest
from openpyxl import Workbook

from clientela.cli.customer_import import RecordFile
from clientela.leads import LeadRow, LeadSourceError


def test_spanish_headers_with_accents_and_case_name_the_columns(tmp_path):
    path = tmp_path / "facturas.csv"
    path.write_text(
        "Folio;Correo Electrónico;IMPORTE;Fecha de Emisión;Vencimiento;Fecha de pago;Notas\n"
        "F-1;ana@example.com;100,50;01/03/2026;31/03/2026;;urgente\n\n",
        encoding="utf-8",
    )

    [row] = RecordFile("invoices").read(path, {})

    assert row == LeadRow(
        2,
        {
            "invoice_ref": "F-1",
            "email": "ana@example.com",
            "amount": "100,50",
            "issued_at": "01/03/2026",
            "due_at": "31/03/2026",
        },
    )
    assert row.cells["Notas"] == "urgente"


def test_a_workbook_is_read_like_a_csv_file(tmp_path):
    workbook = Workbook()
    workbook.active.append(["Compra", "Cliente", "Monto", "Fecha de compra"])
    workbook.active.append(["P-1", "CU-1", 99.5, "2026-03-01"])
    path = tmp_path / "compras.xlsx"
    workbook.save(path)

    [row] = RecordFile("purchases").read(path, {})

    assert row.fields == {
        "purchase_ref": "P-1",
        "customer_ref": "CU-1",
        "amount": "99.5",
        "purchased_at": "2026-03-01",
    }


def test_a_file_without_its_reference_column_is_refused_naming_the_accepted_headers(tmp_path):
    path = tmp_path / "contratos.csv"
    path.write_text("cliente,valor\nCU-1,10\n", encoding="utf-8")

    with pytest.raises(LeadSourceError, match=r"no contract_ref column.*contrato"):
        list(RecordFile("contracts").read(path, {}))
