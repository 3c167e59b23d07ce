"""Points as an append-only journal: earn, redeem, expire and adjust entries.

The balance is the sum of the journal and never goes below zero. Every entry
is idempotent on its ``source`` (the id of the event that caused it, or the
request key of a redemption or adjustment): posting a source the journal
already holds changes nothing, so replays and redeliveries are harmless.

Earned points (and points added by hand) form lots that expire
``expiry_months`` after they came in; redemptions, deductions and expiries
consume the lots oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from clientela.checks import invalid, require_aware, require_text
from clientela.errors import Conflict
from clientela.periods import shift_months
from clientela.services.loyalty.domain.validation import require_whole

DEFAULT_EXPIRY_MONTHS = 12
"""Points expire this many calendar months after they were earned."""

EXPIRY_SOURCE_PREFIX = "expiry:"
"""The source of the entry writing off a lot is this prefix and the lot's source."""


class EntryKind(StrEnum):
    """What a journal entry does to the balance."""

    EARN = "earn"
    REDEEM = "redeem"
    EXPIRE = "expire"
    ADJUST = "adjust"


@dataclass(frozen=True)
class JournalEntry:
    """One line of a customer's points journal.

    ``points`` is signed: positive for earn entries and added points, negative
    for redemptions, expiries and deductions. ``operator`` is who made a manual
    adjustment; ``lot`` is the source of the lot an expiry writes off.
    """

    source: str
    kind: EntryKind
    points: int
    at: datetime
    reason: str = ""
    operator: str | None = None
    lot: str | None = None


@dataclass
class Lot:
    """Points that came in together and expire together; ``remaining`` is what is left."""

    source: str
    earned_at: datetime
    expires_at: datetime
    remaining: int


