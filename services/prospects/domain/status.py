"""The pipeline in plain Python: its status machine, and what an interaction changes."""

from __future__ import annotations

from clientela.errors import Conflict, InvalidInput

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"contacted", "qualified", "converted", "disqualified"}),
    "contacted": frozenset({"qualified", "converted", "disqualified"}),
    "qualified": frozenset({"contacted", "converted", "disqualified"}),
    "disqualified": frozenset({"new", "contacted"}),
    "converted": frozenset(),
}
"""Where a prospect may go from each status; ``converted`` is final."""

REASON_REQUIRED = frozenset({"disqualified"})

NO_CONTACT_OUTCOMES = frozenset({"no_answer"})
"""Outcomes meaning nobody was reached: they do not count as the first contact (I2)."""


def check_transition(current: str, target: str, reason: str = "") -> None:
    """Refuse a move from ``current`` to ``target`` that the pipeline does not allow.

    Conflict names the allowed moves; InvalidInput when ``target`` needs a reason.
    """
    if target not in TRANSITIONS.get(current, frozenset()):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "none"
        raise Conflict(f"status: cannot go from {current} to {target} (allowed: {allowed})")
    if target in REASON_REQUIRED and not reason.strip():
        raise InvalidInput({"reason": [f"Required when the status becomes {target}."]})


def status_after_contact(current: str, outcome: str) -> str | None:
    """The status a logged interaction moves a prospect to, or None to leave it.

    A new prospect becomes ``contacted`` once someone was actually reached.
    """
    if current == "new" and outcome not in NO_CONTACT_OUTCOMES:
        return "contacted"
    return None
