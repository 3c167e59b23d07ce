"""Customer rules in plain Python."""

from __future__ import annotations

from collections.abc import Mapping


def display_name(person: Mapping[str, str]) -> str:
    """How a customer is named: their full name, else their company, else their e-mail."""
    full = " ".join(part for part in (person.get("first_name"), person.get("last_name")) if part)
    return full or person.get("company") or person.get("email") or person.get("phone") or "?"
