"""A handled message whose ack cannot reach the broker does not take the service down."""

import logging
from types import SimpleNamespace

from clientela.messaging import ReliableEventHandler


class BrokerGone:
    """A queue consumer whose connection the broker just reset."""

    def ack_message(self, message):
        raise ConnectionResetError(104, "Connection reset by peer")

    def requeue_message(self, message):
        raise ConnectionResetError(104, "Connection reset by peer")


def handler_on(queue_consumer) -> ReliableEventHandler:
    handler = ReliableEventHandler.__new__(ReliableEventHandler)
    handler.queue_consumer = queue_consumer
    handler.queue = SimpleNamespace(name="kpi.handle_prospect_captured")
    return handler


def test_a_handled_message_whose_ack_fails_is_left_for_redelivery(caplog):
    handler = handler_on(BrokerGone())

    with caplog.at_level(logging.INFO, logger="clientela.messaging"):
        handler.handle_message_processed(SimpleNamespace(), result=None, exc_info=None)

    [record] = [r for r in caplog.records if "redelivered" in r.getMessage()]
    assert record.levelno == logging.INFO and record.exc_info is None


def test_a_failed_message_that_cannot_be_moved_nor_requeued_is_left_to_the_broker(caplog):
    handler = handler_on(BrokerGone())

    def republish():
        raise ConnectionResetError(104, "Connection reset by peer")

    with caplog.at_level(logging.INFO, logger="clientela.messaging"):
        handler._settle(SimpleNamespace(), republish)

    assert [r.levelname for r in caplog.records] == ["WARNING"]
