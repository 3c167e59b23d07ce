"""``clientela import responses|complaints FILE``: survey responses and complaints from a
CSV or XLSX file into the feedback service, streamed as the customer records are.

Headers may be English or Spanish, in any case and with or without accents
(``Fecha de apertura``, ``opened_at``); a customer is named by
``customer_ref`` or, when that column is blank, ``email``. A SERVQUAL
response is one row per item, sharing its ``response_ref``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from clientela.cli.customer_import import ALIASES as CUSTOMER_ALIASES
from clientela.cli.customer_import import RecordFile, import_record_file
from clientela.cli.file_import import ImportSummary
from clientela.config import Settings

ALIASES: dict[str, tuple[str, ...]] = {
    "customer_ref": CUSTOMER_ALIASES["customer_ref"],  # a customer is named as in their files
    "email": CUSTOMER_ALIASES["email"],
    "response_ref": ("response_ref", "respuesta", "ref_respuesta", "referencia_respuesta"),
    "survey": ("survey", "encuesta", "tipo_encuesta", "tipo_de_encuesta"),
    "score": ("score", "puntuacion", "calificacion", "nota"),
    "answered_at": ("answered_at", "respondida", "fecha_respuesta", "fecha_de_respuesta"),
    "channel": ("channel", "canal"),
    "dimension": ("dimension",),
    "item": ("item", "reactivo", "pregunta"),
    "expectation": ("expectation", "expectativa"),
    "perception": ("perception", "percepcion"),
    "importance": ("importance", "importancia", "peso"),
    "complaint_ref": ("complaint_ref", "queja", "ref_queja", "referencia_queja", "reclamacion"),
    "category": ("category", "categoria"),
    "severity": ("severity", "severidad", "gravedad"),
    "opened_at": ("opened_at", "abierta", "fecha_apertura", "fecha_de_apertura", "recibida"),
    "responded_at": ("responded_at", "fecha_respuesta", "fecha_de_respuesta", "respondida",
                     "atendida"),
    "resolved_at": ("resolved_at", "resuelta", "fecha_resolucion", "fecha_de_resolucion"),
    "description": ("description", "descripcion", "detalle", "motivo"),
    "resolution": ("resolution", "resolucion", "solucion"),
}  # fmt: skip
"""Each column the import reads, and the normalised headers (see header_key) that name it."""
_CUSTOMER = ("customer_ref", "email")
COLUMNS: dict[str, tuple[str, ...]] = {
    "responses": ("response_ref", *_CUSTOMER, "survey", "score", "answered_at", "channel",
                  "dimension", "item", "expectation", "perception", "importance"),
    "complaints": ("complaint_ref", *_CUSTOMER, "category", "severity", "opened_at",
                   "responded_at", "resolved_at", "description", "resolution"),
}  # fmt: skip
"""The columns of each kind of feedback file; the first is its reference, required."""
RECORD_KINDS = tuple(COLUMNS)


def feedback_file(kind: str) -> RecordFile:
    """The reader of a ``kind`` file (``responses`` or ``complaints``)."""
    return RecordFile(kind, COLUMNS, ALIASES)


def import_feedback(
    settings: Settings, kind: str, path: Path, options: Mapping[str, str]
) -> ImportSummary:
    """Import the ``kind`` records of ``path`` into the running feedback service."""
    return import_record_file(settings, "feedback", feedback_file(kind), path, options)
