"""Importing survey responses and complaints, a batch of file rows at a time.

Each row is built by the same use case as a single RPC call, so the answers
reach kpi through the same events, and it is idempotent on its reference:
imported again it is ``unchanged`` (or ``updated``, for a complaint whose
later export brings its response or resolution). A row whose customer (by
``customer_ref``, else ``email``) feedback does not know, or with a moment in
the future, is rejected with the reason, and the rest of the batch goes on.

Responses land in one survey per kind (``nps``, ``csat``, ``ces``,
``servqual``), defined on first import with one question of that kind. A
SERVQUAL answer spans one row per item, sharing its ``response_ref``: each
row's rating is kept until the answer is recorded, once every item of the
question has arrived, whatever their order or batch.

The new responses and complaints of a batch are inserted together, their
events published pipelined (staged first, so a crash loses none); a row that
moves what is stored (a SERVQUAL item, a complaint's later resolution) is
written on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from clientela.checks import invalid
from clientela.errors import NotFound
from clientela.import_rows import (
    Fields,
    Outcome,
    import_batch,
    moment,
    outcome,
    plain,
    required,
    required_moment,
    text,
)
from clientela.services.feedback import complaint_handlers, handlers, records
from clientela.services.feedback.casework_storage import Entries
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.domain.checks import require_not_before, require_whole
from clientela.services.feedback.domain.commands import (
    DefineSurvey,
    OpenComplaint,
    QuestionSpec,
    RecordResponse,
)
from clientela.services.feedback.domain.responses import response_key
from clientela.services.feedback.domain.surveys import (
    SERVQUAL_SCALE,
    Dimension,
    Question,
    QuestionKind,
)

RECORD_KINDS = ("responses", "complaints")
IMPORTED_SURVEYS = {
    QuestionKind.NPS: "How likely are you to recommend us to a friend or colleague?",
    QuestionKind.CSAT: "How satisfied are you with our product or service?",
    QuestionKind.CES: "How easy was it to get what you needed from us?",
    QuestionKind.SERVQUAL: "The service you expect of an excellent company, and ours.",
}
"""The survey (and question) each kind of imported response lands in, and its wording."""
DIMENSION_NAMES = {
    **{str(d): d for d in Dimension},
    "tangibles": Dimension.TANGIBILITY,
    "tangibilidad": Dimension.TANGIBILITY,
    "elementos tangibles": Dimension.TANGIBILITY,
    "fiabilidad": Dimension.RELIABILITY,
    "confiabilidad": Dimension.RELIABILITY,
    "capacidad de respuesta": Dimension.RESPONSIVENESS,
    "seguridad": Dimension.ASSURANCE,
    "empatia": Dimension.EMPATHY,
}
"""SERVQUAL dimensions as files name them (see ``import_rows.plain``), English or Spanish."""
SEVERITY_NAMES = {
    "low": "low",
    "baja": "low",
    "medium": "medium",
    "media": "medium",
    "high": "high",
    "alta": "high",
    "critical": "critical",
    "critica": "critical",
}
IMPORTED_RESOLUTION = "resolved (as imported)"
"""The resolution of an imported complaint resolved in a row that does not say how."""
IMPORT_CHANNEL = "import"
"""The channel of an imported response whose row names none."""


@dataclass
class Batch:
    """One batch of rows being imported: the unit of work, the time of the import, the
    questions read so far, and the new records to insert together (with their events)."""

    uow: FeedbackStorage
    now: datetime
    questions: dict[QuestionKind, Question] = field(default_factory=dict)
    new: dict[str, Entries] = field(default_factory=lambda: {"responses": [], "complaints": []})

    def question(self, kind: QuestionKind) -> Question:
        """The question responses of ``kind`` are imported into, its survey defined when
        missing."""
        if kind not in self.questions:
            stored = self.uow.survey(kind)
            if stored is None:
                question = QuestionSpec(str(kind), str(kind), IMPORTED_SURVEYS[kind])
                command = DefineSurvey(str(kind), f"Imported {kind.upper()}", (question,))
                stored = handlers.define_survey(command, self.uow)
            self.questions[kind] = records.survey_from(stored).question(str(kind))
        return self.questions[kind]

    def write(self) -> int:
        """Insert the new records, announcing them; how many were there already."""
        return sum(len(self.uow.add_batch(kind, entries)) for kind, entries in self.new.items())


def _customer_id(row: Fields, uow: FeedbackStorage) -> str:
    """The customer the row names by ``customer_ref``, else by ``email``; NotFound otherwise."""
    ref = text(row, "customer_ref")
    if ref:
        if not uow.is_known_customer(ref):
            raise NotFound(f"customer_ref: no customer {ref!r} is known to feedback")
        return ref
    email = text(row, "email").lower()
    if not email:
        raise invalid("customer_ref", "Give the customer's customer_ref or email.")
    found = uow.customer_by_email(email)
    if found is None:
        raise NotFound(f"email: no customer with e-mail {email!r}")
    return found


def _number(row: Fields, name: str) -> int:
    written = required(row, name)
    try:
        return int(written)
    except ValueError:
        raise invalid(name, f"{written!r} is not a whole number.") from None


def _whole(row: Fields, name: str, low: int, high: int) -> int:
    return require_whole(name, _number(row, name), low, high)


def _survey_kind(row: Fields) -> QuestionKind:
    kind = plain(required(row, "survey"))
    if kind not in IMPORTED_SURVEYS:
        raise invalid("survey", f"Must be one of: {', '.join(IMPORTED_SURVEYS)}.")
    return QuestionKind(kind)


def import_response(row: Fields, batch: Batch) -> Outcome:
    """One response row (or, for SERVQUAL, one item of a response): recorded once under
    its ``response_ref``."""
    uow = batch.uow
    ref = required(row, "response_ref")
    kind = _survey_kind(row)
    customer_id = _customer_id(row, uow)
    answered_at = required_moment(row, "answered_at", batch.now, past=True)
    question = batch.question(kind)
    if uow.response(response_key(kind, customer_id, ref)) is not None:
        return "unchanged"
    command = RecordResponse(
        survey_id=str(kind),
        question=question.key,
        customer_id=customer_id,
        reference=ref,
        answer=None,
        channel=text(row, "channel") or IMPORT_CHANNEL,
        answered_at=answered_at,
        raw=dict(row),
    )
    if kind is QuestionKind.SERVQUAL:
        return _import_rating(row, question, command, uow)
    answered = handlers.new_response(replace(command, answer=_number(row, "score")), question)
    batch.new["responses"].append((answered[0], [answered[1]]))
    return "created"


def _import_rating(
    row: Fields, question: Question, command: RecordResponse, uow: FeedbackStorage
) -> Outcome:
    """Keep the row's item rating; record the answer once every item is rated."""
    number = _whole(row, "item", 1, 10**6)
    item = question.item(number)
    if item is None:
        raise invalid("item", f"The SERVQUAL question has no item {number}.")
    dimension = DIMENSION_NAMES.get(plain(required(row, "dimension")))
    if dimension is not item.dimension:
        raise invalid("dimension", f"Item {number} is about {item.dimension}.")
    key = response_key(command.survey_id, command.customer_id, command.reference)
    rating = {
        "_id": f"{key}:{number}",
        "response_id": key,
        "item": number,
        "dimension": str(dimension),
        "expectation": _whole(row, "expectation", *SERVQUAL_SCALE),
        "perception": _whole(row, "perception", *SERVQUAL_SCALE),
        "importance": _whole(row, "importance", 0, 100),
    }
    before = uow.keep_rating(rating)
    ratings = uow.ratings_of(key)
    if {r["item"] for r in ratings} >= {i.number for i in question.items}:
        answer = {
            "ratings": [{k: r[k] for k in ("item", "expectation", "perception")} for r in ratings],
            "importance": _importance(ratings),
        }
        raw = {"rows": [{k: v for k, v in r.items() if k != "response_id"} for r in ratings]}
        handlers.record_response(replace(command, answer=answer, raw=raw), uow)
        uow.drop_ratings(key)
    return outcome(before, rating)


