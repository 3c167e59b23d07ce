"""LeadSchema: what the prospects service accepts as a lead, normalised."""

import pytest
from marshmallow import ValidationError

from clientela.services.prospects.schemas import lead_schema


def test_email_is_lowercased_and_trimmed_and_names_collapse_whitespace():
    lead = lead_schema.load(
        {
            "email": "  Ana.Garcia@Example.COM ",
            "first_name": "  Ana   María ",
            "last_name": "García\tLópez",
            "company": "Ferretería\n del Norte",
        }
    )

    assert lead["email"] == "ana.garcia@example.com"
    assert lead["first_name"] == "Ana María"
    assert lead["last_name"] == "García López"
    assert lead["company"] == "Ferretería del Norte"


def test_fields_not_supplied_default_to_empty():
    lead = lead_schema.load({"email": "ana@example.com"})

    assert lead == {
        "email": "ana@example.com",
        "first_name": "",
        "last_name": "",
        "phone": "",
        "company": "",
        "position": "",
    }


@pytest.mark.parametrize(
    "email", ["not-an-email", "ana@", "@example.com", "ana garcia@example.com", ""]
)
def test_a_malformed_email_is_an_error_on_email(email):
    with pytest.raises(ValidationError) as raised:
        lead_schema.load({"email": email, "first_name": "Ana"})

    assert set(raised.value.messages) == {"email"}


@pytest.mark.parametrize("data", [{"first_name": "Ana"}, {"email": None}])
def test_a_missing_email_is_an_error_on_email(data):
    with pytest.raises(ValidationError) as raised:
        lead_schema.load(data)

    assert set(raised.value.messages) == {"email"}


def test_unknown_fields_are_left_out():
    lead = lead_schema.load({"email": "ana@example.com", "badge": "B-17", "stand": "3"})

    assert "badge" not in lead
    assert "stand" not in lead


def test_overlong_values_are_rejected_per_field():
    with pytest.raises(ValidationError) as raised:
        lead_schema.load({"email": "ana@example.com", "company": "x" * 201, "phone": "1" * 41})

    assert set(raised.value.messages) == {"company", "phone"}
