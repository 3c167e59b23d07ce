"""The ``clientela`` command as a user runs it: separate processes, embedded database."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from clientela.cli.client import wait_for
from clientela.testing import free_port

CLI = str(Path(sys.executable).with_name("clientela"))

VISITORS = """First Name;Last Name;E-mail;Phone;Company;Stand visited
Iris;Navarro;iris@example.org;+34 600 000 001;Navarro SL;B12
Óscar;Peña;OSCAR@example.org;;Peña y Cía;C3
Iris;Navarro; iris@EXAMPLE.org ;;Navarro SL;B14
Raúl;Gil;raul(at)example.org;;Gil SA;A1
Eva;Mora;eva@example.org;;;A1
"""


def listening(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_plugins_lists_the_fairs_lead_source(clientela, env):
    result = clientela(env, "plugins", "--json")

    assert result.returncode == 0, result.stderr
    [fairs] = [p for p in json.loads(result.stdout) if p["name"] == "fairs"]
    assert fairs["provides"] == ["lead_sources: fairs"]
    assert fairs["package"] == "clientela"
    assert fairs["error"] is None


def test_an_unreachable_broker_is_explained_without_a_traceback(clientela, env):
    env["CLIENTELA_AMQP_URI"] = f"amqp://guest:secret@127.0.0.1:{free_port()}/"

    result = clientela(env, "kpi")

    assert result.returncode == 2
    assert "cannot reach RabbitMQ at amqp://guest:***@127.0.0.1" in result.stderr
    assert "rabbitmq-server -detached" in result.stderr
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr


def test_importing_without_a_running_platform_says_what_to_start(clientela, env, tmp_path):
    visitors = tmp_path / "visitors.csv"
    visitors.write_text(VISITORS, encoding="utf-8")

    result = clientela(env, "import", "fairs", str(visitors))

    assert result.returncode == 2
    assert "not running: prospects" in result.stderr
    assert "clientela up" in result.stderr


def test_import_then_kpi_counts_distinct_valid_visitors(clientela, env, platform, tmp_path):
    visitors = tmp_path / "visitantes.csv"
    visitors.write_text(VISITORS, encoding="utf-8")

    imported = clientela(env, "import", "fairs", str(visitors), "--option", "fair=Expo 2026")

    assert imported.returncode == 0, imported.stderr
    counts = "3 new prospects, 1 matched an existing person, 0 already imported, 1 rejected"
    assert f"5 rows read: {counts}" in imported.stdout
    assert "5/5 rows" in imported.stderr and "1 rejected" in imported.stderr  # progress bar
    assert "line 5: email: Not a valid email address." in imported.stdout
    rejects = tmp_path / "visitantes.csv.rejects.csv"
    assert f"every rejected row, with its line and reason: {rejects}" in imported.stdout
    header = "line,reason,First Name,Last Name,E-mail,Phone,Company,Stand visited"
    bad_row = "5,email: Not a valid email address.,Raúl,Gil,raul(at)example.org,,Gil SA,A1"
    assert rejects.read_text(encoding="utf-8").splitlines() == [header, bad_row]

    # fixed where it says, the rejects file imports as it is
    rejects.write_text(
        rejects.read_text(encoding="utf-8").replace("raul(at)example", "raul@example"), "utf-8"
    )
    fixed = clientela(env, "import", "fairs", str(rejects), "-o", "fair=Expo 2026")
    assert fixed.returncode == 0, fixed.stderr
    assert "1 rows read: 1 new prospects" in fixed.stdout

    misspelt = clientela(env, "import", "fairs", str(visitors), "-o", "fiar=Expo 2026")
    assert misspelt.returncode == 2
    assert "option fiar: not an option of fairs (it takes: fair (" in misspelt.stderr

    def new_prospects():
        report = json.loads(clientela(env, "kpi", "--json").stdout)
        return report["periods"] and report["periods"][-1]["I1_new_prospects"]

    assert wait_for(new_prospects, lambda count: count == 4, timeout_s=30) == 4

    rules = clientela(env, "rules")
    assert "same_phone" in rules.stdout
    assert re.search(r"^ *consent +10 of 100$", rules.stdout, flags=re.M)
    assert "(no overdue follow-ups)" in clientela(env, "overdue").stdout

    unknown = clientela(env, "import", "webinar", str(visitors))
    assert unknown.returncode == 2
    assert "no lead source 'webinar' (available: fairs, referrals, social, webforms)" in (
        unknown.stderr
    )


def test_up_stops_cleanly_on_ctrl_c_even_in_the_background_and_keeps_the_data(
    clientela, env, platform, tmp_path
):
    visitors = tmp_path / "visitors.csv"
    visitors.write_text(VISITORS, encoding="utf-8")
    assert clientela(env, "import", "fairs", str(visitors)).returncode == 0

    platform.send_signal(signal.SIGINT)
    assert platform.wait(timeout=60) == 0
    assert "Traceback" not in (tmp_path / "up.log").read_text()
    embedded_db = int(env["CLIENTELA_EMBEDDED_DB_PORT"])
    wait_for(lambda: not listening(embedded_db), timeout_s=20)

    # started the way a shell starts a background job: SIGINT inherited as ignored
    restarted = subprocess.Popen(
        [CLI, "up"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        again = wait_for(
            lambda: clientela(env, "import", "fairs", str(visitors)),
            lambda result: result.returncode == 0,
            timeout_s=60,
            interval_s=0.5,
        )
        assert "0 new prospects, 0 matched an existing person, 4 already imported" in (again.stdout)
    finally:
        restarted.send_signal(signal.SIGINT)
        assert restarted.wait(timeout=60) == 0


def embedded_database_pid(port):
    """The pid of the secantusd-py process serving ``port``, or None."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"secantusd" in word for word in words) and str(port).encode() in words:
            return int(cmdline.parent.name)
    return None


