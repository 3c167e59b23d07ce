"""Turning what a lead source read into a clean lead: plain Python, no I/O.

Every problem is reported against the field it concerns, so that a rejected
row can be fixed by whoever supplied it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

import phonenumbers
from marshmallow import ValidationError, validate

from clientela.clock import utcnow
from clientela.leads import CONSENT_FIELDS, LEAD_FIELDS, ORIGIN_FIELDS

MAX_LENGTH = {"phone": 40, "needs": 2000}
DEFAULT_MAX_LENGTH = 200
NAME_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "y", "e", "da", "do", "dos", "van", "von"}
)
LEGAL_SUFFIXES = (
    "s a b de c v",
    "s a de c v",
    "s de r l de c v",
    "s de rl de cv",
    "s a p i de c v",
    "sapi de cv",
    "s de r l",
    "sab de cv",
    "sa de cv",
    "s de rl",
    "s a s",
    "s a",
    "s l",
    "s c",
    "sas",
    "sa",
    "sl",
    "sc",
    "ltd",
    "limited",
    "llc",
    "inc",
    "corp",
    "co",
    "gmbh",
    "plc",
)
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
"""The years a consent or identification time may fall in."""
CLOCK_SKEW = timedelta(minutes=5)
"""How far past the time of receipt a lead's own time may fall (the sender's clock may run
ahead); later is the future, and refused."""
_EMAIL = validate.Email()
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass
class Lead:
    """A validated, normalised lead ready to match against profiles."""

    fields: dict[str, str]
    origin: dict[str, str] = field(default_factory=dict)
    consent: dict[str, str] | None = None
    identified_at: datetime | None = None
    """When the person was identified: the source's time, else the time of receipt."""


class InvalidLead(ValueError):
    """A lead that cannot be captured; ``errors`` maps each field to its problems."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def storable(text: str) -> bool:
    """Whether ``text`` can be stored: valid Unicode (no lone surrogates), no NUL characters."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def collapse(text: str) -> str:
    """``text`` with surrounding spaces removed and inner runs of spaces made one."""
    return " ".join(text.split())


def email_key(email: str) -> str:
    """The identity of an e-mail address: surrounding spaces and case ignored."""
    return email.strip().lower()


