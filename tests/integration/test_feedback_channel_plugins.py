"""A survey channel written by a third party, in its own package, pip-installed: discovered
through the entry point by ``clientela plugins`` and by the feedback service, which sends
through it; another channel of it that raises fails its own invitations only, each with the
reason, to be retried, while the other channels send theirs."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from nameko.standalone.events import event_dispatcher

from clientela.clock import utcnow
from clientela.errors import InvalidInput
from clientela.events import new_event

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent

PYPROJECT = """
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "clientela-whatsapp"
version = "1.2.0"
dependencies = ["clientela"]

[project.entry-points.clientela]
whatsapp = "clientela_whatsapp"
"""

MODULE = """
import json
from pathlib import Path

from clientela import ChannelError, Delivery, SurveyChannel, hookimpl


class WhatsApp(SurveyChannel):
    name = "whatsapp"
    description = "WhatsApp Business messages"

    def send(self, invitations, settings):
        sent = Path(settings.data_dir) / "whatsapp.jsonl"
        sent.parent.mkdir(parents=True, exist_ok=True)
        with sent.open("a", encoding="utf-8") as lines:
            for invitation in invitations:
                line = {"to": invitation.phone, "link": invitation.link}
                lines.write(json.dumps(line) + "\\n")
                yield Delivery(invitation.invitation_id, True)


class Telegram(SurveyChannel):
    name = "telegram"
    description = "Telegram bot (its gateway is down)"

    def send(self, invitations, settings):
        raise ChannelError("gateway answered 503")


@hookimpl
def clientela_survey_channels(register):
    register(WhatsApp())
    register(Telegram())
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The third party's package, pip-installed into a folder of its own."""
    root = tmp_path_factory.mktemp("whatsapp")
    package = root / "package"
    (package / "clientela_whatsapp").mkdir(parents=True)
    (package / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (package / "clientela_whatsapp" / "__init__.py").write_text(
        textwrap.dedent(MODULE), encoding="utf-8"
    )
    installed = subprocess.run(
        [BIN / "pip", "install", "-q", "--no-deps", "--target", root / "site", package],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    return root / "site"


def test_clientela_plugins_lists_the_installed_channels(site):
    env = {**os.environ, "PYTHONPATH": str(site)}
    listed = subprocess.run(
        [BIN / "clientela", "plugins", "--json"], env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    [whatsapp] = [p for p in json.loads(listed.stdout) if p["name"] == "whatsapp"]
    assert whatsapp["package"] == "clientela-whatsapp" and whatsapp["version"] == "1.2.0"
    assert whatsapp["provides"] == ["survey_channels: whatsapp", "survey_channels: telegram"]
    assert whatsapp["error"] is None


def test_the_service_sends_through_the_discovered_channel_and_a_raising_one_harms_none(
    site, monkeypatch, clientela_platform, clientela_settings
):
    monkeypatch.syspath_prepend(str(site))
    rpc = clientela_platform("feedback")
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    for ref, name in (("C-luis", "Luis Ortega"), ("C-rosa", "Rosa Villa")):
        payload = {
            "customer_id": ref,
            "prospect_id": None,
            "name": name,
            "email": f"{ref.lower()}@example.mx",
            "captive": False,
            "created_at": utcnow(),
        }
        dispatch("customers", "customer_created", new_event("customer_created", payload))
    questions = [{"key": "effort", "kind": "ces", "text": "¿Qué tan fácil fue su trámite?"}]
    rpc.feedback.define_survey("tramite", "Su trámite", questions)

    failed = rpc.feedback.send_survey("tramite", channel="telegram", customer_ids=["C-rosa"])
    sent = rpc.feedback.send_survey("tramite", channel="whatsapp", customer_ids=["C-luis"])

    assert [(i["state"], i["reason"]) for i in failed] == [
        ("failed", "ChannelError: gateway answered 503")
    ]
    assert failed[0]["next_attempt_at"] is not None  # retried later
    assert [i["state"] for i in sent] == ["sent"]
    [line] = (Path(clientela_settings.data_dir) / "whatsapp.jsonl").read_text().splitlines()
    assert "/surveys/" in json.loads(line)["link"]
    with pytest.raises(InvalidInput) as unknown:
        rpc.feedback.send_survey("tramite", channel="fax", customer_ids=["C-luis"])
    assert "whatsapp" in str(unknown.value)
