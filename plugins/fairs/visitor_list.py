"""Reading a trade-fair visitor list into lead rows."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

from clientela.leads import LeadRow, LeadSource, LeadSourceError, RowProblem

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
}
_FIELD_BY_HEADER = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def header_key(header: str) -> str:
    """``" Correo-Electrónico "`` -> ``"correo_electronico"``: no accents, case or separators."""
    decomposed = unicodedata.normalize("NFKD", header.strip())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "_".join(plain.replace("-", " ").replace(".", " ").split())


def map_headers(headers: list[str]) -> list[str | None]:
    """The canonical field for each header, or None for a column kept as extra."""
    return [_FIELD_BY_HEADER.get(header_key(h)) for h in headers]


def _decode(path: Path) -> io.TextIOBase:
    try:
        with path.open(encoding="utf-8-sig") as probe:
            for _ in probe:
                pass
        return path.open(encoding="utf-8-sig", newline="")
    except UnicodeDecodeError:
        return path.open(encoding="latin-1", newline="")


class FairVisitorList(LeadSource):
    """A CSV list of the visitors or badge scans of a trade fair."""

    name = "fairs"
    description = "Trade-fair visitor lists and badge scans (CSV)"

    def read(self, path: Path, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one LeadRow per data line; the header is line 1."""
        try:
            stream = _decode(Path(path))
        except OSError as exc:
            raise LeadSourceError(f"cannot read {path}: {exc.strerror}") from None
        with stream:
            sample = stream.read(64 * 1024)
            stream.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            reader = csv.reader(stream, dialect)
            headers = next(reader, None)
            if not headers:
                raise LeadSourceError(f"{path} is empty: expected a header line")
            fields = map_headers(headers)
            if "email" not in fields:
                accepted = ", ".join(HEADER_ALIASES["email"])
                raise LeadSourceError(
                    f"{path}: no e-mail column among {', '.join(headers)} (accepted: {accepted})"
                )
            yield from self._rows(reader, headers, fields)

    @staticmethod
    def _rows(
        reader: Iterator[list[str]], headers: list[str], fields: list[str | None]
    ) -> Iterator[LeadRow | RowProblem]:
        while True:
            line = reader.line_num + 1  # where this row starts, even if a quoted value spans lines
            try:
                values = next(reader, None)
            except csv.Error as exc:
                yield RowProblem(line, f"unreadable row: {exc}")
                continue
            if values is None:
                return
            if not any(value.strip() for value in values):
                continue
            if any(value.strip() for value in values[len(headers) :]):
                yield RowProblem(line, f"{len(values)} values for {len(headers)} columns")
                continue
            lead: dict[str, str] = {}
            extra: dict[str, str] = {}
            for header, name, value in zip(headers, fields, values, strict=False):
                if name is None:
                    if value.strip():
                        extra[header_key(header)] = value.strip()
                elif value.strip():  # several columns of one field are joined in order
                    lead[name] = f"{lead[name]} {value.strip()}" if name in lead else value.strip()
            yield LeadRow(line, lead, extra)
