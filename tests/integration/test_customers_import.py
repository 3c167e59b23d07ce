"""Customer records imported from files into the real customers service, and again."""

import pytest

from clientela.cli.customer_import import RecordFile, records_capture
from clientela.cli.file_import import import_file

pytestmark = pytest.mark.integration

CUSTOMERS = """Ref cliente,Nombre,Correo,Tipología,Especial,Fecha de alta
CU-1,Ana Ruiz,ana@example.com,prescriptor,sí,2026-01-15
CU-2,Beto Sosa,beto@example.com,intermediario,no,2026-02-01
"""
INVOICES = """Folio;Cliente;Correo;Importe;Emitida;Vence;Fecha de pago
F-1;CU-1;;100.00;2026-03-01;2026-03-31;
F-2;;beto@example.com;250,00;2026-03-05;2026-04-04;2026-04-01
F-3;CU-404;;10.00;2026-03-05;2026-04-04;
F-4;CU-1;;10.00;2099-03-05;2099-04-04;
"""


def test_customers_then_their_invoices_are_imported_once(clientela_platform, tmp_path):
    rpc = clientela_platform("customers")
    customers = rpc.customers

    def import_records(kind, path):
        return import_file(RecordFile(kind), path, {}, records_capture(rpc, "customers", kind))

    (tmp_path / "clientes.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "facturas.csv").write_text(INVOICES, encoding="utf-8")

    first = import_records("customers", tmp_path / "clientes.csv")
    again = import_records("customers", tmp_path / "clientes.csv")
    invoices = import_records("invoices", tmp_path / "facturas.csv")

    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert customers.get("CU-1")["typology"] == "prescriber"
    assert (invoices.rows, invoices.created) == (4, 2)
    assert invoices.rejected == [
        (4, "customer_id: no customer 'CU-404'"),
        (5, "issued_at: Is in the future; it must have happened already."),
    ]
    assert [i["paid_at"] for i in customers.invoices("CU-2")] == ["2026-04-01T00:00:00+00:00"]
    assert import_records("invoices", tmp_path / "facturas.csv").unchanged == 2
