"""Web-form submissions: pushed JSON and CSV exports, with their UTM campaign fields."""

import json
from importlib.resources import files

import pytest

from clientela.leads import LeadRow, LeadSourceError, RowProblem
from clientela.plugin_manager import load_plugins
from clientela.plugins.webforms.submissions import WebFormSubmissions


def parse(payload, options=None):
    return list(WebFormSubmissions().parse(payload, options or {}))


def test_utm_fields_are_the_origin_and_term_and_content_stay_extra():
    [row] = parse(
        {
            "email": "ann@example.com",
            "utm_source": "google",
            "utm_medium": "cpc",
            "utm_campaign": "spring",
            "utm_term": "pumps",
            "utm_content": "banner-a",
            "form_id": "quote",
        }
    )

    assert row == LeadRow(
        1,
        {"email": "ann@example.com"},
        {"utm_term": "pumps", "utm_content": "banner-a"},
        {"channel": "google", "medium": "cpc", "campaign": "spring", "form": "quote"},
    )


def test_utm_fields_absent_from_the_submission_come_from_the_page_url():
    url = "https://example.mx/oferta?utm_source=facebook&utm_medium=social&utm_campaign=spring&utm_content=video"

    [row] = parse({"email": "ann@example.com", "landing_page": url, "utm_campaign": "own"})

    assert row.origin == {"channel": "facebook", "medium": "social", "campaign": "own"}
    assert row.extra == {"page_url": url, "utm_content": "video"}


def test_a_page_url_without_utm_parameters_is_just_kept():
    [row] = parse({"email": "ann@example.com", "url": "https://example.mx/contacto?ref=menu"})

    assert row.origin == {}
    assert row.extra == {"page_url": "https://example.mx/contacto?ref=menu"}


def test_campaign_channel_and_medium_options_fill_what_submissions_lack():
    rows = parse(
        [{"email": "ann@example.com", "utm_source": "google"}, {"email": "bob@example.com"}],
        {"campaign": "spring", "channel": "newsletter", "medium": "email"},
    )

    assert [row.origin for row in rows] == [
        {"channel": "google", "campaign": "spring", "medium": "email"},
        {"campaign": "spring", "channel": "newsletter", "medium": "email"},
    ]


@pytest.mark.parametrize("ticked", [True, "yes", "on", "1", "si", "Sí", 1])
def test_a_ticked_consent_box_is_recorded_with_its_text_and_time(ticked):
    [row] = parse(
        {
            "email": "ann@example.com",
            "consent": ticked,
            "consent_text": "I agree to be contacted about pumps",
            "submitted_at": "2026-03-12T10:15:00Z",
        }
    )

    assert row.consent == {
        "purpose": "I agree to be contacted about pumps",
        "given_at": "2026-03-12T10:15:00Z",
        "method": "web form checkbox",
    }
    assert row.extra == {"submitted_at": "2026-03-12T10:15:00Z"}


@pytest.mark.parametrize("unticked", [False, "no", "off", "", None, 0])
def test_an_unticked_consent_box_records_no_consent(unticked):
    [row] = parse({"email": "ann@example.com", "consent": unticked, "consent_text": "I agree"})

    assert row.consent == {}
    assert row.extra == {}


def test_consent_without_time_takes_the_purpose_option_and_leaves_the_time_to_the_service():
    [row] = parse({"email": "ann@example.com", "consent": True}, {"consent_purpose": "news"})

    # never the time of reading: a redelivered submission must be the same capture
    assert row.consent == {"purpose": "news", "given_at": "", "method": "web form checkbox"}
    assert row.identified_at == ""
    assert parse({"email": "ann@example.com", "consent": True}, {"consent_purpose": "news"}) == [
        row
    ]


def test_consent_purpose_defaults_to_the_offer_in_the_form():
    [row] = parse({"email": "ann@example.com", "consent": "yes", "submitted_at": "2026-03-12"})

    assert row.consent["purpose"] == "contact about the offer in the form"


def test_keys_are_matched_with_the_shared_column_aliases():
    [row] = parse(
        {
            "Nombre": "José",
            "Apellidos": "Núñez",
            "Correo": "jose@agro.mx",
            "Teléfono": 5511112222,
            "Empresa": "Agro",
            "Mensaje": "Una cotización",
            "Presupuesto": 15000.0,
        }
    )

    assert row.fields == {
        "first_name": "José",
        "last_name": "Núñez",
        "email": "jose@agro.mx",
        "phone": "5511112222",
        "company": "Agro",
        "needs": "Una cotización",
    }
    assert row.extra == {"presupuesto": "15000"}


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "ann@example.com"},
        [{"email": "ann@example.com"}],
        {"submissions": [{"email": "ann@example.com"}]},
    ],
    ids=["object", "list", "submissions"],
)
def test_one_submission_a_list_or_a_submissions_object(payload):
    assert parse(payload) == [LeadRow(1, {"email": "ann@example.com"})]


