"""The prospects nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.errors import InvalidInput, describe_errors, load, load_id
from clientela.events import Event
from clientela.leads import LeadSourceError
from clientela.messaging import InboxMessage, consumes_inbox, handles
from clientela.payloads import check_options
from clientela.replay import DEFAULT_REPLAY_LIMIT, replay_page
from clientela.service import ServiceBase, api
from clientela.services.prospects.dependencies import PipelineProvider, ProspectsStorage
from clientela.services.prospects.documents import (
    Claim,
    FollowUp,
    PossibleDuplicate,
    Prospect,
    SharedLine,
)
from clientela.services.prospects.domain.commands import (
    AddFollowUp,
    AssignOwner,
    CaptureLeads,
    ChangeStatus,
    ConvertProspect,
    DismissDuplicate,
    FindProspects,
    LogInteraction,
    MergeProspects,
    UnmergeProspect,
)
from clientela.services.prospects.handlers import (
    capture,
    customers,
    duplicates,
    followup,
    merging,
    profile,
    search,
)
from clientela.services.prospects.intake import payload_to_capture, rows_to_capture
from clientela.services.prospects.replay import REPLAY_GAPS, REPLAY_SOURCES
from clientela.services.prospects.schemas import (
    conversion_schema,
    find_schema,
    follow_up_out,
    follow_up_schema,
    interaction_out,
    interaction_schema,
    merge_schema,
    origin_schema,
    page_schema,
    prospect_schema,
    status_change_schema,
)
from clientela.storage import Storage
from clientela.web import http, json_body


class ProspectsService(ServiceBase):
    """Lead capture from every source, one profile per person, follow-up and conversion."""

    name = "prospects"
    outbox_documents = (Prospect,)
    storage = Storage(
        ProspectsStorage, documents=[Prospect, FollowUp, PossibleDuplicate, SharedLine, Claim]
    )
    pipeline = PipelineProvider()

    @api
    def capture_leads(
        self, source: str, rows: list[dict], origin: dict | None = None
    ) -> dict[str, Any]:
        """Capture a batch of lead rows from ``source``; returns the per-row report.

        Each row is ``{"line": int, "fields": {...}, "extra": {...}, "origin": {...},
        "consent": {...}}`` (see ``LeadRow.as_message``); a row that does not
        validate is reported by its line, the others land.
        """
        source = load_id("source", source)
        origin = {k: v for k, v in load(origin_schema, origin or {}).items() if v}
        return self._capture(rows_to_capture(source, rows, origin))

    def _capture_payload(self, source_name: str, payload: Any, options: dict) -> dict[str, Any]:
        source = self.pipeline.source(source_name)
        return self._capture(payload_to_capture(source, payload, options))

    def _capture(self, command: CaptureLeads) -> dict[str, Any]:
        report = capture.capture_leads(
            command, self.storage, self.pipeline.rules, self.pipeline.one_batch_at_a_time
        )
        return report.as_dict()

    @http("POST", "/leads/<source>", authenticated=True)
    def receive_leads(self, request: Any, source: str) -> tuple[int, dict[str, Any]]:
        """Webhook for pushed leads: ``POST /leads/<source>?option=value`` with a JSON body.

        Needs an API key or a source signature (see :mod:`clientela.web`). An option the
        source does not take is refused (400) with the list of those it takes.
        """
        options = dict(request.args)
        try:
            check_options(self.pipeline.source(source), options)
        except LeadSourceError as exc:
            raise InvalidInput({"options": [str(exc)]}) from None
        return 200, self._capture_payload(source, json_body(request), options)

    @consumes_inbox("leads.*")
    def handle_pushed_leads(self, message: InboxMessage) -> None:
        """Leads published to ``prospects.inbox`` with routing key ``leads.<source>``.

        AMQP headers not starting with ``x-`` are the source's options.
        """
        options = {k: v for k, v in message.headers.items() if not k.lower().startswith("x-")}
        source = message.routing_key.removeprefix("leads.")
        report = self._capture_payload(source, message.body, options)
        if report["rejected"]:
            # the good leads landed; park the message so the rejected ones are not lost
            # (replaying it once fixed captures only what is new)
            raise InvalidInput(
                {
                    "rejected": [
                        f"lead {rejected['line']}: {describe_errors(rejected['errors'])}"
                        for rejected in report["rejected"]
                    ]
                }
            )

    @api
    def replay(self, after: str | None = None, limit: int = DEFAULT_REPLAY_LIMIT) -> dict[str, Any]:
        """A page of the prospect events kpi counts, re-derived from the stored profiles:
        ``{"events", "next" (the cursor of the next page, None at the end), "gaps"}``."""
        return replay_page(REPLAY_SOURCES, self.storage.replay_documents, after, limit, REPLAY_GAPS)

    @api
    def convert(self, prospect_id: str, basis: str, reference: str = "") -> dict[str, Any]:
        """Convert a prospect into a captive customer (contract, agreement or purchase)."""
        command = ConvertProspect(
            **load(
                conversion_schema,
                {"prospect_id": prospect_id, "basis": basis, "reference": reference},
            )
        )
        return prospect_schema.dump(profile.convert_prospect(command, self.storage))

    @api
    def change_status(self, prospect_id: str, status: str, reason: str = "") -> dict[str, Any]:
        """Move a prospect to ``status`` (new, contacted, qualified, disqualified with a reason)."""
        command = ChangeStatus(
            **load(
                status_change_schema,
                {"prospect_id": prospect_id, "status": status, "reason": reason},
            )
        )
        changed = profile.change_status(command, self.storage, self.pipeline.rules)
        return prospect_schema.dump(changed)

    @api
    def assign(self, prospect_id: str, owner: str) -> dict[str, Any]:
        """Make ``owner`` responsible for following the prospect up."""
        command = AssignOwner(load_id("prospect_id", prospect_id), load_id("owner", owner))
        return prospect_schema.dump(profile.assign_owner(command, self.storage))

    @api
    def log_interaction(self, prospect_id: str, **interaction: Any) -> dict[str, Any]:
        """Log a call, e-mail, meeting or visit: ``kind``, ``mode``, ``outcome``, ``notes``..."""
        command = LogInteraction(
            **load(interaction_schema, {"prospect_id": prospect_id, **interaction})
        )
        logged = followup.log_interaction(command, self.storage, self.pipeline.rules)
        return interaction_out.dump(logged)

    @api
    def add_follow_up(
        self, prospect_id: str, title: str, due_at: str, owner: str
    ) -> dict[str, Any]:
        """Plan a follow-up task: what, due when (ISO time), whose."""
        command = AddFollowUp(
            **load(
                follow_up_schema,
                {"prospect_id": prospect_id, "title": title, "due_at": due_at, "owner": owner},
            )
        )
        return follow_up_out.dump(followup.add_follow_up(command, self.storage))

    @api
    def complete_follow_up(self, task_id: str) -> dict[str, Any]:
        """Mark a follow-up task done."""
        task = followup.complete_follow_up(load_id("task_id", task_id), self.storage)
        return follow_up_out.dump(task)

    @api
    def follow_ups(self, prospect_id: str) -> list[dict[str, Any]]:
        """A prospect's follow-up tasks, soonest due first."""
        tasks = followup.follow_ups(load_id("prospect_id", prospect_id), self.storage)
        return follow_up_out.dump(tasks, many=True)

    @api
    def overdue_follow_ups(self, owner: str | None = None) -> list[dict[str, Any]]:
        """Open follow-up tasks past due, most overdue first (``owner``'s only when given)."""
        owner = load_id("owner", owner) if owner is not None else None
        tasks = followup.overdue_follow_ups(owner, self.storage)
        return follow_up_out.dump(tasks, many=True)

    @api
    def merge(self, survivor_id: str, merged_id: str, by: str, reason: str = "") -> dict[str, Any]:
        """Merge two profiles of one person; ``merged_id`` lives on in ``survivor_id``."""
        command = MergeProspects(
            **load(
                merge_schema,
                {"survivor_id": survivor_id, "merged_id": merged_id, "by": by}
                | ({"reason": reason} if reason else {}),
            )
        )
        survivor = merging.merge_prospects(command, self.storage, self.pipeline.rules)
        return prospect_schema.dump(survivor)

    @api
    def duplicates(self, limit: int = 100) -> dict[str, Any]:
        """The review list: open possible duplicates (highest score first) and shared lines.

        Each pair names both people (names, e-mail, phone, company) with its
        score and reasons; merge a pair with ``merge``, or ``dismiss_duplicate``.
        """
        limit = load(page_schema, {"limit": limit})["limit"]
        return {
            "pairs": duplicates.open_pairs(limit, self.storage),
            "shared_lines": duplicates.shared_lines(limit, self.storage),
        }

    @api
    def dismiss_duplicate(self, a: str, b: str, by: str) -> dict[str, Any]:
        """Keep profiles ``a`` and ``b`` apart for good: never suggested nor merged again."""
        command = DismissDuplicate(load_id("a", a), load_id("b", b), load_id("by", by))
        pair = duplicates.dismiss(command, self.storage)
        return {"id": pair["_id"], "status": pair["status"], "prospect_ids": pair["prospect_ids"]}

    @api
    def unmerge(self, prospect_id: str, by: str) -> dict[str, Any]:
        """Undo the merge of ``prospect_id`` into another profile; returns it restored."""
        command = UnmergeProspect(load_id("prospect_id", prospect_id), load_id("by", by))
        restored = merging.unmerge_prospect(command, self.storage, self.pipeline.rules)
        return prospect_schema.dump(restored)

    @api
    def get(self, prospect_id: str) -> dict[str, Any]:
        """One prospect by id, with its captures, interactions and merges."""
        found = profile.get_prospect(load_id("prospect_id", prospect_id), self.storage)
        return prospect_schema.dump(found)

    @api
    def find(self, **filters: Any) -> dict[str, Any]:
        """A page of prospects: status, owner, source, fair, campaign, channel, email, phone,
        captured_from/captured_to, min_score/max_score; ``limit``/``offset``; with the total."""
        command = FindProspects(**load(find_schema, filters))
        page = search.find_prospects(command, self.storage, self.pipeline.rules)
        page["prospects"] = prospect_schema.dump(page["prospects"], many=True)
        return page

    @api
    def rules(self) -> dict[str, Any]:
        """How profiles are matched, how complete they are (I3) and how they qualify."""
        return self.pipeline.describe_rules()

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        customers.handle_customer_created(event, self.storage)
