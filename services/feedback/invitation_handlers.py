"""Invitation use cases: triggers make invitations, the timer sends them, answers come back.

Each takes an event or command, the unit of work and the
:class:`~clientela.services.feedback.invitation_setup.InvitationSetup`.
An invitation is stored with its state: ``due`` (waiting to be sent),
``sent``, ``failed`` (with the reason; retried after ``survey_retry_delay_s``,
doubling, until ``survey_max_attempts``), ``answered``, or ``refused`` (with
the rule that refused it: consent, suppression, frequency cap...). Its id
comes from what caused it, so a redelivered event invites once.
"""

from __future__ import annotations

import calendar
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from clientela.channel_calls import collect, deliver
from clientela.channels import ChannelAnswer, Invitation, SurveyQuestion
from clientela.checks import invalid
from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import Event
from clientela.periods import Period, parse_period, period_key
from clientela.services.feedback import handlers, records
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.domain.commands import RecordResponse
from clientela.services.feedback.domain.invitations import (
    Decision,
    Panel,
    Recipient,
    Trigger,
    anniversary_in,
    decide,
    panel_invitations,
)
from clientela.services.feedback.domain.surveys import QuestionKind, Survey, check_answer
from clientela.services.feedback.domain.tokens import LinkClaims, issue_token
from clientela.services.feedback.domain.trigger_rules import TriggerRule, invitation_id
from clientela.services.feedback.invitation_setup import InvitationSetup

log = logging.getLogger(__name__)

SEND_BATCH = 200
"""Invitations taken by one sending pass."""
LIVE_STATES = ("due", "sent", "failed", "answered")
"""States of invitations that count towards the frequency cap."""
PANEL_PERIOD = "quarter"
ANNIVERSARIES = "anniversaries"
ANNIVERSARY_CATCH_UP = 31
"""How many past days of anniversaries a round makes up for after the service was down."""
SEND_LEASE = timedelta(minutes=1)
"""How long after its channel's time limit an invitation taken for sending waits before
another sender may take it (when the one that took it died meanwhile)."""


def remember_recipient(event: Event, uow: FeedbackStorage) -> None:
    """Keep how to reach an announced customer, and since when they are one (idempotent)."""
    payload = event.payload
    since = payload["created_at"]
    contact = {"name": payload["name"], "email": payload["email"] or "", "since": since}
    uow.remember_recipient(payload["customer_id"], {**contact, "anniversary": f"{since:%m-%d}"})


def _recipient(customer_id: str, uow: FeedbackStorage, setup: InvitationSetup) -> Recipient:
    known = uow.recipient(customer_id) or {}
    consented = known.get("consented")
    return Recipient(
        customer_id,
        consented=setup.consent_default if consented is None else consented,
        suppressed=bool(known.get("suppressed")),
        invited_at=tuple(
            i["send_at"] for i in uow.invitations_of(customer_id) if i["state"] in LIVE_STATES
        ),
    )


def _store(
    decision: Decision,
    rule: TriggerRule,
    cause: str,
    now: datetime,
    uow: FeedbackStorage,
) -> dict[str, Any]:
    """Store the invitation ``decision`` makes, unless its cause made it already; returns it."""
    record: dict[str, Any] = {
        "_id": invitation_id(decision.trigger, cause, rule.survey_id, decision.customer_id),
        "survey_id": rule.survey_id,
        "customer_id": decision.customer_id,
        "channel": rule.channel,
        "trigger": str(decision.trigger),
        "cause": cause,
        "state": "due" if decision.invite else "refused",
        "reason": "" if decision.invite else str(decision.refusal),
        "created_at": now,
        "send_at": decision.send_at,
        "next_attempt_at": decision.send_at,
        "attempts": 0,
        "sent_at": None,
        "answered_at": None,
    }
    if uow.add_invitation(record):
        return record
    stored = uow.invitation(record["_id"])
    assert stored is not None  # its id was taken
    return stored


