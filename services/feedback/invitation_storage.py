"""The invitations part of the feedback unit of work, over MongoDB and in memory.

:class:`InvitationStorage` is mixed into ``FeedbackStorage`` and
:class:`FakeInvitationStorage` into its fake twin; each method answers the
same on both (``tests/contracts/test_feedback_invitation_storage.py``).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

RECIPIENTS, INVITATIONS, PANELS = "survey_recipients", "invitations", "panels"
SCHEDULE = "survey_schedule"
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
"""Before any invitation's next attempt."""


class InvitationStorage:
    """Recipients, invitations and panels in the feedback database."""

    database: Any

    def _of(self, name: str) -> Collection:
        return self.database[name]

    def remember_recipient(self, customer_id: str, contact: dict[str, Any]) -> None:
        """Keep (or refresh) how to reach ``customer_id``: name, email, phone, language, since."""
        self._of(RECIPIENTS).update_one({"_id": customer_id}, {"$set": contact}, upsert=True)

    def recipient(self, customer_id: str) -> dict[str, Any] | None:
        """What is known of how to reach ``customer_id``, or None."""
        return self._of(RECIPIENTS).find_one({"_id": customer_id})

    def set_recipient_preferences(self, customer_id: str, changes: dict[str, Any]) -> None:
        """Record ``consented`` and/or ``suppressed`` for ``customer_id``."""
        self._of(RECIPIENTS).update_one({"_id": customer_id}, {"$set": changes}, upsert=True)

    def claim_first_purchase(self, customer_id: str, purchase_id: str) -> bool:
        """Whether ``purchase_id`` is the customer's first purchase (the first one told, kept)."""
        recipients = self._of(RECIPIENTS)
        recipients.update_one(
            {"_id": customer_id}, {"$setOnInsert": {"first_purchase_id": None}}, upsert=True
        )
        recipients.update_one(
            {"_id": customer_id, "first_purchase_id": None},
            {"$set": {"first_purchase_id": purchase_id}},
        )
        found = recipients.find_one({"_id": customer_id}, {"first_purchase_id": 1})
        return found is not None and found.get("first_purchase_id") == purchase_id

    def recipients_with_anniversary(self, month_day: str) -> list[dict[str, Any]]:
        """The recipients who became customers on ``month_day`` (``MM-DD``) of some year."""
        return list(self._of(RECIPIENTS).find({"anniversary": month_day}))

    def last_day(self, job: str) -> str | None:
        """The last day (``YYYY-MM-DD``) daily ``job`` ran, or None."""
        found = self._of(SCHEDULE).find_one({"_id": job})
        return None if found is None else found["last_day"]

    def mark_day(self, job: str, day: str) -> None:
        """Record that daily ``job`` ran for ``day``."""
        self._of(SCHEDULE).update_one({"_id": job}, {"$set": {"last_day": day}}, upsert=True)

    def claim_invitation(self, invitation_id: str, due_at: datetime, until: datetime) -> bool:
        """Take the invitation due at ``due_at`` for sending, putting its next attempt off to
        ``until``; False when another sender took it first."""
        written = self._of(INVITATIONS).update_one(
            {"_id": invitation_id, "next_attempt_at": due_at}, {"$set": {"next_attempt_at": until}}
        )
        return written.modified_count == 1

    def add_invitation(self, invitation: dict[str, Any]) -> bool:
        """Insert ``invitation`` unless its ``_id`` is taken; whether this call inserted it."""
        try:
            self._of(INVITATIONS).insert_one(invitation)
        except DuplicateKeyError:
            return False
        return True

    def invitation(self, invitation_id: str) -> dict[str, Any] | None:
        """The invitation ``invitation_id``, or None."""
        return self._of(INVITATIONS).find_one({"_id": invitation_id})

    def invitations_of(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's invitations, by when they are (or were) to be sent."""
        found = self._of(INVITATIONS).find({"customer_id": customer_id})
        return list(found.sort([("customer_id", ASCENDING), ("send_at", ASCENDING)]))

    def invitations_to_send(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` invitations whose next attempt is due by ``now``, earliest first."""
        # bounded below too: SecantusDB would otherwise walk the index's nulls (every
        # invitation sent or answered) before the first date
        due = {"$gte": EARLIEST, "$lte": now}
        found = self._of(INVITATIONS).find({"next_attempt_at": due})
        return list(found.sort("next_attempt_at", ASCENDING).limit(limit))

    def update_invitation(self, invitation_id: str, changes: dict[str, Any]) -> None:
        """Apply ``changes`` to the invitation."""
        self._of(INVITATIONS).update_one({"_id": invitation_id}, {"$set": changes})

    def save_panel(self, panel: dict[str, Any]) -> None:
        """Store ``panel`` (members, survey, channel), keeping the last period it was invited."""
        fields = {k: v for k, v in panel.items() if k not in ("_id", "last_period")}
        self._of(PANELS).update_one({"_id": panel["_id"]}, {"$set": fields}, upsert=True)

    def panel(self, name: str) -> dict[str, Any] | None:
        """The panel ``name``, or None."""
        return self._of(PANELS).find_one({"_id": name})

    def panels(self) -> list[dict[str, Any]]:
        """Every panel, by name."""
        return list(self._of(PANELS).find({}).sort("_id", ASCENDING))

    def claim_panel_period(self, name: str, period: str) -> bool:
        """Mark ``period`` as the panel's last invited one; False when it already was."""
        written = self._of(PANELS).update_one(
            {"_id": name, "last_period": {"$ne": period}}, {"$set": {"last_period": period}}
        )
        return written.modified_count == 1


class FakeInvitationStorage:
    """:class:`InvitationStorage` in memory."""

    def __init__(self) -> None:
        super().__init__()
        self.recipients: dict[str, dict[str, Any]] = {}
        self.invitation_records: dict[str, dict[str, Any]] = {}
        self.panel_records: dict[str, dict[str, Any]] = {}
        self.schedule: dict[str, str] = {}

    def remember_recipient(self, customer_id: str, contact: dict[str, Any]) -> None:
        self.recipients.setdefault(customer_id, {"_id": customer_id}).update(copy.deepcopy(contact))

    def recipient(self, customer_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.recipients.get(customer_id))

    def set_recipient_preferences(self, customer_id: str, changes: dict[str, Any]) -> None:
        self.recipients.setdefault(customer_id, {"_id": customer_id}).update(changes)

    def claim_first_purchase(self, customer_id: str, purchase_id: str) -> bool:
        stored = self.recipients.setdefault(customer_id, {"_id": customer_id})
        if stored.get("first_purchase_id") is None:
            stored["first_purchase_id"] = purchase_id
        return bool(stored["first_purchase_id"] == purchase_id)

    def recipients_with_anniversary(self, month_day: str) -> list[dict[str, Any]]:
        found = [r for r in self.recipients.values() if r.get("anniversary") == month_day]
        return copy.deepcopy(found)

    def last_day(self, job: str) -> str | None:
        return self.schedule.get(job)

    def mark_day(self, job: str, day: str) -> None:
        self.schedule[job] = day

    def claim_invitation(self, invitation_id: str, due_at: datetime, until: datetime) -> bool:
        stored = self.invitation_records.get(invitation_id)
        if stored is None or stored.get("next_attempt_at") != due_at:
            return False
        stored["next_attempt_at"] = until
        return True

    def add_invitation(self, invitation: dict[str, Any]) -> bool:
        if invitation["_id"] in self.invitation_records:
            return False
        self.invitation_records[invitation["_id"]] = copy.deepcopy(invitation)
        return True

    def invitation(self, invitation_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.invitation_records.get(invitation_id))

    def invitations_of(self, customer_id: str) -> list[dict[str, Any]]:
        mine = [i for i in self.invitation_records.values() if i["customer_id"] == customer_id]
        return copy.deepcopy(sorted(mine, key=lambda i: (i["send_at"] is not None, i["send_at"])))

    def invitations_to_send(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        due = [
            i
            for i in self.invitation_records.values()
            if i.get("next_attempt_at") is not None and i["next_attempt_at"] <= now
        ]
        return copy.deepcopy(sorted(due, key=lambda i: i["next_attempt_at"])[:limit])

    def update_invitation(self, invitation_id: str, changes: dict[str, Any]) -> None:
        if invitation_id in self.invitation_records:
            self.invitation_records[invitation_id].update(copy.deepcopy(changes))

    def save_panel(self, panel: dict[str, Any]) -> None:
        stored = self.panel_records.setdefault(panel["_id"], {"_id": panel["_id"]})
        stored.update({k: copy.deepcopy(v) for k, v in panel.items() if k != "last_period"})

    def panel(self, name: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.panel_records.get(name))

    def panels(self) -> list[dict[str, Any]]:
        return copy.deepcopy([self.panel_records[k] for k in sorted(self.panel_records)])

    def claim_panel_period(self, name: str, period: str) -> bool:
        stored = self.panel_records.get(name)
        if stored is None or stored.get("last_period") == period:
            return False
        stored["last_period"] = period
        return True
