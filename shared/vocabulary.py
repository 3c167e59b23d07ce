"""The words clientela's services, events and command line share: each list written once.

Event schemas (:mod:`clientela.events`) validate payloads against these lists,
the services' domains and schemas build on the same ones, and the ``clientela``
command offers them, so a service cannot announce a word the catalogue would
refuse, nor the command line offer one a service would refuse.
"""

from __future__ import annotations

PROSPECT_STATUSES = ("new", "contacted", "qualified", "converted", "disqualified")
"""Where a prospect stands in the pipeline; ``converted`` is final."""

INTERACTION_KINDS = ("call", "email", "meeting", "visit")
"""What kind of interaction with a prospect was logged."""

INTERACTION_MODES = ("remote", "phone", "in_person")
"""How the encounter happened: at a distance, by phone, face to face."""

CONVERSION_BASES = ("contract", "agreement", "purchase")
"""What formalises a prospect's conversion into a captive customer."""

UPDATE_REASONS = ("capture", "edit", "interaction", "merge")
"""What changed a profile, as ``prospect_updated`` says."""

SURVEYS = ("nps",)
"""The surveys a customer may answer."""

NPS_CATEGORIES = ("promoter", "passive", "detractor")
"""The Net Promoter Score categories of an answer (9-10, 7-8, 0-6)."""

INTERACTION_OUTCOMES = (
    "interested",
    "needs_info",
    "follow_up",
    "no_answer",
    "not_interested",
    "proposal_sent",
    "agreed",
)
"""What came of an interaction with a prospect."""

KPI_GRANULARITIES = ("day", "week", "month", "quarter", "year")
"""The periods the kpi service reports its indicators by."""

CONTRACT_STATUSES = ("open", "delivered", "cancelled", "breached")
"""Where a contract stands as recorded: ``breached`` is an operator's finding."""
