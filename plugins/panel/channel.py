"""The panel channel: the period's members and their links, as the fieldwork team's CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from clientela import Delivery, Invitation, SurveyChannel
from clientela.clock import utcnow
from clientela.config import Settings

COLUMNS = ("invitation_id", "customer_id", "name", "email", "phone", "language", "link")


class PanelFieldwork(SurveyChannel):
    """Panel invitations listed in ``<data_dir>/panel/<survey>-<day>.csv`` for fieldwork."""

    name = "panel"
    description = "Fixed panel: members and links listed for the fieldwork team (CSV)"

    def send(self, invitations: Sequence[Invitation], settings: Settings) -> Iterator[Delivery]:
        folder = Path(settings.data_dir) / "panel"
        folder.mkdir(parents=True, exist_ok=True)
        by_survey: dict[str, list[Invitation]] = {}
        for invitation in invitations:
            by_survey.setdefault(invitation.survey_id, []).append(invitation)
        for survey_id, members in by_survey.items():
            path = folder / f"{survey_id}-{utcnow():%Y-%m-%d}.csv"
            new = not path.exists()
            with path.open("a", encoding="utf-8", newline="") as listing:
                rows = csv.writer(listing)
                if new:
                    rows.writerow(COLUMNS)
                for m in members:
                    rows.writerow(
                        (
                            m.invitation_id,
                            m.customer_id,
                            m.customer_name,
                            m.email,
                            m.phone,
                            m.language,
                            m.link,
                        )
                    )
                    yield Delivery(m.invitation_id, True)
