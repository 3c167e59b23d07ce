"""Calling survey channels: one outcome per invitation whatever the channel does."""

import eventlet

from clientela.channel_calls import NO_OUTCOME, collect, deliver
from clientela.channels import Delivery, Invitation, SurveyChannel
from clientela.config import Settings

SETTINGS = Settings()


def invitation(number):
    return Invitation(
        f"I-{number}", "S-1", "After purchase", (), f"C-{number}", "Ana", "a@b.mx", "", "", ""
    )


class Partial(SurveyChannel):
    name = "partial"

    def send(self, invitations, settings):
        yield Delivery("I-2", False, "mailbox full")
        yield Delivery("I-9", True)  # not one of the batch
        yield "sent"  # not a Delivery


class Flaky(SurveyChannel):
    name = "flaky"

    def send(self, invitations, settings):
        yield Delivery("I-1", True)
        raise OSError("connection reset")

    def collect(self, settings):
        eventlet.sleep(5)
        return []


def test_invitations_a_channel_is_silent_about_fail_and_only_the_batchs_count():
    outcomes = deliver(Partial(), [invitation(1), invitation(2)], SETTINGS, timeout_s=1)
    assert outcomes == [
        Delivery("I-1", False, NO_OUTCOME),
        Delivery("I-2", False, "mailbox full"),
    ]


def test_a_channel_raising_midway_fails_the_whole_batch_with_the_reason():
    outcomes = deliver(Flaky(), [invitation(1), invitation(2)], SETTINGS, timeout_s=1)
    assert {o.reason for o in outcomes} == {"OSError: connection reset"}
    assert not any(o.sent for o in outcomes)


def test_a_channel_collecting_too_long_brings_nothing_back():
    assert collect(Flaky(), SETTINGS, timeout_s=0.1) == []


def test_the_default_channel_sends_nothing_and_collects_nothing():
    class Quiet(SurveyChannel):
        name = "quiet"

    [outcome] = deliver(Quiet(), [invitation(1)], SETTINGS, timeout_s=1)
    assert outcome.reason == "ChannelError: the quiet channel sends no invitations"
    assert collect(Quiet(), SETTINGS, timeout_s=1) == []
