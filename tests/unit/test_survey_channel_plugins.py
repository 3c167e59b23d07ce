"""The built-in survey channels, each with the files or messages a person would get."""

import csv
import json
from datetime import UTC, datetime

import pytest

from clientela.channels import ChannelError, Delivery, Invitation, SurveyQuestion
from clientela.config import Settings
from clientela.plugin_manager import load_plugins
from clientela.plugins.call.channel import CallChannel
from clientela.plugins.email.channel import EmailChannel, message
from clientela.plugins.panel.channel import PanelFieldwork
from clientela.plugins.sms.channel import SmsChannel
from clientela.plugins.suggestions.box import SuggestionBox
from clientela.plugins.weblink.channel import WebLinkChannel

QUESTIONS = (
    SurveyQuestion("why", "free_text", "¿Qué podemos mejorar?"),
    SurveyQuestion("recommend", "nps", "¿Nos recomendaría?"),
)


def invitation(number=1, phone="+525511112222", email="marta@constructora-sol.mx", language="es"):
    return Invitation(
        invitation_id=f"inv-{number}",
        survey_id="after-purchase",
        survey_name="Su compra",
        questions=QUESTIONS,
        customer_id=f"C-{number}",
        customer_name="Marta Ibáñez",
        email=email,
        phone=phone,
        link=f"https://encuestas.example.mx/surveys/tok{number}",
        token=f"tok{number}",
        language=language,
    )


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=str(tmp_path))


def test_every_built_in_channel_is_discovered_by_entry_point():
    channels = load_plugins({}).survey_channels()
    assert {"email", "sms", "weblink", "call", "suggestions", "panel"} <= set(channels)


def test_the_email_speaks_the_customers_language_and_carries_the_link():
    mail = message(invitation(), "encuestas@ferreteria-norte.mx")
    assert (mail["To"], mail["Subject"]) == (
        "marta@constructora-sol.mx",
        "Su compra: cuéntenos cómo lo hicimos",
    )
    text = mail.get_body(("plain",)).get_content()
    assert text.startswith("Hola Marta Ibáñez:")
    assert "https://encuestas.example.mx/surveys/tok1" in text
    html = mail.get_body(("html",)).get_content()
    assert '<a href="https://encuestas.example.mx/surveys/tok1">' in html
    english = message(invitation(language="fr-CA"), "encuestas@ferreteria-norte.mx")
    assert english["Subject"] == "Su compra: tell us how we did"


def test_email_without_an_smtp_server_configured_says_which_settings(settings):
    with pytest.raises(ChannelError, match="smtp_uri and mail_from"):
        list(EmailChannel().send([invitation()], settings))


def test_an_sms_asks_the_first_scored_question_and_a_numeric_reply_answers_it(settings, tmp_path):
    channel = SmsChannel()
    outcomes = list(channel.send([invitation(1), invitation(2, phone="")], settings))
    assert outcomes == [Delivery("inv-1", True), Delivery("inv-2", False, "no phone number known")]
    [line] = (tmp_path / "sms" / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    sent = json.loads(line)
    assert (sent["to"], sent["question"]) == ("+525511112222", "recommend")
    assert sent["text"].startswith("¿Nos recomendaría? Reply with a number 0-10")

    replies = [
        {"id": "m-1", "invitation_id": "inv-1", "question": "recommend", "text": " 9 "},
        {"id": "m-2", "invitation_id": "inv-1", "question": "recommend", "text": "STOP"},
    ]
    inbox = tmp_path / "sms" / "inbox.jsonl"
    inbox.write_text("".join(json.dumps(r) + "\n" for r in replies), encoding="utf-8")
    [answer] = channel.collect(settings)
    assert (answer.reference, answer.invitation_id, dict(answer.answers)) == (
        "m-1",
        "inv-1",
        {"recommend": 9},
    )
    assert not inbox.exists() and list(channel.collect(settings)) == []


def test_a_call_script_lists_the_questions_and_how_to_enter_the_answers(settings, tmp_path):
    assert list(CallChannel().send([invitation()], settings)) == [Delivery("inv-1", True)]
    script = (tmp_path / "calls" / "inv-1.txt").read_text(encoding="utf-8")
    assert script.startswith("Call Marta Ibáñez on +525511112222")
    assert "2. ¿Nos recomendaría?\n   [recommend] answer 0 (not at all likely)" in script
    assert "clientela surveys answer inv-1 why=... recommend=..." in script


def test_suggestion_box_slips_are_collected_once_anonymous_ones_included(settings, tmp_path):
    box = tmp_path / "suggestion-box"
    box.mkdir()
    (box / "kiosk-0001.json").write_text(
        json.dumps({"survey_id": "buzon", "answers": {"idea": "Abrir en domingo"}}), "utf-8"
    )
    (box / "kiosk-0002.json").write_text(
        json.dumps(
            {
                "survey_id": "buzon",
                "answers": {"idea": "Más cajas"},
                "customer_id": "C-7",
                "dropped_at": "2026-03-01T10:00:00",
            }
        ),
        "utf-8",
    )
    (box / "kiosk-0003.json").write_text("{torn", "utf-8")
    first, second = SuggestionBox().collect(settings)
    assert (first.reference, first.customer_id, dict(first.answers)) == (
        "kiosk-0001",
        None,
        {"idea": "Abrir en domingo"},
    )
    assert second.customer_id == "C-7"
    assert second.answered_at == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert sorted(p.name for p in (box / "done").iterdir()) == [
        "kiosk-0001.json",
        "kiosk-0002.json",
        "kiosk-0003.json",
    ]
    assert list(SuggestionBox().collect(settings)) == []


def test_web_links_are_listed_one_json_line_each(settings, tmp_path):
    list(WebLinkChannel().send([invitation(1), invitation(2)], settings))
    lines = (tmp_path / "weblinks" / "links.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["link"] for line in lines] == [
        "https://encuestas.example.mx/surveys/tok1",
        "https://encuestas.example.mx/surveys/tok2",
    ]


def test_panel_invitations_are_the_fieldwork_teams_csv(settings, tmp_path):
    outcomes = list(PanelFieldwork().send([invitation(1), invitation(2)], settings))
    assert [o.sent for o in outcomes] == [True, True]
    [listing] = (tmp_path / "panel").glob("after-purchase-*.csv")
    with listing.open(encoding="utf-8") as rows:
        members = list(csv.DictReader(rows))
    assert [(m["customer_id"], m["name"], m["link"]) for m in members] == [
        ("C-1", "Marta Ibáñez", "https://encuestas.example.mx/surveys/tok1"),
        ("C-2", "Marta Ibáñez", "https://encuestas.example.mx/surveys/tok2"),
    ]
