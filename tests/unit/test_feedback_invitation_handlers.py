"""Invitation use cases on the in-memory unit of work: triggers, the cap, consent, the
sending round through channels that work, raise or hang, answers counted once, panels."""

from datetime import UTC, datetime, timedelta

import eventlet
import pytest

from clientela.channels import ChannelAnswer, ChannelError, Delivery, SurveyChannel
from clientela.config import ConfigError, Settings
from clientela.errors import Conflict, InvalidInput
from clientela.events import new_event, parse_event
from clientela.services.feedback import handlers, invitation_handlers
from clientela.services.feedback.dependencies import FakeFeedbackStorage
from clientela.services.feedback.domain.commands import DefineSurvey, QuestionSpec
from clientela.services.feedback.domain.tokens import verify_token
from clientela.services.feedback.invitation_setup import build_setup

MARCH = datetime(2026, 3, 10, 12, tzinfo=UTC)
SECRET = "a-secret-long-enough-for-hmac-sha256-links!!"


class Outbox(SurveyChannel):
    """Sends every invitation that has an e-mail address, keeping them."""

    name = "outbox"

    def __init__(self):
        self.sent = []

    def send(self, invitations, settings):
        for invitation in invitations:
            self.sent.append(invitation)
            yield Delivery(invitation.invitation_id, bool(invitation.email), "no address")


class Broken(SurveyChannel):
    name = "broken"

    def send(self, invitations, settings):
        raise ChannelError("gateway answered 503")


class Hanging(SurveyChannel):
    name = "hanging"

    def send(self, invitations, settings):
        eventlet.sleep(30)
        return []


class Box(SurveyChannel):
    name = "box"

    def __init__(self, slips):
        self.slips = slips

    def collect(self, settings):
        return self.slips


def setup_with(*channels, **settings):
    defaults = {
        "survey_link_secret": SECRET,
        "survey_triggers": "first_purchase=S-1/outbox, purchase=S-1/outbox",
        "survey_channel_timeout_s": 0.2,
        "survey_public_url": "https://encuestas.ferreteria-norte.mx",
    }
    return build_setup(
        Settings(**{**defaults, **settings}), {channel.name: channel for channel in channels}
    )


@pytest.fixture
def uow():
    storage = FakeFeedbackStorage()
    for ref, name in (("C-ana", "Ana Ruiz"), ("C-bo", "Bo Li")):
        storage.remember_customer(ref, name, captive=True)
        storage.remember_recipient(ref, {"name": name, "email": f"{ref.lower()}@example.mx"})
    questions = (
        QuestionSpec("recommend", "nps", "How likely are you to recommend us?"),
        QuestionSpec("why", "free_text", "Why?"),
    )
    handlers.define_survey(DefineSurvey("S-1", "After purchase", questions), storage)
    return storage


def purchase(purchase_id, at, customer="C-ana"):
    payload = {
        "purchase_id": purchase_id,
        "customer_id": customer,
        "amount": 1200.0,
        "currency": "MXN",
        "product_line": "pinturas",
        "channel": "tienda",
        "purchased_at": at,
    }
    return parse_event(new_event("purchase_recorded", payload))


def test_a_first_purchase_invites_after_the_quiet_period_once_however_often_told(uow):
    setup = setup_with(Outbox())
    for _ in range(2):
        invitation_handlers.handle_purchase_recorded(purchase("V-1", MARCH), MARCH, uow, setup)
    [invitation] = uow.invitations_of("C-ana")
    assert (invitation["trigger"], invitation["state"]) == ("first_purchase", "due")
    assert invitation["send_at"] == MARCH + timedelta(hours=48)
    assert invitation["next_attempt_at"] == invitation["send_at"]


def test_a_second_purchase_within_the_frequency_cap_is_refused_and_says_why(uow):
    setup = setup_with(Outbox())
    invitation_handlers.handle_purchase_recorded(purchase("V-1", MARCH), MARCH, uow, setup)
    later = MARCH + timedelta(days=20)
    invitation_handlers.handle_purchase_recorded(purchase("V-2", later), later, uow, setup)
    by_trigger = {i["trigger"]: i for i in uow.invitations_of("C-ana")}
    assert by_trigger["first_purchase"]["state"] == "due"
    second = by_trigger["purchase"]
    assert (second["state"], second["reason"], second["next_attempt_at"]) == (
        "refused",
        "frequency_cap",
        None,
    )


