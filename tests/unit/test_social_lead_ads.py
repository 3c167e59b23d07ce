"""Social lead ads: Meta (Facebook, Instagram) and LinkedIn lead-form payloads into lead rows."""

import json
from importlib.resources import files

import pytest

import clientela.plugins.social as social
from clientela.leads import LeadRow, LeadSourceError, RowProblem
from clientela.plugin_manager import load_plugins
from clientela.plugins.social.forms import STANDARD_QUESTIONS, split_full_name
from clientela.plugins.social.source import SocialLeadAds


def parse(payload, options=None):
    return list(SocialLeadAds().parse(payload, options or {}))


def read(path, options=None):
    return list(SocialLeadAds().read(path, options or {}))


def meta_lead(**overrides):
    lead = {
        "id": "1203948576",
        "created_time": "2026-11-20T10:15:00+0000",
        "ad_id": "2384",
        "ad_name": "Invierno A",
        "adset_name": "CDMX 25-45",
        "campaign_id": "2383",
        "campaign_name": "Invierno 2026",
        "form_id": "5550",
        "platform": "ig",
        "field_data": [
            {"name": "full_name", "values": ["Lucía Fernández Ortega"]},
            {"name": "email", "values": ["lucia@example.mx"]},
            {"name": "phone_number", "values": ["+525511112222"]},
            {"name": "company_name", "values": ["Agrícola Fernández"]},
            {"name": "job_title", "values": ["Directora"]},
            {"name": "¿qué_producto_te_interesa?", "values": ["Riego por goteo"]},
            {"name": "estado", "values": ["Jalisco"]},
        ],
        "custom_disclaimer_responses": [
            {"checkbox_key": "Acepto recibir ofertas por correo", "is_checked": "1"}
        ],
    }
    return {**lead, **overrides}


META_ROW = LeadRow(
    1,
    {
        "first_name": "Lucía",
        "last_name": "Fernández Ortega",
        "email": "lucia@example.mx",
        "phone": "+525511112222",
        "company": "Agrícola Fernández",
        "position": "Directora",
        "needs": "Riego por goteo",
    },
    {
        "estado": "Jalisco",
        "lead_id": "1203948576",
        "submitted_at": "2026-11-20T10:15:00+00:00",
        "ad_id": "2384",
        "ad_name": "Invierno A",
        "adset_name": "CDMX 25-45",
    },
    {"channel": "instagram", "medium": "paid_social", "campaign": "Invierno 2026", "form": "5550"},
    {
        "purpose": "Acepto recibir ofertas por correo",
        "given_at": "2026-11-20T10:15:00+00:00",
        "method": "Meta lead ads form",
    },
    identified_at="2026-11-20T10:15:00+00:00",  # the lead's created_time
)


def text_answer(answer, predefined=None, name=None, question_id=None):
    item = {"answerDetails": {"textQuestionAnswer": {"answer": answer}}}
    keys = {"predefinedField": predefined, "name": name, "questionId": question_id}
    return {**item, **{key: value for key, value in keys.items() if value is not None}}


def linkedin_response(**overrides):
    response = {
        "id": "a1b2c3",
        "submittedAt": 1795169700000,  # 2026-11-20T10:15:00Z
        "leadType": "SPONSORED",
        "versionedLeadGenFormUrn": "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:123,1)",
        "associatedEntity": {"sponsoredCampaign": "urn:li:sponsoredCampaign:456"},
        "formResponse": {
            "answers": [
                text_answer("Grace", predefined="FIRST_NAME"),
                text_answer("Hopper", predefined="LAST_NAME"),
                text_answer("grace@example.com", predefined="EMAIL"),
                text_answer("+1 555 0100", predefined="PHONE_NUMBER"),
                text_answer("Northwind", predefined="COMPANY_NAME"),
                text_answer("CTO", predefined="JOB_TITLE"),
                text_answer("United States", predefined="COUNTRY"),
                text_answer("ERP rollout for 3 plants", name="project_needs"),
            ],
            "consentResponses": [{"consentId": 789, "accepted": True}],
        },
    }
    return {**response, **overrides}


