"""From a purchase to the indicators through a survey invitation, on the real platform:
the purchase event invites after the quiet period, the sending round e-mails the invitation
to a real SMTP server (aiosmtpd, started here), the customer opens the web link and posts
the form, and kpi counts the answer; a replayed, expired or altered link counts nothing."""

import email
import email.policy
import mailbox
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.events import new_event
from clientela.services.feedback.domain.tokens import LinkClaims, issue_token
from clientela.testing import free_port

pytestmark = pytest.mark.integration

SECRET = "s3cret-for-the-survey-links-of-this-test-0123456789"
SMTP_SERVER = (sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Mailbox")
QUESTIONS = [
    {"key": "recommend", "kind": "nps", "text": "¿Nos recomendaría a un colega?"},
    {"key": "why", "kind": "free_text", "text": "¿Por qué?"},
]


@pytest.fixture
def smtp_sink(tmp_path):
    """A real SMTP server (aiosmtpd) delivering to a Maildir; yields (port, Maildir)."""
    port = free_port()
    maildir = tmp_path / "maildir"
    server = subprocess.Popen(
        [*SMTP_SERVER, "-l", f"127.0.0.1:{port}", maildir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: _listening(port), timeout_s=20)

    def read(file):
        return email.message_from_binary_file(file, policy=email.policy.default)

    yield port, mailbox.Maildir(maildir, factory=read, create=False)
    server.terminate()
    server.wait(timeout=10)


def _listening(port):
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _http(url, form=None):
    """(status, page) of a GET, or a POST of ``form`` as a browser sends it."""
    data = None if form is None else urllib.parse.urlencode(form).encode()
    try:
        with urllib.request.urlopen(url, data=data, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


@pytest.fixture
def platform(clientela_platform, clientela_settings, smtp_sink):
    port, _ = smtp_sink
    settings = clientela_settings.replace(
        smtp_uri=f"smtp://127.0.0.1:{port}",
        mail_from="encuestas@ferreteria-norte.mx",
        survey_triggers="purchase=after-purchase/email",
        survey_quiet_hours=0,
        survey_link_secret=SECRET,
    )
    rpc = clientela_platform("feedback", "kpi", settings=settings)
    dispatch = event_dispatcher(settings.nameko_config())
    customer = {
        "customer_id": "C-marta",
        "prospect_id": "P-marta",
        "name": "Marta Ibáñez",
        "email": "marta.ibanez@constructora-sol.mx",
        "captive": True,
        "created_at": utcnow() - timedelta(days=40),
    }
    dispatch("customers", "customer_created", new_event("customer_created", customer))
    rpc.feedback.define_survey("after-purchase", "Su compra en Ferretería Norte", QUESTIONS)
    return rpc, dispatch, settings


def _purchase(dispatch, purchase_id):
    payload = {
        "purchase_id": purchase_id,
        "customer_id": "C-marta",
        "amount": 1840.0,
        "currency": "MXN",
        "product_line": "herramienta eléctrica",
        "channel": "tienda",
        "purchased_at": utcnow() - timedelta(minutes=5),
    }
    dispatch("customers", "purchase_recorded", new_event("purchase_recorded", payload))


def test_a_purchase_invites_by_email_and_the_web_answer_reaches_the_indicators_once(
    platform, smtp_sink
):
    rpc, dispatch, settings = platform
    _, inbox = smtp_sink
    _purchase(dispatch, "V-1001")
    _purchase(dispatch, "V-1001")  # redelivered: one invitation
    [invitation] = wait_for(
        lambda: rpc.feedback.invitations("C-marta"), lambda found: len(found) == 1
    )
    assert (invitation["state"], invitation["trigger"]) == ("due", "purchase")

    outcome = rpc.feedback.run_invitation_round()
    assert outcome["sent"] == 1
    [sent] = rpc.feedback.invitations("C-marta")
    assert sent["state"] == "sent" and sent["attempts"] == 1

    message = wait_for(lambda: list(inbox), timeout_s=20)[0]
    assert message["To"] == "marta.ibanez@constructora-sol.mx"
    assert message["Subject"] == "Su compra en Ferretería Norte: tell us how we did"
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"http://\S+/surveys/\S+", text).group(0)
    assert link.startswith(f"http://{settings.feedback_http_address}/surveys/")

    status, page = _http(link)
    assert status == 200
    assert "¿Nos recomendaría a un colega?" in page and "Marta Ibáñez" in page

    status, page = _http(link, {"recommend": "10", "why": "Entrega a tiempo y buen trato"})
    assert status == 200 and "Thank you" in page
    for replay in (lambda: _http(link, {"recommend": "3"}), lambda: _http(link)):
        status, page = replay()
        assert status == 409 and "Already answered" in page

    answers = rpc.feedback.answers("C-marta")
    assert sorted((a["question"], a["score"], a["text"]) for a in answers) == [
        ("recommend", 10, ""),
        ("why", None, "Entrega a tiempo y buen trato"),
    ]
    assert {a["channel"] for a in answers} == {"weblink"}
    [answered] = rpc.feedback.invitations("C-marta")
    assert answered["state"] == "answered"

    month = wait_for(
        lambda: rpc.kpi.indicators("month")["periods"],
        lambda periods: periods and periods[-1]["nps_respondents"] == 1,
    )
    assert month[-1]["NPS"] == 100.0
    time.sleep(1)  # a replay announced twice would show by now
    assert rpc.kpi.indicators("month")["periods"][-1]["nps_respondents"] == 1


def test_an_expired_or_altered_link_is_refused_with_a_page_that_says_so(platform):
    rpc, dispatch, settings = platform
    _purchase(dispatch, "V-2001")
    [invitation] = wait_for(
        lambda: rpc.feedback.invitations("C-marta"), lambda found: len(found) == 1
    )
    expired = issue_token(
        SECRET.encode(),
        LinkClaims("after-purchase", "C-marta", invitation["id"], utcnow() - timedelta(hours=1)),
    )
    base = f"http://{settings.feedback_http_address}/surveys/"

    status, page = _http(base + expired, {"recommend": "9"})
    assert status == 410 and "The link has expired." in page
    status, page = _http(base + expired[:-2] + "xx")
    assert status == 400 and "altered" in page
    assert rpc.feedback.answers("C-marta") == []
