"""Reading a trade-fair visitor list (CSV or .xlsx) into lead rows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path

from clientela.clock import utcnow
from clientela.columns import (
    CONSENT_ALIASES,
    IDENTIFIED_AT_ALIASES,
    NumberedCells,
    csv_rows,
    header_among,
    map_rows,
    says_yes,
    time_of,
)
from clientela.leads import (
    TIME_ZONE_OPTION,
    LeadRow,
    LeadSource,
    LeadSourceError,
    RowProblem,
    time_zone_option,
)
from clientela.workbook import xlsx_rows

BADGE_SCAN_ALIASES: dict[str, tuple[str, ...]] = {
    "badge_id": ("badge_id", "badge", "gafete"),
    "identified_at": IDENTIFIED_AT_ALIASES,
    "consent": CONSENT_ALIASES,
}
"""Columns of badge-scanner exports, gathered under one key each (read, not kept as extra)."""

READ_COLUMNS = ("identified_at", "consent")
"""Extra keys the source reads into the row rather than keeping them as extra data."""

DEFAULT_CONSENT_PURPOSE = "contact about the fair's offer"
CONSENT_METHOD = "badge scan at the stand"

OPTIONS = {
    "fair": "the fair's name, recorded as the origin of every row",
    "fair_date": "the fair's date, YYYY-MM-DD: origin, and when rows without a time were met"
    " (once it has come: a pre-registration list's rows count from their import)",
    "consent_purpose": "what badge-scan consent is for",
    "sheet": "the worksheet of an .xlsx file to read (default: the first)",
    "time_zone": TIME_ZONE_OPTION,
}


def fair_origin(options: Mapping[str, str]) -> dict[str, str]:
    """The ``fair`` and ``fair_date`` options given, as a row origin; the date is checked.

    Raise LeadSourceError naming ``fair_date`` when it is not a YYYY-MM-DD date.
    """
    origin = {key: options[key].strip() for key in ("fair", "fair_date") if options.get(key)}
    if "fair_date" in origin:
        try:
            origin["fair_date"] = date.fromisoformat(origin["fair_date"]).isoformat()
        except ValueError:
            raise LeadSourceError(
                f"option fair_date: {origin['fair_date']!r} is not a date as YYYY-MM-DD"
            ) from None
    return origin


def fair_day_met(origin: Mapping[str, str]) -> str:
    """When rows without a time of their own were met: the fair's date once it has come.

    ``""`` without a ``fair_date``, or when it is still to come (a pre-registration
    list): the fair's date is an attribution, not a time a person was met, so the
    service then takes the time of receipt; the origin keeps the date.
    """
    day = origin.get("fair_date", "")
    return day if day <= utcnow().date().isoformat() else ""


def badge_consent(extra: Mapping[str, str], given_at: str, purpose: str) -> dict[str, str]:
    """The consent recorded by a row's consent column (see :data:`BADGE_SCAN_ALIASES`).

    Given when the column says yes, at ``given_at`` (the row's time, or the
    fair's date); when that is empty the service takes the time of receipt.
    """
    if not says_yes(extra.get("consent", "")):
        return {}
    return {"purpose": purpose, "given_at": given_at, "method": CONSENT_METHOD}


def _table(path: Path, options: Mapping[str, str]) -> Iterator[NumberedCells | RowProblem]:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise LeadSourceError(
            f"{path}: old Excel .xls files cannot be read; save it as .xlsx or CSV"
        )
    if suffix == ".xlsx":
        return xlsx_rows(path, options.get("sheet"))
    return csv_rows(path)


class FairVisitorList(LeadSource):
    """A list of the visitors or badge scans of a trade fair, as CSV or .xlsx."""

    name = "fairs"
    description = "Trade-fair visitor lists and badge scans (CSV or Excel .xlsx)"
    options = OPTIONS

    def read(self, path: Path, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one LeadRow per data row, numbered as in the file (the header is usually 1)."""
        path = Path(path)
        origin = fair_origin(options)
        zone = time_zone_option(options)
        fair_day = fair_day_met(origin)
        purpose = options.get("consent_purpose") or DEFAULT_CONSENT_PURPOSE
        rows = map_rows(_table(path, options), str(path), extra_aliases=BADGE_SCAN_ALIASES)
        for row in rows:
            if isinstance(row, RowProblem):
                yield row
                continue
            try:
                met = time_of(row, "identified_at", IDENTIFIED_AT_ALIASES)
            except ValueError as exc:
                yield RowProblem(row.line, str(exc))
                continue
            identified_at = met or fair_day
            if met:
                identified_from = header_among(row.cells, IDENTIFIED_AT_ALIASES, "identified_at")
            else:
                identified_from = "option fair_date" if fair_day else ""
            consent = badge_consent(row.extra, identified_at, purpose)
            extra = {key: value for key, value in row.extra.items() if key not in READ_COLUMNS}
            yield LeadRow(
                row.line,
                row.fields,
                extra,
                dict(origin),
                consent,
                identified_at,
                row.cells,
                identified_from,
                zone,
            )
