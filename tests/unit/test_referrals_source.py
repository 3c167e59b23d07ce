"""The referrals lead source: pushed referral payloads and CSV files of referrals."""

import json
from importlib.resources import files

import pytest

from clientela.leads import LeadRow, LeadSourceError, RowProblem
from clientela.plugins.referrals.source import ReferralSource

SAMPLES = files("clientela.plugins.referrals") / "samples"
METHOD = "referred by a customer; confirmed by the friend"


def parse(payload, options=None):
    return list(ReferralSource().parse(payload, options or {}))


def read(path, options=None):
    return list(ReferralSource().read(path, options or {}))


@pytest.fixture
def referral_file(tmp_path):
    def write(text, encoding="utf-8"):
        path = tmp_path / "referrals.csv"
        path.write_bytes(text.encode(encoding))
        return path

    return write


def referral(**changes):
    item = {"referrer": {"customer_id": "c-1"}, "friend": {"email": "luis@example.com"}}
    return {**item, **changes}


# -- pushed payloads ---------------------------------------------------------


def test_a_referral_becomes_a_lead_with_its_referrer_as_origin():
    [row] = parse(
        {
            "referrer": {"customer_id": "c-1"},
            "friend": {
                "first_name": " Luis ",
                "last_name": "Mora",
                "email": "luis@example.com",
                "phone": "55 1234 5678",
                "company": "Uniformes Mora",
                "position": "Owner",
                "needs": "40 uniforms",
                "city": "León",
            },
            "note": "asked for your number",
            "referred_at": "2026-11-20T17:05:00-06:00",
        }
    )

    assert row == LeadRow(
        1,
        {
            "first_name": "Luis",
            "last_name": "Mora",
            "email": "luis@example.com",
            "phone": "55 1234 5678",
            "company": "Uniformes Mora",
            "position": "Owner",
            "needs": "40 uniforms",
        },
        {
            "city": "León",
            "note": "asked for your number",
            "referred_at": "2026-11-20T17:05:00-06:00",
        },
        {"channel": "referral", "referrer": "c-1"},
        identified_at="2026-11-20T17:05:00-06:00",
    )


@pytest.mark.parametrize(
    ("changes", "origin"),
    [
        ({"referrer": "c-9"}, {"referrer": "c-9"}),
        ({"referrer": None, "referral_code": " 7kq2 m9xa "}, {"referral_code": "7KQ2M9XA"}),
        (
            {"referral_code": "7kq2-m9xa"},
            {"referrer": "c-1", "referral_code": "7KQ2-M9XA"},
        ),
    ],
    ids=["referrer-as-text", "code-only", "both"],
)
def test_a_referral_names_its_referrer_by_id_or_by_code(changes, origin):
    [row] = parse(referral(**changes))

    assert row.origin == {"channel": "referral", **origin}


def test_friend_keys_are_matched_like_headers_and_values_read_as_text():
    [row] = parse(
        referral(
            friend={"Correo": "luis@example.com", "Teléfono": 5512345678, "VIP": True},
            campaign_id=17,
        )
    )

    assert row.fields == {"email": "luis@example.com", "phone": "5512345678"}
    assert row.extra == {"vip": "true", "campaign_id": "17"}


def test_lead_is_another_name_for_friend():
    [row] = parse({"referrer": "c-1", "lead": {"email": "eva@example.com"}})

    assert row.fields == {"email": "eva@example.com"}


@pytest.mark.parametrize(
    "payload",
    [
        [referral(), referral(referrer="c-2")],
        {"referrals": [referral(), referral(referrer="c-2")]},
    ],
    ids=["list", "wrapped"],
)
def test_several_referrals_are_numbered_from_one(payload):
    rows = parse(payload)

    assert [(row.line, row.origin["referrer"]) for row in rows] == [(1, "c-1"), (2, "c-2")]


