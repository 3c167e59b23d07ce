"""The web-link form on the in-memory unit of work: shown, answered once, refused clearly."""

from datetime import UTC, datetime, timedelta

from werkzeug.datastructures import MultiDict

from clientela.config import Settings
from clientela.services.feedback import handlers, invitation_handlers, survey_web
from clientela.services.feedback.dependencies import FakeFeedbackStorage
from clientela.services.feedback.domain.commands import DefineSurvey, QuestionSpec
from clientela.services.feedback.domain.tokens import LinkClaims, issue_token
from clientela.services.feedback.invitation_setup import build_setup

MARCH = datetime(2026, 3, 10, 12, tzinfo=UTC)
SETUP = build_setup(Settings(survey_link_secret="k" * 40), {})
QUESTIONS = (
    QuestionSpec("effort", "ces", "How easy was it to <b>order</b>?"),
    QuestionSpec("quality", "servqual", "Rate our service"),
    QuestionSpec("why", "free_text", "Why?"),
)


def prepared():
    uow = FakeFeedbackStorage()
    uow.remember_customer("C-1", "Ana Ruiz", captive=True)
    uow.remember_recipient("C-1", {"name": "Ana Ruiz", "language": "es"})
    handlers.define_survey(DefineSurvey("S-1", "Su pedido", QUESTIONS), uow)
    invitation = {
        "_id": "I-1",
        "survey_id": "S-1",
        "customer_id": "C-1",
        "channel": "email",
        "trigger": "purchase",
        "cause": "V-1",
        "state": "sent",
        "reason": "",
        "created_at": MARCH,
        "send_at": MARCH,
        "next_attempt_at": None,
        "attempts": 1,
        "sent_at": MARCH,
        "answered_at": None,
    }
    uow.add_invitation(invitation)
    claims = LinkClaims("S-1", "C-1", "I-1", MARCH + timedelta(days=14))
    return uow, issue_token(SETUP.secret, claims)


def test_the_form_asks_the_current_questions_escaped_without_servqual():
    uow, token = prepared()
    page = survey_web.show_form(token, MARCH, uow, SETUP)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="es">' in html
    assert "Hola Ana Ruiz, gracias por dedicarnos un momento." in html and "Enviar" in html
    assert "How easy was it to &lt;b&gt;order&lt;/b&gt;?" in html
    assert html.count('name="effort"') == 7 and 'name="why"' in html
    assert "Rate our service" not in html


def test_a_form_answered_twice_records_once_and_the_second_gets_the_answered_page():
    uow, token = prepared()
    form = MultiDict({"effort": "6", "why": "Rápido"})
    thanks = survey_web.submit_form(token, form, MARCH, uow, SETUP)
    assert thanks.status_code == 200 and "Gracias" in thanks.get_data(as_text=True)
    again = survey_web.submit_form(token, MultiDict({"effort": "1"}), MARCH, uow, SETUP)
    assert again.status_code == 409 and "Already answered" in again.get_data(as_text=True)
    assert sorted((r["question"], r["score"]) for r in uow.responses_of("C-1")) == [
        ("effort", 6),
        ("why", None),
    ]


def test_answers_off_the_scale_or_none_at_all_get_a_page_to_check_them_recording_nothing():
    uow, token = prepared()
    for form in ({"effort": "9"}, {"effort": "many"}, {}):
        page = survey_web.submit_form(token, MultiDict(form), MARCH, uow, SETUP)
        assert page.status_code == 400
        assert "Please check your answers" in page.get_data(as_text=True)
    assert uow.responses_of("C-1") == []
    assert uow.invitation("I-1")["state"] == "sent"


def test_a_link_past_its_expiry_is_refused_with_410():
    uow, token = prepared()
    page = survey_web.show_form(token, MARCH + timedelta(days=14), uow, SETUP)
    assert page.status_code == 410 and "The link has expired." in page.get_data(as_text=True)


def test_an_answer_entered_after_a_call_closes_the_link_too():
    uow, token = prepared()
    invitation_handlers.answer_invitation("I-1", {"effort": 7}, "call", MARCH, uow)
    assert survey_web.show_form(token, MARCH, uow, SETUP).status_code == 409
