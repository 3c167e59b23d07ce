"""HTTP entrypoints speaking JSON, with expected errors mapped to their status codes."""

from __future__ import annotations

import json
from typing import Any

from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from clientela.errors import EXPECTED_ERRORS, Conflict, InvalidInput, NotFound

STATUS_CODES = {InvalidInput: 400, NotFound: 404, Conflict: 409}


def json_response(status: int, payload: Any) -> Response:
    """A JSON response."""
    return Response(json.dumps(payload, default=str), status=status, mimetype="application/json")


class JsonHttpHandler(HttpRequestHandler):
    """An HTTP entrypoint whose method returns ``(status, payload)`` sent as JSON.

    InvalidInput becomes 400, NotFound 404, Conflict 409, each with
    ``{"error": ..., "message": ..., "errors": {field: [problems]}}``;
    anything else is a 500 without details.
    """

    def __init__(self, method: str, url: str, **kwargs: Any) -> None:
        super().__init__(method, url, expected_exceptions=EXPECTED_ERRORS, **kwargs)

    def response_from_result(self, result: Any) -> Response:
        status, payload = result
        return json_response(status, payload)

    def response_from_exception(self, exc: Exception) -> Response:
        for kind, status in STATUS_CODES.items():
            if isinstance(exc, kind):
                body = {"error": kind.__name__, "message": str(exc)}
                if isinstance(exc, InvalidInput):
                    body["errors"] = exc.errors
                return json_response(status, body)
        return json_response(500, {"error": "InternalError", "message": "unexpected error"})


http = JsonHttpHandler.decorator
"""Decorate a service method as a JSON HTTP endpoint: ``@http("POST", "/leads/<source>")``."""