def test_suppressed_or_unconsenting_customers_are_not_invited(uow):
    setup = setup_with(Outbox())
    invitation_handlers.set_preferences("C-ana", {"suppressed": True}, uow)
    invitation_handlers.set_preferences("C-bo", {"consented": False, "language": "es"}, uow)
    for ref in ("C-ana", "C-bo"):
        event = purchase(f"V-{ref}", MARCH, customer=ref)
        invitation_handlers.handle_purchase_recorded(event, MARCH, uow, setup)
    assert uow.invitations_of("C-ana")[0]["reason"] == "suppressed"
    assert uow.invitations_of("C-bo")[0]["reason"] == "no_consent"


def test_a_trigger_no_rule_names_invites_nobody(uow):
    setup = setup_with(Outbox(), survey_triggers="purchase=S-1/outbox")
    contract = {
        "contract_id": "K-1",
        "customer_id": "C-ana",
        "value": 90000.0,
        "currency": "MXN",
        "signed_at": MARCH - timedelta(days=60),
        "due_at": MARCH,
        "delivered_at": MARCH,
        "status": "delivered",
    }
    event = parse_event(new_event("contract_recorded", contract))
    invitation_handlers.handle_contract_recorded(event, MARCH, uow, setup)
    assert uow.invitations_of("C-ana") == []


def test_the_round_sends_due_invitations_with_a_signed_link_to_the_survey(uow):
    outbox = Outbox()
    setup = setup_with(outbox)
    invitation_handlers.send_survey("S-1", "outbox", ["C-ana", "C-bo"], MARCH, uow, setup)
    assert invitation_handlers.send_due(MARCH, uow, setup) == {"sent": 2, "failed": 0}

    ana = next(i for i in outbox.sent if i.customer_id == "C-ana")
    assert (ana.customer_name, ana.email, ana.survey_name) == (
        "Ana Ruiz",
        "c-ana@example.mx",
        "After purchase",
    )
    assert [q.key for q in ana.questions] == ["recommend", "why"]
    assert ana.link == f"https://encuestas.ferreteria-norte.mx/surveys/{ana.token}"
    claims = verify_token(SECRET.encode(), ana.token, MARCH)
    assert (claims.invitation_id, claims.expires_at) == (ana.invitation_id, MARCH + timedelta(14))
    assert [i["state"] for i in uow.invitations_of("C-ana")] == ["sent"]
    assert invitation_handlers.send_due(MARCH, uow, setup) == {"sent": 0, "failed": 0}


def test_a_raising_or_hanging_channel_fails_its_own_invitations_and_the_others_are_sent(uow):
    setup = setup_with(Outbox(), Broken(), Hanging())
    uow.remember_customer("C-cy", "Cy Paz", captive=False)
    uow.remember_recipient("C-cy", {"name": "Cy Paz", "email": "cy@example.mx"})
    invitation_handlers.send_survey("S-1", "broken", ["C-ana"], MARCH, uow, setup)
    invitation_handlers.send_survey("S-1", "hanging", ["C-bo"], MARCH, uow, setup)
    invitation_handlers.send_survey("S-1", "outbox", ["C-cy"], MARCH, uow, setup)

    assert invitation_handlers.send_due(MARCH, uow, setup) == {"sent": 1, "failed": 2}

    [broken] = uow.invitations_of("C-ana")
    [hanging] = uow.invitations_of("C-bo")
    assert (broken["state"], broken["reason"]) == ("failed", "ChannelError: gateway answered 503")
    assert (hanging["state"], hanging["reason"]) == (
        "failed",
        "ChannelTimeout: no answer within 0.2 s",
    )
    assert broken["next_attempt_at"] == MARCH + timedelta(minutes=10)
    assert uow.invitations_of("C-cy")[0]["state"] == "sent"