def _importance(ratings: list[dict[str, Any]]) -> dict[str, int]:
    """The points of each dimension, as its items' rows give them (all alike)."""
    points: dict[str, int] = {}
    for rating in ratings:
        given = points.setdefault(rating["dimension"], rating["importance"])
        if given != rating["importance"]:
            raise invalid(
                "importance",
                f"The items of {rating['dimension']} give different importance:"
                f" {given} and {rating['importance']}.",
            )
    return points


def import_complaint(row: Fields, batch: Batch) -> Outcome:
    """One complaint row: opened once under its ``complaint_ref``, with its response and
    resolution times when the row has them; breaches follow as for any complaint.

    Imported again with a response or resolution the stored complaint lacks (a later export),
    the complaint is responded to or resolved then: ``updated``.
    """
    uow, now = batch.uow, batch.now
    ref = required(row, "complaint_ref")
    customer_id = _customer_id(row, uow)
    severity = SEVERITY_NAMES.get(plain(required(row, "severity")))
    if severity is None:
        raise invalid("severity", "Must be one of: low, medium, high, critical.")
    opened_at = required_moment(row, "opened_at", now, past=True)
    responded_at = moment(row, "responded_at", now, past=True)
    resolved_at = moment(row, "resolved_at", now, past=True)
    if responded_at is not None:
        require_not_before("responded_at", responded_at, opened_at, "opened_at")
    if resolved_at is not None:
        require_not_before("resolved_at", resolved_at, responded_at or opened_at, "the response")
    command = OpenComplaint(
        complaint_ref=ref,
        customer_id=customer_id,
        category=required(row, "category"),
        severity=severity,
        description=required(row, "description"),
        opened_at=opened_at,
        responded_at=responded_at,
        resolved_at=resolved_at,
        resolution=text(row, "resolution") or (IMPORTED_RESOLUTION if resolved_at else ""),
    )
    stored = uow.complaint(ref)
    if stored is None:
        batch.new["complaints"].append(complaint_handlers.new_complaint(command))
        return "created"
    return _catch_up(stored, command, uow)


