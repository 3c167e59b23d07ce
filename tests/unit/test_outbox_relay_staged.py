"""What a crash left staged is published once its change is written, and dropped when it never is.

``relay_staged`` runs here on a database stand-in that answers exactly the few
calls it makes (the real one is exercised by the delivery integration tests).
"""

from datetime import UTC, datetime, timedelta

from clientela.outbox import STAGED_EVENTS, relay_staged, stage


class Collection:
    """A list of documents answering equality filters (a dotted name looks into sub-documents)."""

    def __init__(self):
        self.documents = []

    def insert_one(self, document):
        self.documents.append(dict(document))

    def _holds(self, document, query):
        for path, wanted in query.items():
            if isinstance(wanted, dict):  # {"$lt": moment}, the one operator relay_staged uses
                if not document[path] < wanted["$lt"]:
                    return False
                continue
            head, _, tail = path.partition(".")
            value = document.get(head)
            found = [item.get(tail) for item in value or ()] if tail else [value]
            if wanted not in found:
                return False
        return True

    def find(self, query):
        return [document for document in self.documents if self._holds(document, query)]

    def count_documents(self, query, limit=0):
        return len(self.find(query))

    def update_one(self, query, update):
        for document in self.find(query):
            document.update(update["$set"])

    def delete_one(self, query):
        self.documents = [d for d in self.documents if not self._holds(d, query)]


class Database(dict):
    def __missing__(self, name):
        self[name] = Collection()
        return self[name]


def event(event_id):
    return {"id": event_id, "type": "prospect_captured"}


def staged_batch(database, entries, seconds_ago):
    """Stage ``entries`` as a batch did ``seconds_ago`` seconds ago."""
    stage_id = stage(database, "prospects", entries)
    [staged] = database[STAGED_EVENTS].find({"_id": stage_id})
    staged["staged_at"] = datetime.now(UTC) - timedelta(seconds=seconds_ago)


def test_staged_events_whose_changes_are_written_are_published_and_the_stage_dropped():
    database, published = Database(), []
    database["prospects"].insert_one({"_id": "ana", "captures": [{"key": "k1"}]})
    staged_batch(
        database,
        [(event("E-1"), {"_id": "ana"}), (event("E-2"), {"_id": "ana", "captures.key": "k1"})],
        seconds_ago=60,
    )

    relayed = relay_staged(database, published.extend, grace_s=10, abandon_s=600)

    assert relayed == 2
    assert [e["id"] for e in published] == ["E-1", "E-2"]
    assert database[STAGED_EVENTS].documents == []


def test_a_stage_younger_than_the_grace_is_left_to_its_batch():
    database, published = Database(), []
    database["prospects"].insert_one({"_id": "ana"})
    staged_batch(database, [(event("E-1"), {"_id": "ana"})], seconds_ago=1)

    assert relay_staged(database, published.extend, grace_s=10, abandon_s=600) == 0
    assert published == [] and len(database[STAGED_EVENTS].documents) == 1


def test_events_whose_change_is_not_written_yet_wait_and_are_dropped_once_abandoned():
    database, published = Database(), []
    database["prospects"].insert_one({"_id": "ana"})
    staged_batch(
        database, [(event("E-1"), {"_id": "ana"}), (event("E-2"), {"_id": "eva"})], seconds_ago=60
    )

    relay_staged(database, published.extend, grace_s=10, abandon_s=600)
    assert [e["id"] for e in published] == ["E-1"]
    assert len(database[STAGED_EVENTS].documents) == 1  # E-2 waits for its profile

    relay_staged(database, published.extend, grace_s=10, abandon_s=30)
    assert [e["id"] for e in published] == ["E-1"]  # E-1 is not published twice
    assert database[STAGED_EVENTS].documents == []  # E-2's change never happened
