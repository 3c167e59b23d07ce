"""``clientela import customers|contracts|purchases|invoices FILE``: customer records from a
CSV or XLSX file into the customers service, streamed as the lead import is.

Headers may be English or Spanish, in any case and with or without accents
(``Fecha de pago``, ``paid_at``); a customer is named by ``customer_ref`` or,
when that column is blank, ``email``. Rows go in batches through
:func:`clientela.cli.file_import.import_file`, with the same progress bar and
rejects file as the lead import.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from clientela.cli.client import platform
from clientela.cli.file_import import Capture, ImportSummary, import_file
from clientela.cli.lead_import import SHOWN_REJECTS, count_rows, import_progress
from clientela.cli.output import say
from clientela.columns import NumberedCells, csv_rows, header_key
from clientela.config import ConfigError, Settings
from clientela.leads import LeadRow, LeadSource, LeadSourceError, RowProblem
from clientela.workbook import xlsx_rows

ALIASES: dict[str, tuple[str, ...]] = {
    "customer_ref": (
        "customer_ref",
        "ref_cliente",
        "referencia_cliente",
        "cliente",
        "id_cliente",
        "clave",
        "clave_cliente",
        "clave_del_cliente",
        "no_cliente",
    ),
    "name": ("name", "nombre", "nombre_completo", "razon_social"),
    "email": ("email", "e_mail", "mail", "correo", "correo_electronico"),
    "phone": ("phone", "telefono", "tel", "celular", "movil"),
    "company": ("company", "empresa", "compania"),
    "typology": ("typology", "tipologia", "tipo", "tipo_de_cliente"),
    "created_at": ("created_at", "alta", "fecha_alta", "fecha_de_alta", "creado"),
    "special": ("special", "especial"),
    "contract_ref": ("contract_ref", "contrato", "ref_contrato", "referencia_contrato"),
    "value": ("value", "valor", "importe", "monto"),
    "amount": ("amount", "importe", "monto", "total"),
    "currency": ("currency", "moneda", "divisa"),
    "signed_at": ("signed_at", "firmado", "fecha_firma", "fecha_de_firma"),
    "due_at": ("due_at", "vence", "vencimiento", "fecha_vencimiento", "fecha_de_vencimiento"),
    "delivered_at": ("delivered_at", "entregado", "fecha_entrega", "fecha_de_entrega"),
    "status": ("status", "estado", "estatus"),
    "purchase_ref": ("purchase_ref", "compra", "ref_compra", "referencia_compra", "pedido"),
    "product_line": ("product_line", "linea", "linea_producto", "linea_de_producto"),
    "channel": ("channel", "canal"),
    "purchased_at": ("purchased_at", "fecha_compra", "fecha_de_compra", "comprado", "fecha"),
    "invoice_ref": ("invoice_ref", "factura", "folio", "ref_factura", "numero_factura"),
    "issued_at": ("issued_at", "emitida", "fecha_emision", "fecha_de_emision"),
    "paid_at": ("paid_at", "pagada", "pagado", "fecha_pago", "fecha_de_pago"),
}
"""Each column the import reads, and the normalised headers (see header_key) that name it."""
_CUSTOMER = ("customer_ref", "email")
COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": ("customer_ref", "name", "email", "phone", "company", "typology", "created_at",
                  "special"),
    "contracts": ("contract_ref", *_CUSTOMER, "value", "currency", "signed_at", "due_at",
                  "delivered_at", "status"),
    "purchases": ("purchase_ref", *_CUSTOMER, "amount", "currency", "product_line", "channel",
                  "purchased_at"),
    "invoices": ("invoice_ref", *_CUSTOMER, "amount", "currency", "issued_at", "due_at",
                 "paid_at"),
}  # fmt: skip
"""The columns of each kind of record file; the first is its reference, required."""
RECORD_KINDS = tuple(COLUMNS)


PREAMBLE_ROWS = 10
"""Rows an export may print above its header row (company, report title, date), skipped."""


class RecordFile(LeadSource):
    """A file of one kind of customer record, read as the lead import reads lead files."""

    options = {"sheet": "the worksheet of an .xlsx file (default: the first)"}

    def __init__(
        self,
        kind: str,
        columns: Mapping[str, tuple[str, ...]] = COLUMNS,
        aliases: Mapping[str, tuple[str, ...]] = ALIASES,
    ) -> None:
        self.name = kind
        self.columns = columns[kind]
        self.aliases = aliases

    def column_of(self, header: str) -> str | None:
        """The column of this kind ``header`` names, None for one the import ignores."""
        key = header_key(header)
        return next((name for name in self.columns if key in self.aliases[name]), None)

    def columns_of(self, headers: Sequence[str]) -> list[str | None]:
        """The column each header names; when two name one column (``Clave cliente`` and
        ``Cliente``), the first, leftmost, is read and the other ignored."""
        names: list[str | None] = []
        for header in headers:
            name = self.column_of(header)
            names.append(None if name in names else name)
        return names

    def read(self, path: Path, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """One item per data row after the header row; blank rows are skipped.

        The header row is the first that names the reference column; up to
        :data:`PREAMBLE_ROWS` rows above it (an ERP report's title lines) are skipped.
        """
        if path.suffix.lower() == ".xlsx":
            rows: Iterator[NumberedCells | RowProblem] = xlsx_rows(path, options.get("sheet"))
        else:
            rows = csv_rows(path)
        headers: Sequence[str] | None = None
        names: list[str | None] = []
        above: list[Sequence[str]] = []
        for row in rows:
            if isinstance(row, RowProblem):
                yield row
                continue
            line, cells = row
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                names = self.columns_of(cells)
                if self.columns[0] in names:
                    headers = cells
                elif len(above) < PREAMBLE_ROWS:
                    above.append(cells)
                else:
                    self._no_reference(above[0], path)
                continue
            fields = {
                name: cell.strip()
                for name, cell in zip(names, cells, strict=False)
                if name and cell.strip()
            }
            yield LeadRow(line, fields, cells=dict(zip(headers, cells, strict=False)))
        if headers is None and above:
            self._no_reference(above[0], path)
        if headers is None:
            raise LeadSourceError(f"{path} is empty: expected a header row")

    def _no_reference(self, first_row: Sequence[str], path: Path) -> NoReturn:
        reference = self.columns[0]
        raise LeadSourceError(
            f"{path}: no {reference} column among {', '.join(first_row)}"
            f" (accepted headers: {', '.join(self.aliases[reference])})"
        )


class _Report:
    """A batch's pending reply, its "updated" rows counted where the summary counts merges."""

    def __init__(self, reply: Any) -> None:
        self.reply = reply

    def result(self) -> dict[str, Any]:
        report = self.reply.result()
        return {**report, "merged": report["updated"]}


def records_capture(rpc: Any, service: str, kind: str) -> Capture:
    """Sends each batch of ``kind`` rows to ``service``, leaving its reply pending."""
    importer = getattr(rpc, service).import_records
    return lambda rows, _: _Report(importer.call_async(kind, rows))


def import_record_file(
    settings: Settings,
    service: str,
    source: RecordFile,
    path: Path,
    options: Mapping[str, str],
) -> ImportSummary:
    """Import the records ``source`` reads in ``path`` into the running ``service``."""
    unknown = source.unknown_options(options)
    if unknown:
        raise ConfigError(f"option {', '.join(unknown)}: import {source.name} takes only sheet")
    if not path.is_file():
        raise ConfigError(f"file: {path} does not exist")
    with (
        platform(settings, service) as rpc,
        import_progress(count_rows(source, path, options)) as progress,
    ):
        [task] = progress.task_ids

        def advance(summary: ImportSummary) -> None:
            progress.update(task, completed=summary.rows, rejected=len(summary.rejected))

        capture = records_capture(rpc, service, source.name)
        return import_file(source, path, options, capture, progress=advance)


def import_records(
    settings: Settings, kind: str, path: Path, options: Mapping[str, str]
) -> ImportSummary:
    """Import the ``kind`` records of ``path`` into the running customers service."""
    return import_record_file(settings, "customers", RecordFile(kind), path, options)


def record_counts(summary: ImportSummary) -> dict[str, Any]:
    """What became of the rows, for ``--json``."""
    data = summary.as_dict()
    return {
        "rows": data["rows"],
        "created": data["created"],
        "updated": data["merged"],
        "unchanged": data["unchanged"],
        "rejected": data["rejected"],
    }


def print_records(summary: ImportSummary, rejects: Path) -> None:
    """What became of the rows, and the first rejected ones."""
    say(
        f"{summary.rows} rows read: {summary.created} new, {summary.merged} updated, "
        f"{summary.unchanged} already imported, {len(summary.rejected)} rejected"
    )
    for line, reason in summary.rejected[:SHOWN_REJECTS]:
        say(f"  line {line}: {reason}")
    if summary.rejected:
        say(f"every rejected row, with its line and reason: {rejects}")
