"""insert_once announces a document once, even when two handlers race to insert it."""

import uuid

import eventlet
import pymongo

from clientela.outbox import insert_once


def test_racing_inserts_of_one_document_announce_it_once(mongo_uri):
    client = pymongo.MongoClient(mongo_uri, tz_aware=True)
    collection = client[f"t{uuid.uuid4().hex[:10]}_race"].customers
    collection.create_index("prospect_id", unique=True, sparse=True)
    published = []

    def insert(prospect_id):
        envelope = {"id": uuid.uuid4().hex, "type": "customer_created"}
        document = {"_id": uuid.uuid4().hex, "prospect_id": prospect_id}
        return insert_once(
            collection, {"prospect_id": prospect_id}, document, envelope, published.append
        )

    try:
        for trial in range(50):
            results = list(eventlet.GreenPool().imap(insert, [f"p{trial}"] * 2))
            assert results.count(None) == 1  # one inserted, the other found it
        assert collection.count_documents({}) == 50
        assert len(published) == 50
    finally:
        client.drop_database(collection.database.name)
        client.close()