def invite(
    trigger: Trigger,
    customer_id: str,
    cause: str,
    occurred_at: datetime,
    now: datetime,
    uow: FeedbackStorage,
    setup: InvitationSetup,
) -> dict[str, Any] | None:
    """The invitation ``trigger`` makes for the customer (None when no rule names the
    trigger): due after the quiet period, or refused, and why."""
    rule = setup.rules.get(trigger)
    if rule is None:
        return None
    existing = uow.invitation(invitation_id(trigger, cause, rule.survey_id, customer_id))
    if existing is not None:
        return existing
    decision = decide(_recipient(customer_id, uow, setup), trigger, occurred_at, setup.policy)
    return _store(decision, rule, cause, now, uow)


def handle_purchase_recorded(
    event: Event, now: datetime, uow: FeedbackStorage, setup: InvitationSetup
) -> None:
    """A purchase invites after the quiet period: the first purchase's survey for the
    customer's first one, when a rule names it, else the purchase survey."""
    payload = event.payload
    customer_id, purchase_id = payload["customer_id"], payload["purchase_id"]
    triggers = [Trigger.PURCHASE]
    if uow.claim_first_purchase(customer_id, purchase_id):
        triggers.insert(0, Trigger.FIRST_PURCHASE)
    trigger = next((t for t in triggers if t in setup.rules), None)
    if trigger is not None:
        invite(trigger, customer_id, purchase_id, payload["purchased_at"], now, uow, setup)


def handle_contract_recorded(
    event: Event, now: datetime, uow: FeedbackStorage, setup: InvitationSetup
) -> None:
    """A delivered contract invites after the quiet period (once, however often it is told)."""
    payload = event.payload
    if payload.get("delivered_at") is None:
        return
    invite(
        Trigger.CONTRACT_DELIVERED,
        payload["customer_id"],
        payload["contract_id"],
        payload["delivered_at"],
        now,
        uow,
        setup,
    )


def handle_complaint_resolved(
    event: Event, now: datetime, uow: FeedbackStorage, setup: InvitationSetup
) -> None:
    """A resolved complaint of a known customer invites after the quiet period."""
    payload = event.payload
    if payload["customer_id"] is None:
        return
    invite(
        Trigger.COMPLAINT_RESOLVED,
        payload["customer_id"],
        payload["complaint_ref"],
        payload["resolved_at"],
        now,
        uow,
        setup,
    )


def _require_survey(survey_id: str, uow: FeedbackStorage) -> Survey:
    stored = uow.survey(survey_id)
    if stored is None:
        raise NotFound(f"survey_id: no survey {survey_id!r}")
    return records.survey_from(stored)


def _require_channel(channel: str, setup: InvitationSetup) -> None:
    if channel not in setup.channels:
        known = ", ".join(sorted(setup.channels)) or "none installed"
        raise invalid("channel", f"No survey channel {channel!r} ({known}).")


def send_survey(
    survey_id: str,
    channel: str,
    customer_ids: list[str],
    now: datetime,
    uow: FeedbackStorage,
    setup: InvitationSetup,
) -> list[dict[str, Any]]:
    """Invite ``customer_ids`` to ``survey_id`` on ``channel`` now, each within the
    frequency cap, consent and suppression; returns every invitation, due or refused."""
    _require_survey(survey_id, uow)
    _require_channel(channel, setup)
    if not customer_ids:
        raise invalid("customer_ids", "Name at least one customer, or a panel.")
    rule = TriggerRule(survey_id, channel)
    cause = f"request:{uuid.uuid4().hex}"
    invited = []
    for customer_id in dict.fromkeys(customer_ids):
        decision = decide(_recipient(customer_id, uow, setup), Trigger.REQUEST, now, setup.policy)
        invited.append(_store(decision, rule, cause, now, uow))
    return invited


