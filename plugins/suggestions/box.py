"""The suggestion box: JSON slips in a folder, collected as answers, anonymous allowed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from clientela import ChannelAnswer, SurveyChannel
from clientela.config import Settings

log = logging.getLogger(__name__)


def _dropped_at(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class SuggestionBox(SurveyChannel):
    """Slips in ``<data_dir>/suggestion-box``: each an answer, signed or anonymous."""

    name = "suggestions"
    description = "Suggestion box: JSON slips in a folder, anonymous allowed"

    def collect(self, settings: Settings) -> Iterator[ChannelAnswer]:
        box = Path(settings.data_dir) / "suggestion-box"
        done = box / "done"
        done.mkdir(parents=True, exist_ok=True)
        for slip in sorted(box.glob("*.json")):
            taken = slip.rename(done / slip.name)
            try:
                content = json.loads(taken.read_text(encoding="utf-8"))
                answer = ChannelAnswer(
                    reference=slip.stem,
                    answers=dict(content["answers"]),
                    survey_id=str(content["survey_id"]),
                    customer_id=content.get("customer_id") or None,
                    answered_at=_dropped_at(content.get("dropped_at")),
                    raw={"slip": slip.name},
                )
            except (ValueError, KeyError, TypeError) as exc:
                log.warning(
                    "unreadable suggestion slip", extra={"slip": slip.name, "error": str(exc)}
                )
                continue
            yield answer
