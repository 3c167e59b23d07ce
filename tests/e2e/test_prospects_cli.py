"""Daily work on prospects from the command line: find, show, log, status, convert."""

import json

LEADS = """First Name;Last Name;E-mail;Phone;Company
Iris;Navarro;iris@example.org;+34 600 000 001;Navarro SL
Eva;Mora;eva@example.org;;
"""


def test_a_prospect_is_found_contacted_qualified_and_converted(clientela, env, platform, tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS, encoding="utf-8")
    imported = clientela(env, "import", "fairs", str(leads), "-o", "fair=Expo 2026")
    assert imported.returncode == 0, imported.stderr

    page = json.loads(clientela(env, "prospects", "find", "--fair", "Expo 2026", "--json").stdout)
    assert page["total"] == 2
    [iris] = [p for p in page["prospects"] if p["email"] == "iris@example.org"]
    listed = clientela(env, "prospects", "find", "--email", "iris@example.org")
    assert listed.returncode == 0, listed.stderr
    assert iris["id"] in listed.stdout and "Iris Navarro" in listed.stdout
    assert "1-1 of 1" in listed.stdout

    logged = clientela(
        env, "prospects", "log", iris["id"], "--kind", "call", "--mode", "phone",
        "--outcome", "interested", "--notes", "wants a quote", "--by", "carmen",
    )  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    assert f"call by phone logged on {iris['id']}: interested" in logged.stdout

    profile = json.loads(clientela(env, "prospects", "show", iris["id"], "--json").stdout)
    assert profile["status"] == "contacted"
    assert [(i["by"], i["notes"]) for i in profile["interactions"]] == [("carmen", "wants a quote")]
    assert profile["captures"][0]["origin"]["fair"] == "Expo 2026"
    assert profile["follow_ups"] == []
    shown = clientela(env, "prospects", "show", iris["id"])
    assert "wants a quote" in shown.stdout and "fair: Expo 2026" in shown.stdout

    qualified = clientela(env, "prospects", "status", iris["id"], "qualified")
    assert qualified.stdout.strip() == f"{iris['id']} is qualified", qualified.stderr
    no_reason = clientela(env, "prospects", "status", iris["id"], "disqualified")
    assert no_reason.returncode == 2
    assert "Required when the status becomes disqualified" in no_reason.stderr
    misspelt = clientela(env, "prospects", "status", iris["id"], "won")
    assert misspelt.returncode == 2
    assert "'won' is not one of 'new', 'contacted', 'qualified'" in misspelt.stderr

    converted = clientela(
        env, "prospects", "convert", iris["id"], "--basis", "contract", "--reference", "C-1"
    )
    assert converted.returncode == 0, converted.stderr
    assert f"{iris['id']} converted (contract C-1)" in converted.stdout
    page = json.loads(clientela(env, "prospects", "find", "--status", "converted", "--json").stdout)
    assert [p["id"] for p in page["prospects"]] == [iris["id"]]
    nobody = clientela(env, "prospects", "find", "--min-score", "100")
    assert nobody.stdout.strip() == "(no prospect matches)"