@pytest.mark.parametrize(
    ("item", "named"),
    [
        (referral(referrer=None), "referrer: missing"),
        (referral(referrer={"name": "Ana"}), "referrer: missing"),
        (referral(referrer=["c-1"]), "referrer (a customer id"),
        (referral(referrer={"customer_id": {}}), "referrer.customer_id: expected a single"),
        (referral(referral_code=["A"]), "referral_code: expected a single value"),
        (referral(friend=None), "friend: expected the referred person as an object, got nothing"),
        (referral(friend="luis@example.com"), "friend: expected the referred person"),
        (referral(lead={"email": "x@example.com"}), "friend: give the referred person once"),
        (referral(friend={"email": "a@b.c", "tags": ["vip"]}), "friend.tags: expected a single"),
        (referral(referred_at="last tuesday"), "referred_at: 'last tuesday' is not an ISO 8601"),
        (referral(consent=["yes"]), "consent: expected a single value"),
        (referral(consent={"given_at": "yesterday"}), "consent.given_at: 'yesterday' is not"),
        (referral(consent={"given_at": "2026-11-20", "by": "x"}), "consent.by: unknown"),
        (referral(origin={"a": 1}), "origin: expected a single value"),
        ("luis@example.com", "referral: expected an object, got str"),
    ],
)
def test_an_unreadable_referral_is_a_problem_naming_the_field(item, named):
    [problem] = parse([referral(), item])[1:]

    assert isinstance(problem, RowProblem)
    assert problem.line == 2
    assert problem.reason.startswith(named)


def test_consent_true_records_the_referral_time_and_default_purpose_and_method():
    [row] = parse(referral(consent=True, referred_at="2026-11-20T17:05:00-06:00"))

    assert row.consent == {
        "purpose": "contact about the referral",
        "given_at": "2026-11-20T17:05:00-06:00",
        "method": METHOD,
    }


def test_a_consent_object_overrides_the_defaults_it_names():
    [row] = parse(
        referral(
            referred_at="2026-11-20T17:05:00-06:00",
            consent={"purpose": "e-mail offers", "given_at": "2026-11-21T08:00:00Z"},
        )
    )

    assert row.consent == {
        "purpose": "e-mail offers",
        "given_at": "2026-11-21T08:00:00Z",
        "method": METHOD,
    }


def test_consent_without_any_time_leaves_the_time_to_the_service():
    [row] = parse(referral(consent="Sí"))

    assert row.consent["given_at"] == ""  # the service takes the time it receives the referral
    assert row.consent["method"] == METHOD


@pytest.mark.parametrize("consent", [False, None, "no"])
def test_no_consent_is_recorded_unless_the_friend_agreed(consent):
    [row] = parse(referral(consent=consent, referred_at="2026-11-20"))

    assert row.consent == {}


def test_options_stand_in_for_a_missing_referrer_or_code():
    options = {"referrer": "c-7", "referral_code": "abcd efgh"}

    rows = parse([referral(referrer=None), referral(referral_code="ZZZZ-ZZZZ")], options)

    assert [row.origin for row in rows] == [
        {"channel": "referral", "referrer": "c-7", "referral_code": "ABCDEFGH"},
        {"channel": "referral", "referrer": "c-1", "referral_code": "ZZZZ-ZZZZ"},
    ]


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ("referrals", "not str"),
        ({"referrals": {"referrer": "c-1"}}, "referrals: expected a list"),
    ],
)
def test_a_payload_of_an_unknown_shape_is_refused(payload, named):
    with pytest.raises(LeadSourceError, match=named):
        parse(payload)


def test_the_bundled_payload_sample_is_readable():
    rows = parse(json.loads((SAMPLES / "referrals.json").read_text(encoding="utf-8")))

    assert all(isinstance(row, LeadRow) for row in rows)
    assert [row.line for row in rows] == [1, 2, 3]
    assert rows[0].consent["method"] == METHOD


# -- CSV files -----------------------------------------------------------------