class PointsJournal:
    """A customer's points journal, rebuilt from its stored ``entries`` in the order written.

    The posting methods return the entries they appended, an empty list when
    the source was posted before.
    """

    def __init__(
        self,
        customer_id: str,
        entries: Iterable[JournalEntry] = (),
        expiry_months: int = DEFAULT_EXPIRY_MONTHS,
    ) -> None:
        require_text("customer_id", customer_id)
        require_whole("expiry_months", expiry_months, minimum=1)
        self.customer_id = customer_id
        self.expiry_months = expiry_months
        self._entries: list[JournalEntry] = []
        self._sources: set[str] = set()
        self._lots: list[Lot] = []
        for entry in entries:
            self._append(entry)

    @property
    def entries(self) -> tuple[JournalEntry, ...]:
        """Every entry, in the order it was written."""
        return tuple(self._entries)

    @property
    def balance(self) -> int:
        """The points the customer holds: the sum of the journal."""
        return sum(entry.points for entry in self._entries)

    def has(self, source: str) -> bool:
        """Whether an entry from ``source`` is in the journal already."""
        return source in self._sources

    def lots(self) -> tuple[Lot, ...]:
        """The lots with points left, oldest first (copies: changing them changes nothing)."""
        return tuple(
            Lot(lot.source, lot.earned_at, lot.expires_at, lot.remaining)
            for lot in self._lots
            if lot.remaining
        )

    def earned_between(self, start: datetime, end: datetime) -> int:
        """Points earned (not added by hand) after ``start`` and up to ``end``."""
        return sum(
            entry.points
            for entry in self._entries
            if entry.kind is EntryKind.EARN and start < entry.at <= end
        )

    def available_at(self, moment: datetime) -> int:
        """The balance less the points whose lots have expired by ``moment``."""
        return sum(lot.remaining for lot in self._lots if lot.expires_at > moment)

    def earn(self, source: str, points: int, at: datetime, reason: str) -> list[JournalEntry]:
        """Credit ``points`` (at least 1) earned at ``at``; they expire ``expiry_months`` later."""
        self._check_posting(source, at)
        require_whole("points", points, minimum=1)
        if self.has(source):
            return []
        return [self._append(JournalEntry(source, EntryKind.EARN, points, at, reason))]

    def redeem(self, source: str, points: int, at: datetime, reason: str) -> list[JournalEntry]:
        """Spend ``points`` (at least 1), oldest first; lots expired by ``at`` are written
        off before, so a redemption never spends them.

        Raises Conflict, naming the balance, when ``points`` is more than it.
        """
        self._check_posting(source, at)
        require_whole("points", points, minimum=1)
        if self.has(source):
            return []
        self._require_available("points", points, at)
        return [
            *self.expire_due(at),
            self._append(JournalEntry(source, EntryKind.REDEEM, -points, at, reason)),
        ]

    def adjust(
        self, source: str, points: int, at: datetime, reason: str, operator: str
    ) -> list[JournalEntry]:
        """Add (positive ``points``) or deduct (negative) points by hand.

        A ``reason`` and an ``operator`` are required; added points form a lot
        that expires like earned ones; a deduction takes the oldest first and
        is refused (Conflict) when more than the balance.
        """
        self._check_posting(source, at)
        require_text("reason", reason)
        require_text("operator", operator)
        if isinstance(points, bool) or not isinstance(points, int) or points == 0:
            raise invalid("points", "Must be a whole number other than 0.")
        if self.has(source):
            return []
        written = []
        if points < 0:
            self._require_available("points", -points, at)
            written = self.expire_due(at)
        entry = JournalEntry(source, EntryKind.ADJUST, points, at, reason, operator)
        return [*written, self._append(entry)]

    def expire_due(self, as_of: datetime) -> list[JournalEntry]:
        """Write off what is left of every lot expired by ``as_of``, oldest first.

        Each lot's expiry is its own entry, dated when the lot expired, with
        source ``expiry:<lot source>``: running this twice writes nothing more.
        """
        require_aware("as_of", as_of)
        due = sorted(
            (lot for lot in self._lots if lot.remaining and lot.expires_at <= as_of),
            key=lambda lot: lot.expires_at,
        )
        return [
            self._append(
                JournalEntry(
                    EXPIRY_SOURCE_PREFIX + lot.source,
                    EntryKind.EXPIRE,
                    -lot.remaining,
                    lot.expires_at,
                    f"points earned {lot.earned_at.date().isoformat()} expired",
                    lot=lot.source,
                )
            )
            for lot in due
        ]

    def _check_posting(self, source: str, at: datetime) -> None:
        require_text("source", source)
        require_aware("at", at)

    def _require_available(self, field: str, points: int, at: datetime) -> None:
        available = self.available_at(at)
        if points > available:
            raise Conflict(
                f"{field}: {points} is more than the balance of {available} "
                f"of customer {self.customer_id}"
            )

    def _append(self, entry: JournalEntry) -> JournalEntry:
        """Apply ``entry`` to the lots and write it; a stored journal comes back the same way."""
        if entry.source in self._sources:
            raise ValueError(f"source {entry.source} is in the journal already")
        if entry.points > 0:
            self._add_lot(entry)
        elif entry.kind is EntryKind.EXPIRE:
            self._write_off(entry)
        else:
            self._consume(-entry.points)
        self._entries.append(entry)
        self._sources.add(entry.source)
        return entry

    def _add_lot(self, entry: JournalEntry) -> None:
        lot = Lot(entry.source, entry.at, shift_months(entry.at, self.expiry_months), entry.points)
        # Lots stay ordered by when they came in, so a late earn event still expires first.
        position = sum(1 for held in self._lots if held.earned_at <= entry.at)
        self._lots.insert(position, lot)

    def _write_off(self, entry: JournalEntry) -> None:
        lot = next((lot for lot in self._lots if lot.source == entry.lot), None)
        if lot is None or lot.remaining != -entry.points:
            raise ValueError(f"expiry {entry.source} does not match what is left of its lot")
        lot.remaining = 0

    def _consume(self, points: int) -> None:
        for lot in self._lots:
            taken = min(lot.remaining, points)
            lot.remaining -= taken
            points -= taken
        if points:
            raise ValueError(f"{points} points spent beyond the balance")