LINKEDIN_ROW = LeadRow(
    1,
    {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.com",
        "phone": "+1 555 0100",
        "company": "Northwind",
        "position": "CTO",
        "needs": "ERP rollout for 3 plants",
    },
    {
        "country": "United States",
        "lead_id": "a1b2c3",
        "submitted_at": "2026-11-20T10:15:00+00:00",
        "lead_type": "SPONSORED",
    },
    {"channel": "linkedin", "medium": "paid_social", "campaign": "456", "form": "123"},
    {
        "purpose": "789",
        "given_at": "2026-11-20T10:15:00+00:00",
        "method": "LinkedIn lead gen form",
    },
    identified_at="2026-11-20T10:15:00+00:00",  # the response's submittedAt
)


# Meta lead ads


def test_a_meta_lead_maps_fields_origin_and_consent():
    assert parse(meta_lead()) == [META_ROW]


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda leads: leads, id="list"),
        pytest.param(lambda leads: {"data": leads, "paging": {"cursors": {}}}, id="graph page"),
    ],
)
def test_meta_lists_and_graph_api_pages_number_leads_in_order(wrap):
    second = meta_lead(id="2", platform="fb", field_data=[{"name": "email", "values": ["b@x.io"]}])

    rows = parse(wrap([meta_lead(), second]))

    assert rows[0] == META_ROW
    assert (rows[1].line, rows[1].fields, rows[1].origin["channel"]) == (
        2,
        {"email": "b@x.io"},
        "facebook",
    )


def test_a_meta_webhook_notification_yields_its_leadgen_changes():
    value = {
        "leadgen_id": "777",
        "page_id": "42",
        "form_id": "5550",
        "ad_id": "2384",
        "created_time": 1795169700,  # epoch seconds in webhooks
        "field_data": [{"name": "email", "values": ["ana@example.mx"]}],
    }
    payload = {
        "object": "page",
        "entry": [
            {
                "id": "42",
                "time": 1795169701,
                "changes": [
                    {"field": "feed", "value": {"item": "status"}},
                    {"field": "leadgen", "value": value},
                ],
            }
        ],
    }

    assert parse(payload) == [
        LeadRow(
            1,
            {"email": "ana@example.mx"},
            {"lead_id": "777", "submitted_at": "2026-11-20T10:15:00+00:00", "ad_id": "2384"},
            {"channel": "facebook", "medium": "paid_social", "form": "5550"},
            identified_at="2026-11-20T10:15:00+00:00",
        )
    ]


def test_a_bare_webhook_notification_is_a_problem_asking_for_the_lead_data():
    payload = {
        "object": "page",
        "entry": [
            {"changes": [{"field": "leadgen", "value": {"leadgen_id": "777", "form_id": "5"}}]}
        ],
    }

    [problem] = parse(payload)

    assert problem.line == 1
    assert "777" in problem.reason
    assert "field_data" in problem.reason


def test_campaign_id_stands_in_for_a_missing_campaign_name_and_organic_leads_are_social():
    [row] = parse(meta_lead(campaign_name=None, is_organic=True))

    assert row.origin["campaign"] == "2383"
    assert row.origin["medium"] == "social"


def test_an_unticked_disclaimer_records_no_consent():
    disclaimers = [{"checkbox_key": "newsletter", "is_checked": ""}]

    [row] = parse(meta_lead(custom_disclaimer_responses=disclaimers))

    assert row.consent == {}


def test_several_answer_values_are_joined():
    answers = [
        {"name": "email", "values": ["ana@example.mx"]},
        {"name": "¿qué_producto_te_interesa?", "values": ["Aspersores", "Sensores"]},
    ]

    [row] = parse(meta_lead(field_data=answers))

    assert row.fields == {"email": "ana@example.mx", "needs": "Aspersores, Sensores"}


# LinkedIn lead gen forms


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda response: {"elements": [response], "paging": {}}, id="elements"),
        pytest.param(lambda response: response, id="one response"),
        pytest.param(lambda response: [response], id="list"),
    ],
)
def test_a_linkedin_response_maps_fields_origin_and_consent(wrap):
    assert parse(wrap(linkedin_response())) == [LINKEDIN_ROW]


def test_linkedin_organic_and_test_leads_are_marked():
    [row] = parse(linkedin_response(leadType="COMPANY", testLead=True, associatedEntity={}))

    assert row.origin == {"channel": "linkedin", "medium": "social", "form": "123"}
    assert row.extra["test_lead"] == "true"