def test_up_restarts_its_database_after_it_is_killed_and_keeps_every_lead(
    clientela, env, platform, tmp_path
):
    port = int(env["CLIENTELA_EMBEDDED_DB_PORT"])
    visitors = tmp_path / "visitantes.csv"
    visitors.write_text(VISITORS, encoding="utf-8")
    assert clientela(env, "import", "fairs", str(visitors)).returncode == 0
    killed = embedded_database_pid(port)
    assert killed is not None

    os.kill(killed, signal.SIGKILL)

    # the killed process may still be reported on its port for a moment
    restarted = wait_for(
        lambda: listening(port) and embedded_database_pid(port) not in (None, killed),
        timeout_s=60,
        interval_s=0.5,
    )
    assert restarted
    later = tmp_path / "later.csv"
    later.write_text(
        "First Name;Last Name;E-mail\nNuria;Vidal;nuria@example.org\n", encoding="utf-8"
    )
    again = wait_for(
        lambda: clientela(env, "import", "fairs", str(later)),
        lambda result: result.returncode == 0,
        timeout_s=60,
        interval_s=1,
    )
    assert "1 new prospects" in again.stdout
    status = json.loads(clientela(env, "status", "--json").stdout)
    assert status["database"]["ok"] and status["broker"]["services"]["prospects"]["instances"] == 1
    assert platform.poll() is None  # the platform stayed up throughout


def test_status_and_ready_report_the_broker_the_database_and_each_service(clientela, env, platform):
    report = json.loads(clientela(env, "status", "--json").stdout)

    assert report["broker"]["ok"] and report["database"]["ok"]
    assert "guest:***@" in report["broker"]["uri"]  # no password printed
    services = report["broker"]["services"]
    assert {name: services[name]["instances"] for name in services} == {
        "prospects": 1,
        "customers": 1,
        "feedback": 1,
        "loyalty": 1,
        "kpi": 1,
    }
    captured = next(
        h for h in services["kpi"]["handlers"] if h["queue"] == "kpi.handle_prospect_captured"
    )
    assert captured["consumers"] == 1 and captured["parked"] == 0
    assert report["database"]["services"]["prospects"] == {
        "outbox_pending": 0,
        "staged_batches": 0,
        "oldest_pending_age_s": None,
    }
    table = clientela(env, "status")
    assert table.returncode == 0
    assert "prospects" in table.stdout and "unpublished" in table.stdout
    probes = f"http://{env['CLIENTELA_HEALTH_ADDRESS']}"
    with urllib.request.urlopen(f"{probes}/health", timeout=30) as health:
        assert json.load(health)["healthy"] is True
    with urllib.request.urlopen(f"{probes}/ready", timeout=30) as ready:
        body = json.load(ready)
    assert body["ready"] is True and set(body["services"]) == set(services)


