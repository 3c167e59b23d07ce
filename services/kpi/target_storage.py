"""The kpi service's storage of targets, external references and alerts, and its fake.

:class:`~clientela.services.kpi.dependencies.KpiStorage` and its fake take
these methods over; each write is one atomic write of one document, and an
alert is stored with the event announcing it (see :mod:`clientela.outbox`).
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from pymongo import DESCENDING, ReturnDocument
from pymongo.collection import Collection

from clientela.outbox import PENDING, insert_once
from clientela.services.kpi.documents import AlertRecord, ReferenceRecord, TargetRecord
from clientela.storage import FakeUnitOfWork, UnitOfWork

LONGEST_PERIOD = timedelta(days=366)
"""A period starts at most this long before it ends (a leap year)."""

_HIDDEN = {"outbox": 0, PENDING: 0}


class TargetStorage(UnitOfWork):
    """Targets, references and alerts in the kpi database."""

    def _collection(self, document: Any) -> Collection:
        return self.database[document._meta["collection"]]

    def save_target(
        self, key: str, target: dict[str, Any], by: str, at: datetime
    ) -> dict[str, Any]:
        """Put ``target`` in force under ``key``, kept as a new version set ``by`` someone
        ``at`` a time; the target as it is then, with its history."""
        version = {**target, "set_by": by, "set_at": at}
        update = {"$set": version, "$push": {"history": version}}
        return _upserted(self._collection(TargetRecord), key, update)

    def targets(self) -> list[dict[str, Any]]:
        """Every target in force with its history, by key (a handful: people set them)."""
        return list(self._collection(TargetRecord).find().sort("_id"))

    def save_reference(self, key: str, reference: dict[str, Any]) -> dict[str, Any]:
        """Set the reference value ``key`` (replacing an earlier one); the reference."""
        return _upserted(self._collection(ReferenceRecord), key, {"$set": reference})

    def references(self) -> list[dict[str, Any]]:
        """Every external reference, by key."""
        return list(self._collection(ReferenceRecord).find().sort("_id"))

    def raise_alert(self, alert: dict[str, Any], event: dict) -> bool:
        """Store ``alert`` and publish ``event``; False (nothing published) if it was raised
        already."""
        alerts = self._collection(AlertRecord)
        return insert_once(alerts, {"_id": alert["_id"]}, alert, event, self.publish) is None

    def alert(self, alert_id: str) -> dict[str, Any] | None:
        """The alert ``alert_id``, None when there is none."""
        return self._collection(AlertRecord).find_one({"_id": alert_id}, _HIDDEN)

    def alerts(self, open_only: bool) -> list[dict[str, Any]]:
        """The alerts (only the open ones with ``open_only``), the latest raised first."""
        found = self._collection(AlertRecord).find({"open": True} if open_only else {}, _HIDDEN)
        return list(found.sort("raised_at", DESCENDING))

    def alerts_overlapping(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The alerts about periods overlapping ``[start, end)``, the latest raised first."""
        starts = {"$gte": start - LONGEST_PERIOD, "$lt": end}
        found = self._collection(AlertRecord).find({"period_start": starts}, _HIDDEN)
        overlapping = [alert for alert in found if alert["period_end"] > start]
        return sorted(overlapping, key=lambda alert: alert["raised_at"], reverse=True)

    def change_alert(
        self, alert_id: str, changes: dict[str, Any], state: str | None = None
    ) -> bool:
        """Apply ``changes`` to the alert (only while it is in ``state``, when given);
        whether an alert took them."""
        match = {"_id": alert_id} if state is None else {"_id": alert_id, "state": state}
        return bool(
            self._collection(AlertRecord).update_one(match, {"$set": changes}).matched_count
        )


def _upserted(collection: Collection, key: str, update: dict[str, Any]) -> dict[str, Any]:
    """Apply ``update`` to document ``key`` (created if need be) in one write; the document."""
    saved = collection.find_one_and_update(
        {"_id": key}, update, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert saved is not None  # an upsert returning the document after it always finds one
    return dict(saved)


class FakeTargetStorage(FakeUnitOfWork):
    """:class:`TargetStorage` in memory."""

    def __init__(self) -> None:
        super().__init__()
        self.target_records: dict[str, dict[str, Any]] = {}
        self.reference_records: dict[str, dict[str, Any]] = {}
        self.alert_records: dict[str, dict[str, Any]] = {}

    def save_target(
        self, key: str, target: dict[str, Any], by: str, at: datetime
    ) -> dict[str, Any]:
        version = {**copy.deepcopy(target), "set_by": by, "set_at": at}
        record = self.target_records.setdefault(key, {"_id": key, "history": []})
        record.update(version)
        record["history"].append(copy.deepcopy(version))
        return copy.deepcopy(record)

    def targets(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(self.target_records[key]) for key in sorted(self.target_records)]

    def save_reference(self, key: str, reference: dict[str, Any]) -> dict[str, Any]:
        self.reference_records.setdefault(key, {"_id": key}).update(copy.deepcopy(reference))
        return copy.deepcopy(self.reference_records[key])

    def references(self) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(self.reference_records[key]) for key in sorted(self.reference_records)
        ]

    def raise_alert(self, alert: dict[str, Any], event: dict) -> bool:
        if alert["_id"] in self.alert_records:
            return False
        self.alert_records[alert["_id"]] = copy.deepcopy(alert)
        self.publish(event)
        return True

    def alert(self, alert_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.alert_records.get(alert_id))

    def alerts(self, open_only: bool) -> list[dict[str, Any]]:
        found = [a for a in self.alert_records.values() if a["open"] or not open_only]
        return copy.deepcopy(sorted(found, key=lambda alert: alert["raised_at"], reverse=True))

    def alerts_overlapping(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        found = [
            alert
            for alert in self.alert_records.values()
            if alert["period_start"] < end and alert["period_end"] > start
        ]
        return copy.deepcopy(sorted(found, key=lambda alert: alert["raised_at"], reverse=True))

    def change_alert(
        self, alert_id: str, changes: dict[str, Any], state: str | None = None
    ) -> bool:
        alert = self.alert_records.get(alert_id)
        if alert is None or (state is not None and alert["state"] != state):
            return False
        alert.update(copy.deepcopy(changes))
        return True
