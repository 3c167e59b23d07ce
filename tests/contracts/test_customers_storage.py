"""The customers fake unit of work answers as the MongoDB one does."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pymongo
import pytest
from pymongo import monitoring

from clientela.services.customers.dependencies import CustomersStorage, FakeCustomersStorage
from clientela.services.customers.documents import Letter
from clientela.services.customers.service import DOCUMENTS
from clientela.storage import RecordedEvents

CREATED_AT = datetime(2026, 3, 1, 12, 30, 15, 123000, tzinfo=UTC)


@pytest.fixture(params=["fake", pytest.param("mongodb", marks=pytest.mark.integration)])
def uow(request):
    if request.param == "fake":
        return FakeCustomersStorage()
    database = request.getfixturevalue("service_database")("customers")
    return CustomersStorage(database, RecordedEvents())


def customer(customer_id: str, prospect_id: str) -> dict:
    return {
        "_id": customer_id,
        "prospect_id": prospect_id,
        "email": None,
        "first_name": "Ana",
        "last_name": "Ruiz",
        "phone": "",
        "company": "",
        "captive": True,
        "origin_source": "fairs",
        "created_at": CREATED_AT,
    }


def purchase(purchase_id: str, amount: str) -> dict:
    return {
        "_id": purchase_id,
        "customer_id": "C-1",
        "amount": Decimal(amount),
        "currency": "MXN",
        "product_line": "",
        "purchased_at": CREATED_AT,
    }


def test_a_prospect_becomes_one_customer_announced_once(uow):
    assert uow.add_captive_customer(customer("C-1", "P-1"), {"id": "E-1"}) is None
    assert uow.add_captive_customer(customer("C-2", "P-1"), {"id": "E-2"}) == "C-1"

    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]
    assert uow.find_customer("C-1") == customer("C-1", "P-1")
    assert uow.find_customer_by_prospect("P-1") == customer("C-1", "P-1")
    assert uow.find_customer("C-2") is None


def test_customers_that_do_not_exist_are_none(uow):
    uow.add_captive_customer(customer("C-1", "P-1"), {"id": "E-1"})

    assert uow.find_customer("C-404") is None
    assert uow.find_customer_by_prospect("P-404") is None


def test_a_purchase_is_inserted_once_with_its_exact_amount(uow):
    assert uow.add_purchase(purchase("F-1", "499.90"), {"id": "E-1"}) is None
    stored = uow.add_purchase(purchase("F-1", "1"), {"id": "E-2"})

    assert stored == purchase("F-1", "499.90")
    assert str(stored["amount"]) == "499.90"
    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]


def operator_customer(customer_id: str, **fields) -> dict:
    return {
        "_id": customer_id,
        "email": f"{customer_id}@example.com",
        "first_name": "Ana",
        "company": "",
        "captive": False,
        "created_at": CREATED_AT,
        "version": 0,
        **fields,
    }


def contract(contract_id: str, **fields) -> dict:
    return {
        "_id": contract_id,
        "customer_id": "C-1",
        "value": Decimal("12000.50"),
        "currency": "MXN",
        "signed_at": CREATED_AT,
        "due_at": CREATED_AT + timedelta(days=30),
        "delivered_at": None,
        "status": "open",
        **fields,
    }


def invoice(invoice_id: str, **fields) -> dict:
    return {
        "_id": invoice_id,
        "customer_id": "C-1",
        "amount": Decimal("800.10"),
        "currency": "MXN",
        "issued_at": CREATED_AT,
        "due_at": CREATED_AT + timedelta(days=30),
        "paid_at": None,
        **fields,
    }


def test_an_operator_customer_is_inserted_once_under_its_reference(uow):
    assert uow.add_customer(operator_customer("CU-1"), {"id": "E-1"}) is None
    assert uow.add_customer(operator_customer("CU-1", company="X"), {"id": "E-2"}) == (
        operator_customer("CU-1")
    )

    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]
    assert uow.find_customer("CU-1") == operator_customer("CU-1")
    assert uow.find_customer_by_prospect("P-1") is None


def test_an_edit_is_written_with_its_history_only_at_the_version_read(uow):
    uow.add_customer(operator_customer("CU-1"), {"id": "E-1"})
    change = {"changed_by": "maria", "changed_at": CREATED_AT, "changes": [{"field": "phone"}]}

    assert uow.save_edit("CU-1", 0, {"phone": "555"}, change, {"id": "E-2"})
    assert not uow.save_edit("CU-1", 0, {"phone": "666"}, change, {"id": "E-3"})

    assert uow.find_customer("CU-1") == operator_customer("CU-1", phone="555", version=1)
    assert uow.customer_history("CU-1") == [change]
    assert uow.customer_history("CU-404") == []
    assert [e["id"] for e in uow.events.envelopes] == ["E-1", "E-2"]


def test_a_captive_customer_never_edited_is_edited_at_no_version(uow):
    uow.add_captive_customer(customer("C-1", "P-1"), {"id": "E-1"})

    assert uow.save_edit("C-1", None, {"phone": "555"}, {"changed_by": "li"}, {"id": "E-2"})
    assert uow.find_customer("C-1")["version"] == 1


def test_a_contract_moves_to_a_new_state_only_from_the_state_read(uow):
    assert uow.add_contract(contract("K-1"), {"id": "E-1"}) is None
    assert uow.add_contract(contract("K-1", status="cancelled"), {"id": "E-2"}) == contract("K-1")
    delivered = {"delivered_at": CREATED_AT, "status": "delivered"}
    read = {"delivered_at": None, "status": "open"}

    assert uow.update_contract("K-1", read, delivered, {"id": "E-3"})
    assert not uow.update_contract("K-1", read, {"status": "breached"}, {"id": "E-4"})

    assert uow.contracts_of("C-1") == [contract("K-1", **delivered)]
    assert [e["id"] for e in uow.events.envelopes] == ["E-1", "E-3"]


def test_an_invoice_is_paid_once_and_listed_by_due_date(uow):
    uow.add_invoice(invoice("I-2", due_at=CREATED_AT + timedelta(days=60)), {"id": "E-1"})
    uow.add_invoice(invoice("I-1"), {"id": "E-2"})

    assert uow.update_invoice("I-1", {"paid_at": None}, {"paid_at": CREATED_AT}, {"id": "E-3"})
    assert not uow.update_invoice("I-1", {"paid_at": None}, {"paid_at": CREATED_AT}, {"id": "E-4"})

    assert [i["_id"] for i in uow.invoices_of("C-1")] == ["I-1", "I-2"]
    assert uow.invoices_of("C-1")[0]["paid_at"] == CREATED_AT
    assert uow.invoices_of("C-2") == []


def test_purchases_are_paged_latest_first(uow):
    for day in range(5):
        bought = {**purchase(f"F-{day}", "10"), "purchased_at": CREATED_AT + timedelta(days=day)}
        uow.add_purchase(bought, {"id": f"E-{day}"})

    pages = [[p["_id"] for p in uow.purchases_of("C-1", skip, 2)] for skip in (0, 2, 4)]

    assert pages == [["F-4", "F-3"], ["F-2", "F-1"], ["F-0"]]
    assert uow.purchases_of("C-2", 0, 2) == []


def test_a_batch_of_purchases_is_inserted_and_announced_but_for_ids_taken(uow):
    uow.add_purchase(purchase("F-1", "10"), {"id": "E-1"})

    taken = uow.add_purchases(
        [purchase("F-1", "99"), purchase("F-2", "20"), purchase("F-3", "30")],
        [{"id": "E-2"}, {"id": "E-3"}, {"id": "E-4"}],
    )

    assert taken == {"F-1"}
    assert [e["id"] for e in uow.events.envelopes] == ["E-1", "E-3", "E-4"]
    stored = uow.purchases_by_ids(["F-1", "F-2", "F-3", "F-404"])
    assert {ref: p["amount"] for ref, p in stored.items()} == {
        "F-1": Decimal("10"),
        "F-2": Decimal("20"),
        "F-3": Decimal("30"),
    }


def test_customers_are_found_in_bulk_by_id_and_by_e_mail(uow):
    uow.add_customer(operator_customer("CU-2", email="shared@example.com"), {"id": "E-1"})
    uow.add_customer(operator_customer("CU-1", email="shared@example.com"), {"id": "E-2"})
    uow.add_customer(operator_customer("CU-3"), {"id": "E-3"})

    by_id = uow.customers_by_ids(["CU-1", "CU-3", "CU-404"])
    by_email = uow.customers_by_emails(["shared@example.com", "nobody@example.com"])

    assert sorted(by_id) == ["CU-1", "CU-3"]
    assert {email: c["_id"] for email, c in by_email.items()} == {
        "shared@example.com": "CU-1",  # the first by id, as find_customer_by_email has it
    }
    assert "history" not in by_id["CU-1"] and "outbox" not in by_id["CU-1"]


def test_a_customer_s_purchase_facts_are_their_amounts_dates_and_lines(uow):
    uow.add_purchase({**purchase("F-1", "10.50"), "product_line": "seeds"}, {"id": "E-1"})
    uow.add_purchase({**purchase("F-2", "4"), "product_line": "tools"}, {"id": "E-2"})

    facts = sorted(uow.purchase_facts_of("C-1"), key=lambda fact: fact["_id"])

    assert [(f["amount"], f["product_line"], f["purchased_at"]) for f in facts] == [
        (Decimal("10.50"), "seeds", CREATED_AT),
        (Decimal("4"), "tools", CREATED_AT),
    ]
    assert uow.purchase_facts_of("C-2") == []


def test_classification_input_and_results_round_trip_and_the_job_stays_stale_if_noted_later(uow):
    uow.add_customer(operator_customer("CU-1", typology="prescriber"), {"id": "E-1"})
    uow.add_purchase({**purchase("F-1", "10.50"), "customer_id": "CU-1"}, {"id": "E-2"})
    assert uow.classification_job() == {}
    uow.mark_classification_stale(CREATED_AT + timedelta(hours=2))
    uow.mark_classification_stale(CREATED_AT + timedelta(hours=1))

    customers, purchases = uow.classification_input()
    assert customers == [{"_id": "CU-1", "created_at": CREATED_AT, "typology": "prescriber"}]
    assert [(p["customer_id"], p["amount"]) for p in purchases] == [("CU-1", Decimal("10.50"))]

    uow.save_classifications({"CU-1": {"labels": ["A", "new"]}}, CREATED_AT)
    assert uow.classification_job()["stale_since"] == CREATED_AT + timedelta(hours=1)
    uow.save_classifications({}, CREATED_AT + timedelta(hours=3))
    assert uow.classification_job() == {
        "_id": "classification",
        "last_run_at": CREATED_AT + timedelta(hours=3),
    }
    assert uow.classification_input()[0][0]["classification"] == {"labels": ["A", "new"]}


def test_customers_are_found_by_class_label_and_typology(uow):
    for ref, labels, typology in (
        ("CU-1", ["A", "new"], "prescriber"),
        ("CU-2", ["A", "existing"], None),
        ("CU-3", ["C", "new"], "prescriber"),
    ):
        uow.add_customer(operator_customer(ref, typology=typology), {"id": ref})
        uow.save_classifications({ref: {"labels": labels}}, CREATED_AT)

    def refs(label, typology, skip=0, limit=10):
        return [c["_id"] for c in uow.customers_by_class(label, typology, skip, limit)]

    assert refs("A", None) == ["CU-1", "CU-2"]
    assert refs("new", "prescriber") == ["CU-1", "CU-3"]
    assert refs(None, "prescriber", skip=1) == ["CU-3"]
    assert refs(None, None, limit=1) == ["CU-1"]


def test_a_lost_mark_moves_only_from_the_mark_read(uow):
    uow.add_customer(operator_customer("CU-1"), {"id": "E-1"})
    lost = {"lost_at": CREATED_AT, "reason": "closed down"}

    assert uow.save_lost("CU-1", None, lost, {"id": "E-2"})
    assert not uow.save_lost("CU-1", None, {**lost, "reason": "other"}, {"id": "E-3"})

    assert uow.find_customer("CU-1")["lost"] == lost
    assert [e["id"] for e in uow.events.envelopes] == ["E-1", "E-2"]


def test_invoices_owed_at_a_date_are_the_unpaid_and_those_paid_later(uow):
    uow.add_invoice(invoice("I-1"), {"id": "E-1"})
    uow.add_invoice(invoice("I-2", paid_at=CREATED_AT + timedelta(days=5)), {"id": "E-2"})
    uow.add_invoice(invoice("I-3", paid_at=CREATED_AT + timedelta(days=1)), {"id": "E-3"})

    owed = uow.outstanding_invoices(CREATED_AT + timedelta(days=2))

    assert sorted(i["_id"] for i in owed) == ["I-1", "I-2"]
    assert sorted(i["_id"] for i in uow.paid_invoices()) == ["I-2", "I-3"]


def test_a_letter_is_recorded_once_a_day_and_listed_oldest_first(uow):
    def letter(day: int) -> dict:
        return {
            "_id": f"CU-1:{day}",
            "customer_id": "CU-1",
            "step": 1,
            "template": f"t-{day}",
            "sent_on": CREATED_AT + timedelta(days=day),
            "overdue_amount": Decimal("10.00"),
            "invoice_refs": ["I-1"],
            "delivery": "file",
            "path": "/tmp/letter.txt",
        }

    assert uow.add_letter(letter(7))
    assert uow.add_letter(letter(0))
    assert not uow.add_letter(letter(7))

    assert [x["template"] for x in uow.letters_of("CU-1")] == ["t-0", "t-7"]
    assert uow.letters_of("CU-1")[0]["overdue_amount"] == Decimal("10.00")


def test_a_customer_is_found_by_email_and_a_record_by_its_reference(uow):
    uow.add_customer(operator_customer("CU-2", email="ana@example.com"), {"id": "E-1"})
    uow.add_customer(operator_customer("CU-1", email="ana@example.com"), {"id": "E-2"})
    uow.add_contract(contract("K-1"), {"id": "E-3"})
    uow.add_invoice(invoice("I-1"), {"id": "E-4"})
    uow.add_purchase(purchase("F-1", "10"), {"id": "E-5"})

    assert uow.find_customer_by_email("ana@example.com")["_id"] == "CU-1"
    assert uow.find_customer_by_email("who@example.com") is None
    assert uow.find_record("contracts", "K-1") == contract("K-1")
    assert uow.find_record("invoices", "I-1") == invoice("I-1")
    assert uow.find_record("purchases", "F-1") == purchase("F-1", "10")
    assert uow.find_record("purchases", "F-404") is None


QUERYING = {"find": "filter", "update": "updates", "findAndModify": "query", "count": "query"}


class QueryRecorder(monitoring.CommandListener):
    """Keeps the collection and filter of every query sent to one database."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.queries: list[tuple[str, dict]] = []

    def started(self, event):
        command = event.command
        if event.database_name != self.database or event.command_name not in QUERYING:
            return
        collection = command[event.command_name]
        if event.command_name == "update":
            self.queries += [(collection, update["q"]) for update in command["updates"]]
        else:
            self.queries.append((collection, command.get(QUERYING[event.command_name], {})))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def plan_stages(plan: dict) -> list[str]:
    stages = [plan.get("stage", "")]
    for key in ("inputStage", "inputStages"):
        children = plan.get(key, [])
        for child in children if isinstance(children, list) else [children]:
            stages += plan_stages(child)
    return stages


