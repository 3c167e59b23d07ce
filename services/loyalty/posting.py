"""Changing a customer's points: one journal change, written whole or not at all.

A change reads the customer's account and journal, applies a journal rule
(earn, redeem, expire, adjust), recomputes the tier, and writes the new
entries with the account in one conditional write on the account's version.
When a concurrent change got there first, it reads again and retries, so
the rule always sees the journal it changes: of two redemptions of the last
points, the second finds the balance spent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from clientela.errors import Conflict
from clientela.periods import shift_months
from clientela.services.loyalty import events
from clientela.services.loyalty.dependencies import AccountChange, LoyaltyStorage
from clientela.services.loyalty.domain.journal import EntryKind, JournalEntry, PointsJournal
from clientela.services.loyalty.domain.tiers import DEFAULT_LADDER, TierLadder, tier_change

POST_ATTEMPTS = 20
"""Concurrent changes of one customer's points a change waits out before giving up."""

JournalChange = Callable[[PointsJournal, str], list[JournalEntry]]
"""A rule applied to a customer's journal (and their tier): the entries it appended."""


def storage_instant(moment: datetime) -> datetime:
    """``moment`` to the millisecond, as MongoDB keeps it: a journal read back is the same."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def journal_entry(document: dict[str, Any]) -> JournalEntry:
    """The journal entry a ledger document holds."""
    return JournalEntry(
        source=document["_id"],
        kind=EntryKind(document["kind"]),
        points=document["points"],
        at=document["recorded_at"],
        reason=document["reason"],
        operator=document.get("operator"),
        lot=document.get("lot"),
    )


def ledger_document(
    customer_id: str, seq: int, entry: JournalEntry, reward: str | None = None
) -> dict[str, Any]:
    """The ledger document of ``entry``, ``seq``-th in the customer's journal."""
    document = {
        "_id": entry.source,
        "customer_id": customer_id,
        "seq": seq,
        "kind": str(entry.kind),
        "points": entry.points,
        "reason": entry.reason,
        "recorded_at": entry.at,
    }
    extra = {"operator": entry.operator, "lot": entry.lot, "reward": reward}
    return {**document, **{key: value for key, value in extra.items() if value is not None}}


def read_journal(customer_id: str, uow: LoyaltyStorage) -> tuple[dict[str, Any], PointsJournal]:
    """The customer's account and their journal as that account counts it."""
    account = uow.account(customer_id)
    stored = uow.journal(customer_id, account["entries"])
    return account, PointsJournal(customer_id, map(journal_entry, stored))


def post(
    customer_id: str,
    change: JournalChange,
    now: datetime,
    uow: LoyaltyStorage,
    reward: str | None = None,
    ladder: TierLadder = DEFAULT_LADDER,
) -> list[dict[str, Any]]:
    """Apply ``change`` to the customer's journal at ``now`` and write what it appended.

    Returns the ledger documents written; none when the change appended
    nothing (its source was applied before). The tier and the next review
    are rewritten whenever they move. Errors of the
    rule (Conflict for a redemption over the balance) come through unchanged.
    ``reward`` is recorded on the redemption entries.
    """
    for _ in range(POST_ATTEMPTS):
        account, journal = read_journal(customer_id, uow)
        current_tier = account["tier"]
        written = change(journal, current_tier or ladder.tiers[0].name)
        moved = tier_change(journal, current_tier, now, ladder) if journal.entries else None
        next_review = review_at(journal, now, ladder)
        if not written and moved is None and next_review == account["review_at"]:
            return []
        documents = [
            ledger_document(customer_id, account["entries"] + offset, entry, reward)
            for offset, entry in enumerate(written)
        ]
        announced = [events.for_entry(document) for document in documents]
        if moved is not None:
            announced.append(events.tier_changed(moved))
        posted = AccountChange(
            customer_id=customer_id,
            version=account["version"],
            entries=documents,
            balance=journal.balance,
            tier=moved.to_tier if moved else current_tier,
            review_at=next_review,
            events=announced,
            entry_count=len(journal.entries),
        )
        if uow.post(posted):
            return documents
    raise Conflict(
        f"customer_id: the points of {customer_id} changed {POST_ATTEMPTS} times "
        "while this change was made; try again"
    )


def review_at(journal: PointsJournal, now: datetime, ladder: TierLadder) -> datetime | None:
    """When the journal next changes by time alone: a lot expires, or earned points
    leave the tier window. None when neither will happen."""
    window_start = shift_months(now, -ladder.window_months)
    moments = [lot.expires_at for lot in journal.lots()] + [
        shift_months(entry.at, ladder.window_months)
        for entry in journal.entries
        if entry.kind is EntryKind.EARN and entry.at > window_start
    ]
    return min(moments, default=None)
