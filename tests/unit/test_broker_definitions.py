"""deploy/rabbitmq/definitions.json is what the code's topology makes today."""

import base64
import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from clientela.broker_users import broker_definitions, password_hash, password_variable
from clientela.cli.app import run
from clientela.cli.services import platform_classes, platform_services
from clientela.config import Settings

COMMITTED = Path(__file__).parents[2] / "deploy" / "rabbitmq" / "definitions.json"


def test_the_committed_definitions_are_current():
    current = broker_definitions(Settings(), platform_classes(), environ={})

    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == current, (
        "deploy/rabbitmq/definitions.json is stale: regenerate it with "
        "`clientela broker-definitions --output deploy/rabbitmq/definitions.json` "
        "(default settings, no CLIENTELA_BROKER_PASSWORD_* set)"
    )


def test_a_service_may_write_only_to_its_own_exchanges_and_read_what_it_consumes():
    definitions = broker_definitions(Settings(), platform_classes(), environ={})
    kpi = next(grant for grant in definitions["permissions"] if grant["user"] == "kpi")

    assert kpi["write"] == r"^(kpi\..*|rpc\-kpi|nameko-rpc)$"
    assert kpi["read"] == (
        r"^(kpi\..*|rpc\-kpi|nameko-rpc"
        r"|customers\.events|feedback\.events|loyalty\.events|prospects\.events)$"
    )
    assert {user["password_hash"] for user in definitions["users"]} == {""}


def test_passwords_from_the_environment_are_stored_as_rabbitmq_sha256_hashes():
    environ = {password_variable("kpi"): "s3cret"}
    [kpi] = [
        user
        for user in broker_definitions(Settings(), platform_classes(), environ=environ)["users"]
        if user["name"] == "kpi"
    ]

    raw = base64.b64decode(kpi["password_hash"])
    assert raw[4:] == hashlib.sha256(raw[:4] + b"s3cret").digest()
    assert kpi["hashing_algorithm"] == "rabbit_password_hashing_sha256"
    assert password_hash("s3cret", salt=raw[:4]) == kpi["password_hash"]
    assert password_variable("kpi") == "CLIENTELA_BROKER_PASSWORD_KPI"


def test_compose_runs_each_service_as_its_own_broker_user():
    compose = yaml.safe_load((COMMITTED.parents[1] / "compose.yaml").read_text(encoding="utf-8"))

    for name in platform_services():
        uri = compose["services"][name]["environment"]["CLIENTELA_AMQP_URI"]
        assert urlsplit(uri).username == name


def test_the_command_writes_definitions_for_a_vhost_and_a_user_prefix(tmp_path):
    output = tmp_path / "definitions.json"

    assert (
        run(["broker-definitions", "--vhost", "crm", "--user-prefix", "acme-", "-o", str(output)])
        == 0
    )

    definitions = json.loads(output.read_text(encoding="utf-8"))
    assert definitions["vhosts"] == [{"name": "crm"}]
    assert "acme-kpi" in {user["name"] for user in definitions["users"]}
    assert {grant["vhost"] for grant in definitions["permissions"]} == {"crm"}
