"""The web-link survey channel: each invitation's link, listed for handing out."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from clientela import Delivery, Invitation, SurveyChannel
from clientela.config import Settings


class WebLinkChannel(SurveyChannel):
    """Links listed in ``<data_dir>/weblinks/links.jsonl``, one JSON line per invitation."""

    name = "weblink"
    description = "Signed survey links listed for receipts, QR codes or chat (links.jsonl)"

    def send(self, invitations: Sequence[Invitation], settings: Settings) -> Iterator[Delivery]:
        folder = Path(settings.data_dir) / "weblinks"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "links.jsonl").open("a", encoding="utf-8") as links:
            for invitation in invitations:
                line = {
                    "invitation_id": invitation.invitation_id,
                    "customer_id": invitation.customer_id,
                    "customer": invitation.customer_name,
                    "survey_id": invitation.survey_id,
                    "link": invitation.link,
                    "language": invitation.language,
                }
                links.write(json.dumps(line, ensure_ascii=False) + "\n")
                yield Delivery(invitation.invitation_id, True)
