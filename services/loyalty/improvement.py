"""SMART improvement actions: opened once they pass every criterion, closed with their effect.

The indicator's value before is given when the action is opened, and its
value after when it is closed; the effect is their difference.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.services.loyalty.dependencies import LoyaltyStorage
from clientela.services.loyalty.domain.actions import (
    ActionState,
    ImprovementAction,
    Priority,
    SmartStatement,
    open_action,
)
from clientela.services.loyalty.posting import storage_instant

ACTIONS_LISTED = 200
"""Actions a listing shows at most, the soonest due first."""


def add_action(
    action_id: str,
    opportunity: str,
    description: str,
    statement: SmartStatement,
    priority: str,
    owner: str,
    indicator: str,
    target: Decimal,
    due_at: datetime,
    before: Decimal | None,
    uow: LoyaltyStorage,
) -> dict[str, Any]:
    """Open an improvement action once it passes every SMART criterion, once per id.

    InvalidInput names each field and each criterion that fails; Conflict
    when ``action_id`` is another action's.
    """
    checked = open_action(
        ImprovementAction(
            action_id=action_id,
            opportunity=opportunity,
            description=description,
            statement=statement,
            priority=cast(Priority, priority),  # open_action refuses one not in Priority
            owner=owner,
            indicator=indicator,
            target=target,
            opened_at=storage_instant(utcnow()),
            due_at=storage_instant(due_at),
            before=before,
        )
    )
    document = _document(checked)
    existing = uow.add_action(document)
    if existing is None:
        return _view(document)
    same = {key: value for key, value in document.items() if key != "opened_at"}
    if {key: existing.get(key) for key in same} != same:
        raise Conflict(f"action_id: {action_id!r} is another action already")
    return _view(existing)


def list_actions(open_only: bool, uow: LoyaltyStorage) -> list[dict[str, Any]]:
    """The improvement actions, the soonest due first; with ``open_only``, the open ones."""
    return [_view(action) for action in uow.list_actions(open_only, ACTIONS_LISTED)]


def close_action(action_id: str, after: Decimal, uow: LoyaltyStorage) -> dict[str, Any]:
    """Close the action with the indicator's value ``after``; its effect is measured.

    Closing again with the same value changes nothing; with another, Conflict.
    """
    found = uow.find_action(action_id)
    if found is None:
        raise NotFound(f"action_id: no improvement action {action_id!r}")
    current = _action(found)
    closed = current.close(after, storage_instant(utcnow()))
    if closed != current:
        changes = {key: value for key, value in _document(closed).items() if key != "_id"}
        if not uow.update_action(action_id, str(current.state), changes):
            return close_action(action_id, after, uow)  # closed meanwhile: check against it
    return _view(_document(closed))


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _document(action: ImprovementAction) -> dict[str, Any]:
    said = action.statement
    return {
        "_id": action.action_id,
        "opportunity": action.opportunity,
        "description": action.description,
        "specific": said.specific,
        "measurable": said.measurable,
        "achievable": said.achievable,
        "relevant": said.relevant,
        "priority": str(action.priority),
        "owner": action.owner,
        "indicator": action.indicator,
        "target": str(action.target),
        "before": _decimal_text(action.before),
        "opened_at": action.opened_at,
        "due_at": action.due_at,
        "state": str(action.state),
        "after": _decimal_text(action.after),
        "closed_at": action.closed_at,
    }


def _optional_decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _action(document: dict[str, Any]) -> ImprovementAction:
    return ImprovementAction(
        action_id=document["_id"],
        opportunity=document["opportunity"],
        description=document["description"],
        statement=SmartStatement(
            document["specific"],
            document["measurable"],
            document["achievable"],
            document["relevant"],
        ),
        priority=Priority(document["priority"]),
        owner=document["owner"],
        indicator=document["indicator"],
        target=Decimal(document["target"]),
        opened_at=document["opened_at"],
        due_at=document["due_at"],
        before=_optional_decimal(document.get("before")),
        state=ActionState(document["state"]),
        after=_optional_decimal(document.get("after")),
        closed_at=document.get("closed_at"),
    )


def _view(document: dict[str, Any]) -> dict[str, Any]:
    """The action as the service answers it: its fields, its effect and whether it met
    its target once closed."""
    action = _action(document)
    return {**document, "effect": action.effect, "target_met": action.target_met}
