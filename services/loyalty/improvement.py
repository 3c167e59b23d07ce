"""SMART improvement actions: opened once they pass every criterion, closed with their effect.

The indicator's value before (when the action is opened) and after (when it is
closed) is read from kpi, in the latest complete period of the action's
granularity, unless the caller gives it; the effect is their difference.
Opening and closing are announced (``improvement_action_opened`` /
``improvement_action_closed``) with the write, through the outbox.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.services.loyalty import events
from clientela.services.loyalty.dependencies import LoyaltyStorage
from clientela.services.loyalty.domain.actions import (
    ActionState,
    ImprovementAction,
    Priority,
    SmartStatement,
    open_action,
)
from clientela.services.loyalty.domain.measures import DEFAULT_GRANULARITY
from clientela.services.loyalty.measuring import Indicators, measure
from clientela.services.loyalty.posting import storage_instant

ACTIONS_LISTED = 200
"""Actions a listing shows at most, the soonest due first."""

_NOT_COMPARED = ("opened_at",)
"""What a repeated opening of an action may differ in from the action stored."""


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
    indicators: Indicators,
    alert_id: str | None = None,
    granularity: str = DEFAULT_GRANULARITY,
) -> dict[str, Any]:
    """Open an improvement action once it passes every SMART criterion, once per id.

    ``before`` is read from kpi (``indicators``) unless given. InvalidInput
    names each field and each criterion that fails; Conflict when ``action_id``
    is another action's; NotFound (``before``) when kpi has no value for the
    indicator, Unavailable when kpi does not answer.
    """
    now = storage_instant(utcnow())
    action = ImprovementAction(
        action_id=action_id,
        opportunity=opportunity,
        description=description,
        statement=statement,
        priority=cast(Priority, priority),  # open_action refuses one not in Priority
        owner=owner,
        indicator=indicator,
        target=target,
        opened_at=now,
        due_at=storage_instant(due_at),
        before=before,
        alert_id=alert_id,
        granularity=granularity,
    )
    ignored = _NOT_COMPARED if before is not None else (*_NOT_COMPARED, "before")
    found = uow.find_action(action_id)
    if found is not None:  # a retried opening: kpi is not asked again
        return _same_action(found, _document(open_action(action)), ignored)
    if before is None:
        measured = measure(indicators, indicator, granularity, now, "before")
        action = dataclasses.replace(action, before=measured)
    checked = open_action(action)
    document = _document(checked)
    existing = uow.add_action(document, events.improvement_action_opened(checked))
    if existing is None:
        return _view(document)
    return _same_action(existing, document, ignored)


def _same_action(
    existing: dict[str, Any], document: dict[str, Any], ignored: tuple[str, ...]
) -> dict[str, Any]:
    """The stored action, when ``document`` opens the same one; Conflict otherwise."""
    same = {key: value for key, value in document.items() if key not in ignored}
    if {key: existing.get(key) for key in same} != same:
        raise Conflict(f"action_id: {document['_id']!r} is another action already")
    return _view(existing)


def list_actions(open_only: bool, uow: LoyaltyStorage) -> list[dict[str, Any]]:
    """The improvement actions, the soonest due first; with ``open_only``, the open ones."""
    return [_view(action) for action in uow.list_actions(open_only, ACTIONS_LISTED)]


def close_action(
    action_id: str, after: Decimal | None, uow: LoyaltyStorage, indicators: Indicators
) -> dict[str, Any]:
    """Close the action with the indicator's value ``after`` (read from kpi, over the
    action's granularity, unless given); its effect is measured.

    Closing again changes nothing (the value after is then not read again); with
    another value, Conflict.
    """
    found = uow.find_action(action_id)
    if found is None:
        raise NotFound(f"action_id: no improvement action {action_id!r}")
    current = _action(found)
    now = storage_instant(utcnow())
    if after is None:
        if current.state is ActionState.CLOSED:
            return _view(found)
        after = measure(indicators, current.indicator, current.granularity, now, "after")
    closed = current.close(after, now)
    if closed != current:
        changes = {key: value for key, value in _document(closed).items() if key != "_id"}
        event = events.improvement_action_closed(closed)
        if not uow.update_action(action_id, str(current.state), changes, event):
            return close_action(action_id, after, uow, indicators)  # closed meanwhile
    return _view(_document(closed))


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
        "before": events.decimal_text(action.before),
        "alert_id": action.alert_id,
        "granularity": action.granularity,
        "opened_at": action.opened_at,
        "due_at": action.due_at,
        "state": str(action.state),
        "after": events.decimal_text(action.after),
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
        alert_id=document.get("alert_id"),
        granularity=document.get("granularity") or DEFAULT_GRANULARITY,
        state=ActionState(document["state"]),
        after=_optional_decimal(document.get("after")),
        closed_at=document.get("closed_at"),
    )


def _view(document: dict[str, Any]) -> dict[str, Any]:
    """The action as the service answers it: its fields, its effect and whether it met
    its target once closed."""
    action = _action(document)
    return {**document, "effect": action.effect, "target_met": action.target_met}
