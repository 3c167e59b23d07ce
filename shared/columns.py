"""Matching the columns of a lead file, or the keys of a pushed lead, to lead fields.

People name their columns "Correo electrónico", "E-Mail" or "email"; lead
sources should understand all of them the same way. This module is the shared
vocabulary for that, for built-in and third-party lead-source plugins alike:

- :func:`header_key` normalises a header or key (case, accents, spaces,
  hyphens and dots ignored), and :data:`HEADER_ALIASES` lists, for each of
  :data:`~clientela.leads.LEAD_FIELDS`, the normalised headers that mean it;
- :class:`ColumnMap` maps one header row to lead fields and turns a row of
  cells into ``(fields, extra)``: several columns of one field are joined in
  column order, columns of no lead field are kept as extra values under their
  normalised header (or a key the source chose, through ``extra_aliases``);
- :func:`csv_rows` reads a CSV file whatever its separator and encoding, and
  :func:`map_rows` turns numbered rows of cells, header first, into
  :class:`MappedRow` items, reporting rows it cannot map as RowProblem;
- :func:`cell_text` and :func:`says_yes` read single values.

A file-reading source is then a few lines::

    def read(self, path, options):
        for row in map_rows(csv_rows(path), where=str(path)):
            if isinstance(row, RowProblem):
                yield row
            else:
                yield LeadRow(row.line, row.fields, row.extra)
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from clientela.leads import LeadSourceError, RowProblem

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": (
        "first_name",
        "firstname",
        "first",
        "given_name",
        "forename",
        "name",
        "full_name",
        "contact",
        "contact_name",
        "nombre",
        "nombres",
        "nombre_completo",
        "contacto",
    ),
    "last_name": (
        "last_name",
        "lastname",
        "surname",
        "family_name",
        "apellidos",
        "apellido",
        "apellido_paterno",
        "apellido_materno",
        "primer_apellido",
        "segundo_apellido",
    ),
    "email": (
        "email",
        "e_mail",
        "mail",
        "email_address",
        "e_mail_address",
        "correo",
        "correo_electronico",
        "correo_e",
        "direccion_de_correo",
        "email_corporativo",
    ),
    "phone": (
        "phone",
        "phone_number",
        "telephone",
        "tel",
        "mobile",
        "mobile_phone",
        "cell",
        "telefono",
        "telefono_movil",
        "movil",
        "celular",
        "whatsapp",
    ),
    "company": (
        "company",
        "company_name",
        "organisation",
        "organization",
        "empresa",
        "organizacion",
        "compania",
        "razon_social",
        "institucion",
    ),
    "position": ("position", "job_title", "title", "role", "cargo", "puesto"),
    "needs": (
        "needs",
        "interest",
        "interests",
        "comments",
        "notes",
        "message",
        "interes",
        "intereses",
        "necesidades",
        "comentarios",
        "observaciones",
        "mensaje",
    ),
}
"""Each lead field and the normalised headers (see :func:`header_key`) that mean it."""

IDENTIFIED_AT_ALIASES = (
    "identified_at",
    "captured_at",
    "scanned_at",
    "scan_time",
    "date",
    "datetime",
    "timestamp",
    "fecha",
    "fecha_hora",
    "fecha_de_captura",
    "fecha_escaneo",
    "fecha_de_visita",
    "fecha_visita",
    "visit_date",
    "visited_at",
)
"""Normalised headers of a column saying when the person was identified (scanned, captured)."""

CONSENT_ALIASES = ("consent", "consentimiento", "acepta_contacto")
"""Normalised headers of a column saying whether the person agreed to be contacted."""

YES_WORDS = frozenset({"yes", "y", "si", "true", "1", "x", "on"})
"""Normalised values :func:`says_yes` takes as yes ("Sí", "TRUE" and "X" included)."""

_FIELD_BY_HEADER = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_SNIFF_SIZE = 64 * 1024


def header_key(header: str) -> str:
    """``" Correo-Electrónico "`` -> ``"correo_electronico"``: no accents, case or separators."""
    decomposed = unicodedata.normalize("NFKD", header.strip())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "_".join(plain.replace("-", " ").replace(".", " ").split())


def field_for(header: str) -> str | None:
    """The lead field ``header`` means, or None when it is none of :data:`HEADER_ALIASES`."""
    return _FIELD_BY_HEADER.get(header_key(header))


def header_among(cells: Mapping[str, str], aliases: Sequence[str], default: str) -> str:
    """The header, as written in the file, of the first of a row's ``cells`` (header -> value)
    whose normalised header is one of ``aliases``; ``default`` when none is."""
    return next((header for header in cells if header_key(header) in aliases), default)


def map_headers(headers: Sequence[str]) -> list[str | None]:
    """The lead field of each header, or None for a column kept as extra."""
    return [field_for(header) for header in headers]


def says_yes(value: str) -> bool:
    """Whether a cell answers yes: one of :data:`YES_WORDS`, ignoring case and accents."""
    return header_key(value) in YES_WORDS


_DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})"
    r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)


def moment_text(value: str) -> str:
    """A date or time as people write it in lists, as ISO 8601 text.

    ISO dates and times (``2026-03-12``, ``2026-03-12 10:15``, with or without
    a zone) are kept as written; day-first dates, as Spanish lists write them
    (``12/03/2026``, ``12-03-2026 10:15``, ``12.03.2026``), are turned into
    ISO. ValueError for anything else, or an impossible date.
    """
    text = value.strip()
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return text
    except ValueError:
        pass
    found = _DAY_FIRST.fullmatch(text)
    if found is None:
        raise ValueError(
            f"{value!r} is not a date or time (YYYY-MM-DD or DD/MM/YYYY, time optional)"
        )
    parts = {name: int(number or 0) for name, number in found.groupdict().items()}
    try:
        moment = datetime(
            parts["year"],
            parts["month"],
            parts["day"],
            parts["hour"],
            parts["minute"],
            parts["second"],
        )
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: {exc}") from None
    return moment.date().isoformat() if found["hour"] is None else moment.isoformat()


def cell_text(value: object) -> str:
    """A spreadsheet cell or JSON value as the text a person reads in it.

    None is ``""``; whole numbers lose their ``.0`` (phones stored as numbers:
    ``5511112222.0`` is ``"5511112222"``); dates and times are ISO 8601, a date
    and time at midnight exactly being a date (spreadsheets store dates so);
    booleans are ``"true"`` or ``"false"``; anything else is ``str(value)``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        midnight = value.time() == time() and value.tzinfo is None
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


