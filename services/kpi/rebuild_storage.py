"""The kpi service's storage of a rebuild: facts written aside, then swapped in, and its fake.

:class:`~clientela.services.kpi.dependencies.KpiStorage` and its fake take these
methods over. A rebuild writes its facts into the ``facts_rebuilt`` collection
through a unit of work like the live one (:meth:`FactRebuild.rebuilt`), so the
same handlers write them the same way; swapping renames that collection over
``facts`` in one step. Targets, references and alerts are not touched.
"""

from __future__ import annotations

import copy
from typing import Any, Self

from mongoengine import Document

from clientela.services.kpi.documents import Fact, IndicatorRow
from clientela.storage import FakeUnitOfWork, UnitOfWork

FACTS = Fact._meta["collection"]
REBUILT_FACTS = f"{FACTS}_rebuilt"
ROWS = IndicatorRow._meta["collection"]
REBUILT_ROWS = f"{ROWS}_rebuilt"


class FactRebuild(UnitOfWork):
    """Facts rebuilt aside in the kpi database, swapped in once complete."""

    facts_collection: str = FACTS
    """The collection this unit of work reads and writes facts in."""
    rows_collection: str = ROWS
    """The collection of the indicator rows computed from those facts."""

    def rebuilt(self) -> Self:
        """A unit of work like this one whose facts are those being rebuilt."""
        aside = copy.copy(self)
        aside.facts_collection = REBUILT_FACTS
        aside.rows_collection = REBUILT_ROWS
        return aside

    def start_rebuild(self) -> None:
        """Empty the rebuilt facts and their indicator rows, with the indexes :class:`Fact`
        and :class:`IndicatorRow` declare, for a new rebuild."""
        for collection, document in ((REBUILT_FACTS, Fact), (REBUILT_ROWS, IndicatorRow)):
            self.database.drop_collection(collection)
            self._create_indexes(collection, document)

    def swap_rebuilt(self) -> int:
        """Put the rebuilt facts in place of the live ones; how many there are now.

        Every indicator row is then dropped: the next read marks the rows of every fact
        and computes them again. A read computing a row meanwhile stores nothing, its
        row being gone.
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

    def __init__(self) -> None:
        super().__init__()
        self.rebuilt_facts: dict[str, dict[str, Any]] = {}

    def rebuilt(self) -> Self:
        aside = copy.copy(self)
        aside.facts = self.rebuilt_facts
        return aside

    def start_rebuild(self) -> None:
        self.rebuilt_facts.clear()

    def swap_rebuilt(self) -> int:
        self.facts, self.rebuilt_facts = self.rebuilt_facts, {}
        return len(self.facts)
