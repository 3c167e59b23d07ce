"""A broker outage is told once per process, not once per consumer and attempt."""

import logging
from types import SimpleNamespace

import amqp
import pytest
from kombu.mixins import W_CONN_LOST
from nameko.messaging import QueueConsumer

from clientela.broker_outages import BrokerOutageLog

URI = "amqp://guest:s3cret@127.0.0.1:1/crm"


@pytest.fixture
def outages():
    outages = BrokerOutageLog(URI)
    outages.install()
    yield outages
    outages.remove()


def consumer_lost_its_connection(error):
    """What kombu's consumer loop logs when its connection breaks."""
    try:
        raise error
    except type(error):
        logging.getLogger("kombu.mixins").warning(W_CONN_LOST, exc_info=True)


def nameko_could_not_reconnect():
    """What nameko's queue consumer logs after each failed reconnection attempt."""
    consumer = QueueConsumer()
    consumer.container = SimpleNamespace(config={"AMQP_URI": URI})
    consumer.on_connection_error(ConnectionRefusedError(111, "ECONNREFUSED"), 2)


def test_consumers_losing_their_connections_make_one_warning_without_traceback(outages, caplog):
    caplog.set_level(logging.INFO)

    for _ in range(10):
        consumer_lost_its_connection(ConnectionResetError(104, "Connection reset by peer"))
        nameko_could_not_reconnect()

    [record] = caplog.records
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        "lost the connection to the broker at amqp://guest:***@127.0.0.1:1/crm; reconnecting"
    )
    assert record.error == "ConnectionResetError: [Errno 104] Connection reset by peer"
    assert record.exc_info is None
    assert "s3cret" not in caplog.text
    assert outages.broker_lost


def test_a_broker_unreachable_from_the_start_is_one_warning_too(outages, caplog):
    for _ in range(3):
        nameko_could_not_reconnect()

    [record] = caplog.records
    assert record.levelname == "WARNING"
    assert "lost the connection to the broker at amqp://guest:***@" in record.getMessage()
    assert "ECONNREFUSED" in record.error


def test_an_error_that_is_not_a_lost_connection_keeps_its_traceback(outages, caplog):
    consumer_lost_its_connection(amqp.exceptions.NotFound("no queue 'kpi.gone'"))

    [record] = caplog.records
    assert record.name == "kombu.mixins" and record.exc_info is not None
    assert not outages.broker_lost


def test_once_removed_the_notices_are_logged_as_they_are(caplog):
    outages = BrokerOutageLog(URI)
    outages.install()
    outages.remove()

    nameko_could_not_reconnect()

    [record] = caplog.records
    assert record.name == "nameko.messaging"
