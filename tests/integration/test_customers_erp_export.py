"""Customers and sales as a Mexican ERP exports them (an Aspel-SAE-style report workbook),
imported into the real customers service as they come out of it.

The workbook is laid out as those reports are: the company, the report's title and its
date above the header row, keys padded with spaces, the customer's key under "Clave",
dates as date cells, amounts as numbers or as text with a currency sign and thousands
separators, a totals row at the bottom. Its people are shaped like a real customer list:
two namesakes sharing a switchboard e-mail, a distributor, a back-dated sale.
"""

from datetime import datetime

import pytest
from openpyxl import Workbook

from clientela.cli.customer_import import RecordFile, records_capture
from clientela.cli.file_import import import_file

pytestmark = pytest.mark.integration

PREAMBLE = [
    ["COMERCIALIZADORA DEL BAJIO SA DE CV"],
    ["Catálogo de clientes"],
    ["Fecha de emisión: 02/12/2026", None, None, "Página 1 de 1"],
    [],
]


def report(path, title, header, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for line in [*PREAMBLE, header, *rows]:
        sheet.append(line)
    book.save(path)
    return path


def customers_workbook(path):
    return report(
        path,
        "Clientes",
        ["Clave", "Nombre", "RFC", "Correo electrónico", "Teléfono", "Tipo de cliente",
         "Fecha de alta", "Saldo"],
        [
            ["        17", "JUAN PÉREZ LÓPEZ", "PELJ800101AB1", "ventas@ferreteriaroma.mx",
             "(442) 212 3344", "Usuario final", datetime(2021, 3, 15), 0],
            ["        18", "JUAN PÉREZ LÓPEZ", "PELJ920505CD2", "ventas@ferreteriaroma.mx",
             "(442) 212 3344", "Usuario final", datetime(2023, 8, 1), 1250.5],
            ["        25", "DISTRIBUIDORA AGRÍCOLA DEL CENTRO", "DAC0102039X1",
             "compras@dacentro.com.mx", "4622001122", "Distribuidor", datetime(2019, 1, 10),
             "$12,400.00"],
            [None, "Total clientes: 3", None, None, None, None, None, 13650.5],
        ],
    )  # fmt: skip


def sales_workbook(path):
    return report(
        path,
        "Ventas",
        ["Pedido", "Clave cliente", "Cliente", "Fecha", "Importe", "Moneda", "Línea"],
        [
            ["P-000981", "17", "JUAN PÉREZ LÓPEZ", datetime(2026, 11, 3, 10, 15), 4350.0,
             "MXN", "Refacciones"],
            ["P-000982", "18", "JUAN PÉREZ LÓPEZ", datetime(2026, 11, 4, 12, 0), "$1,250.50",
             "MXN", "Refacciones"],
            ["P-000120", "25", "DISTRIBUIDORA AGRÍCOLA DEL CENTRO", datetime(2019, 2, 1),
             "12,400.00", "USD", "Semillas"],
            ["P-000983", "99", "CLIENTE DE MOSTRADOR", datetime(2026, 11, 5), 80, "MXN", ""],
            [None, None, "Total ventas", None, 18080.5, None, None],
        ],
    )  # fmt: skip


def test_an_erp_report_workbook_imports_as_it_comes_out(clientela_platform, tmp_path):
    rpc = clientela_platform("customers")

    def import_records(kind, path):
        return import_file(RecordFile(kind), path, {}, records_capture(rpc, "customers", kind))

    customers = import_records("customers", customers_workbook(tmp_path / "clientes.xlsx"))
    sales = import_records("purchases", sales_workbook(tmp_path / "ventas.xlsx"))
    again = import_records("purchases", tmp_path / "ventas.xlsx")

    # the title lines above the header are skipped; the totals row is reported, not stored
    assert (customers.rows, customers.created) == (4, 3)
    assert customers.rejected == [(9, "customer_ref: Missing data for required field.")]
    namesakes = [rpc.customers.get(ref) for ref in ("17", "18")]
    assert [c["created_at"][:10] for c in namesakes] == ["2021-03-15", "2023-08-01"]
    assert {c["email"] for c in namesakes} == {"ventas@ferreteriaroma.mx"}  # never merged
    assert rpc.customers.get("25")["typology"] == "intermediate"

    assert (sales.rows, sales.created) == (5, 3)
    assert sales.rejected == [
        (9, "customer_id: no customer '99'"),
        (10, "purchase_ref: Missing data for required field."),
    ]
    assert (again.created, again.unchanged) == (0, 3)
    [juan] = rpc.customers.purchases("17")["items"]
    [homonym] = rpc.customers.purchases("18")["items"]
    [backdated] = rpc.customers.purchases("25")["items"]
    assert (juan["amount"], juan["purchased_at"]) == ("4350", "2026-11-03T10:15:00+00:00")
    assert homonym["amount"] == "1250.50"
    assert (backdated["amount"], backdated["currency"]) == ("12400.00", "USD")
    assert backdated["purchased_at"] == "2019-02-01T00:00:00+00:00"
