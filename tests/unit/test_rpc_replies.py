"""A reply the broker cannot take does not take the service down."""

import amqp.exceptions
import pytest

from clientela.service import ReplyTolerantRpc


class BrokenReplies:
    """An RPC consumer whose broker went away while the call ran."""

    def __init__(self, failure):
        self.failure = failure
        self.acked = []
        self.queue_consumer = self

    def handle_result(self, message, result, exc_info):
        raise self.failure

    def ack_message(self, message):
        self.acked.append(message)


def entrypoint(failure):
    rpc = ReplyTolerantRpc(expected_exceptions=())
    rpc.method_name = "capture_leads"
    rpc.rpc_consumer = BrokenReplies(failure)
    return rpc


def test_a_reply_lost_to_a_broker_outage_is_given_up_not_raised():
    for failure in (
        ConnectionResetError(104, "Connection reset by peer"),
        amqp.exceptions.ConnectionForced("(0, 0): (320) CONNECTION_FORCED"),
    ):
        rpc = entrypoint(failure)

        assert rpc.handle_result("request", None, {"created": 1}, None) == ({"created": 1}, None)
        assert rpc.rpc_consumer.acked == ["request"]


def test_other_reply_errors_still_surface():
    rpc = entrypoint(ValueError("not serialisable"))

    with pytest.raises(ValueError):  # a programming error is not swallowed
        rpc.handle_result("request", None, object(), None)