def test_linkedin_campaign_may_come_from_the_lead_metadata():
    metadata = {"sponsoredLeadMetadata": {"campaign": "urn:li:sponsoredCampaign:999"}}

    [row] = parse(linkedin_response(associatedEntity={}, leadMetadata=metadata))

    assert row.origin["campaign"] == "999"


def test_linkedin_answers_by_question_id_only_and_multiple_choice_are_kept_as_extra():
    answers = [
        text_answer("ana@example.mx", predefined="EMAIL"),
        text_answer("Monterrey", question_id=31),
        {"name": "fleet_size", "answerDetails": {"multipleChoiceAnswer": {"options": ["50-100"]}}},
    ]

    [row] = parse(linkedin_response(formResponse={"answers": answers}))

    assert row.fields == {"email": "ana@example.mx"}
    assert row.extra["question_31"] == "Monterrey"
    assert row.extra["fleet_size"] == "50-100"
    assert row.consent == {}


def test_a_declined_linkedin_consent_records_nothing():
    form = {
        "answers": [text_answer("ana@example.mx", predefined="EMAIL")],
        "consentResponses": [{"consentId": 789, "accepted": False}],
    }

    [row] = parse(linkedin_response(formResponse=form))

    assert row.consent == {}


# Names and fields


@pytest.mark.parametrize(
    ("full_name", "first", "last"),
    [
        ("Ann Lee", "Ann", "Lee"),
        ("Cher", "Cher", ""),
        ("Juan Pérez Gómez", "Juan", "Pérez Gómez"),
        ("María José Pérez Gómez", "María José", "Pérez Gómez"),
        ("Juan de la Cruz", "Juan", "de la Cruz"),
        ("Vincent van Gogh", "Vincent", "van Gogh"),
        ("José Ortega y Gasset", "José", "Ortega y Gasset"),
        ("  García López,  Ana ", "Ana", "García López"),
    ],
)
def test_full_name_split(full_name, first, last):
    assert split_full_name(full_name) == (first, last)


def test_a_full_name_alone_fills_first_and_last_name():
    answers = [{"name": "full_name", "values": ["José Luis de la Cruz Ramírez"]}]

    [row] = parse(meta_lead(field_data=answers))

    assert row.fields == {"first_name": "José Luis", "last_name": "de la Cruz Ramírez"}


def test_given_first_and_last_names_win_over_the_full_name():
    answers = [
        {"name": "full_name", "values": ["Ann B. Lee"]},
        {"name": "first_name", "values": ["Ann"]},
        {"name": "last_name", "values": ["Lee"]},
    ]

    [row] = parse(meta_lead(field_data=answers))

    assert row.fields == {"first_name": "Ann", "last_name": "Lee"}
    assert row.extra["full_name"] == "Ann B. Lee"


def test_work_email_is_the_email_only_without_a_personal_one():
    work_only = [{"name": "work_email", "values": ["ann@acme.com"]}]
    both = [*work_only, {"name": "email", "values": ["ann@gmail.com"]}]

    [work_row, both_row] = parse([meta_lead(field_data=work_only), meta_lead(field_data=both)])

    assert work_row.fields == {"email": "ann@acme.com"}
    assert both_row.fields == {"email": "ann@gmail.com"}
    assert both_row.extra["work_email"] == "ann@acme.com"


def test_spanish_custom_questions_fill_lead_fields():
    answers = [
        {"name": "correo", "values": ["ana@example.mx"]},
        {"name": "Empresa", "values": ["Aceros SA"]},
        {"name": "cargo", "values": ["Compras"]},
        {"name": "¿Qué necesitas?", "values": ["Cotización de 200 piezas"]},
    ]

    [row] = parse(meta_lead(field_data=answers))

    assert row.fields == {
        "email": "ana@example.mx",
        "company": "Aceros SA",
        "position": "Compras",
        "needs": "Cotización de 200 piezas",
    }


# Problems


def test_a_malformed_lead_is_reported_and_the_others_are_kept():
    payload = {
        "data": [
            meta_lead(),
            "not a lead",
            meta_lead(id="55", field_data=[]),
            meta_lead(id="56", created_time="yesterday"),
            meta_lead(id="57"),
        ]
    }

    rows = parse(payload)

    assert rows[0] == META_ROW
    assert [(row.line, type(row)) for row in rows[1:4]] == [(n, RowProblem) for n in (2, 3, 4)]
    assert "must be an object" in rows[1].reason
    assert "55" in rows[2].reason and "field_data" in rows[2].reason
    assert "created_time" in rows[3].reason and "yesterday" in rows[3].reason
    assert (rows[4].line, rows[4].extra["lead_id"]) == (5, "57")


