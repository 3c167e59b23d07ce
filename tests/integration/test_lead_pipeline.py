"""The lead pipeline on real services: every way in, one profile per person, follow-up, KPI."""

import http.client
import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from kombu import Connection, Producer

from clientela.cli.client import wait_for
from clientela.cli.file_import import import_file
from clientela.clock import utcnow
from clientela.errors import Conflict, InvalidInput
from clientela.messaging import inbox_exchange
from clientela.plugin_manager import load_plugins
from clientela.testing import TEST_API_KEY
from clientela.web import meta_signature

VISITORS = """nombre,apellidos,correo,telefono,empresa,cargo,intereses
Ana,RUIZ,ana@example.com,55 1111 2222,"Textiles Ruiz, S.A. de C.V.",Directora de compras,Telas
Beto,Sosa,beto@example.com,,Sosa y Hnos,,
Carla,Díaz,carla@example,,Díaz SA,,
Anna,Ruiz,,55 1111 2223,TEXTILES RUIZ SA DE CV,,
Dora,León,,+34 612 345 678,,,
"""

META_LEAD = {
    "id": "1203948576112233",
    "created_time": "2026-11-20T10:15:00+0000",
    "campaign_name": "Invierno 2026",
    "form_id": "555012345678901",
    "platform": "fb",
    "field_data": [
        {"name": "full_name", "values": ["Eva Luna"]},
        {"name": "email", "values": ["EVA@example.com"]},
        {"name": "company_name", "values": ["Luna Agro"]},
    ],
    "custom_disclaimer_responses": [{"checkbox_key": "contacto", "is_checked": "1"}],
}


@pytest.fixture
def rpc(clientela_module_platform):
    return clientela_module_platform("prospects", "customers", "kpi")


@pytest.fixture
def clientela_settings(clientela_module_settings):
    """The module's settings: its tests share the services they run on."""
    return clientela_module_settings


@pytest.fixture
def visitors(tmp_path):
    path = tmp_path / "visitors.csv"
    path.write_text(VISITORS, encoding="utf-8")
    return path


def import_fair(rpc, path, **options):
    return import_file(
        load_plugins({}).lead_sources()["fairs"],
        path,
        {"fair": "Expo Norte", **options},
        lambda rows, origin: rpc.prospects.capture_leads.call_async("fairs", rows, origin),
    )


def one(rpc, **filters):
    [prospect] = rpc.prospects.find(**filters)["prospects"]
    return prospect


def month(rpc):
    periods = rpc.kpi.indicators("month")["periods"]
    return periods[-1] if periods else {}


