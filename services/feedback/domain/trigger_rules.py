"""Which survey a trigger sends, on which channel, and the id that makes an invitation once.

The ``survey_triggers`` setting maps triggers to surveys and channels:
``purchase=after-purchase/email, complaint_resolved=recovery/sms``. A trigger
it does not name invites nobody. An invitation's id is derived from what
caused it (the trigger, the event or period it came from, the survey and the
customer), so a redelivered event or a repeated run invites once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from clientela.checks import invalid, require_text
from clientela.services.feedback.domain.invitations import Trigger


@dataclass(frozen=True)
class TriggerRule:
    """A trigger's survey and the channel it goes out on."""

    survey_id: str
    channel: str

    def __post_init__(self) -> None:
        require_text("survey_id", self.survey_id)
        require_text("channel", self.channel)


def trigger_rules(text: str) -> dict[Trigger, TriggerRule]:
    """The rules of a ``trigger=survey/channel, ...`` text; InvalidInput naming
    ``survey_triggers`` for an unknown trigger, a missing part or a repeated trigger."""
    rules: dict[Trigger, TriggerRule] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, target = part.partition("=")
        survey_id, _, channel = target.strip().partition("/")
        if name.strip() not in set(Trigger):
            known = ", ".join(Trigger)
            raise invalid("survey_triggers", f"{name.strip()!r} is not a trigger ({known}).")
        trigger = Trigger(name.strip())
        if not survey_id.strip() or not channel.strip():
            raise invalid("survey_triggers", f"{part!r}: write {trigger}=SURVEY/CHANNEL.")
        if trigger in rules:
            raise invalid("survey_triggers", f"{trigger} is given twice.")
        rules[trigger] = TriggerRule(survey_id.strip(), channel.strip())
    return rules


def invitation_id(trigger: str, cause: str, survey_id: str, customer_id: str) -> str:
    """The id of the invitation ``cause`` (an event, a period, a request) makes."""
    parts = json.dumps([trigger, cause, survey_id, customer_id], ensure_ascii=False)
    return hashlib.sha256(parts.encode()).hexdigest()[:32]