def test_a_linkedin_response_without_answers_is_reported():
    rows = parse([linkedin_response(formResponse={"answers": []}), linkedin_response()])

    assert rows[0] == RowProblem(1, "LinkedIn lead a1b2c3: no formResponse answers")
    assert rows[1].fields["email"] == "grace@example.com"


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"email": "ann@example.com"}, id="plain object"),
        pytest.param([{"email": "ann@example.com"}], id="list of plain objects"),
        pytest.param("field_data", id="text"),
        pytest.param(42, id="number"),
    ],
)
def test_a_payload_of_unknown_shape_is_refused_naming_the_accepted_shapes(payload):
    with pytest.raises(LeadSourceError) as raised:
        parse(payload)

    message = str(raised.value)
    for shape in ('"field_data"', '{"data": [...]}', '"entry"', '"formResponse"', '"elements"'):
        assert shape in message


def test_an_empty_list_holds_no_leads():
    assert parse([]) == []


def test_the_network_option_forces_how_leads_are_read():
    rows = parse([{"id": "1", "field_data": [{"name": "email", "values": ["a@x.io"]}]}])
    forced = parse([{"id": "1"}], {"network": "linkedin"})

    assert rows[0].origin["channel"] == "facebook"
    assert forced == [RowProblem(1, "LinkedIn lead 1: no formResponse answers")]


def test_an_unknown_network_option_is_refused():
    with pytest.raises(LeadSourceError, match="network"):
        parse(meta_lead(), {"network": "tiktok"})


# Files


def test_a_json_file_holds_any_payload(tmp_path):
    path = tmp_path / "leads.json"
    path.write_text(json.dumps({"elements": [linkedin_response()]}), encoding="utf-8")

    assert read(path) == [LINKEDIN_ROW]


def test_a_json_lines_file_is_read_line_by_line_reporting_bad_lines(tmp_path):
    path = tmp_path / "leads.jsonl"
    lines = [
        json.dumps(meta_lead()),
        '{"id": "2", "field_data": [',
        "",
        json.dumps(linkedin_response(id="li-4")),
        json.dumps({"hello": "world"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    rows = SocialLeadAds().read(path, {})

    assert next(rows) == META_ROW
    bad_json = next(rows)
    assert bad_json.line == 2 and bad_json.reason.startswith("not JSON")
    linkedin = next(rows)
    assert (linkedin.line, linkedin.extra["lead_id"]) == (4, "li-4")
    unknown = next(rows)
    assert unknown.line == 5 and unknown.reason.startswith("neither a Meta lead")
    assert "field_data" in unknown.reason and "formResponse" in unknown.reason
    assert next(rows, None) is None


def test_an_ndjson_file_is_json_lines_too(tmp_path):
    path = tmp_path / "leads.ndjson"
    path.write_text(json.dumps(linkedin_response()) + "\n", encoding="utf-8")

    assert read(path) == [LINKEDIN_ROW]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("leads.csv", "email\n", r"\.json, \.jsonl or \.ndjson"),
        ("leads.json", "{not json", "not JSON"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    with pytest.raises(LeadSourceError, match=message):
        read(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(LeadSourceError, match=r"no-such-file\.jsonl"):
        read(tmp_path / "no-such-file.jsonl")


# Samples, documentation, registration


@pytest.mark.parametrize("sample", ["meta_leadgen.json", "linkedin_leadgen.json"])
def test_the_bundled_samples_read_without_problems(sample):
    rows = read(files("clientela.plugins.social") / "samples" / sample)

    assert len(rows) >= 3
    assert all(isinstance(row, LeadRow) for row in rows)
    assert [row.line for row in rows] == list(range(1, len(rows) + 1))
    assert all(row.fields.get("email") and row.origin.get("form") for row in rows)
    assert any(row.consent for row in rows)


def test_the_standard_questions_are_documented_for_users():
    for question in STANDARD_QUESTIONS:
        assert question in social.__doc__
        assert question.upper() in social.__doc__


def test_the_source_is_registered_through_entry_points():
    source = load_plugins({}).lead_sources()["social"]

    assert isinstance(source, SocialLeadAds)
    assert source.reads_files and source.parses_payloads
    assert "\n" not in source.description