@pytest.mark.parametrize("payload", ["ann@example.com", 42, None, {"submissions": {}}])
def test_a_payload_of_another_shape_is_refused(payload):
    with pytest.raises(LeadSourceError, match="submission"):
        parse(payload)


def test_a_bad_item_is_reported_with_its_number_and_the_others_kept():
    rows = parse(
        [
            {"email": "ann@example.com"},
            {"email": {"work": "bob@example.com"}},
            "cy@example.com",
            {"email": "dee@example.com", "answers": {"size": "large"}},
        ]
    )

    assert rows[0] == LeadRow(1, {"email": "ann@example.com"})
    assert isinstance(rows[1], RowProblem)
    assert rows[1].line == 2
    assert "email" in rows[1].reason
    assert rows[2] == RowProblem(3, "a submission must be an object, not str")
    assert rows[3] == LeadRow(4, {"email": "dee@example.com"}, {"answers": '{"size": "large"}'})


def test_the_bundled_sample_parses():
    payload = json.loads(
        (files("clientela.plugins.webforms") / "samples" / "submissions.json").read_text()
    )

    rows = parse(payload)

    assert all(isinstance(row, LeadRow) for row in rows)
    assert [row.line for row in rows] == [1, 2, 3]
    assert rows[0].origin["campaign"] == "primavera-2026"
    assert all(row.fields.get("email") for row in rows)


# --- CSV exports ---------------------------------------------------------------------------------


def test_a_csv_export_is_read_with_line_numbers(tmp_path):
    path = tmp_path / "submissions.csv"
    path.write_text(
        "Correo;Nombre;Form Name;UTM Source;utm_medium;Consent;Submitted At\n"
        "ann@example.com;Ann;quote;google;cpc;on;2026-03-12T10:15:00Z\n"
        "\n"
        "bob@example.com;Bob;quote;;;;\n",
        encoding="utf-8",
    )

    rows = list(WebFormSubmissions().read(path, {"campaign": "spring"}))

    assert rows == [
        LeadRow(
            2,
            {"email": "ann@example.com", "first_name": "Ann"},
            {"submitted_at": "2026-03-12T10:15:00Z"},
            {"channel": "google", "medium": "cpc", "form": "quote", "campaign": "spring"},
            {
                "purpose": "contact about the offer in the form",
                "given_at": "2026-03-12T10:15:00Z",
                "method": "web form checkbox",
            },
            "2026-03-12T10:15:00Z",
        ),
        LeadRow(
            4,
            {"email": "bob@example.com", "first_name": "Bob"},
            {},
            {"form": "quote", "campaign": "spring"},
        ),
    ]


def test_a_csv_export_with_only_a_phone_column_is_read(tmp_path):
    path = tmp_path / "whatsapp.csv"
    path.write_text("whatsapp,nombre\n5511112222,Ana\n", encoding="utf-8")

    assert list(WebFormSubmissions().read(path, {})) == [
        LeadRow(2, {"phone": "5511112222", "first_name": "Ana"})
    ]


def test_a_csv_export_without_email_or_phone_column_is_refused(tmp_path):
    path = tmp_path / "submissions.csv"
    path.write_text("nombre,empresa\nAna,Acme\n", encoding="utf-8")

    with pytest.raises(LeadSourceError, match="no email or phone column among nombre, empresa"):
        list(WebFormSubmissions().read(path, {}))


# --- Registration --------------------------------------------------------------------------------


def test_the_plugin_registers_the_webforms_source():
    source = load_plugins({}).lead_sources()["webforms"]

    assert isinstance(source, WebFormSubmissions)
    assert source.parses_payloads
    assert source.reads_files


def test_a_csv_export_dates_submissions_by_any_time_column_day_first_included(tmp_path):
    path = tmp_path / "formulario.csv"
    path.write_text(
        "correo;Fecha\nann@example.com;12/03/2026 10:15\nbob@example.com;ayer\n",
        encoding="utf-8",
    )

    ann, bob = WebFormSubmissions().read(path, {})

    assert ann.identified_at == ann.extra["submitted_at"] == "2026-03-12T10:15:00"
    assert bob == RowProblem(
        3, "Fecha: 'ayer' is not a date or time (YYYY-MM-DD or DD/MM/YYYY, time optional)"
    )


def test_submission_times_without_a_zone_are_read_in_the_time_zone_option():
    submission = {"email": "ann@example.com", "Fecha": "12/03/2026 09:20"}

    [row] = parse(submission, {"time_zone": "America/Mexico_City"})

    assert (row.identified_at, row.identified_from) == ("2026-03-12T09:20:00", "Fecha")
    assert row.as_message()["time_zone"] == "America/Mexico_City"
    with pytest.raises(LeadSourceError, match="option time_zone"):
        parse(submission, {"time_zone": "CDMX"})
