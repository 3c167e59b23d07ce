"""The event catalogue: building envelopes to publish and validating received ones."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.events import Event, InvalidEvent, new_event, parse_event

PURCHASED_AT = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
OCCURRED_AT = datetime(2026, 11, 23, 10, 31, tzinfo=UTC)


def purchase(**changes):
    payload = {
        "purchase_id": "pur-1",
        "customer_id": "cus-1",
        "amount": Decimal("1234.50"),
        "currency": "MXN",
        "product_line": "tools",
        "purchased_at": PURCHASED_AT,
    }
    payload.update(changes)
    return payload


def person(**changes):
    payload = {
        "prospect_id": "pro-1",
        "email": "ana@example.com",
        "source": "fairs",
        "captured_at": PURCHASED_AT,
    }
    payload.update(changes)
    return payload


def captured(**changes):
    return person(**{"completeness": 60.0, "score": 20, **changes})


def converted(**changes):
    return person(**{"converted_at": OCCURRED_AT, "basis": "contract", **changes})


def answered(**changes):
    payload = {
        "answer_id": "ans-1",
        "customer_id": "cus-1",
        "survey": "nps",
        "score": 9,
        "category": "promoter",
        "channel": "email",
        "answered_at": OCCURRED_AT,
    }
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("purchase_recorded", purchase()),
        ("prospect_captured", captured()),
        ("prospect_converted", converted()),
        ("survey_answered", answered()),
    ],
)
def test_sample_payloads_are_valid(name, payload):
    parse_event(new_event(name, payload))


def test_new_event_builds_a_json_ready_envelope():
    envelope = new_event("purchase_recorded", purchase(), occurred_at=OCCURRED_AT)

    assert envelope["type"] == "purchase_recorded"
    assert envelope["version"] == 1
    assert envelope["source"] == "customers"
    assert envelope["occurred_at"] == "2026-11-23T10:31:00+00:00"
    assert envelope["id"]
    assert envelope["payload"] == {
        "purchase_id": "pur-1",
        "customer_id": "cus-1",
        "amount": "1234.50",
        "currency": "MXN",
        "product_line": "tools",
        "purchased_at": "2026-11-23T10:30:00+00:00",
    }
    assert json.loads(json.dumps(envelope)) == envelope


def test_new_event_gives_each_event_its_own_id_and_defaults_occurred_at_to_utc_now():
    before = datetime.now(UTC)
    first = new_event("purchase_recorded", purchase())
    second = new_event("purchase_recorded", purchase())

    assert first["id"] != second["id"]
    occurred_at = datetime.fromisoformat(first["occurred_at"])
    assert occurred_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= occurred_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert occurred_at.microsecond % 1000 == 0  # milliseconds, as MongoDB stores them


def test_new_event_names_a_missing_required_field():
    payload = captured()
    del payload["source"]

    with pytest.raises(InvalidEvent, match=r"payload\.source"):
        new_event("prospect_captured", payload)


@pytest.mark.parametrize(
    ("name", "payload", "field"),
    [
        ("prospect_captured", captured(email="not-an-email"), "payload.email"),
        ("purchase_recorded", purchase(amount=Decimal("-1")), "payload.amount"),
        ("purchase_recorded", purchase(currency="PESOS"), "payload.currency"),
        ("prospect_converted", converted(basis="handshake"), "payload.basis"),
        ("survey_answered", answered(score=11), "payload.score"),
    ],
)
def test_new_event_names_a_field_with_a_bad_value(name, payload, field):
    with pytest.raises(InvalidEvent) as raised:
        new_event(name, payload)

    assert field in str(raised.value)


def test_new_event_names_every_field_at_fault():
    with pytest.raises(InvalidEvent) as raised:
        new_event("prospect_captured", captured(email="nope", prospect_id=None))

    assert "payload.email" in str(raised.value)
    assert "payload.prospect_id" in str(raised.value)


def test_new_event_rejects_a_non_numeric_amount_as_invalid_event():
    with pytest.raises(InvalidEvent, match=r"payload\.amount"):
        new_event("purchase_recorded", purchase(amount="a lot"))


def test_new_event_rejects_an_unknown_event_type():
    with pytest.raises(InvalidEvent, match="type"):
        new_event("prospect_teleported", {})


def test_parse_event_round_trips_an_envelope_from_new_event():
    envelope = new_event("purchase_recorded", purchase(), occurred_at=OCCURRED_AT)

    event = parse_event(json.loads(json.dumps(envelope)))

    assert isinstance(event, Event)
    assert (event.id, event.type, event.version, event.source) == (
        envelope["id"],
        "purchase_recorded",
        1,
        "customers",
    )
    assert event.occurred_at == OCCURRED_AT
    assert event.occurred_at.tzinfo is not None
    assert event.payload["amount"] == Decimal("1234.50")
    assert isinstance(event.payload["amount"], Decimal)
    assert event.payload["purchased_at"] == PURCHASED_AT
    assert event.payload["purchased_at"].tzinfo is not None


def test_parse_event_fills_optional_payload_fields_with_their_defaults():
    payload = captured()
    event = parse_event(new_event("prospect_captured", payload))

    assert event.payload["fair"] == ""
    assert event.payload["company"] == ""


def test_parse_event_reads_times_without_offset_as_utc():
    envelope = new_event("purchase_recorded", purchase(), occurred_at=OCCURRED_AT)
    envelope["occurred_at"] = "2026-11-23T10:31:00"
    envelope["payload"]["purchased_at"] = "2026-11-23T10:30:00"

    event = parse_event(envelope)

    assert event.occurred_at == OCCURRED_AT
    assert event.payload["purchased_at"] == PURCHASED_AT


@pytest.mark.parametrize("envelope", [None, [], "prospect_captured", 42])
def test_parse_event_rejects_anything_but_an_object(envelope):
    with pytest.raises(InvalidEvent, match="envelope"):
        parse_event(envelope)


def _valid_envelope():
    return new_event("prospect_captured", captured(), occurred_at=OCCURRED_AT)


def _with(**changes):
    envelope = _valid_envelope()
    envelope.update(changes)
    return envelope


def _without(field):
    envelope = _valid_envelope()
    del envelope[field]
    return envelope


def _with_payload(**changes):
    envelope = _valid_envelope()
    envelope["payload"].update(changes)
    return envelope


@pytest.mark.parametrize(
    ("envelope", "named"),
    [
        pytest.param(_with(type="prospect_teleported"), "type", id="unknown-type"),
        pytest.param(_with(version=2), "version", id="wrong-version"),
        pytest.param(_with(version="1"), "version", id="version-as-text"),
        pytest.param(_with(source="loyalty"), "source", id="wrong-source"),
        pytest.param(_with_payload(shoe_size="42"), "payload.shoe_size", id="unknown-field"),
        pytest.param(_with_payload(email="nope"), "payload.email", id="bad-payload-value"),
        pytest.param(_with(colour="red"), "colour", id="unknown-envelope-field"),
        pytest.param(_without("id"), "id", id="missing-id"),
        pytest.param(_without("occurred_at"), "occurred_at", id="missing-occurred_at"),
        pytest.param(_without("payload"), "payload", id="missing-payload"),
        pytest.param(_without("type"), "type", id="missing-type"),
    ],
)
def test_parse_event_rejects_off_contract_envelopes_naming_the_field(envelope, named):
    with pytest.raises(InvalidEvent) as raised:
        parse_event(envelope)

    assert named in str(raised.value)


def test_new_event_refuses_a_field_the_schema_does_not_know():
    with pytest.raises(InvalidEvent, match=r"payload\.compny: Unknown field"):
        new_event("prospect_captured", {**captured(), "compny": "Typo SA"})


def test_new_event_names_a_time_given_as_text():
    with pytest.raises(InvalidEvent, match=r"payload\.purchased_at"):
        new_event("purchase_recorded", purchase(purchased_at="yesterday"))
