"""The published language of clientela's events: every list of words an event may carry.

Event schemas (:mod:`clientela.events`) validate payloads against these lists,
and the services' domains build on the same ones, so each is written once and
a service cannot announce a word the catalogue would refuse.
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

CONTRACT_STATUSES = ("open", "delivered", "cancelled", "breached")
"""Where a contract stands as recorded: ``breached`` is an operator's finding."""
