"""What the lead forms of every network share: answers onto lead fields, names, times, consent."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from clientela.columns import field_for, header_key

STANDARD_QUESTIONS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone_number": "phone",
    "company_name": "company",
    "job_title": "position",
}
"""Standard questions of both networks (Meta's names, LinkedIn's ``predefinedField`` in
lower case) and the lead field each fills; they win over any other question for that field."""

SECONDARY_QUESTIONS = {"work_email": "email", "work_phone_number": "phone"}
"""Questions filling a lead field only when no standard question filled it."""

FULL_NAME_QUESTIONS = ("full_name", "nombre_completo")
"""Questions holding a whole name, split into the first and last names not otherwise given."""

NEEDS_WORDS = ("interes", "need", "necesi", "looking_for", "busca")
"""A custom question whose key contains one of these asks what the person needs or wants."""

NAME_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "y", "da", "das", "do", "dos", "di", "van", "von", "der"}
)
"""Words that belong to the name after them: "de la Cruz", "van Dijk", "Ortega y Gasset"."""

NEEDS_SEPARATOR = "; "


def question_key(name: str) -> str:
    """``"¿Qué producto te interesa?"`` -> ``"que_producto_te_interesa"``: a plain extra key."""
    return re.sub(r"[^a-z0-9]+", "_", header_key(name)).strip("_")


def split_full_name(full_name: str) -> tuple[str, str]:
    """A whole name as ``(first_name, last_name)``.

    ``"Last, First"`` splits at the comma. Otherwise words are grouped with
    the particles before them ("de la Cruz" is one surname); one group is a
    first name alone, two or three are a first name and then the surnames
    (Spanish names carry two: "Juan Pérez Gómez"), four or more are two given
    names and then the surnames ("María José Pérez Gómez").
    """
    if "," in full_name:
        last, first = full_name.split(",", 1)
        return first.strip(), last.strip()
    groups: list[str] = []
    pending: list[str] = []
    for word in full_name.split():
        pending.append(word)
        if word.lower() not in NAME_PARTICLES:
            groups.append(" ".join(pending))
            pending = []
    if pending:
        groups.append(" ".join(pending))
    given = 2 if len(groups) >= 4 else 1
    return " ".join(groups[:given]), " ".join(groups[given:])


def _rank_and_field(key: str) -> tuple[int, str | None]:
    if key in STANDARD_QUESTIONS:
        return 0, STANDARD_QUESTIONS[key]
    if key in FULL_NAME_QUESTIONS:
        return 2, None
    field = SECONDARY_QUESTIONS.get(key) or field_for(key)
    if field is None and any(word in key for word in NEEDS_WORDS):
        field = "needs"
    return 1, field


def lead_fields(answers: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """The lead fields and extra values of a form's ``(question key, answer)`` pairs.

    Standard questions fill their field first, then other questions the
    shared headers vocabulary knows (``empresa``, ``cargo``, ``work_email``...)
    fill what is still empty, then a full name fills the missing first and
    last names (it is kept as extra when both were given). Every needs
    question (see :data:`NEEDS_WORDS`) is joined into ``needs``. An answer
    for a field already filled, and any other question, is kept as extra
    under its key. Empty answers are left out.
    """
    ranked = sorted(
        ((*_rank_and_field(key), key, value.strip()) for key, value in answers if value.strip()),
        key=lambda answer: answer[0],
    )
    fields: dict[str, str] = {}
    extra: dict[str, str] = {}
    needs: list[str] = []
    for _, field, key, value in ranked:
        if key in FULL_NAME_QUESTIONS and not {"first_name", "last_name"} <= fields.keys():
            first, last = split_full_name(value)
            for name, part in (("first_name", first), ("last_name", last)):
                if part:
                    fields.setdefault(name, part)
        elif field == "needs":
            needs.append(value)
        elif field and field not in fields:
            fields[field] = value
        else:
            extra[key] = value
    if needs:
        fields["needs"] = NEEDS_SEPARATOR.join(needs)
    return fields, extra


def utc_iso(moment: datetime) -> str:
    """``moment`` as ISO 8601 in UTC (a naive time is taken as UTC), to the millisecond at most."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    precision = "milliseconds" if moment.microsecond else "seconds"
    return moment.astimezone(UTC).isoformat(timespec=precision)


def ticked_consent(purposes: list[str], given_at: str | None, method: str) -> dict[str, str]:
    """The consent of the ticked boxes ``purposes`` (joined by "; "), or ``{}``.

    Nothing is recorded without a box ticked or without the time it was ticked.
    """
    if not (purposes and given_at):
        return {}
    return {"purpose": "; ".join(purposes), "given_at": given_at, "method": method}
