"""Calling survey channels so that one that raises or hangs harms nobody else.

Each call runs under a time limit (``survey_channel_timeout_s``): a channel
that raises, or is still busy when the time is up, fails its own batch, each
invitation of it recorded as failed with the reason, and the other channels
go on. Channels run in the services' green threads, so a channel waiting on
the network is interrupted at the limit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

import eventlet

from clientela.channels import ChannelAnswer, Delivery, Invitation, SurveyChannel
from clientela.config import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

NO_OUTCOME = "the channel reported no outcome for this invitation"


class ChannelTimeout(Exception):
    """A channel call still running when its time was up."""


def bounded(call: Callable[[], T], timeout_s: float) -> T:
    """``call()``, or ChannelTimeout once ``timeout_s`` seconds have passed."""
    with eventlet.Timeout(timeout_s, ChannelTimeout(f"no answer within {timeout_s:g} s")):
        return call()


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def deliver(
    channel: SurveyChannel, batch: Sequence[Invitation], settings: Settings, timeout_s: float
) -> list[Delivery]:
    """One :class:`Delivery` per invitation of ``batch``, in its order, whatever the channel did.

    A channel that raises or times out fails every invitation with the reason;
    an invitation it reported nothing about fails as :data:`NO_OUTCOME`.
    """
    try:
        reported = bounded(lambda: list(channel.send(batch, settings)), timeout_s)
    except Exception as exc:
        log.warning("survey channel failed", extra={"channel": channel.name, "error": repr(exc)})
        return [Delivery(i.invitation_id, sent=False, reason=_reason(exc)) for i in batch]
    outcomes = {d.invitation_id: d for d in reported if isinstance(d, Delivery)}
    return [
        outcomes.get(i.invitation_id, Delivery(i.invitation_id, sent=False, reason=NO_OUTCOME))
        for i in batch
    ]


def collect(channel: SurveyChannel, settings: Settings, timeout_s: float) -> list[ChannelAnswer]:
    """What ``channel`` gathered; nothing, logged, when it raises or times out."""
    try:
        found = bounded(lambda: list(channel.collect(settings)), timeout_s)
    except Exception as exc:
        log.warning(
            "survey channel failed to collect", extra={"channel": channel.name, "error": repr(exc)}
        )
        return []
    return [answer for answer in found if isinstance(answer, ChannelAnswer)]