@pytest.mark.integration
def test_every_query_of_the_storage_uses_an_index(clientela_settings):
    name = clientela_settings.database_name("customers")
    recorder = QueryRecorder(name)
    client = pymongo.MongoClient(
        clientela_settings.mongo_uri, tz_aware=True, event_listeners=[recorder]
    )
    try:
        for document in (*DOCUMENTS, Letter):  # the indexes the service creates when it starts
            for index in document._meta["index_specs"]:
                options = {k: v for k, v in index.items() if k != "fields"}
                client[name][document._meta["collection"]].create_index(index["fields"], **options)
        uow = CustomersStorage(client[name], RecordedEvents())
        uow.add_captive_customer(customer("C-1", "P-1"), {"id": "E-1"})
        uow.add_customer(operator_customer("CU-1"), {"id": "E-2"})
        uow.find_customer("CU-1")
        uow.find_customer_by_prospect("P-1")
        uow.save_edit("CU-1", 0, {"phone": "555"}, {"changed_by": "li"}, {"id": "E-3"})
        uow.customer_history("CU-1")
        uow.add_purchase(purchase("F-1", "10"), {"id": "E-4"})
        uow.purchases_of("C-1", 0, 10)
        uow.purchase_facts_of("C-1")
        uow.add_purchases([purchase("F-2", "10")], [{"id": "E-10"}])
        uow.add_customers([operator_customer("CU-9")], [{"id": "E-11"}])
        uow.purchases_by_ids(["F-1", "F-2"])
        uow.customers_by_ids(["C-1", "CU-1"])
        uow.customers_by_emails(["CU-1@example.com"])
        uow.add_contract(contract("K-1"), {"id": "E-5"})
        uow.update_contract("K-1", {"status": "open"}, {"status": "cancelled"}, {"id": "E-6"})
        uow.contracts_of("C-1")
        uow.add_invoice(invoice("I-1"), {"id": "E-7"})
        uow.update_invoice("I-1", {"paid_at": None}, {"paid_at": CREATED_AT}, {"id": "E-8"})
        uow.invoices_of("C-1")
        uow.outstanding_invoices(CREATED_AT)
        uow.paid_invoices()
        uow.customers_by_class("A", None, 0, 10)
        uow.customers_by_class("A", "prescriber", 0, 10)
        uow.customers_by_class(None, "prescriber", 0, 10)
        uow.save_lost("CU-1", None, {"lost_at": CREATED_AT, "reason": "gone"}, {"id": "E-9"})
        uow.letters_of("C-1")
        uow.find_customer_by_email("CU-1@example.com")

        scans = []
        for collection, query in recorder.queries:
            if isinstance(query.get("_id"), str):
                # a guarded write on one _id ({_id: X, version: 3}) is a primary-key lookup
                # for SecantusDB, although its explain reports such filters as a scan
                continue
            explained = client[name].command("explain", {"find": collection, "filter": query})
            if "COLLSCAN" in plan_stages(explained["queryPlanner"]["winningPlan"]):
                scans.append((collection, query))
    finally:
        client.close()

    assert any("customer_id" in query for _, query in recorder.queries), "nothing recorded"
    assert scans == [], "\n".join(map(str, scans))


def test_customers_and_their_purchases_are_replayed_a_page_at_a_time_in_id_order(uow):
    for customer_id in ("C-2", "C-1", "C-3"):
        uow.add_customer(customer(customer_id, f"P-{customer_id}"), {"id": f"E-{customer_id}"})
    uow.add_purchase(purchase("PU-2", "12.50"), {"id": "E-PU-2"})
    uow.add_purchase(purchase("PU-1", "80.00"), {"id": "E-PU-1"})

    first = uow.replay_documents("customers", None, 2)

    assert first == [customer("C-1", "P-C-1"), customer("C-2", "P-C-2")]
    assert [c["_id"] for c in uow.replay_documents("customers", "C-2", 2)] == ["C-3"]
    assert uow.replay_documents("purchases", "PU-1", 5) == [purchase("PU-2", "12.50")]
