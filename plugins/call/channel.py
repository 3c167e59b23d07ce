"""The call survey channel: a script per invitation for the agent who calls."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from clientela import Delivery, Invitation, SurveyChannel
from clientela.config import Settings

SCALES = {
    "nps": "0 (not at all likely) to 10 (extremely likely)",
    "csat": "1 (very dissatisfied) to 5 (very satisfied)",
    "ces": "1 (very hard) to 7 (very easy)",
    "free_text": "in their own words",
    "servqual": "expectation and perception of each item, 1 to 7",
}


def script(invitation: Invitation) -> str:
    """What the agent reads and asks, and how to enter the answers."""
    lines = [
        f"Call {invitation.customer_name or invitation.customer_id} on "
        f"{invitation.phone or '(no phone number known: find one)'}",
        f"Survey: {invitation.survey_name} ({invitation.survey_id})",
        "",
        "Introduce yourself, thank them for their recent business, and ask:",
        "",
    ]
    for number, question in enumerate(invitation.questions, start=1):
        lines.append(f"{number}. {question.text}")
        lines.append(f"   [{question.key}] answer {SCALES.get(question.kind, '')}")
    keys = " ".join(f"{q.key}=..." for q in invitation.questions)
    lines += [
        "",
        "Enter the answers:",
        f"  clientela surveys answer {invitation.invitation_id} {keys}",
    ]
    return "\n".join(lines) + "\n"


class CallChannel(SurveyChannel):
    """Invitations as call scripts in ``<data_dir>/calls``; agents enter the answers."""

    name = "call"
    description = "Follow-up call: a script per invitation, answers entered by the agent"

    def send(self, invitations: Sequence[Invitation], settings: Settings) -> Iterator[Delivery]:
        folder = Path(settings.data_dir) / "calls"
        folder.mkdir(parents=True, exist_ok=True)
        for invitation in invitations:
            path = folder / f"{invitation.invitation_id}.txt"
            path.write_text(script(invitation), encoding="utf-8")
            yield Delivery(invitation.invitation_id, True)
