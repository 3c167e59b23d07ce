"""The referrals lead source: pushed referral payloads and CSV files of referrals."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from clientela.columns import (
    CONSENT_ALIASES,
    MappedRow,
    NumberedCells,
    csv_rows,
    header_key,
    json_file,
    map_rows,
    says_yes,
)
from clientela.leads import CONSENT_FIELDS, LeadRow, LeadSource, LeadSourceError, RowProblem
from clientela.plugins.referrals.referral import referral_row

REFERRER_ALIASES: dict[str, tuple[str, ...]] = {
    "referrer_customer_id": ("referrer_customer_id", "referrer_id", "referrer"),
    "referral_code": ("referral_code", "codigo_de_referido", "codigo_referido"),
}
"""Columns naming the referrer (normalised headers); a file needs one, or the option."""

COLUMN_ALIASES = {**REFERRER_ALIASES, "consent": CONSENT_ALIASES}
"""Columns read under one key each, besides the lead fields."""

CONSENT_COLUMNS = {f"consent_{name}": name for name in CONSENT_FIELDS}
"""Columns of what the friend agreed to, by the consent field each fills."""


def referrals_of(payload: Any) -> list[Any]:
    """The referrals in a payload: one object, a list, or ``{"referrals": [...]}``."""
    if isinstance(payload, Mapping) and "referrals" in payload:
        payload = payload["referrals"]
        if not isinstance(payload, list):
            raise LeadSourceError(f"referrals: expected a list, got {type(payload).__name__}")
    if isinstance(payload, Mapping):
        return [payload]
    if isinstance(payload, list):
        return payload
    raise LeadSourceError(
        'referrals takes a referral object, a list of them or {"referrals": [...]},'
        f" not {type(payload).__name__}"
    )


class ReferralSource(LeadSource):
    """People referred by existing customers, by customer id or referral code."""

    name = "referrals"
    description = "Friends referred by customers (JSON payloads or CSV)"
    options = {
        "referrer": "the referring customer's id, for referrals that name none",
        "referral_code": "the referral code, for referrals that bring none",
    }

    def parse(self, payload: Any, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one item per referral of ``payload``, numbered from 1."""
        for line, item in enumerate(referrals_of(payload), start=1):
            yield referral_row(line, item, options)

    def read(self, path: Path, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one item per referral of a ``.json`` file (numbered from 1, as pushed), or per
        row of a CSV file of referrals (the header is line 1)."""
        if Path(path).suffix.lower() == ".json":
            yield from self.parse(json_file(Path(path)), options)
            return
        rows = map_rows(
            _with_referrer_column(csv_rows(Path(path)), path, options),
            str(path),
            required=("email", "phone"),
            extra_aliases=COLUMN_ALIASES,
        )
        for row in rows:
            if isinstance(row, RowProblem):
                yield row
                continue
            try:
                item = _referral_item(row)
            except ValueError as exc:
                yield RowProblem(row.line, str(exc))
                continue
            referral = referral_row(row.line, item, options)
            yield replace(referral, cells=row.cells) if isinstance(referral, LeadRow) else referral


def _with_referrer_column(
    rows: Iterable[NumberedCells | RowProblem], path: Path, options: Mapping[str, str]
) -> Iterator[NumberedCells | RowProblem]:
    """``rows``, once the header is seen to name the referrer (unless an option does)."""
    checked = bool(options.get("referrer") or options.get("referral_code"))
    accepted = {alias for aliases in REFERRER_ALIASES.values() for alias in aliases}
    for row in rows:
        if not checked and not isinstance(row, RowProblem) and any(c.strip() for c in row[1]):
            headers = row[1]
            if not accepted.intersection(header_key(header) for header in headers):
                raise LeadSourceError(
                    f"{path}: no referrer column among {', '.join(headers)} (accepted headers: "
                    f"{', '.join(sorted(accepted))}; or give the referrer or referral_code option)"
                )
            checked = True
        yield row


def _referral_item(row: MappedRow) -> dict[str, Any]:
    """A CSV row in the shape of a pushed referral; ValueError naming a contradiction."""
    extra = dict(row.extra)
    item: dict[str, Any] = {
        key: extra.pop(key, None) for key in ("referral_code", "note", "referred_at")
    }
    item["referrer"] = extra.pop("referrer_customer_id", None)
    agreed = extra.pop("consent", "")
    consent = {
        field: extra.pop(column) for column, field in CONSENT_COLUMNS.items() if column in extra
    }
    if agreed and not says_yes(agreed) and consent:
        filled = ", ".join(f"consent_{field}" for field in consent)
        raise ValueError(f"consent: {agreed!r}, yet {filled} filled in")
    if says_yes(agreed) or consent:
        item["consent"] = consent or True
    item["friend"] = {**row.fields, **extra}  # the lead fields, and any other column as extra
    return item