def post(settings, path, payload, headers=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    request = urllib.request.Request(
        f"http://{settings.http_address}{path}",
        data=body,
        headers=headers
        or {"Content-Type": "application/json", "Authorization": f"Bearer {TEST_API_KEY}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_fair_file_becomes_clean_profiles_one_per_person_and_counts_in_kpi(rpc, visitors):
    summary = import_fair(rpc, visitors, fair_date="2026-11-20")

    assert (summary.rows, summary.created, summary.merged) == (5, 4, 0)
    assert summary.rejected == [(4, "email: Not a valid email address.")]
    ana = one(rpc, email="ana@example.com")
    assert (ana["last_name"], ana["phone"]) == ("Ruiz", "+525511112222")
    assert ana["origin"] == {"fair": "Expo Norte", "fair_date": "2026-11-20"}
    assert ana["completeness"] == 90.0  # everything but consent, weighing 10
    assert ana["score"] == 50  # decision maker 20, needs stated 20, reachable 10
    assert one(rpc, phone="+34 612 345 678")["first_name"] == "Dora"
    # "Anna Ruiz" at the same company, with another phone, may be her: for review, not merged
    anna = one(rpc, phone="5511112223")
    assert anna["id"] != ana["id"]
    [pair] = rpc.prospects.duplicates()["pairs"]
    assert {person["id"] for person in pair["people"]} == {ana["id"], anna["id"]}

    kpi = wait_for(lambda: month(rpc), lambda m: m.get("I1_new_prospects") == 4)
    assert kpi["I1_by_fair"] == {"Expo Norte": 4}
    assert import_fair(rpc, visitors).created == 0  # re-import: nothing new


def test_leads_pushed_over_http_and_the_queue_land_with_origin_and_consent(rpc, clientela_settings):
    status, report = post(clientela_settings, "/leads/social", [META_LEAD, {"nonsense": 1}])
    assert status == 200
    assert (report["created"], len(report["rejected"])) == (1, 1)
    eva = one(rpc, email="eva@example.com")
    assert eva["origin"]["channel"] == "facebook"
    assert eva["origin"]["campaign"] == "Invierno 2026"
    assert eva["consent"]["method"] == "Meta lead ads form"

    status, error = post(clientela_settings, "/leads/nowhere", {})
    assert status == 404
    assert "nowhere" in error["message"]

    with Connection(clientela_settings.amqp_uri) as connection:
        Producer(connection.default_channel).publish(
            {"email": "fede@example.com", "utm_campaign": "primavera", "utm_source": "google"},
            exchange=inbox_exchange("prospects"),
            routing_key="leads.webforms",
            serializer="json",
            declare=[inbox_exchange("prospects")],
        )
    fede = wait_for(
        lambda: rpc.prospects.find(email="fede@example.com")["prospects"], lambda found: found
    )[0]
    assert fede["origin"] == {"campaign": "primavera", "channel": "google"}
    assert rpc.prospects.find(campaign="primavera")["total"] == 1


def test_a_lead_matching_two_profiles_merges_them_and_an_operator_can_undo_it(rpc, tmp_path):
    for name, row in (("email.csv", "ana@example.com,"), ("phone.csv", ",5522223333")):
        (tmp_path / name).write_text(f"correo,telefono\n{row}\n", encoding="utf-8")
        import_fair(rpc, tmp_path / name)
    by_phone = one(rpc, phone="5522223333")
    due = (utcnow() + timedelta(days=1)).isoformat()
    task = rpc.prospects.add_follow_up(by_phone["id"], "call back", due, "carmen")
    bridge = tmp_path / "bridge.csv"
    bridge.write_text("correo,telefono,nombre\nana@example.com,5522223333,Ana\n", "utf-8")
    assert import_fair(rpc, bridge).merged == 1

    ana = one(rpc, email="ana@example.com")
    assert len(ana["merges"]) == 1
    assert ana["phone"] == "+525522223333"
    assert rpc.prospects.find()["total"] == 1  # the merged profile counts once
    kpi = wait_for(lambda: month(rpc), lambda m: m.get("I1_new_prospects") == 1)
    assert kpi["I1_new_prospects"] == 1

    merged_id = ana["merges"][0]["prospect_id"]
    assert [t["id"] for t in rpc.prospects.follow_ups(ana["id"])] == [task["id"]]
    restored = rpc.prospects.unmerge(merged_id, "supervisor")
    assert [t["id"] for t in rpc.prospects.follow_ups(merged_id)] == [task["id"]]
    assert (restored["merged_into"], restored["phone"]) == (None, "+525522223333")
    assert len(rpc.prospects.get(ana["id"])["captures"]) == 2  # its own and the bridge
    assert rpc.prospects.find()["total"] == 2
    wait_for(lambda: month(rpc), lambda m: m.get("I1_new_prospects") == 2)
    with pytest.raises(Conflict, match="not merged"):
        rpc.prospects.unmerge(merged_id, "supervisor")

    bridge.write_text("correo,telefono,nombre\nana@example.com,5522223333,Ana R.\n", "utf-8")
    import_fair(rpc, bridge)  # the operator kept them apart: no merge again
    assert rpc.prospects.find()["total"] == 2
    with pytest.raises(Conflict, match="apart"):
        rpc.prospects.merge(ana["id"], merged_id, "someone")


def test_operator_merges_refuse_what_cannot_be_undone_cleanly(rpc, tmp_path):
    for name, email in (("a.csv", "a@example.com"), ("b.csv", "b@example.com")):
        (tmp_path / name).write_text(f"correo\n{email}\n", encoding="utf-8")
        import_fair(rpc, tmp_path / name)
    a, b = one(rpc, email="a@example.com"), one(rpc, email="b@example.com")
    rpc.prospects.convert(b["id"], "contract")

    with pytest.raises(Conflict, match="converted; merge the other profile into it"):
        rpc.prospects.merge(a["id"], b["id"], "supervisor")
    merged = rpc.prospects.merge(b["id"], a["id"], "supervisor", "same person, two e-mails")
    assert merged["merges"][0]["reason"] == "same person, two e-mails"
    assert rpc.prospects.merge(b["id"], a["id"], "supervisor")["merges"] == merged["merges"]
    with pytest.raises(Conflict, match="merged into"):
        rpc.prospects.change_status(a["id"], "qualified")
    assert one(rpc, email="a@example.com")["id"] == b["id"]  # its e-mail finds the survivor


def test_a_pushed_message_that_cannot_succeed_is_parked_at_once_with_its_routing_key(
    rpc, clientela_settings
):
    with Connection(clientela_settings.amqp_uri) as connection:
        Producer(connection.default_channel).publish(
            {"email": "x@example.com"},
            exchange=inbox_exchange("prospects"),
            routing_key="leads.nowhere",
            serializer="json",
        )
        parked = "prospects.handle_pushed_leads.parked"
        channel = connection.default_channel
        message = wait_for(lambda: channel.basic_get(parked, no_ack=True))
    assert message.headers["x-original-routing-key"] == "leads.nowhere"
    assert "no lead source 'nowhere'" in message.headers["x-clientela-error"]
    assert "x-clientela-attempt" not in message.headers  # no retries for a permanent error


def test_a_pushed_message_with_rejected_leads_is_parked_and_its_good_leads_land(
    rpc, clientela_settings
):
    submissions = {
        "submissions": [
            {"first_name": "Gema", "email": "gema@example.com", "submitted_at": "2026-03-01"},
            {"first_name": "Hugo", "email": "hugo(at)example.com", "submitted_at": "2026-03-01"},
        ]
    }
    with Connection(clientela_settings.amqp_uri) as connection:
        Producer(connection.default_channel).publish(
            submissions,
            exchange=inbox_exchange("prospects"),
            routing_key="leads.webforms",
            serializer="json",
        )
        parked = "prospects.handle_pushed_leads.parked"
        channel = connection.default_channel
        message = wait_for(lambda: channel.basic_get(parked, no_ack=True))
    assert json.loads(message.body) == submissions  # kept whole, to fix and replay
    assert "lead 2: email: Not a valid email address." in message.headers["x-clientela-error"]
    assert "x-clientela-attempt" not in message.headers
    assert rpc.prospects.find(email="gema@example.com")["total"] == 1


def test_rows_that_could_not_be_stored_are_refused_by_field(rpc):
    report = rpc.prospects.capture_leads(
        "webforms",
        [
            {"line": 2, "fields": {"email": "ok@example.com"}},
            {"line": 3, "fields": {"email": "a@example.com"}, "extra": {"tags": ["x"]}},
            {
                "line": 4,
                "fields": {"email": "b@example.com"},
                "consent": {
                    "purpose": "news",
                    "given_at": "9999-12-31T23:00-05:00",
                    "method": "form",
                },
            },
            {"line": 10**12, "fields": {"email": "c@example.com"}},
        ],
    )
    assert report["created"] == 1
    errors = {rejected["line"]: rejected["errors"] for rejected in report["rejected"]}
    assert list(errors[3]) == ["extra"]
    assert list(errors[4]) == ["consent.given_at"]
    assert list(errors[10**12]) == ["line"]


def test_follow_up_from_first_contact_to_conversion(rpc, visitors):
    import_fair(rpc, visitors)
    beto = one(rpc, email="beto@example.com")

    with pytest.raises(InvalidInput, match="reason"):
        rpc.prospects.change_status(beto["id"], "disqualified")
    with pytest.raises(InvalidInput, match="outcome"):
        rpc.prospects.log_interaction(beto["id"], kind="call", mode="phone", outcome="meh")

    rpc.prospects.log_interaction(beto["id"], kind="call", mode="phone", outcome="no_answer")
    assert rpc.prospects.get(beto["id"])["status"] == "new"  # nobody was reached
    rpc.prospects.log_interaction(
        beto["id"], kind="visit", mode="in_person", outcome="interested", notes="wants a demo"
    )
    beto = rpc.prospects.get(beto["id"])
    assert beto["status"] == "contacted"
    assert beto["first_contact_at"] is not None
    assert beto["score"] == 10  # engaged: one interaction that went well

    late = (utcnow() - timedelta(days=1)).isoformat()
    task = rpc.prospects.add_follow_up(beto["id"], "send the quote", late, "carmen")
    soon = (utcnow() + timedelta(days=3)).isoformat()
    rpc.prospects.add_follow_up(beto["id"], "call back", soon, "carmen")
    assert [t["id"] for t in rpc.prospects.overdue_follow_ups("carmen")] == [task["id"]]
    rpc.prospects.complete_follow_up(task["id"])
    assert rpc.prospects.overdue_follow_ups() == []

    rpc.prospects.change_status(beto["id"], "qualified")
    converted = rpc.prospects.convert(beto["id"], "contract", "C-1")
    assert rpc.prospects.convert(beto["id"], "purchase")["conversion"] == converted["conversion"]
    with pytest.raises(Conflict, match="cannot go from converted to new"):
        rpc.prospects.change_status(beto["id"], "new")

    kpi = wait_for(lambda: month(rpc), lambda m: m.get("conversions") == 1)
    assert kpi["I2_first_contacts"] == 1
    assert kpi["I4_conversion_rate"] == pytest.approx(25.0)  # 1 of 4 prospects
    assert wait_for(lambda: rpc.prospects.get(beto["id"]), lambda p: p["customer_id"])


def test_search_filters_and_pages(rpc, visitors):
    import_fair(rpc, visitors)
    page = rpc.prospects.find(limit=2)
    assert (page["total"], len(page["prospects"])) == (4, 2)
    assert rpc.prospects.find(limit=2, offset=2)["prospects"][0]["id"] not in {
        p["id"] for p in page["prospects"]
    }
    assert rpc.prospects.find(min_score=30)["total"] == 1
    assert rpc.prospects.find(fair="Expo Sur")["total"] == 0
    assert rpc.prospects.find(source="fairs", status="new")["total"] == 4
    with pytest.raises(InvalidInput, match="captured_to"):
        rpc.prospects.find(captured_from="2026-12-01T00:00Z", captured_to="2026-11-01T00:00Z")


def test_a_referred_lead_that_converts_rewards_its_referrer(clientela_platform, clientela_settings):
    rpc = clientela_platform("prospects", "customers", "loyalty")
    post(clientela_settings, "/leads/webforms", {"email": "rita@example.com"})
    rita = one(rpc, email="rita@example.com")
    rpc.prospects.convert(rita["id"], "purchase", "T-7")
    customer = wait_for(lambda: rpc.customers.find_by_prospect(rita["id"]), not_yet=(Exception,))
    code = wait_for(lambda: rpc.loyalty.referral_code(customer["id"]), not_yet=(Exception,))

    referral = {"referral_code": code.lower(), "friend": {"email": "sam@example.com"}}
    status, report = post(clientela_settings, "/leads/referrals", referral)
    assert (status, report["created"]) == (200, 1)
    sam = one(rpc, email="sam@example.com")
    assert sam["origin"]["referral_code"] == code
    assert sam["score"] == 15  # referred
    rpc.prospects.convert(sam["id"], "contract", "C-9")

    balance = wait_for(lambda: rpc.loyalty.balance(customer["id"]), lambda b: b["points"])
    assert balance["points"] == clientela_settings.referral_reward_points


LEAD = {"first_name": "Iván", "email": "ivan@example.com"}
JSON = {"Content-Type": "application/json"}


def test_pushed_leads_need_an_api_key_or_the_source_signature(rpc, clientela_settings):
    body = json.dumps(LEAD).encode()

    assert post(clientela_settings, "/leads/webforms", LEAD, JSON)[0] == 401
    wrong = {**JSON, "Authorization": "Bearer guessed"}
    assert post(clientela_settings, "/leads/webforms", LEAD, wrong)[0] == 401
    forged = {**JSON, "X-Hub-Signature-256": meta_signature("not-the-secret", body)}
    assert post(clientela_settings, "/leads/webforms", body, forged)[0] == 401
    assert rpc.prospects.find(email="ivan@example.com")["total"] == 0

    assert post(clientela_settings, "/leads/webforms", LEAD)[0] == 200
    assert rpc.prospects.find(email="ivan@example.com")["total"] == 1


def test_a_valid_meta_signature_is_accepted_without_a_key(clientela_settings, clientela_platform):
    settings = clientela_settings.replace(meta_app_secret="app-secret")
    rpc = clientela_platform("prospects", settings=settings)
    body = json.dumps(META_LEAD).encode()
    signed = {**JSON, "X-Hub-Signature-256": meta_signature("app-secret", body)}

    status, report = post(settings, "/leads/social", body, signed)

    assert (status, report["created"]) == (200, 1)
    assert rpc.prospects.find(email="eva@example.com")["total"] == 1


def test_ingress_refuses_what_it_cannot_take_before_parsing(rpc, clientela_settings):
    key = {"Authorization": f"Bearer {TEST_API_KEY}"}
    as_text = {**key, "Content-Type": "text/plain"}
    assert post(clientela_settings, "/leads/webforms", LEAD, as_text)[0] == 415

    # refused on its Content-Length, before a byte of the body is read
    host, port = clientela_settings.http_address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", "/leads/webforms")
    for name, value in {**JSON, **key}.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(clientela_settings.max_request_bytes + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert (response.status, json.loads(response.read())["error"]) == (413, "PayloadTooLarge")
    connection.close()

    nested = b"[" * 5000 + b"]" * 5000
    status, error = post(clientela_settings, "/leads/webforms", nested)
    assert status == 400
    assert error["errors"] == {"body": ["Not JSON, or nested too deep."]}
