"""Turning what a lead source read into a clean lead (services/prospects/domain/normalise.py)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from clientela.services.prospects.domain.normalise import InvalidLead, company_key, normalise_lead

CONSENT_MISSING = (
    "Missing: consent needs what (purpose) and how (method);"
    " when (given_at) defaults to the time the person was identified."
)
RECEIVED = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
CONSENT = {"purpose": "contact about products", "given_at": "2024-03-05", "method": "web form"}


def lead(fields, origin=None, consent=None, region="MX"):
    return normalise_lead(fields, origin or {}, consent or {}, region)


def errors_of(fields, origin=None, consent=None, region="MX"):
    with pytest.raises(InvalidLead) as raised:
        lead(fields, origin, consent, region)
    return raised.value.errors


# --- e-mail -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ana@example.com", "ana@example.com"),
        ("  Ana.Ruiz@Example.COM ", "ana.ruiz@example.com"),
        ("\tANA@EXAMPLE.COM\n", "ana@example.com"),
    ],
)
def test_email_is_lower_cased_without_surrounding_spaces(raw, clean):
    assert lead({"email": raw}).fields == {"email": clean}


@pytest.mark.parametrize("raw", ["ana@", "ana at example.com", "ana @example.com", "@example.com"])
def test_an_invalid_email_is_named(raw):
    assert errors_of({"email": raw}) == {"email": ["Not a valid email address."]}


# --- phone ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "clean"),
    [
        ("55 1111 2222", "MX", "+525511112222"),
        ("(55) 1111-2222", "MX", "+525511112222"),
        ("+52 55 1111 2222", "MX", "+525511112222"),
        ("+34 612 34 56 78", "MX", "+34612345678"),
        ("612 34 56 78", "ES", "+34612345678"),
    ],
)
def test_phone_is_put_in_e164_reading_numbers_without_country_code_in_the_region(
    raw, region, clean
):
    assert lead({"phone": raw}, region=region).fields == {"phone": clean}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12", "Not a valid phone number for MX or with its country code."),
        # a Spanish mobile number without its country code is not a Mexican number
        ("612 34 56 78", "Not a valid phone number for MX or with its country code."),
        ("call me", "Not a phone number"),
    ],
)
def test_an_invalid_phone_is_named_with_the_field(raw, message):
    errors = errors_of({"email": "ana@example.com", "phone": raw})

    assert list(errors) == ["phone"]
    assert errors["phone"][0].startswith(message)


# --- names, company and free text -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ANA MARÍA DE LA O", "Ana María de la O"),
        ("ana maría de la o", "Ana María de la O"),
        ("JOSÉ LUIS DEL RÍO Y VALLE", "José Luis del Río y Valle"),
        ("JEAN-PIERRE", "Jean-Pierre"),
        ("McDonald", "McDonald"),
        ("DeLuca", "DeLuca"),
        ("ana MARÍA", "ana MARÍA"),
        ("  Ana    María  ", "Ana María"),
    ],
)
def test_first_name_is_capitalised_only_when_typed_all_in_one_case(raw, clean):
    assert lead({"email": "a@b.mx", "first_name": raw}).fields["first_name"] == clean


def test_a_last_name_starting_with_a_particle_starts_with_a_capital():
    assert lead({"email": "a@b.mx", "last_name": "DE LA FUENTE"}).fields["last_name"] == (
        "De la Fuente"
    )


def test_company_position_and_needs_are_kept_as_typed_with_spaces_collapsed():
    fields = lead(
        {
            "email": "a@b.mx",
            "company": "  Textiles   Ruiz, S.A. de C.V. ",
            "position": "Directora  de\tCompras",
            "needs": " telas   de algodón ",
        }
    ).fields

    assert fields["company"] == "Textiles Ruiz, S.A. de C.V."
    assert fields["position"] == "Directora de Compras"
    assert fields["needs"] == "telas de algodón"


def test_blank_fields_are_left_out():
    assert lead({"email": "a@b.mx", "first_name": "   ", "company": ""}).fields == {
        "email": "a@b.mx"
    }


@pytest.mark.parametrize(
    "spelling",
    [
        "Textiles Ruiz, S.A. de C.V.",
        "TEXTILES RUIZ SA DE CV",
        "textiles ruiz",
        "Textiles  Ruiz S.A.",
        "Textiles Ruiz, S. de R.L. de C.V.",
        "Textiles Ruiz S.A.B. de C.V.",
        "Téxtiles Ruiz",
    ],
)
def test_company_key_is_the_same_across_spellings_and_legal_suffixes(spelling):
    assert company_key(spelling) == "textiles ruiz"


@pytest.mark.parametrize(
    ("company", "key"),
    [
        ("Acme Inc.", "acme"),
        ("Acme Ltd", "acme"),
        ("Acme GmbH", "acme"),
        ("Acme & Co.", "acme"),
        ("Ácme Ñandú S.A.", "acme nandu"),
        ("Costco", "costco"),  # a suffix counts only as a word of its own
        ("", ""),
    ],
)
def test_company_key_examples(company, key):
    assert company_key(company) == key


def test_company_key_drops_the_dotted_s_de_rl_suffix():
    assert company_key("Textiles Ruiz, S. de R.L.") == "textiles ruiz"


# --- what a lead needs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [{}, {"first_name": "Ana", "last_name": "Ruiz", "company": "Textiles Ruiz"}, {"email": "  "}],
)
def test_an_email_or_a_phone_is_required_and_reported_on_email(fields):
    assert errors_of(fields) == {"email": ["An e-mail or a phone number is required."]}


@pytest.mark.parametrize(
    "fields", [{"email": "a@b.mx"}, {"phone": "5511112222"}], ids=["email", "phone"]
)
def test_either_an_email_or_a_phone_is_enough(fields):
    assert lead(fields).fields


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("first_name", 200),
        ("last_name", 200),
        ("company", 200),
        ("position", 200),
        ("needs", 2000),
        ("phone", 40),
    ],
)
def test_fields_longer_than_their_limit_are_refused(name, limit):
    errors = errors_of({"email": "a@b.mx", name: "x" * (limit + 1)})

    assert errors == {name: [f"Longer than {limit} characters."]}


@pytest.mark.parametrize(("name", "limit"), [("company", 200), ("needs", 2000)])
def test_fields_of_exactly_their_limit_are_kept(name, limit):
    assert lead({"email": "a@b.mx", name: "x" * limit}).fields[name] == "x" * limit


def test_the_limit_applies_after_spaces_are_collapsed():
    assert lead({"email": "a@b.mx", "company": " " * 50 + "x" * 200}).fields["company"] == "x" * 200


def test_a_field_that_is_not_text_is_refused():
    assert errors_of({"email": "a@b.mx", "company": 5}) == {"company": ["Not a string."]}


# --- origin -------------------------------------------------------------------------------


def test_origin_values_are_cleaned_and_blank_ones_dropped():
    origin = lead(
        {"email": "a@b.mx"},
        {"fair": "  Expo   Textil ", "fair_date": "2024-03-05", "campaign": "   "},
    ).origin

    assert origin == {"fair": "Expo Textil", "fair_date": "2024-03-05"}


def test_an_unknown_origin_field_is_refused():
    assert errors_of({"email": "a@b.mx"}, {"color": "red"}) == {
        "origin.color": ["Unknown origin field."]
    }


def test_an_origin_value_too_long_is_refused():
    errors = errors_of({"email": "a@b.mx"}, {"fair": "x" * 201})

    assert errors == {"origin.fair": ["Must be text of at most 200 characters."]}


@pytest.mark.parametrize("raw", ["05/03/2024", "2024-3-5", "2024-02-30", "March 5th"])
def test_fair_date_must_be_an_iso_date(raw):
    assert errors_of({"email": "a@b.mx"}, {"fair_date": raw}) == {
        "origin.fair_date": ["Not an ISO date (YYYY-MM-DD)."]
    }


@pytest.mark.parametrize(
    ("raw", "clean"), [(" ab 12 cd", "AB12CD"), ("ana-2024", "ANA-2024"), ("XYZ", "XYZ")]
)
def test_referral_code_is_upper_cased_without_spaces(raw, clean):
    assert lead({"email": "a@b.mx"}, {"referral_code": raw}).origin == {"referral_code": clean}


# --- consent ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"purpose": "contact"}, ["consent.method"]),
        ({"method": "web form"}, ["consent.purpose"]),
        ({"purpose": "contact", "given_at": "2024-03-05"}, ["consent.method"]),
        ({"given_at": "2024-03-05", "method": "web form"}, ["consent.purpose"]),
    ],
)
def test_consent_needs_what_and_how_when_any_part_is_given(given, missing):
    errors = errors_of({"email": "a@b.mx"}, consent=given)

    assert sorted(errors) == sorted(missing)
    assert all(errors[name] == [CONSENT_MISSING] for name in missing)


def test_a_consent_without_a_time_is_given_when_the_person_was_identified():
    consent = {"purpose": "contact", "method": "web form"}

    scanned = normalise_lead(
        {"email": "a@b.mx"}, {}, consent, "MX", "2026-03-12T10:05:00", RECEIVED
    )
    received = normalise_lead({"email": "a@b.mx"}, {}, consent, "MX", "", RECEIVED)

    assert scanned.consent["given_at"] == "2026-03-12T10:05:00+00:00"
    assert received.consent["given_at"] == RECEIVED.isoformat()


def test_no_consent_at_all_is_none():
    assert lead({"email": "a@b.mx"}).consent is None
    assert lead({"email": "a@b.mx"}, consent={"purpose": " ", "method": ""}).consent is None


@pytest.mark.parametrize(
    ("given_at", "utc"),
    [
        ("2024-03-05", "2024-03-05T00:00:00+00:00"),
        ("2024-03-05T10:00:00", "2024-03-05T10:00:00+00:00"),
        ("2024-03-05T10:00:00Z", "2024-03-05T10:00:00+00:00"),
        ("2024-03-05T10:00:00-06:00", "2024-03-05T16:00:00+00:00"),
        ("2024-03-05T23:30:00-06:00", "2024-03-06T05:30:00+00:00"),
    ],
)
def test_consent_time_is_normalised_to_utc_iso(given_at, utc):
    consent = lead({"email": "a@b.mx"}, consent={**CONSENT, "given_at": given_at}).consent

    assert consent == {**CONSENT, "given_at": utc}


def test_consent_parts_have_spaces_collapsed():
    consent = lead(
        {"email": "a@b.mx"}, consent={**CONSENT, "purpose": "  contact   by e-mail ", "method": "x"}
    ).consent

    assert consent["purpose"] == "contact by e-mail"


def test_a_consent_time_that_is_not_iso_is_refused():
    errors = errors_of({"email": "a@b.mx"}, consent={**CONSENT, "given_at": "yesterday"})

    assert errors == {"consent.given_at": ["Not an ISO 8601 date or time."]}


def test_an_unknown_consent_field_is_refused():
    errors = errors_of({"email": "a@b.mx"}, consent={**CONSENT, "signature": "x"})

    assert errors == {"consent.signature": ["Unknown consent field."]}


# --- everything at once -------------------------------------------------------------------


def test_invalid_lead_lists_every_problem_at_once():
    errors = errors_of(
        {"email": "not-an-email", "phone": "call me", "company": "x" * 300},
        {"bogus": "1", "fair_date": "tomorrow"},
        {"purpose": "contact", "given_at": "never"},
    )

    assert sorted(errors) == [
        "company",
        "consent.given_at",
        "consent.method",
        "email",
        "origin.bogus",
        "origin.fair_date",
        "phone",
    ]
    assert errors["email"] == ["Not a valid email address."]
    assert errors["consent.given_at"] == ["Not an ISO 8601 date or time."]


def test_invalid_lead_is_a_value_error_carrying_its_errors():
    with pytest.raises(ValueError) as raised:
        lead({})

    assert isinstance(raised.value, InvalidLead)
    assert raised.value.errors == {"email": ["An e-mail or a phone number is required."]}


def test_a_full_lead():
    clean = lead(
        {
            "first_name": "ANA MARÍA",
            "last_name": "RUIZ",
            "email": " Ana@Example.com",
            "phone": "55 1111 2222",
            "company": "Textiles Ruiz, S.A. de C.V.",
            "position": "Directora de Compras",
            "needs": "telas",
        },
        {"fair": "Expo Textil", "fair_date": "2024-03-05"},
        CONSENT,
    )

    assert clean.fields == {
        "first_name": "Ana María",
        "last_name": "Ruiz",
        "email": "ana@example.com",
        "phone": "+525511112222",
        "company": "Textiles Ruiz, S.A. de C.V.",
        "position": "Directora de Compras",
        "needs": "telas",
    }
    assert clean.origin == {"fair": "Expo Textil", "fair_date": "2024-03-05"}
    assert clean.consent == {**CONSENT, "given_at": "2024-03-05T00:00:00+00:00"}


# --- when the person was identified ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "identified"),
    [
        ("", RECEIVED),
        ("2025-03-12", datetime(2025, 3, 12, tzinfo=UTC)),
        ("2025-03-12T10:05:00-06:00", datetime(2025, 3, 12, 16, 5, tzinfo=UTC)),
        ("2026-05-04T12:04:00Z", datetime(2026, 5, 4, 12, 4, tzinfo=UTC)),  # clock skew
    ],
)
def test_a_lead_is_identified_at_its_own_time_else_on_receipt(raw, identified):
    found = normalise_lead({"email": "a@b.mx"}, {}, {}, "MX", raw, RECEIVED)

    assert found.identified_at == identified


MADRID = ZoneInfo("Europe/Madrid")


def test_a_time_without_a_zone_is_read_in_the_time_zone_given():
    # a Madrid stand list imported at 13:00 Madrid time, ten minutes after the last scan
    found = normalise_lead(
        {"email": "a@b.mx"},
        {},
        {"purpose": "contact", "method": "badge scan", "given_at": "2026-05-04 12:50"},
        "ES",
        "2026-05-04 12:50",
        RECEIVED,
        time_zone=MADRID,
    )

    assert found.identified_at == datetime(2026, 5, 4, 10, 50, tzinfo=UTC)
    assert found.consent["given_at"] == "2026-05-04T10:50:00+00:00"


@pytest.mark.parametrize(
    ("raw", "identified"),
    [
        ("2026-03-12", datetime(2026, 3, 12, tzinfo=UTC)),  # a day stays that day
        ("2026-03-12T10:05:00-06:00", datetime(2026, 3, 12, 16, 5, tzinfo=UTC)),  # zone given
        ("2026-03-12 10:05", datetime(2026, 3, 12, 9, 5, tzinfo=UTC)),
    ],
)
def test_the_time_zone_applies_only_to_times_written_without_one(raw, identified):
    found = normalise_lead({"email": "a@b.mx"}, {}, {}, "ES", raw, RECEIVED, time_zone=MADRID)

    assert found.identified_at == identified


def test_a_time_in_the_future_is_refused_naming_the_field():
    errors = errors_of_identified("2026-05-05")

    assert list(errors) == ["identified_at"]
    assert errors["identified_at"][0].startswith("In the future: '2026-05-05'")


def test_a_time_in_the_future_is_refused_naming_where_the_user_wrote_it():
    errors = errors_of_identified("2026-05-05 10:00", identified_from="Fecha escaneo")

    assert list(errors) == ["Fecha escaneo"]
    assert errors["Fecha escaneo"][0].startswith("In the future: '2026-05-05 10:00'")


def test_an_identification_time_that_is_not_iso_is_refused():
    assert errors_of_identified("yesterday") == {"identified_at": ["Not an ISO 8601 date or time."]}


def errors_of_identified(raw, **where):
    with pytest.raises(InvalidLead) as raised:
        normalise_lead({"email": "a@b.mx"}, {}, {}, "MX", raw, RECEIVED, **where)
    return raised.value.errors