class Column(NamedTuple):
    """One column of a header row and where its values go."""

    header: str
    key: str
    """The lead field, or the key of the extra values, the column's values go under."""
    is_field: bool


@dataclass(frozen=True)
class ColumnMap:
    """Where each column of a header row goes: a lead field, or the extra values."""

    columns: tuple[Column, ...]

    @classmethod
    def from_headers(
        cls, headers: Sequence[str], extra_aliases: Mapping[str, Sequence[str]] | None = None
    ) -> ColumnMap:
        """Map ``headers``; a header of no lead field is kept as extra under its normalised form.

        ``extra_aliases`` (key -> normalised headers) gathers other headers the
        source understands under one extra key of its choosing, e.g.
        ``{"badge_id": ("badge_id", "gafete")}``; lead-field aliases come first.
        A blank header is kept as ``column_<n>`` (``n`` counting from 1).
        """
        extra_key_by_header = {
            alias: key for key, aliases in (extra_aliases or {}).items() for alias in aliases
        }
        columns = []
        for number, header in enumerate(headers, start=1):
            normalised = header_key(header)
            lead_field = _FIELD_BY_HEADER.get(normalised)
            if lead_field is not None:
                columns.append(Column(header, lead_field, True))
            else:
                key = extra_key_by_header.get(normalised, normalised or f"column_{number}")
                columns.append(Column(header, key, False))
        return cls(tuple(columns))

    @property
    def headers(self) -> list[str]:
        """The headers as found."""
        return [column.header for column in self.columns]

    @property
    def fields(self) -> set[str]:
        """The lead fields some column maps to."""
        return {column.key for column in self.columns if column.is_field}

    def cells(self, cells: Sequence[str]) -> dict[str, str]:
        """The row as read: each header with its cell (a header seen twice keeps the first)."""
        row: dict[str, str] = {}
        for column, cell in zip(self.columns, cells, strict=False):
            row.setdefault(column.header, cell)
        return row

    def split(self, cells: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
        """``(fields, extra)`` of a row: values trimmed, empty ones left out.

        Values of several columns of one key are joined with a space, in column
        order; cells beyond the last column are ignored (see :func:`map_rows`).
        """
        fields: dict[str, str] = {}
        extra: dict[str, str] = {}
        for column, cell in zip(self.columns, cells, strict=False):
            value = cell.strip()
            if value:
                target = fields if column.is_field else extra
                target[column.key] = (
                    f"{target[column.key]} {value}" if column.key in target else value
                )
        return fields, extra


@dataclass(frozen=True)
class MappedRow:
    """A data row split by a :class:`ColumnMap`, with the line (or row) it was read from.

    ``cells`` is the row as read, header -> value (see ``LeadRow.cells``).
    """

    line: int
    fields: dict[str, str]
    extra: dict[str, str]
    cells: dict[str, str] = field(default_factory=dict, compare=False)


def time_of(row: MappedRow, key: str, aliases: Sequence[str]) -> str:
    """The row's date or time under extra ``key`` as ISO text (see :func:`moment_text`), or
    ``""`` when it has none; ValueError naming the column (one of ``aliases``) when it is
    not a date or time."""
    value = row.extra.get(key, "")
    try:
        return moment_text(value) if value else ""
    except ValueError as exc:
        raise ValueError(f"{header_among(row.cells, aliases, key)}: {exc}") from None


NumberedCells = tuple[int, Sequence[str]]
"""A row of cells with the line (CSV) or row number (spreadsheet) it was read from."""


def map_rows(
    rows: Iterable[NumberedCells | RowProblem],
    where: str,
    required: Sequence[str] = ("email",),
    extra_aliases: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[MappedRow | RowProblem]:
    """Map rows of cells, lazily: the first non-empty row is the header, the others data.

    Empty rows are skipped; a data row with values beyond the last header is a
    RowProblem, as are the problems found in ``rows``. Raise LeadSourceError,
    naming ``where`` (the file), when there is no header row or when the header
    has a column for none of the ``required`` lead fields. ``extra_aliases`` is
    passed to :meth:`ColumnMap.from_headers`.
    """
    columns: ColumnMap | None = None
    for row in rows:
        if isinstance(row, RowProblem):
            yield row
            continue
        line, cells = row
        if not any(cell.strip() for cell in cells):
            continue
        if columns is None:
            columns = ColumnMap.from_headers(cells, extra_aliases)
            _require_any(columns, required, where)
        elif any(cell.strip() for cell in cells[len(columns.columns) :]):
            yield RowProblem(line, f"{len(cells)} values for {len(columns.columns)} columns")
        else:
            yield MappedRow(line, *columns.split(cells), columns.cells(cells))
    if columns is None:
        raise LeadSourceError(f"{where} is empty: expected a header row")


def _require_any(columns: ColumnMap, required: Sequence[str], where: str) -> None:
    if not required or columns.fields.intersection(required):
        return
    accepted = "; ".join(f"{name}: {', '.join(HEADER_ALIASES[name])}" for name in required)
    raise LeadSourceError(
        f"{where}: no {' or '.join(required)} column among {', '.join(columns.headers)}"
        f" (accepted headers, {accepted})"
    )


def csv_rows(path: Path) -> Iterator[NumberedCells | RowProblem]:
    """The rows of a CSV file, lazily, each with the line it starts on (1 for the first).

    The separator (comma, semicolon or tab) is guessed from the start of the
    file; the encoding is UTF-8, with or without a byte-order mark, or else
    Latin-1. A value spanning lines (quoted) counts from the line it starts on;
    a row the CSV reader cannot parse is a RowProblem. Raise LeadSourceError
    when the file cannot be opened.
    """
    try:
        stream = _open_text(Path(path))
    except OSError as exc:
        raise LeadSourceError(f"cannot read {path}: {exc.strerror}") from None
    with stream:
        reader = csv.reader(stream, _sniff_dialect(stream))
        while True:
            line = reader.line_num + 1  # where this row starts, even if a quoted value spans lines
            try:
                cells = next(reader, None)
            except csv.Error as exc:
                yield RowProblem(line, f"unreadable row: {exc}")
                continue
            if cells is None:
                return
            yield line, cells


def json_file(path: Path) -> Any:
    """The decoded JSON of the file at ``path`` (UTF-8, byte-order mark allowed).

    Raise LeadSourceError when it cannot be read or is not JSON.
    """
    try:
        with Path(path).open(encoding="utf-8-sig") as stream:
            return json.load(stream)
    except OSError as exc:
        raise LeadSourceError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LeadSourceError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise LeadSourceError(f"{path}: not JSON: {exc.msg} at line {exc.lineno}") from None


def _open_text(path: Path) -> TextIO:
    """``path`` opened as UTF-8 (byte-order mark dropped) when it all decodes so, else Latin-1."""
    try:
        with path.open(encoding="utf-8-sig") as probe:
            for _ in probe:
                pass
        return path.open(encoding="utf-8-sig", newline="")
    except UnicodeDecodeError:
        return path.open(encoding="latin-1", newline="")


def _sniff_dialect(stream: TextIO) -> type[csv.Dialect]:
    """The CSV dialect of ``stream``'s beginning (comma-separated when unclear); rewinds it."""
    sample = stream.read(_SNIFF_SIZE)
    stream.seek(0)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel
