"""Customers from the command line: the 360-degree view, listing by class, ageing, dunning
and the census of a prospect converted into a customer."""

import json

from clientela.cli.client import wait_for

LEADS = "First Name;Last Name;E-mail;Company\nIris;Navarro;iris@example.org;Navarro SL\n"


def test_a_converted_prospect_is_seen_whole_listed_and_counted(clientela, env, platform, tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS, encoding="utf-8")
    assert clientela(env, "import", "fairs", str(leads), "-o", "fair=Expo").returncode == 0
    [iris] = json.loads(clientela(env, "prospects", "find", "--json").stdout)["prospects"]
    converted = clientela(env, "prospects", "convert", iris["id"], "--basis", "contract")
    assert converted.returncode == 0, converted.stderr

    def profile():
        return json.loads(clientela(env, "prospects", "show", iris["id"], "--json").stdout)

    customer_id = wait_for(profile, lambda p: p.get("customer_id"))["customer_id"]
    view = json.loads(clientela(env, "customers", "show", customer_id, "--json").stdout)
    assert view["profile"]["company"] == "Navarro SL"
    assert view["prospect"]["data"]["id"] == iris["id"]
    shown = clientela(env, "customers", "show", customer_id)
    assert shown.returncode == 0, shown.stderr
    assert "Navarro SL" in shown.stdout and "Owed at" in shown.stdout
    assert "longevity:  0 days" in shown.stdout
    missing = clientela(env, "customers", "show", "CU-404")
    assert missing.returncode == 2 and "CU-404" in missing.stderr

    listed = json.loads(clientela(env, "customers", "list", "--json").stdout)
    assert [c["id"] for c in listed["items"]] == [customer_id]
    census = json.loads(clientela(env, "customers", "census", "--by", "year", "--json").stdout)
    assert [row["new_customers"] for row in census] == [1]
    ageing = json.loads(clientela(env, "customers", "ageing", "--json").stdout)
    assert ageing["total"] == "0" and ageing["customers"] == {}
    dunning = clientela(env, "customers", "dunning", "--send")
    assert dunning.returncode == 0, dunning.stderr
    assert "E-mail is not configured" in dunning.stdout and "(no letter due)" in dunning.stdout


PURCHASES = """Compra,Cliente,Monto,Fecha de compra
P-1,{customer},120.50,2026-03-01
P-2,CU-404,10.00,2026-03-01
"""


def test_purchases_are_imported_from_a_file_with_a_rejects_file(clientela, env, platform, tmp_path):
    customers = tmp_path / "clientes.csv"
    customers.write_text("Ref cliente,Nombre\nCU-1,Ana Ruiz\n", encoding="utf-8")
    imported = clientela(env, "import", "customers", str(customers))
    assert imported.returncode == 0, imported.stderr
    assert "1 rows read: 1 new, 0 updated, 0 already imported, 0 rejected" in imported.stdout

    purchases = tmp_path / "compras.csv"
    purchases.write_text(PURCHASES.format(customer="CU-1"), encoding="utf-8")
    report = json.loads(clientela(env, "import", "purchases", str(purchases), "--json").stdout)
    assert (report["created"], report["rejected"][0]["reason"]) == (
        1,
        "customer_id: no customer 'CU-404'",
    )
    rejects = (tmp_path / "compras.csv.rejects.csv").read_text(encoding="utf-8")
    assert "CU-404" in rejects and "no customer" in rejects
    again = clientela(env, "import", "purchases", str(purchases))
    assert "0 new, 0 updated, 1 already imported, 1 rejected" in again.stdout