def test_a_second_platform_on_the_host_is_refused_unless_joined(
    clientela, env, platform, tmp_path, rabbit_admin
):
    other = {
        **env,
        "CLIENTELA_DATA_DIR": str(tmp_path / "other-data"),
        "CLIENTELA_HEALTH_ADDRESS": f"127.0.0.1:{free_port()}",
        "CLIENTELA_HTTP_ADDRESS": f"127.0.0.1:{free_port()}",
        "CLIENTELA_FEEDBACK_HTTP_ADDRESS": f"127.0.0.1:{free_port()}",
        "CLIENTELA_DASHBOARD_ADDRESS": f"127.0.0.1:{free_port()}",
    }

    same_vhost = clientela(other, "up")
    assert same_vhost.returncode == 2
    assert "already running on the virtual host" in same_vhost.stderr
    assert "--join" in same_vhost.stderr

    vhost = f"clientela-test-other-{free_port()}"
    rabbit_admin.create_vhost(vhost)
    try:
        other["CLIENTELA_AMQP_URI"] = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
        same_database = clientela(other, "demo")
        assert same_database.returncode == 2
        assert f"the platform of {tmp_path / 'data' / 'mongo'}" in same_database.stderr
        assert "CLIENTELA_EMBEDDED_DB_PORT" in same_database.stderr
    finally:
        rabbit_admin.delete_vhost(vhost)

    other["CLIENTELA_AMQP_URI"] = env["CLIENTELA_AMQP_URI"]
    other["CLIENTELA_HTTP_ADDRESS"] = env["CLIENTELA_HTTP_ADDRESS"]
    same_port = clientela(other, "run", "prospects")
    assert same_port.returncode == 2
    assert f"http_address: {env['CLIENTELA_HTTP_ADDRESS']} is taken" in same_port.stderr
    other["CLIENTELA_FEEDBACK_HTTP_ADDRESS"] = env["CLIENTELA_FEEDBACK_HTTP_ADDRESS"]
    same_pages = clientela(other, "run", "feedback")
    assert same_pages.returncode == 2
    taken = f"feedback_http_address: {env['CLIENTELA_FEEDBACK_HTTP_ADDRESS']} is taken"
    assert taken in same_pages.stderr
    other["CLIENTELA_DASHBOARD_ADDRESS"] = env["CLIENTELA_DASHBOARD_ADDRESS"]
    same_dashboard = clientela(other, "run", "kpi")
    assert same_dashboard.returncode == 2
    assert f"dashboard_address: {env['CLIENTELA_DASHBOARD_ADDRESS']} is taken" in (
        same_dashboard.stderr
    )
    assert "Traceback" not in (
        same_vhost.stderr
        + same_database.stderr
        + same_port.stderr
        + same_pages.stderr
        + same_dashboard.stderr
    )


def test_status_says_the_broker_is_down_with_exit_1(clientela, env):
    env["CLIENTELA_AMQP_URI"] = f"amqp://guest:guest@127.0.0.1:{free_port()}/"

    result = clientela(env, "status")

    assert result.returncode == 1
    assert "broker" in result.stdout and "DOWN" in result.stdout
    assert "Traceback" not in result.stderr


NAMESAKES = """nombre,apellidos,correo,telefono,empresa
Juan,Pérez,juan.perez@acme.mx,+34 612 000 001,Acme SA
Juan Carlos,Pérez,jcperez@gmail.com,+34 612 000 002,ACME
Juan,Pérez,jperez@acme.mx,+34 612 000 003,Acme
"""


def test_duplicates_are_reviewed_merged_and_dismissed_from_the_command_line(
    clientela, env, platform, tmp_path
):
    namesakes = tmp_path / "namesakes.csv"
    namesakes.write_text(NAMESAKES, encoding="utf-8")
    imported = clientela(env, "import", "fairs", str(namesakes))
    assert "3 new prospects" in imported.stdout, imported.stderr
    assert "3 possible duplicates to review: clientela duplicates" in imported.stdout

    listed = clientela(env, "duplicates")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("score 1.00") == 3
    assert "Juan Carlos Pérez  <jcperez@gmail.com, +34612000002>  ACME" in listed.stdout
    assert "close_name_at_company" in listed.stdout
    pairs = json.loads(clientela(env, "duplicates", "--json").stdout)["pairs"]
    ids = {person["email"]: person["id"] for pair in pairs for person in pair["people"]}
    juan, juan_carlos = ids["juan.perez@acme.mx"], ids["jcperez@gmail.com"]

    dismissed = clientela(env, "duplicates", "dismiss", juan, juan_carlos)
    assert dismissed.returncode == 0, dismissed.stderr
    merged = clientela(env, "duplicates", "merge", juan, ids["jperez@acme.mx"], "--by", "carmen")
    assert merged.returncode == 0, merged.stderr
    assert f"merged into {juan}" in merged.stdout

    assert "(no possible duplicates to review)" in clientela(env, "duplicates").stdout
    refused = clientela(env, "duplicates", "merge", juan, juan_carlos)
    assert refused.returncode == 2
    assert "apart" in refused.stderr
    incomplete = clientela(env, "duplicates", "dismiss", juan)
    assert incomplete.returncode == 2
    assert "give the two prospect ids" in incomplete.stderr

    rules = clientela(env, "rules").stdout
    assert re.search(r"^ *close_name_at_company +suggest ", rules, flags=re.M)
    assert re.search(r"^ *same_email +merge ", rules, flags=re.M)
