"""The web-link survey form: shown for a valid link, answered once, refused otherwise.

``GET /surveys/<token>`` shows the survey's current questions (NPS, CSAT and
CES as a row of choices, free text as a text box; SERVQUAL is answered on
other channels) and ``POST`` records the answers once, as the invitation's.
A link altered, expired or already answered gets a page saying so, with
400, 410 or 409; answering again records nothing more. The pages are served
on the ``feedback_http_address`` setting, apart from the JSON API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jinja2
from nameko.web.handlers import HttpRequestHandler
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from clientela.config import Settings
from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.services.feedback import invitation_handlers, records
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.domain.surveys import SCALES, QuestionKind, Survey
from clientela.services.feedback.domain.tokens import (
    InvalidToken,
    LinkClaims,
    TokenProblem,
    verify_token,
)
from clientela.services.feedback.invitation_setup import InvitationSetup
from clientela.web import SettingWebServer

CHANNEL = "weblink"
"""The channel answers through the form are recorded under."""

_pages = jinja2.Environment(
    loader=jinja2.PackageLoader("clientela.services.feedback", "templates"),
    autoescape=True,
)

WORDING = {
    "en": {
        "hello": "Hello {name}, thank you for taking a moment to tell us.",
        "send": "Send",
        "thanks": "Thank you",
        "recorded": "Your answers were recorded.",
    },
    "es": {
        "hello": "Hola {name}, gracias por dedicarnos un momento.",
        "send": "Enviar",
        "thanks": "Gracias",
        "recorded": "Sus respuestas quedaron registradas.",
    },
}
"""The form's own words in each language it speaks; English for any other."""


def _words(language: str) -> dict[str, str]:
    return WORDING.get(language.split("-")[0].lower(), WORDING["en"])


_REFUSALS = {
    TokenProblem.MALFORMED: (400, "This is not a survey link"),
    TokenProblem.BAD_SIGNATURE: (400, "This link is not valid"),
    TokenProblem.EXPIRED: (410, "This link has expired"),
}


def _page(status: int, template: str, **context: Any) -> Response:
    body = _pages.get_template(template).render(**context)
    return Response(body, status=status, mimetype="text/html")


def notice(status: int, title: str, message: str) -> Response:
    """A page saying ``title`` and ``message``, with HTTP ``status``."""
    return _page(status, "notice.html", title=title, message=message)


def _claims(token: str, now: datetime, setup: InvitationSetup) -> LinkClaims | Response:
    try:
        return verify_token(setup.secret, token, now)
    except InvalidToken as exc:
        status, title = _REFUSALS[exc.problem]
        return notice(status, title, str(exc.errors["token"][0]))


def _answered() -> Response:
    return notice(
        409, "Already answered", "This survey was answered through this link already: thank you."
    )


def _linked_survey(
    token: str, now: datetime, uow: FeedbackStorage, setup: InvitationSetup
) -> tuple[LinkClaims, Survey] | Response:
    """What ``token`` claims and the survey of its invitation, still to be answered; or
    the page refusing the link."""
    claims = _claims(token, now, setup)
    if isinstance(claims, Response):
        return claims
    record = uow.invitation(claims.invitation_id)
    stored = uow.survey(claims.survey_id)
    if record is None or stored is None:
        return notice(404, "Survey not found", "This survey is no longer available.")
    if record["state"] == "answered":
        return _answered()
    return claims, records.survey_from(stored)


def show_form(token: str, now: datetime, uow: FeedbackStorage, setup: InvitationSetup) -> Response:
    """The survey form of ``token``'s invitation, or the page refusing the link."""
    linked = _linked_survey(token, now, uow, setup)
    if isinstance(linked, Response):
        return linked
    claims, survey = linked
    contact = uow.recipient(claims.customer_id) or {}
    questions = [
        {
            "key": q.key,
            "text": q.text,
            "scale": list(range(SCALES[q.kind][0], SCALES[q.kind][1] + 1))
            if q.kind in SCALES
            else [],
        }
        for q in survey.current_questions()
        if q.kind is not QuestionKind.SERVQUAL
    ]
    language = contact.get("language") or "en"
    return _page(
        200,
        "survey.html",
        survey=survey,
        questions=questions,
        customer_name=contact.get("name", ""),
        language=language,
        words=_words(language),
    )


def form_answers(survey: Survey, form: MultiDict[str, str]) -> dict[str, Any]:
    """The answers a submitted form holds, question key -> score or text; blanks left out.

    InvalidInput naming the question whose score is not a whole number.
    """
    answers: dict[str, Any] = {}
    for question in survey.current_questions():
        value = form.get(question.key, "").strip()
        if not value or question.kind is QuestionKind.SERVQUAL:
            continue
        if question.kind is QuestionKind.FREE_TEXT:
            answers[question.key] = value
        elif value.lstrip("-").isdigit():
            answers[question.key] = int(value)
        else:
            raise InvalidInput({question.key: ["Choose one of the numbers."]})
    return answers


def submit_form(
    token: str,
    form: MultiDict[str, str],
    now: datetime,
    uow: FeedbackStorage,
    setup: InvitationSetup,
) -> Response:
    """Record the form's answers once as the invitation's; a thank-you page or the refusal."""
    linked = _linked_survey(token, now, uow, setup)
    if isinstance(linked, Response):
        return linked
    claims, survey = linked
    try:
        answers = form_answers(survey, form)
        invitation_handlers.answer_invitation(
            claims.invitation_id, answers, CHANNEL, now, uow, {"token": token}
        )
    except Conflict:
        return _answered()
    except (InvalidInput, NotFound) as exc:
        return notice(400, "Please check your answers", str(exc))
    words = _words((uow.recipient(claims.customer_id) or {}).get("language") or "en")
    return notice(200, words["thanks"], words["recorded"])


class SurveyPageServer(SettingWebServer):
    """The web server of the survey pages, on ``feedback_http_address``."""

    address_setting = "feedback_http_address"


class PageHandler(HttpRequestHandler):
    """An HTTP entrypoint answering HTML pages on the survey page server.

    The entrypoint method returns a werkzeug Response. A body larger than
    ``max_request_bytes`` is refused with 413 before it is read.
    """

    server = SurveyPageServer()

    def setup(self) -> None:
        super().setup()
        self.max_request_bytes = Settings.from_nameko(self.container.config).max_request_bytes

    def handle_request(self, request: Request) -> Response:
        request.shallow = False
        request.max_content_length = self.max_request_bytes
        try:
            request.get_data(cache=True, parse_form_data=True)
        except RequestEntityTooLarge:
            return notice(413, "Too large", "The answers are larger than this site accepts.")
        return super().handle_request(request)

    def response_from_exception(self, exc: Exception) -> Response:
        return notice(500, "Something went wrong", "Please try again in a few minutes.")


page = PageHandler.decorator
"""Decorate a service method as an HTML page: ``@page("GET", "/surveys/<token>")``."""
