"""Where SMS messages go and replies come from: the provider interface and the outbox file."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientela.clock import utcnow
from clientela.config import Settings


@dataclass(frozen=True)
class SmsMessage:
    """One text to one phone, for one invitation, asking ``question`` first."""

    invitation_id: str
    to: str
    text: str
    question: str


@dataclass(frozen=True)
class SmsReply:
    """A reply: its provider ``id``, the invitation and question it answers, its text."""

    id: str
    invitation_id: str
    question: str
    text: str
    received_at: str = ""


class SmsProvider(ABC):
    """An SMS gateway: sends messages, hands over replies received since the last call."""

    @abstractmethod
    def send(self, message: SmsMessage, settings: Settings) -> None:
        """Send ``message``; raise when the gateway refuses it."""

    @abstractmethod
    def replies(self, settings: Settings) -> Iterator[SmsReply]:
        """The replies received since the last call."""


class OutboxFile(SmsProvider):
    """Messages appended to ``<data_dir>/sms/outbox.jsonl``; replies read from
    ``<data_dir>/sms/inbox.jsonl``, which is moved aside (``inbox.<time>.read``) once read."""

    def _folder(self, settings: Settings) -> Path:
        folder = Path(settings.data_dir) / "sms"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def send(self, message: SmsMessage, settings: Settings) -> None:
        line = {
            "invitation_id": message.invitation_id,
            "to": message.to,
            "text": message.text,
            "question": message.question,
            "queued_at": utcnow().isoformat(),
        }
        with (self._folder(settings) / "outbox.jsonl").open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(line, ensure_ascii=False) + "\n")

    def replies(self, settings: Settings) -> Iterator[SmsReply]:
        inbox = self._folder(settings) / "inbox.jsonl"
        if not inbox.exists():
            return
        taken = inbox.with_name(f"inbox.{utcnow():%Y%m%dT%H%M%S%f}.read")
        inbox.rename(taken)
        with taken.open(encoding="utf-8") as lines:
            for line in filter(str.strip, lines):
                reply: dict[str, Any] = json.loads(line)
                yield SmsReply(
                    str(reply["id"]),
                    str(reply["invitation_id"]),
                    str(reply["question"]),
                    str(reply["text"]),
                    str(reply.get("received_at", "")),
                )