def fold(text: str) -> str:
    """Lower-case ASCII words of ``text`` (accents and punctuation dropped), space-joined."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_NOT_WORD.sub(" ", ascii_text.lower()).split())


def person_name(name: str) -> str:
    """A name as people write it: "ANA MARÍA DE LA O" becomes "Ana María de la O".

    Names typed in mixed case are kept as typed ("McDonald", "DeLuca").
    """
    name = collapse(name)
    if name != name.upper() and name != name.lower():
        return name
    words = name.lower().split(" ")
    return " ".join(
        word
        if index and word in NAME_PARTICLES
        else "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
        for index, word in enumerate(words)
    )


def company_key(company: str) -> str:
    """What identifies a company across spellings: folded, without legal suffixes.

    "Textiles Ruiz, S.A. de C.V." and "TEXTILES RUIZ SA DE CV" share the key
    "textiles ruiz".
    """
    key = fold(company)
    for suffix in LEGAL_SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


def phone_e164(raw: str, region: str) -> str:
    """``raw`` in E.164 (``+525511112222``); ValueError when it is not a valid number.

    Numbers without a country code are read as numbers of ``region``.
    """
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"Not a phone number ({exc._msg})") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"Not a valid phone number for {region} or with its country code.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def iso_time(raw: str, zone: tzinfo = UTC) -> str:
    """``raw`` (ISO date or time) as an ISO 8601 UTC time.

    A time without a zone is in ``zone``; a date alone is that day, midnight UTC.
    """
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("Not an ISO 8601 date or time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC if _date_alone(text) else zone)
    return in_utc(moment).isoformat()


def _date_alone(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def in_utc(moment: datetime) -> datetime:
    """``moment`` (time-zone aware) in UTC; ValueError outside the years we store."""
    outside = ValueError(f"Must fall in the years {EARLIEST_YEAR}-{LATEST_YEAR}.")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise outside from None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise outside
    return moment


def _lead_fields(raw: Mapping[str, str], region: str, errors: dict[str, list[str]]) -> dict:
    lead: dict[str, str] = {}
    for name in LEAD_FIELDS:
        value = raw.get(name, "")
        if not isinstance(value, str) or not storable(value):
            errors.setdefault(name, []).append(
                "Not a string." if not isinstance(value, str) else "Not valid text."
            )
            continue
        value = collapse(value)
        if len(value) > MAX_LENGTH.get(name, DEFAULT_MAX_LENGTH):
            errors.setdefault(name, []).append(
                f"Longer than {MAX_LENGTH.get(name, DEFAULT_MAX_LENGTH)} characters."
            )
            continue
        if not value:
            continue
        try:
            lead[name] = normalise_field(name, value, region)
        except ValueError as exc:
            errors.setdefault(name, []).append(str(exc))
    if "email" not in lead and "phone" not in lead and "email" not in errors:
        errors.setdefault("email", []).append("An e-mail or a phone number is required.")
    return lead


def normalise_field(name: str, value: str, region: str) -> str:
    """One lead field as it is stored; ValueError saying what is wrong with it."""
    value = collapse(value)
    if name == "email":
        try:
            return _EMAIL(email_key(value))
        except ValidationError:
            raise ValueError("Not a valid email address.") from None
    if name == "phone":
        return phone_e164(value, region)
    if name in ("first_name", "last_name"):
        return person_name(value)
    return value


def _origin(raw: Mapping[str, str], errors: dict[str, list[str]]) -> dict[str, str]:
    origin = {}
    for name, value in raw.items():
        if name not in ORIGIN_FIELDS:
            errors.setdefault(f"origin.{name}", []).append("Unknown origin field.")
        elif not isinstance(value, str) or len(value) > DEFAULT_MAX_LENGTH or not storable(value):
            errors.setdefault(f"origin.{name}", []).append(
                f"Must be text of at most {DEFAULT_MAX_LENGTH} characters."
            )
        elif collapse(value):
            origin[name] = collapse(value)
    if "fair_date" in origin:
        try:
            origin["fair_date"] = date.fromisoformat(origin["fair_date"]).isoformat()
        except ValueError:
            errors.setdefault("origin.fair_date", []).append("Not an ISO date (YYYY-MM-DD).")
    if "referral_code" in origin:
        origin["referral_code"] = origin["referral_code"].replace(" ", "").upper()
    return origin


def _consent(
    raw: Mapping[str, str],
    identified_at: datetime | None,
    zone: tzinfo,
    errors: dict[str, list[str]],
) -> dict[str, str] | None:
    given = {}
    for name in CONSENT_FIELDS:
        value = raw.get(name) or ""
        if not isinstance(value, str) or len(value) > DEFAULT_MAX_LENGTH or not storable(value):
            errors.setdefault(f"consent.{name}", []).append(
                f"Must be text of at most {DEFAULT_MAX_LENGTH} characters."
            )
            value = ""
        given[name] = collapse(value)
    for name in sorted(set(raw) - set(CONSENT_FIELDS)):
        errors.setdefault(f"consent.{name}", []).append("Unknown consent field.")
    if not any(given.values()) or any(name.startswith("consent.") for name in errors):
        return None
    for name in ("purpose", "method"):
        if not given[name]:
            errors.setdefault(f"consent.{name}", []).append(
                "Missing: consent needs what (purpose) and how (method);"
                " when (given_at) defaults to the time the person was identified."
            )
    if given["given_at"]:
        try:
            given["given_at"] = iso_time(given["given_at"], zone)
        except ValueError as exc:
            errors.setdefault("consent.given_at", []).append(str(exc))
    elif identified_at is not None:
        given["given_at"] = identified_at.isoformat()
    return given


def identified_time(raw: str, received_at: datetime, zone: tzinfo = UTC) -> datetime:
    """When a lead's person was identified: ``raw`` (ISO date or time, see :func:`iso_time`
    for ``zone``), else ``received_at``.

    ValueError for a time that is not ISO 8601, or that falls after
    ``received_at`` by more than :data:`CLOCK_SKEW`.
    """
    if not raw.strip():
        return received_at
    moment = datetime.fromisoformat(iso_time(raw, zone))
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # as stored
    if moment > received_at + CLOCK_SKEW:
        raise ValueError(
            f"In the future: {raw.strip()!r} is after the time of receipt"
            f" ({received_at.isoformat(timespec='seconds')})."
        )
    return moment


def normalise_lead(
    fields: Mapping[str, str],
    origin: Mapping[str, str],
    consent: Mapping[str, str],
    region: str,
    identified_at: str = "",
    received_at: datetime | None = None,
    identified_from: str = "",
    time_zone: tzinfo = UTC,
) -> Lead:
    """Validate and normalise one lead; InvalidLead lists every problem by field.

    E-mails are lower-cased, phones put in E.164 (numbers without a country
    code are read as numbers of ``region``), names capitalised when typed all
    in one case, spaces collapsed everywhere. A lead needs an e-mail or a phone.
    The person was identified at ``identified_at`` (see :func:`identified_time`;
    without ``received_at`` an empty one stays unknown), which a consent
    without a time takes as its own. A problem with it is reported under
    ``identified_from``, where the source read it (a column, an option), when given.
    Times written without a zone, there and in the consent, are in ``time_zone``.
    """
    errors: dict[str, list[str]] = {}
    lead = _lead_fields(fields, region, errors)
    clean_origin = _origin(origin, errors)
    moment = None
    if received_at is not None or identified_at.strip():
        try:
            moment = identified_time(identified_at, received_at or utcnow(), time_zone)
        except ValueError as exc:
            errors[identified_from or "identified_at"] = [str(exc)]
    clean_consent = _consent(consent, moment, time_zone, errors)
    if errors:
        raise InvalidLead(errors)
    return Lead(lead, clean_origin, clean_consent, moment)
