"""The feedback service's storage: its unit of work over MongoDB, and an in-memory fake."""

from __future__ import annotations

import copy
from typing import Any

from clientela.outbox import insert_once
from clientela.services.feedback.documents import KnownCustomer, NpsAnswer
from clientela.storage import FakeUnitOfWork, UnitOfWork


class FeedbackStorage(UnitOfWork):
    """Known customers and NPS answers, in the feedback database."""

    def remember_customer(self, customer_id: str, name: str, captive: bool) -> None:
        """Keep (or refresh) a customer announced by the customers service."""
        self.database[KnownCustomer._meta["collection"]].update_one(
            {"_id": customer_id}, {"$set": {"name": name, "captive": captive}}, upsert=True
        )

    def is_known_customer(self, customer_id: str) -> bool:
        """Whether the customers service announced ``customer_id``."""
        found = self.database[KnownCustomer._meta["collection"]].find_one(
            {"_id": customer_id}, {"_id": 1}
        )
        return found is not None

    def add_answer(self, answer: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """Insert ``answer`` and publish ``event`` with it, unless its ``_id`` is taken.

        Returns the answer stored under that id when there was one (nothing is
        published then), None when this call inserted it.
        """
        answers = self.database[NpsAnswer._meta["collection"]]
        existing = insert_once(answers, {"_id": answer["_id"]}, answer, event, self.publish)
        if existing is None:
            return None
        return answers.find_one({"_id": existing}, {"outbox": 0})


class FakeFeedbackStorage(FakeUnitOfWork):
    """:class:`FeedbackStorage` in memory, for handler unit tests."""

    def __init__(self) -> None:
        super().__init__()
        self.customers: dict[str, dict[str, Any]] = {}
        self.answers: dict[str, dict[str, Any]] = {}

    def remember_customer(self, customer_id: str, name: str, captive: bool) -> None:
        self.customers[customer_id] = {"_id": customer_id, "name": name, "captive": captive}

    def is_known_customer(self, customer_id: str) -> bool:
        return customer_id in self.customers

    def add_answer(self, answer: dict[str, Any], event: dict) -> dict[str, Any] | None:
        if answer["_id"] in self.answers:
            return copy.deepcopy(self.answers[answer["_id"]])
        self.answers[answer["_id"]] = copy.deepcopy(answer)
        self.publish(event)
        return None
