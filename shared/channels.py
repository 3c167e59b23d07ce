"""What a survey-channel plugin works with: invitations out, answers back.

A survey channel (e-mail, SMS, a call list, a suggestion box...) is a plugin
registered through ``clientela_survey_channels``. The feedback service hands
it batches of :class:`Invitation` to deliver, and asks the channels that
collect answers themselves (SMS replies, suggestion-box slips) for the
:class:`ChannelAnswer` they gathered. A channel reports one
:class:`Delivery` per invitation; an invitation it says nothing about, and
every invitation of a call that raised or ran out of time, is recorded as
failed and retried later.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clientela.config import Settings


@dataclass(frozen=True)
class SurveyQuestion:
    """A question as the customer is asked it: ``key``, ``kind`` (nps, csat, ces,
    servqual, free_text) and its wording."""

    key: str
    kind: str
    text: str


@dataclass(frozen=True)
class Invitation:
    """One customer invited to answer one survey.

    ``link`` opens the survey's web form (signed, single use, expiring) and
    ``token`` is the signed part of it, for channels that carry it otherwise
    (an SMS reply quoting it); ``language`` is the customer's, an IETF tag
    such as ``es`` or ``en``.
    """

    invitation_id: str
    survey_id: str
    survey_name: str
    questions: tuple[SurveyQuestion, ...]
    customer_id: str
    customer_name: str
    email: str
    phone: str
    link: str
    token: str
    language: str = "en"


@dataclass(frozen=True)
class Delivery:
    """What became of one invitation: ``sent``, or not, and why (``reason``)."""

    invitation_id: str
    sent: bool
    reason: str = ""


@dataclass(frozen=True)
class ChannelAnswer:
    """Answers a channel brought back: question key -> answer.

    ``reference`` identifies them at their origin (the slip, the message) so
    they count once however often they are collected. An answer to an
    invitation names it (``invitation_id``): the customer and survey are the
    invitation's. Otherwise it names the ``survey_id``, and ``customer_id``
    or None for an anonymous one.
    """

    reference: str
    answers: Mapping[str, Any]
    invitation_id: str | None = None
    survey_id: str | None = None
    customer_id: str | None = None
    answered_at: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


class ChannelError(Exception):
    """A channel could not do what it was asked; the message says why, for the operator."""


class SurveyChannel(ABC):  # noqa: B024 - both methods have a meaningful default
    """A way of reaching customers with a survey, and of bringing their answers back.

    Subclasses set ``name`` (what ``clientela surveys send --channel`` takes)
    and ``description``, and override :meth:`send`, :meth:`collect` or both.
    """

    name: str = ""
    description: str = ""

    def send(self, invitations: Sequence[Invitation], settings: Settings) -> Iterable[Delivery]:
        """Deliver ``invitations``; one :class:`Delivery` per invitation.

        Raise :class:`ChannelError` (or anything) when none could be sent:
        every one of the batch is then recorded as failed and retried later.
        """
        raise ChannelError(f"the {self.name} channel sends no invitations")

    def collect(self, settings: Settings) -> Iterable[ChannelAnswer]:
        """The answers gathered since the last call (none by default)."""
        return ()