def define_panel(
    name: str,
    survey_id: str,
    channel: str,
    members: list[str],
    uow: FeedbackStorage,
    setup: InvitationSetup,
) -> dict[str, Any]:
    """Keep panel ``name``: ``members`` invited to ``survey_id`` on ``channel`` every quarter."""
    _require_survey(survey_id, uow)
    _require_channel(channel, setup)
    Panel(frozenset(members))  # refuses an empty panel
    uow.save_panel(
        {"_id": name, "survey_id": survey_id, "channel": channel, "members": sorted(set(members))}
    )
    panel = uow.panel(name)
    assert panel is not None  # just saved
    return panel


def invite_panel(
    name: str, now: datetime, uow: FeedbackStorage, setup: InvitationSetup
) -> list[dict[str, Any]]:
    """This quarter's invitations of panel ``name`` (made once per quarter, however often asked)."""
    panel = uow.panel(name)
    if panel is None:
        raise NotFound(f"panel: no panel {name!r}")
    period = parse_period(period_key(now, PANEL_PERIOD))
    members = panel["members"]
    recipients = [_recipient(customer_id, uow, setup) for customer_id in members]
    rule = TriggerRule(panel["survey_id"], panel["channel"])
    cause = f"panel:{name}:{period.key}"
    invited = []
    for decision in panel_invitations(Panel(frozenset(members)), recipients, period, setup.policy):
        existing = uow.invitation(
            invitation_id(Trigger.PANEL, cause, rule.survey_id, decision.customer_id)
        )
        invited.append(existing or _store(decision, rule, cause, now, uow))
    uow.claim_panel_period(name, str(period.key))
    return invited


def invite_panels(now: datetime, uow: FeedbackStorage, setup: InvitationSetup) -> int:
    """Invite every panel not yet invited this quarter; how many invitations are due."""
    key = period_key(now, PANEL_PERIOD)
    due = 0
    for panel in uow.panels():
        if panel.get("last_period") != key:
            invited = invite_panel(panel["_id"], now, uow, setup)
            due += sum(1 for i in invited if i["state"] == "due")
    return due


def _month_days(day: date) -> list[str]:
    """The anniversaries (``MM-DD``) falling on ``day``: 29 February's on 28 February
    of other years."""
    days = [f"{day:%m-%d}"]
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        days.append("02-29")
    return days


def invite_anniversaries(now: datetime, uow: FeedbackStorage, setup: InvitationSetup) -> int:
    """Invite the customers whose anniversary as customers fell since the last run (up to
    :data:`ANNIVERSARY_CATCH_UP` days back) and today; how many invitations are due."""
    if Trigger.ANNIVERSARY not in setup.rules:
        return 0
    today = now.astimezone(UTC).date()
    last = uow.last_day(ANNIVERSARIES)
    first = today - timedelta(days=ANNIVERSARY_CATCH_UP)
    if last is not None:
        first = max(first, date.fromisoformat(last) + timedelta(days=1))
    due = 0
    day = first
    while day <= today:
        start = datetime.combine(day, time(), UTC)
        span = Period(start, start + timedelta(days=1))
        for month_day in _month_days(day):
            for recipient in uow.recipients_with_anniversary(month_day):
                moment = (
                    anniversary_in(recipient["since"], span) if recipient.get("since") else None
                )
                if moment is None:
                    continue
                cause = f"anniversary:{moment.year}"
                invited = invite(
                    Trigger.ANNIVERSARY, recipient["_id"], cause, moment, now, uow, setup
                )
                due += invited is not None and invited["state"] == "due"
        day += timedelta(days=1)
    uow.mark_day(ANNIVERSARIES, today.isoformat())
    return due