def test_a_csv_row_becomes_a_referred_lead(referral_file):
    path = referral_file(
        "Referrer Customer ID,Referral-Code,first_name,email,Note,Shop\n"
        "c-1, 7kq2-m9xa ,Luis,luis@example.com,asked for you,Centro\n"
    )

    assert read(path) == [
        LeadRow(
            2,
            {"first_name": "Luis", "email": "luis@example.com"},
            {"shop": "Centro", "note": "asked for you"},
            {"channel": "referral", "referrer": "c-1", "referral_code": "7KQ2-M9XA"},
        )
    ]


def test_csv_consent_columns(referral_file):
    path = referral_file(
        "referral_code;email;referred_at;consent;consent_method\n"
        "AAAA-BBBB;a@example.com;2026-11-20;yes;\n"
        "AAAA-BBBB;b@example.com;2026-11-20;;phone call\n"
        "AAAA-BBBB;c@example.com;2026-11-20;no;\n"
        "AAAA-BBBB;d@example.com;2026-11-20;Sí;\n"
        "AAAA-BBBB;e@example.com;2026-11-20;no;phone call\n"
    )

    rows = read(path)

    assert rows[0].consent["method"] == METHOD
    assert rows[1].consent["method"] == "phone call"
    assert rows[2].consent == {}
    assert rows[3].consent["given_at"] == "2026-11-20"
    assert rows[4] == RowProblem(6, "consent: 'no', yet consent_method filled in")
    assert all(set(row.extra) == {"referred_at"} for row in rows[:4])


def test_csv_rows_lacking_a_referrer_are_problems_with_their_line(referral_file):
    path = referral_file(
        "referrer_customer_id,referral_code,email\n"
        "c-1,,a@example.com\n"
        "\n"
        ",,b@example.com\n"
        "c-2,,c@example.com,surplus\n"
    )

    rows = read(path)

    assert rows[0].line == 2
    assert rows[1].line == 4
    assert rows[1].reason.startswith("referrer: missing")
    assert rows[2] == RowProblem(5, "4 values for 3 columns")


def test_csv_options_fill_in_the_referrer(referral_file):
    path = referral_file("email,referral_code\na@example.com,\nb@example.com,CCCC-DDDD\n")

    rows = read(path, {"referral_code": "aaaa-bbbb"})

    assert [row.origin["referral_code"] for row in rows] == ["AAAA-BBBB", "CCCC-DDDD"]


def test_a_csv_without_referrer_columns_or_options_is_refused(referral_file):
    path = referral_file("email,first_name\na@example.com,Ana\n")

    with pytest.raises(LeadSourceError, match="no referrer column among email, first_name"):
        read(path)
    assert read(path, {"referrer": "c-1"})[0].origin["referrer"] == "c-1"


def test_a_csv_without_a_way_to_reach_the_friend_is_refused(referral_file):
    with pytest.raises(LeadSourceError, match="no email or phone column"):
        read(referral_file("referral_code,first_name\nAAAA-BBBB,Ana\n"))


def test_spanish_headers_in_a_latin_1_file(referral_file):
    path = referral_file(
        "Código Referido;Nombre;Correo Electrónico;Consentimiento\n"
        "7kq2-m9xa;José;j@example.com;sí\n",
        "latin-1",
    )

    [row] = read(path)

    assert row.fields == {"first_name": "José", "email": "j@example.com"}
    assert row.origin["referral_code"] == "7KQ2-M9XA"
    assert row.consent["method"] == METHOD


def test_an_empty_csv_is_refused(referral_file):
    with pytest.raises(LeadSourceError, match="empty"):
        read(referral_file(""))


def test_a_missing_csv_is_refused(tmp_path):
    with pytest.raises(LeadSourceError, match=r"nowhere\.csv"):
        read(tmp_path / "nowhere.csv")


def test_the_bundled_csv_sample_is_readable():
    rows = read(SAMPLES / "referrals.csv")

    assert all(isinstance(row, LeadRow) for row in rows)
    assert [row.line for row in rows] == [2, 3, 4]


def test_the_source_is_registered_by_its_plugin(clientela_plugins):
    source = clientela_plugins.lead_sources()["referrals"]

    assert isinstance(source, ReferralSource)
    assert source.reads_files and source.parses_payloads
