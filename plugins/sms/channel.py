"""The SMS survey channel: the first scored question in the message, replies as its answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from clientela import ChannelAnswer, Delivery, Invitation, SurveyChannel
from clientela.config import Settings
from clientela.plugins.sms.providers import OutboxFile, SmsMessage, SmsProvider

log = logging.getLogger(__name__)

SCORED = ("nps", "csat", "ces")
SCALES = {"nps": "0-10", "csat": "1-5", "ces": "1-7"}


def text_of(invitation: Invitation) -> tuple[str, str]:
    """The message for ``invitation`` and the question a reply answers ("" for none)."""
    scored = next((q for q in invitation.questions if q.kind in SCORED), None)
    if scored is None:
        return f"{invitation.survey_name}: {invitation.link}", ""
    text = (
        f"{scored.text} Reply with a number {SCALES[scored.kind]}, "
        f"or answer it all here: {invitation.link}"
    )
    return text, scored.key


def _instant(text: str) -> datetime | None:
    """An ISO 8601 time, UTC when it names no zone; None for none."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class SmsChannel(SurveyChannel):
    """Invitations as text messages through an SMS provider; numeric replies answer them."""

    name = "sms"
    description = "SMS through a provider (default: an outbox file); replies are answers"

    def __init__(self, provider: SmsProvider | None = None) -> None:
        self.provider = provider or OutboxFile()

    def send(self, invitations: Sequence[Invitation], settings: Settings) -> Iterator[Delivery]:
        for invitation in invitations:
            if not invitation.phone:
                yield Delivery(invitation.invitation_id, False, "no phone number known")
                continue
            text, question = text_of(invitation)
            self.provider.send(
                SmsMessage(invitation.invitation_id, invitation.phone, text, question), settings
            )
            yield Delivery(invitation.invitation_id, True)

    def collect(self, settings: Settings) -> Iterator[ChannelAnswer]:
        for reply in self.provider.replies(settings):
            number = reply.text.strip()
            if not reply.question or not number.isdigit():
                log.warning("SMS reply is not an answer", extra={"reply": reply.id})
                continue
            yield ChannelAnswer(
                reference=reply.id,
                answers={reply.question: int(number)},
                invitation_id=reply.invitation_id,
                answered_at=datetime.fromisoformat(reply.received_at)
                if reply.received_at
                else None,
                raw={"sms": reply.text},
            )
