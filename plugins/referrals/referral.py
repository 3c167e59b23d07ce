"""One referral (in its pushed-payload shape) as a lead row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from clientela.columns import ColumnMap, cell_text, header_key, says_yes
from clientela.leads import CONSENT_FIELDS, LeadRow, RowProblem

CHANNEL = "referral"
"""The ``channel`` origin of every referred lead."""

DEFAULT_CONSENT = {
    "purpose": "contact about the referral",
    "method": "referred by a customer; confirmed by the friend",
}
"""What a bare ``consent: true`` records; it is given at ``referred_at``, else (left empty)
when the service receives it."""

ITEM_KEYS = ("referrer", "referral_code", "friend", "lead", "note", "referred_at", "consent")
"""The keys of a referral item; any other single value is kept as extra data."""


class _Unreadable(ValueError):
    """A referral cannot be read; the message starts with the field at fault."""


def normalise_code(code: str) -> str:
    """``" 7kq2-m9xa "`` -> ``"7KQ2-M9XA"``: upper case, no spaces."""
    return "".join(code.split()).upper()


def referral_row(line: int, item: Any, options: Mapping[str, str]) -> LeadRow | RowProblem:
    """The lead a referral item describes, or the problem that keeps it from being read.

    ``options`` ``referrer`` and ``referral_code`` stand in for an item that
    lacks them; an item needs at least one of the two.
    """
    try:
        return _row(line, item, options)
    except _Unreadable as exc:
        return RowProblem(line, str(exc))


def _row(line: int, item: Any, options: Mapping[str, str]) -> LeadRow:
    if not isinstance(item, Mapping):
        raise _Unreadable(f"referral: expected an object, got {type(item).__name__}")
    referrer = _referrer(item.get("referrer")) or options.get("referrer", "").strip()
    code = normalise_code(_text(item, "referral_code") or options.get("referral_code", ""))
    if not referrer and not code:
        raise _Unreadable(
            "referrer: missing; a referral needs the referring customer's id "
            "(referrer.customer_id) or a referral code (referral_code)"
        )
    fields, extra = _person(item)
    for key, value in item.items():
        if key not in ITEM_KEYS and (text := _single(value, key)):
            extra[header_key(str(key))] = text
    referred_at = _text(item, "referred_at")
    if referred_at:
        _check_time("referred_at", referred_at)
        extra["referred_at"] = referred_at
    if note := _text(item, "note"):
        extra["note"] = note
    origin = {"channel": CHANNEL, "referrer": referrer, "referral_code": code}
    return LeadRow(
        line,
        fields,
        extra,
        {name: value for name, value in origin.items() if value},
        _consent(item.get("consent"), referred_at),
        referred_at,
        identified_from="referred_at",
    )


def _single(value: Any, name: str) -> str:
    """A single JSON value as text (see ``cell_text``); an object or a list is refused."""
    if isinstance(value, Mapping | list):
        raise _Unreadable(f"{name}: expected a single value, got {type(value).__name__}")
    return cell_text(value).strip()


def _text(item: Mapping[str, Any], key: str, prefix: str = "") -> str:
    return _single(item.get(key), f"{prefix}{key}")


def _referrer(value: Any) -> str:
    if isinstance(value, Mapping):
        return _text(value, "customer_id", "referrer.")
    return _single(value, 'referrer (a customer id or {"customer_id": ...})')


def _person(item: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The referred person's lead fields, and their other details as extra data."""
    if "friend" in item and "lead" in item:
        raise _Unreadable("friend: give the referred person once, as friend or as lead")
    key = "lead" if "lead" in item else "friend"
    person = item.get(key)
    if not isinstance(person, Mapping):
        found = "nothing" if person is None else type(person).__name__
        raise _Unreadable(f"{key}: expected the referred person as an object, got {found}")
    cells = [_single(value, f"{key}.{name}") for name, value in person.items()]
    names = [str(name) for name in person]  # matched like file headers (clientela.columns)
    return ColumnMap.from_headers(names).split(cells)


def _check_time(name: str, value: str) -> None:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise _Unreadable(f"{name}: {value!r} is not an ISO 8601 time") from None


def _consent(value: Any, referred_at: str) -> dict[str, str]:
    """What the friend agreed to: nothing unless the payload says they agreed."""
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(CONSENT_FIELDS))
        if unknown:
            raise _Unreadable(
                f"consent.{unknown[0]}: unknown; consent takes {', '.join(CONSENT_FIELDS)}"
            )
        given = {name: text for name in CONSENT_FIELDS if (text := _text(value, name, "consent."))}
    elif says_yes(_single(value, "consent")):
        given = {}
    else:
        return {}
    consent = {**DEFAULT_CONSENT, "given_at": referred_at, **given}
    if consent["given_at"]:
        _check_time("consent.given_at", consent["given_at"])
    return consent
