"""The feedback nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.errors import load
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.feedback import handlers
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.documents import KnownCustomer, NpsAnswer
from clientela.services.feedback.domain import RecordNps
from clientela.services.feedback.schemas import nps_answer_schema, nps_input
from clientela.storage import Storage


class FeedbackService(ServiceBase):
    """Survey answers from customers."""

    name = "feedback"
    outbox_documents = (NpsAnswer,)
    storage = Storage(FeedbackStorage, documents=[KnownCustomer, NpsAnswer])

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        handlers.handle_customer_created(event, self.storage)

    @api
    def record_nps(self, customer_id: str, score: int, **details: Any) -> dict[str, Any]:
        """Record an NPS answer (0-10); see NpsInput for the optional details."""
        command = RecordNps(
            **load(nps_input, {"customer_id": customer_id, "score": score, **details})
        )
        return nps_answer_schema.dump(handlers.record_nps(command, self.storage))