def _catch_up(stored: dict[str, Any], command: OpenComplaint, uow: FeedbackStorage) -> Outcome:
    """Respond to and resolve ``stored`` as the row says, where it has not been yet."""
    moved: Outcome = "unchanged"
    if command.responded_at is not None and stored["responded_at"] is None:
        complaint_handlers.respond_to_complaint(stored["_id"], command.responded_at, uow)
        moved = "updated"
    if command.resolved_at is not None and stored["resolved_at"] is None:
        complaint_handlers.resolve_complaint(
            stored["_id"], command.resolution, command.resolved_at, uow
        )
        moved = "updated"
    return moved


IMPORTERS: dict[str, Callable[[Fields, Batch], Outcome]] = {
    "responses": import_response,
    "complaints": import_complaint,
}


def import_rows(
    kind: str, rows: list[dict[str, Any]], now: datetime, uow: FeedbackStorage
) -> dict[str, Any]:
    """Write a batch of ``kind`` rows (``{"line": n, "fields": {...}}``); the batch's report:
    how many were created, updated and unchanged, and each rejected line with its errors."""
    if kind not in IMPORTERS:
        raise invalid("kind", f"Must be one of: {', '.join(RECORD_KINDS)}.")
    batch = Batch(uow, now)
    importer = IMPORTERS[kind]
    report = import_batch(lambda row, _now, _uow: importer(row, batch), rows, now, uow)
    there_already = batch.write()
    report["created"] -= there_already
    report["unchanged"] += there_already
    return report