def test_failed_invitations_are_retried_later_and_later_until_the_last_attempt(uow):
    setup = setup_with(Broken(), survey_max_attempts=3)
    invitation_handlers.send_survey("S-1", "broken", ["C-ana"], MARCH, uow, setup)
    retries = []
    now = MARCH
    while True:
        invitation_handlers.send_due(now, uow, setup)
        [invitation] = uow.invitations_of("C-ana")
        if invitation["next_attempt_at"] is None:
            break
        retries.append(invitation["next_attempt_at"] - now)
        now = invitation["next_attempt_at"]
    assert retries == [timedelta(minutes=10), timedelta(minutes=20)]
    assert (invitation["state"], invitation["attempts"]) == ("failed", 3)


def test_an_invitation_missing_its_address_fails_alone_with_the_channels_reason(uow):
    setup = setup_with(Outbox())
    uow.remember_recipient("C-bo", {"email": ""})
    invitation_handlers.send_survey("S-1", "outbox", ["C-ana", "C-bo"], MARCH, uow, setup)
    assert invitation_handlers.send_due(MARCH, uow, setup) == {"sent": 1, "failed": 1}
    assert uow.invitations_of("C-bo")[0]["reason"] == "no address"


def test_an_invitation_is_answered_once_every_answer_checked_first(uow):
    setup = setup_with(Outbox())
    [invitation] = invitation_handlers.send_survey("S-1", "outbox", ["C-ana"], MARCH, uow, setup)
    with pytest.raises(InvalidInput) as refused:
        invitation_handlers.answer_invitation(
            invitation["_id"], {"why": "Good prices", "recommend": 11}, "call", MARCH, uow
        )
    assert "recommend" in refused.value.errors
    assert uow.responses_of("C-ana") == []

    recorded = invitation_handlers.answer_invitation(
        invitation["_id"], {"recommend": 9, "why": "Good prices"}, "call", MARCH, uow
    )
    assert [(r["question"], r["channel"]) for r in recorded] == [
        ("recommend", "call"),
        ("why", "call"),
    ]
    with pytest.raises(Conflict):
        invitation_handlers.answer_invitation(
            invitation["_id"], {"recommend": 2}, "call", MARCH, uow
        )
    assert len(uow.responses_of("C-ana")) == 2
    assert [e["type"] for e in uow.events.envelopes] == ["survey_answered", "survey_responded"]
    assert uow.invitations_of("C-ana")[0]["state"] == "answered"


def test_collected_answers_count_once_anonymous_ones_included_bad_ones_skipped(uow):
    slips = [
        ChannelAnswer("slip-1", {"why": "Abrir los domingos"}, survey_id="S-1"),
        ChannelAnswer("slip-2", {"recommend": 10}, survey_id="S-1", customer_id="C-bo"),
        ChannelAnswer("slip-3", {"recommend": 42}, survey_id="S-1"),
        ChannelAnswer("slip-4", {"why": "?"}, survey_id="S-9"),
    ]
    setup = setup_with(Box(slips))
    assert invitation_handlers.collect_answers(MARCH, uow, setup) == {"recorded": 2, "refused": 2}
    assert invitation_handlers.collect_answers(MARCH, uow, setup) == {"recorded": 2, "refused": 2}
    anonymous = [r for r in uow.responses.values() if r["customer_id"] is None]
    assert [(r["text"], r["channel"]) for r in anonymous] == [("Abrir los domingos", "box")]
    assert [r["score"] for r in uow.responses_of("C-bo")] == [10]


def test_a_panel_is_invited_once_a_quarter(uow):
    setup = setup_with(Outbox())
    invitation_handlers.define_panel("trimestral", "S-1", "outbox", ["C-ana", "C-bo"], uow, setup)
    assert invitation_handlers.invite_panels(MARCH, uow, setup) == 2
    assert invitation_handlers.invite_panels(MARCH + timedelta(days=5), uow, setup) == 0
    assert uow.panel("trimestral")["last_period"] == "2026-Q1"
    april = datetime(2026, 4, 20, tzinfo=UTC)
    assert invitation_handlers.invite_panels(april, uow, setup) == 2
    assert [i["trigger"] for i in uow.invitations_of("C-ana")] == ["panel", "panel"]


def test_sending_on_a_channel_nobody_installed_is_refused_naming_those_there_are(uow):
    with pytest.raises(InvalidInput) as refused:
        invitation_handlers.send_survey("S-1", "fax", ["C-ana"], MARCH, uow, setup_with(Outbox()))
    assert "outbox" in str(refused.value.errors["channel"])