def _invitation(
    record: dict[str, Any],
    survey: Survey,
    now: datetime,
    uow: FeedbackStorage,
    setup: InvitationSetup,
) -> Invitation:
    contact = uow.recipient(record["customer_id"]) or {}
    claims = LinkClaims(
        record["survey_id"], record["customer_id"], record["_id"], now + setup.link_validity
    )
    token = issue_token(setup.secret, claims)
    return Invitation(
        invitation_id=record["_id"],
        survey_id=survey.survey_id,
        survey_name=survey.name,
        questions=tuple(
            SurveyQuestion(q.key, str(q.kind), q.text) for q in survey.current_questions()
        ),
        customer_id=record["customer_id"],
        customer_name=contact.get("name", ""),
        email=contact.get("email", ""),
        phone=contact.get("phone", ""),
        link=setup.link(token),
        token=token,
        language=contact.get("language") or "en",
    )


def _failed(record: dict[str, Any], reason: str, now: datetime, setup: InvitationSetup) -> dict:
    attempts = record["attempts"] + 1
    retry = now + setup.retry_delay * 2 ** (attempts - 1) if attempts < setup.max_attempts else None
    return {"state": "failed", "reason": reason, "attempts": attempts, "next_attempt_at": retry}


def send_due(now: datetime, uow: FeedbackStorage, setup: InvitationSetup) -> dict[str, int]:
    """Send the invitations due by ``now`` through their channels, batch by channel.

    Each outcome is recorded on its invitation: sent, or failed with the
    reason and retried later. An invitation is taken before it is sent, so
    instances of the service running side by side send it once. Returns how
    many were sent and how many failed.
    """
    batches: dict[str, list[tuple[dict[str, Any], Invitation]]] = defaultdict(list)
    outcome = {"sent": 0, "failed": 0}
    surveys: dict[str, Survey | None] = {}
    lease = now + timedelta(seconds=setup.timeout_s) + SEND_LEASE
    for record in uow.invitations_to_send(now, SEND_BATCH):
        if not uow.claim_invitation(record["_id"], record["next_attempt_at"], lease):
            continue  # another instance of the service is sending it
        survey_id = record["survey_id"]
        if survey_id not in surveys:
            stored = uow.survey(survey_id)
            surveys[survey_id] = None if stored is None else records.survey_from(stored)
        survey = surveys[survey_id]
        problem = (
            f"no survey {survey_id!r}"
            if survey is None
            else f"no survey channel {record['channel']!r} is installed"
            if record["channel"] not in setup.channels
            else None
        )
        if problem is not None or survey is None:
            uow.update_invitation(record["_id"], _failed(record, str(problem), now, setup))
            outcome["failed"] += 1
            continue
        batches[record["channel"]].append((record, _invitation(record, survey, now, uow, setup)))
    for name, batch in batches.items():
        deliveries = deliver(
            setup.channels[name], [i for _, i in batch], setup.settings, setup.timeout_s
        )
        for (record, _), delivery in zip(batch, deliveries, strict=True):
            if delivery.sent:
                changes = {
                    "state": "sent",
                    "reason": "",
                    "sent_at": now,
                    "attempts": record["attempts"] + 1,
                    "next_attempt_at": None,
                }
                outcome["sent"] += 1
            else:
                changes = _failed(record, delivery.reason or "not sent", now, setup)
                outcome["failed"] += 1
            uow.update_invitation(record["_id"], changes)
    return outcome


def _checked(survey: Survey, answers: Mapping[str, Any]) -> None:
    """InvalidInput naming the question of the first answer its question would refuse."""
    if not answers:
        raise invalid("answers", "Answer at least one question.")
    for key, answer in answers.items():
        question = survey.question(key)
        try:
            if question.kind is QuestionKind.SERVQUAL:
                check_answer(question, records.servqual_answer_from(question, answer))
            else:
                check_answer(question, answer)
        except InvalidInput as exc:
            raise InvalidInput({key: [str(exc)]}) from None


