"""Purchase points in date order, whatever order the purchases were handled in.

A purchase earns at the multiplier of the tier the customer held when it was
made: the tier of the points earned in the tier window strictly before its
``purchased_at``, counting every purchase dated earlier (at what that one
earned in turn) and the other points earned (referral rewards). Purchases
made at the same instant do not count towards each other, so the result is a
function of the set of purchases alone.

An earlier-dated purchase handled late only adds points before the later
ones, so their tiers, and with them their points, can only rise: the
difference is credited as ``reprice:<purchase id>:<points owed>``, an earn
dated at the purchase, so it counts in the tier windows and expires with the
purchase's lot.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from clientela.checks import require_aware, require_text
from clientela.periods import shift_months
from clientela.services.loyalty.domain.earning import EarnRules, PurchaseLine, purchase_points
from clientela.services.loyalty.domain.journal import EntryKind, JournalEntry, PointsJournal
from clientela.services.loyalty.domain.tiers import TierLadder

PURCHASE_SOURCE_PREFIX = "purchase:"
"""The source of the entry crediting a purchase when it is handled: this and its id."""

REPRICE_SOURCE_PREFIX = "reprice:"
"""The source of an entry topping a purchase up: this, its id, ``:`` and the points owed."""


@dataclass(frozen=True)
class DatedPurchase:
    """A purchase as earning needs it: its id, when it was made, what it bought."""

    purchase_id: str
    at: datetime
    line: PurchaseLine

    def __post_init__(self) -> None:
        require_text("purchase_id", self.purchase_id)
        require_aware("at", self.at)


def purchase_source(purchase_id: str) -> str:
    """The source of the entry crediting purchase ``purchase_id`` when it is handled."""
    return PURCHASE_SOURCE_PREFIX + purchase_id


def reprice_source(purchase_id: str, owed: int) -> str:
    """The source of the entry bringing purchase ``purchase_id`` up to ``owed`` points."""
    return f"{REPRICE_SOURCE_PREFIX}{purchase_id}:{owed}"


def points_in_date_order(
    purchases: Iterable[DatedPurchase],
    other_earnings: Iterable[tuple[datetime, int]],
    rules: EarnRules,
    ladder: TierLadder,
) -> dict[str, int]:
    """The points each purchase earns had the purchases been handled in date order.

    ``other_earnings`` are the points earned other than by these purchases, as
    (when, points). Each purchase gets the multiplier of the tier of the points
    earned in the window strictly before it was made.
    """
    others = sorted(other_earnings, key=lambda earning: earning[0])
    window: deque[tuple[datetime, int]] = deque()
    in_window = 0
    taken = 0
    owed: dict[str, int] = {}
    for at, made_then in groupby(sorted(purchases, key=lambda p: p.at), key=lambda p: p.at):
        while taken < len(others) and others[taken][0] < at:
            window.append(others[taken])
            in_window += others[taken][1]
            taken += 1
        start = shift_months(at, -ladder.window_months)
        while window and window[0][0] <= start:
            in_window -= window.popleft()[1]
        multiplier = ladder.tier_for(in_window).multiplier
        for purchase in made_then:
            points = purchase_points([purchase.line], at, rules, multiplier)
            owed[purchase.purchase_id] = points
            window.append((at, points))
            in_window += points
    return owed


def purchase_credited(source: str, known: Mapping[str, DatedPurchase]) -> str | None:
    """The id of the known purchase an entry from ``source`` credits; None for other entries."""
    if source.startswith(PURCHASE_SOURCE_PREFIX):
        purchase_id = source.removeprefix(PURCHASE_SOURCE_PREFIX)
    elif source.startswith(REPRICE_SOURCE_PREFIX):
        purchase_id = source.removeprefix(REPRICE_SOURCE_PREFIX).rpartition(":")[0]
    else:
        return None
    return purchase_id if purchase_id in known else None


def credit_in_date_order(
    journal: PointsJournal,
    handled: str,
    purchases: Iterable[DatedPurchase],
    rules: EarnRules,
    ladder: TierLadder,
    reason: str,
) -> list[JournalEntry]:
    """Credit purchase ``handled`` and top up every purchase its arrival raised.

    ``purchases`` are all the customer's purchases known (``handled`` among
    them). Each one owed more than the journal credits it gets the difference:
    ``handled``, when not credited before, under its purchase source with
    ``reason``; the others under a reprice source. Run again, it appends nothing.
    """
    known = {purchase.purchase_id: purchase for purchase in purchases}
    credited = dict.fromkeys(known, 0)
    others = []
    for entry in journal.entries:
        purchase_id = purchase_credited(entry.source, known)
        if purchase_id is not None:
            credited[purchase_id] += entry.points
        elif entry.kind is EntryKind.EARN:
            others.append((entry.at, entry.points))
    written: list[JournalEntry] = []
    owed = points_in_date_order(known.values(), others, rules, ladder)
    for purchase_id, points in sorted(owed.items(), key=lambda item: known[item[0]].at):
        short = points - credited[purchase_id]
        if short <= 0:
            continue
        at = known[purchase_id].at
        first = purchase_source(purchase_id)
        if purchase_id == handled and not journal.has(first):
            written += journal.earn(first, short, at, reason)
        else:
            why = f"purchase {purchase_id} repriced to {points} points at the tier it was made in"
            written += journal.earn(reprice_source(purchase_id, points), short, at, why)
    return written