def customer_since(ref, since, uow):
    payload = {
        "customer_id": ref,
        "prospect_id": None,
        "name": ref,
        "email": f"{ref.lower()}@example.mx",
        "captive": True,
        "created_at": since,
    }
    invitation_handlers.remember_recipient(parse_event(new_event("customer_created", payload)), uow)


def test_anniversaries_invite_on_the_day_once_and_days_missed_are_made_up(uow):
    setup = setup_with(Outbox(), survey_triggers="anniversary=S-1/outbox")
    customer_since("C-2024", datetime(2024, 3, 10, 9, tzinfo=UTC), uow)
    customer_since("C-leap", datetime(2024, 2, 29, 9, tzinfo=UTC), uow)
    customer_since("C-new", datetime(2026, 3, 10, 9, tzinfo=UTC), uow)

    assert invitation_handlers.invite_anniversaries(MARCH, uow, setup) == 2
    assert invitation_handlers.invite_anniversaries(MARCH, uow, setup) == 0
    [march] = uow.invitations_of("C-2024")
    assert (march["trigger"], march["send_at"]) == (
        "anniversary",
        datetime(2026, 3, 10, 9, tzinfo=UTC),
    )
    [leap] = uow.invitations_of("C-leap")
    assert leap["send_at"] == datetime(2026, 2, 28, 9, tzinfo=UTC)  # made up, 29 Feb on the 28th
    assert uow.invitations_of("C-new") == []  # becoming a customer is no anniversary


def test_an_invitation_taken_by_one_sender_is_not_sent_by_another(uow):
    outbox = Outbox()
    setup = setup_with(outbox)
    invitation_handlers.send_survey("S-1", "outbox", ["C-ana"], MARCH, uow, setup)
    [due] = uow.invitations_to_send(MARCH, 10)
    assert uow.claim_invitation(due["_id"], due["next_attempt_at"], MARCH + timedelta(minutes=2))
    assert invitation_handlers.send_due(MARCH, uow, setup) == {"sent": 0, "failed": 0}
    later = MARCH + timedelta(minutes=2)
    assert invitation_handlers.send_due(later, uow, setup) == {"sent": 1, "failed": 0}
    assert len(outbox.sent) == 1


def test_a_delivered_contract_and_a_resolved_complaint_invite_once_each(uow):
    rules = "contract_delivered=S-1/outbox, complaint_resolved=S-1/outbox"
    setup = setup_with(Outbox(), survey_triggers=rules, survey_frequency_cap_days=0)
    contract = {
        "contract_id": "K-1",
        "customer_id": "C-ana",
        "value": 90000.0,
        "currency": "MXN",
        "signed_at": MARCH - timedelta(days=60),
        "due_at": MARCH,
        "delivered_at": None,
        "status": "open",
    }
    for payload in (contract, {**contract, "delivered_at": MARCH, "status": "delivered"}):
        event = parse_event(new_event("contract_recorded", payload))
        invitation_handlers.handle_contract_recorded(event, MARCH, uow, setup)
        invitation_handlers.handle_contract_recorded(event, MARCH, uow, setup)
    resolved = {
        "complaint_ref": "Q-7",
        "customer_id": "C-ana",
        "kind": "complaint",
        "category": "delivery",
        "severity": "high",
        "opened_at": MARCH - timedelta(days=3),
        "responded_at": MARCH - timedelta(days=2),
        "resolved_at": MARCH,
        "resolution": "Pedido repuesto",
    }
    anonymous = {**resolved, "complaint_ref": "Q-8", "customer_id": None}
    for payload in (resolved, anonymous):
        event = parse_event(new_event("complaint_resolved", payload))
        invitation_handlers.handle_complaint_resolved(event, MARCH, uow, setup)
    invited = uow.invitations_of("C-ana")
    assert sorted((i["trigger"], i["cause"]) for i in invited) == [
        ("complaint_resolved", "Q-7"),
        ("contract_delivered", "K-1"),
    ]
    assert {i["send_at"] for i in invited} == {MARCH + timedelta(hours=48)}


def test_trigger_rules_that_cannot_be_read_stop_the_service_naming_the_setting():
    with pytest.raises(ConfigError, match="survey_triggers: 'birthday' is not a trigger"):
        setup_with(Outbox(), survey_triggers="birthday=S-1/outbox")
