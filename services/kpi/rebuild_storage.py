"""The kpi service's storage of a rebuild: facts written aside, then swapped in, and its fake.

:class:`~clientela.services.kpi.dependencies.KpiStorage` and its fake take these
methods over. A rebuild writes its facts into the ``facts_rebuilt`` collection
through a unit of work like the live one (:meth:`FactRebuild.rebuilt`), so the
same handlers write them the same way; swapping renames that collection over
``facts`` in one step. Targets, references and alerts are not touched.

While a rebuild is under way (from its start to its swap or its discard), every live
fact write is made on the rebuilt facts too, first (:func:`also_rebuilt`): an event
kpi handles meanwhile, whether or not the replay already gave it back, is kept at the
swap, since the handlers are idempotent and order-free. Written first, a write racing
the swap lands in the facts swapped in, whichever side of the swap it falls on.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Self, TypeVar, cast

from mongoengine import Document

from clientela.services.kpi.documents import Fact, IndicatorRow
from clientela.storage import FakeUnitOfWork, UnitOfWork

FACTS = Fact._meta["collection"]
REBUILT_FACTS = f"{FACTS}_rebuilt"
ROWS = IndicatorRow._meta["collection"]
REBUILT_ROWS = f"{ROWS}_rebuilt"
REBUILDING = "rebuilding"
"""The ``_id`` of the marker, among the live indicator rows, saying a rebuild is under
way; it goes with them at the swap."""

Write = TypeVar("Write", bound=Callable[..., None])


def also_rebuilt(write: Write) -> Write:
    """Make the fact write ``write`` of a unit of work on the facts being rebuilt too,
    first, while a rebuild is under way (see :meth:`FactRebuild.rebuild_aside`)."""

    @functools.wraps(write)
    def on_both(uow: Any, *args: Any, **kwargs: Any) -> None:
        aside = uow.rebuild_aside()
        if aside is not None:
            write(aside, *args, **kwargs)
            uow = uow.live_alone()
        write(uow, *args, **kwargs)

    return cast(Write, on_both)


class FactRebuild(UnitOfWork):
    """Facts rebuilt aside in the kpi database, swapped in once complete."""

    facts_collection: str = FACTS
    """The collection this unit of work reads and writes facts in."""
    rows_collection: str = ROWS
    """The collection of the indicator rows computed from those facts."""
    mirrored: bool = True
    """Whether this unit of work's fact writes are made on the rebuilt facts too while a
    rebuild is under way (the live one's, but for a write already made there)."""

    def rebuilt(self) -> Self:
        """A unit of work like this one whose facts are those being rebuilt."""
        aside = self.live_alone()
        aside.facts_collection = REBUILT_FACTS
        aside.rows_collection = REBUILT_ROWS
        return aside

    def live_alone(self) -> Self:
        """This unit of work, its fact writes made on its own facts alone."""
        alone = copy.copy(self)
        alone.mirrored = False
        return alone

    def rebuild_aside(self) -> Self | None:
        """The unit of work of the facts being rebuilt, while a rebuild is under way and
        this one's writes are mirrored there; None otherwise (one lookup by ``_id``)."""
        if not self.mirrored or self.database[ROWS].find_one({"_id": REBUILDING}) is None:
            return None
        return self.rebuilt()

    def start_rebuild(self) -> None:
        """Empty the rebuilt facts and their indicator rows, with the indexes :class:`Fact`
        and :class:`IndicatorRow` declare, for a new rebuild; from now on, live fact writes
        are made there too."""
        self.discard_rebuild()
        for collection, document in ((REBUILT_FACTS, Fact), (REBUILT_ROWS, IndicatorRow)):
            self._create_indexes(collection, document)
        marker = {"$set": {"started_at": datetime.now(UTC)}}
        self.database[ROWS].update_one({"_id": REBUILDING}, marker, upsert=True)

    def rebuild_started_at(self) -> datetime | None:
        """When the rebuild under way started, None when none is."""
        marker = self.database[ROWS].find_one({"_id": REBUILDING})
        return None if marker is None else marker["started_at"]

    def discard_rebuild(self) -> None:
        """End a rebuild without swapping it in: live fact writes are no longer made aside,
        and the rebuilt facts and rows are dropped."""
        self.database[ROWS].delete_one({"_id": REBUILDING})
        for collection in (REBUILT_FACTS, REBUILT_ROWS):
            self.database.drop_collection(collection)

    def swap_rebuilt(self) -> int:
        """Put the rebuilt facts in place of the live ones; how many there are now.

        Every indicator row is then dropped (the rebuild's marker with them): the next
        read marks the rows of every fact and computes them again. A read computing a row
        meanwhile stores nothing, its row being gone.
        """
        rebuilt = self.database[REBUILT_FACTS]
        count = rebuilt.estimated_document_count()
        rebuilt.rename(FACTS, dropTarget=True)
        for rows in (ROWS, REBUILT_ROWS):
            self.database.drop_collection(rows)
        self._create_indexes(ROWS, IndicatorRow)
        return count

    def _create_indexes(self, collection: str, document: type[Document]) -> None:
        """Create on ``collection`` the indexes ``document`` declares."""
        for index in document._meta["index_specs"]:
            options = {name: value for name, value in index.items() if name != "fields"}
            self.database[collection].create_index(index["fields"], **options)


class FakeFactRebuild(FakeUnitOfWork):
    """:class:`FactRebuild` in memory."""

    facts: dict[str, dict[str, Any]]
    mirrored: bool = True

    def __init__(self) -> None:
        super().__init__()
        self.rebuilt_facts: dict[str, dict[str, Any]] = {}
        self.started_at: datetime | None = None

    def rebuilt(self) -> Self:
        aside = self.live_alone()
        aside.facts = self.rebuilt_facts
        return aside

    def live_alone(self) -> Self:
        alone = copy.copy(self)
        alone.mirrored = False
        return alone

    def rebuild_aside(self) -> Self | None:
        return self.rebuilt() if self.mirrored and self.started_at is not None else None

    def start_rebuild(self) -> None:
        self.rebuilt_facts.clear()
        self.started_at = datetime.now(UTC)

    def rebuild_started_at(self) -> datetime | None:
        return self.started_at

    def discard_rebuild(self) -> None:
        self.rebuilt_facts.clear()
        self.started_at = None

    def swap_rebuilt(self) -> int:
        self.facts, self.rebuilt_facts = self.rebuilt_facts, {}
        self.started_at = None
        return len(self.facts)
