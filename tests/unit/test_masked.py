"""Broker and database URIs are shown without their passwords."""

import pytest

from clientela.messaging import masked


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("amqp://guest:s3cret@127.0.0.1:5672/", "amqp://guest:***@127.0.0.1:5672/"),
        ("amqp://kpi:p%40ss@rabbit:5672/crm", "amqp://kpi:***@rabbit:5672/crm"),
        (
            "mongodb+srv://app:s3cret@cluster.example.com/crm",
            "mongodb+srv://app:***@cluster.example.com/crm",
        ),
        (
            "mongodb://app:s3cret@db1:27017,db2:27017/crm",
            "mongodb://app:***@db1:27017,db2:27017/crm",
        ),
        (
            "mongodb://app:s3cret@db1:27017,db2:27017/crm?replicaSet=rs0&authSource=admin",
            "mongodb://app:***@db1:27017,db2:27017/crm?replicaSet=rs0&authSource=admin",
        ),
        (
            "mongodb://app:s3cret@db.example.com:27017/?authSource=admin&tls=true",
            "mongodb://app:***@db.example.com:27017/?authSource=admin&tls=true",
        ),
        (
            "amqps://kpi:s3cret@rabbit:5671/crm?heartbeat=30",
            "amqps://kpi:***@rabbit:5671/crm?heartbeat=30",
        ),
        ("amqp://guest:s3cret@127.0.0.1:5672", "amqp://guest:***@127.0.0.1:5672"),
    ],
)
def test_a_password_is_replaced_by_stars(uri, shown):
    assert masked(uri) == shown
    assert "s3cret" not in masked(uri) and "p%40ss" not in masked(uri)


@pytest.mark.parametrize(
    "uri",
    [
        "amqp://127.0.0.1:5672/",
        "amqp://127.0.0.1:5672",
        "mongodb://127.0.0.1:27027/",
        "mongodb://db1:1,db2:2/crm?replicaSet=rs0",
        "mongodb://app@db1:1,db2:2/crm?authMechanism=MONGODB-X509",
    ],
)
def test_a_uri_without_a_password_is_shown_as_it_is(uri):
    assert masked(uri) == uri
