"""The loyalty nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from nameko.rpc import RpcProxy
from nameko.timer import timer

from clientela.errors import load, load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.replay import DEFAULT_REPLAY_LIMIT, replay_page
from clientela.service import ServiceBase, api
from clientela.services.loyalty import (
    handlers,
    improvement,
    reactive_retention,
    retention,
    winback,
)
from clientela.services.loyalty.dependencies import LoyaltyStorage
from clientela.services.loyalty.documents import (
    AnswerFact,
    ChurnAlarm,
    ComplaintFact,
    ImprovementActionRecord,
    LedgerEntry,
    Member,
    PointsAccount,
    PurchaseFact,
    ReferralCode,
    RetentionCaseRecord,
    RewardStock,
    WinBackCampaign,
)
from clientela.services.loyalty.domain.actions import SmartStatement
from clientela.services.loyalty.measuring import kpi_indicators
from clientela.services.loyalty.programme import LoyaltyProgramme
from clientela.services.loyalty.replay import REPLAY_GAPS, REPLAY_SOURCES
from clientela.services.loyalty.schemas import (
    action_input,
    action_schema,
    actions_schema,
    adjust_input,
    alarm_schema,
    alarms_schema,
    balance_schema,
    campaign_input,
    campaign_schema,
    campaigns_schema,
    close_action_input,
    limit_input,
    lost_customers_schema,
    posted_schema,
    redeem_input,
    retention_case_schema,
    retention_cases_schema,
    retention_move_input,
    retention_start_input,
    rewards_schema,
    tiers_schema,
)
from clientela.storage import Storage

LATEST_ENTRIES = 20
"""Ledger entries a balance shows."""

DAY_S = 24 * 60 * 60


class LoyaltyService(ServiceBase):
    """Customers' points journals and tiers (earned by purchases and referrals, spent on
    rewards of the configured catalogue, expired with time, adjusted by hand), their
    churn-risk alarms, retention cases and win-back campaigns, and SMART improvement
    actions measured by kpi."""

    name = "loyalty"
    outbox_documents = (
        PointsAccount,
        ChurnAlarm,
        ImprovementActionRecord,
        RetentionCaseRecord,
        Member,
    )
    kpi = RpcProxy("kpi")
    programme = LoyaltyProgramme()
    storage = Storage(
        LoyaltyStorage,
        documents=[
            PointsAccount,
            LedgerEntry,
            Member,
            ReferralCode,
            RewardStock,
            PurchaseFact,
            AnswerFact,
            ComplaintFact,
            ChurnAlarm,
            ImprovementActionRecord,
            RetentionCaseRecord,
            WinBackCampaign,
        ],
    )

    @handles("customers", "purchase_recorded")
    def handle_purchase_recorded(self, event: Event) -> None:
        handlers.credit_purchase(
            event, self.storage, self.settings.points_per_currency_unit, self.programme
        )
        retention.note_purchase(event, self.storage)
        winback.note_purchase(event, self.storage)

    @handles("customers", "customer_lost")
    def handle_customer_lost(self, event: Event) -> None:
        winback.note_lost(event, self.storage)

    @handles("feedback", "survey_answered")
    def handle_survey_answered(self, event: Event) -> None:
        retention.note_answer(event, self.storage)

    @handles("feedback", "complaint_opened")
    def handle_complaint_opened(self, event: Event) -> None:
        retention.note_complaint(event, self.storage)

    @handles("feedback", "complaint_resolved")
    def handle_complaint_resolved(self, event: Event) -> None:
        retention.note_complaint(event, self.storage)

    @handles("feedback", "complaint_breached")
    def handle_complaint_breached(self, event: Event) -> None:
        retention.note_complaint(event, self.storage)

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        handlers.remember_customer(event, self.storage)

    @handles("prospects", "prospect_converted")
    def handle_prospect_converted(self, event: Event) -> None:
        handlers.credit_referral(
            event, self.storage, self.settings.referral_reward_points, self.programme
        )

    @timer(interval=DAY_S)
    def review_accounts(self) -> int:
        """Daily: expire the points due and move the tiers due."""
        return handlers.review_accounts(self.storage, self.programme)

    @timer(interval=DAY_S)
    def review_risks(self) -> int:
        """Daily: rescore every customer's churn risk (idleness grows by itself)."""
        return retention.review_risks(self.storage)

    @api
    def replay(self, after: str | None = None, limit: int = DEFAULT_REPLAY_LIMIT) -> dict[str, Any]:
        """A page of the loyalty events kpi counts, re-derived from the stored data:
        ``{"events", "next" (the cursor of the next page, None at the end), "gaps"}``."""
        return replay_page(REPLAY_SOURCES, self.storage.replay_documents, after, limit, REPLAY_GAPS)

    @api
    def add_action(self, **action: Any) -> dict[str, Any]:
        """Open a SMART improvement action (see ActionInput); InvalidInput names each
        criterion it fails. ``before`` is read from kpi unless given (Unavailable when kpi
        does not answer, NotFound when it has no value)."""
        given = load(action_input, action)
        statement = SmartStatement(
            *(given.pop(name) for name in ("specific", "measurable", "achievable", "relevant"))
        )
        return action_schema.dump(
            improvement.add_action(
                statement=statement,
                uow=self.storage,
                indicators=kpi_indicators(self.kpi),
                **given,
            )
        )

    @api
    def actions(self, open_only: bool = False) -> list[dict[str, Any]]:
        """The improvement actions, soonest due first; with ``open_only``, the open ones."""
        return actions_schema.dump(improvement.list_actions(bool(open_only), self.storage))

    @api
    def close_action(self, action_id: str, after: str | None = None) -> dict[str, Any]:
        """Close an improvement action with the indicator's value after it, read from kpi
        unless given (Unavailable when kpi does not answer, NotFound when it has none)."""
        closing = load(close_action_input, {"action_id": action_id, "after": after})
        return action_schema.dump(
            improvement.close_action(
                uow=self.storage, indicators=kpi_indicators(self.kpi), **closing
            )
        )

    @api
    def matrix(self, period: str) -> dict[str, Any]:
        """The loyalty matrix of a period (``2026``, ``2026-Q4``, ``2026-11``)."""
        return retention.matrix(load_id("period", period), self.storage)

    @api
    def alarms(self, open_only: bool = False) -> list[dict[str, Any]]:
        """The latest churn alarms first; with ``open_only``, those not closed yet."""
        return alarms_schema.dump(retention.alarms(bool(open_only), self.storage))

    @api
    def acknowledge_alarm(self, alarm_id: str, by: str) -> dict[str, Any]:
        """Take up a churn alarm; Conflict once it is closed."""
        return alarm_schema.dump(
            retention.acknowledge_alarm(
                load_id("alarm_id", alarm_id), load_id("by", by), self.storage
            )
        )

    @api
    def close_alarm(self, alarm_id: str, outcome: str) -> dict[str, Any]:
        """Close a churn alarm with its outcome: retained, lost, false_alarm or cleared."""
        return alarm_schema.dump(
            retention.close_alarm(
                load_id("alarm_id", alarm_id), load_id("outcome", outcome), self.storage
            )
        )

    @api
    def start_retention(self, customer_id: str, reason: str, by: str) -> dict[str, Any]:
        """A customer announces departure: open their retention case (the one under way
        when they have one); NotFound for a customer loyalty does not know."""
        given = load(
            retention_start_input, {"customer_id": customer_id, "reason": reason, "by": by}
        )
        return retention_case_schema.dump(reactive_retention.start(**given, uow=self.storage))

    @api
    def offer_retention(self, case_id: str, offer: str, by: str) -> dict[str, Any]:
        """Make an offer to keep the customer (a better one after a refusal); Conflict once
        the case ended or the offer was accepted."""
        given = load(retention_move_input, {"case_id": case_id, "offer": offer, "by": by})
        return retention_case_schema.dump(
            reactive_retention.offer(given["case_id"], given["offer"], given["by"], self.storage)
        )

    @api
    def answer_retention(
        self, case_id: str, accepted: bool, by: str, note: str = ""
    ) -> dict[str, Any]:
        """Record the customer's answer to the offer: accepted (True) or refused (False)."""
        given = load(
            retention_move_input,
            {"case_id": case_id, "accepted": accepted, "by": by, "note": note},
        )
        return retention_case_schema.dump(
            reactive_retention.answer(
                given["case_id"], given["accepted"], given["by"], given["note"], self.storage
            )
        )

    @api
    def close_retention(
        self, case_id: str, outcome: str, by: str, note: str = ""
    ) -> dict[str, Any]:
        """End a retention case: ``retained`` (with an accepted offer) or ``lost``."""
        given = load(
            retention_move_input,
            {"case_id": case_id, "outcome": outcome, "by": by, "note": note},
        )
        return retention_case_schema.dump(
            reactive_retention.close(
                given["case_id"], given["outcome"], given["by"], given["note"], self.storage
            )
        )

    @api
    def retention_cases(self, open_only: bool = False) -> list[dict[str, Any]]:
        """Retention cases, latest announced first; with ``open_only``, those not ended."""
        return retention_cases_schema.dump(reactive_retention.cases(bool(open_only), self.storage))

    @api
    def retention_case(self, case_id: str) -> dict[str, Any]:
        """A retention case with its history; NotFound when there is none."""
        return retention_case_schema.dump(
            reactive_retention.case(load_id("case_id", case_id), self.storage)
        )

    @api
    def lost_customers(self, limit: int = 50) -> list[dict[str, Any]]:
        """Lost customers most worth winning back first: by the value of what they bought."""
        return lost_customers_schema.dump(
            winback.ranked(load(limit_input, {"limit": limit})["limit"], self.storage)
        )

    @api
    def launch_campaign(self, **campaign: Any) -> dict[str, Any]:
        """Launch a win-back campaign (see CampaignInput); customers who are not lost are
        refused, each named in ``refused``, the others targeted."""
        return campaign_schema.dump(
            winback.launch(**load(campaign_input, campaign), uow=self.storage)
        )

    @api
    def campaign(self, campaign_id: str) -> dict[str, Any]:
        """A win-back campaign with its result: targeted, won back (who), the rate."""
        return campaign_schema.dump(
            winback.result(load_id("campaign_id", campaign_id), self.storage)
        )

    @api
    def campaigns(self) -> list[dict[str, Any]]:
        """The win-back campaigns, the latest starting first, with their results."""
        return campaigns_schema.dump(winback.campaigns(self.storage))

    @api
    def redeem(self, customer_id: str, reward: str, request_key: str) -> dict[str, Any]:
        """Spend points on a reward of the catalogue, once per ``request_key``."""
        command = load(
            redeem_input,
            {"customer_id": customer_id, "reward": reward, "request_key": request_key},
        )
        return posted_schema.dump(
            handlers.redeem(
                command["customer_id"],
                command["reward"],
                command["request_key"],
                self.storage,
                self.programme,
            )
        )

    @api
    def adjust(
        self, customer_id: str, points: int, reason: str, operator: str, request_key: str
    ) -> dict[str, Any]:
        """Add (positive) or deduct (negative) points by hand, once per ``request_key``."""
        command = load(
            adjust_input,
            {
                "customer_id": customer_id,
                "points": points,
                "reason": reason,
                "operator": operator,
                "request_key": request_key,
            },
        )
        return posted_schema.dump(
            handlers.adjust(**command, uow=self.storage, programme=self.programme)
        )

    @api
    def tiers(self) -> list[dict[str, Any]]:
        """The tiers, lowest first, with their thresholds, multipliers and rewards."""
        return tiers_schema.dump(handlers.tiers(self.programme))

    @api
    def rewards(self) -> list[dict[str, Any]]:
        """The rewards catalogue, cheapest first, with each reward's stock and what is left."""
        return rewards_schema.dump(handlers.rewards(self.storage, self.programme))

    @api
    def balance(self, customer_id: str) -> dict[str, Any]:
        """A customer's points balance and latest entries."""
        customer_id = load_id("customer_id", customer_id)
        return balance_schema.dump(handlers.balance(customer_id, self.storage, LATEST_ENTRIES))

    @api
    def referrals_converted(self, customer_id: str) -> int:
        """How many prospects the customer referred became customers and earned a reward."""
        return handlers.referrals_converted(load_id("customer_id", customer_id), self.storage)

    @api
    def referral_code(self, customer_id: str) -> str:
        """The customer's referral code (``7KQ2-M9XA``): made on the first call, then the same.

        NotFound for a customer loyalty has not been told about (by ``customer_created``).
        """
        return handlers.referral_code(load_id("customer_id", customer_id), self.storage)

    @api
    def resolve_referral_code(self, code: str) -> str:
        """The id of the customer a code (typed in any case) belongs to; NotFound otherwise."""
        return handlers.resolve_referral_code(load_id("code", code), self.storage)