def _record_all(
    survey: Survey,
    customer_id: str | None,
    reference: str,
    answers: Mapping[str, Any],
    channel: str,
    answered_at: datetime,
    raw: Mapping[str, Any],
    uow: FeedbackStorage,
) -> list[dict[str, Any]]:
    _checked(survey, answers)
    return [
        handlers.record_response(
            RecordResponse(
                survey.survey_id,
                key,
                customer_id,
                f"{reference}/{key}",
                answer,
                channel,
                answered_at,
                {"answer": answer, **raw},
            ),
            uow,
        )
        for key, answer in answers.items()
    ]


def answer_invitation(
    invitation_id_: str,
    answers: Mapping[str, Any],
    channel: str,
    now: datetime,
    uow: FeedbackStorage,
    raw: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Record the answers to an invitation (question key -> answer) once; returns them.

    Every answer is checked before any is recorded. Each counts once
    however often it comes back; the invitation becomes ``answered``.
    NotFound for an unknown invitation, Conflict for one answered already,
    InvalidInput naming the question of an answer off its scale.
    """
    record = uow.invitation(invitation_id_)
    if record is None:
        raise NotFound(f"invitation_id: no invitation {invitation_id_!r}")
    if record["state"] == "answered":
        raise Conflict(f"invitation {invitation_id_!r} was answered already")
    survey = _require_survey(record["survey_id"], uow)
    recorded = _record_all(
        survey, record["customer_id"], invitation_id_, answers, channel, now, raw or {}, uow
    )
    uow.update_invitation(
        invitation_id_, {"state": "answered", "answered_at": now, "next_attempt_at": None}
    )
    return recorded


def _record_collected(
    answer: ChannelAnswer, channel: str, now: datetime, uow: FeedbackStorage
) -> None:
    answered_at = answer.answered_at or now
    if answer.invitation_id is not None:
        with contextlib.suppress(Conflict):  # collected again: it counted the first time
            answer_invitation(
                answer.invitation_id, answer.answers, channel, answered_at, uow, answer.raw
            )
        return
    if answer.survey_id is None:
        raise invalid("survey_id", "An answer to no invitation must name its survey.")
    if answer.customer_id is not None and not uow.is_known_customer(answer.customer_id):
        raise NotFound(f"customer_id: no customer {answer.customer_id!r} is known to feedback")
    survey = _require_survey(answer.survey_id, uow)
    _record_all(
        survey,
        answer.customer_id,
        f"{channel}:{answer.reference}",
        answer.answers,
        channel,
        answered_at,
        answer.raw,
        uow,
    )


def collect_answers(now: datetime, uow: FeedbackStorage, setup: InvitationSetup) -> dict[str, int]:
    """Record what every channel collected; a bad answer is logged and skipped, the others kept.

    Returns how many answers were recorded and how many were refused.
    """
    outcome = {"recorded": 0, "refused": 0}
    for name, channel in setup.channels.items():
        for answer in collect(channel, setup.settings, setup.timeout_s):
            try:
                _record_collected(answer, name, now, uow)
            except (InvalidInput, NotFound) as exc:
                log.warning(
                    "collected answer refused",
                    extra={"channel": name, "reference": answer.reference, "error": str(exc)},
                )
                outcome["refused"] += 1
            else:
                outcome["recorded"] += 1
    return outcome


def set_preferences(
    customer_id: str, preferences: Mapping[str, Any], uow: FeedbackStorage
) -> dict[str, Any]:
    """Record the given ``preferences`` of the customer for surveys: ``consented``,
    ``suppressed`` (never contact them), ``phone`` and ``language``."""
    changes = {name: value for name, value in preferences.items() if value is not None}
    if not changes:
        raise invalid("consented", "Give consented, suppressed, phone or language.")
    uow.set_recipient_preferences(customer_id, changes)
    found = uow.recipient(customer_id)
    assert found is not None  # just written
    return found


def invitations_of(customer_id: str, uow: FeedbackStorage) -> list[dict[str, Any]]:
    """The customer's invitations with their state, by when they are to be sent."""
    return uow.invitations_of(customer_id)
