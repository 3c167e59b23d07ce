"""HTTP entrypoints speaking JSON, bounded and, where asked, authenticated.

Every request with a body must say it is JSON (415 otherwise) and stay under
the ``max_request_bytes`` setting (413, answered before the body is parsed or
a worker is spent on it). An authenticated entrypoint also needs
``Authorization: Bearer <key>`` with a key of the ``api_keys`` setting, or a
valid Meta ``X-Hub-Signature-256`` (HMAC-SHA256 of the body with the
``meta_app_secret`` setting); anything else is 401.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from clientela.config import Settings, host_port
from clientela.errors import EXPECTED_ERRORS, Conflict, InvalidInput, NotFound

STATUS_CODES = {InvalidInput: 400, NotFound: 404, Conflict: 409}
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response."""
    return Response(
        json.dumps(payload, default=str),
        status=status,
        mimetype="application/json",
        headers=headers,
    )


def _refusal(status: int, error: str, message: str, **headers: str) -> Response:
    return json_response(status, {"error": error, "message": message}, headers)


def json_body(request: Request) -> Any:
    """The request's JSON body; InvalidInput naming ``body`` when it is not JSON.

    JSON nested too deep to decode is refused the same way, not a server error.
    """
    try:
        return json.loads(request.get_data(as_text=True))
    except (ValueError, RecursionError):
        raise InvalidInput({"body": ["Not JSON, or nested too deep."]}) from None


def meta_signature(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` Meta sends with a webhook ``body``: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class ClosingWebServer(WebServer):
    """nameko's web server, letting go of its socket when its container is killed too.

    nameko closes it only on a graceful stop; a service restarted after its
    container died would otherwise share the port (SO_REUSEPORT) with a socket
    nobody accepts on, and every other connection would hang.
    """

    def kill(self) -> None:
        self._is_accepting = False
        if self._gt is not None:
            self._gt.kill()
        if self._sock is not None:
            self._sock.close()
        super().kill()


class SettingWebServer(ClosingWebServer):
    """A :class:`ClosingWebServer` of its own, listening on the ``HOST:PORT`` of the setting
    ``address_setting`` names, for a service serving pages beside prospects' API."""

    address_setting: str

    @property
    def bind_addr(self) -> tuple[str, int]:
        return host_port(getattr(Settings.from_nameko(self.container.config), self.address_setting))


class JsonHttpHandler(HttpRequestHandler):
    """An HTTP entrypoint whose method returns ``(status, payload)`` sent as JSON.

    InvalidInput becomes 400, NotFound 404, Conflict 409, each with
    ``{"error": ..., "message": ..., "errors": {field: [problems]}}``;
    anything else is a 500 without details. With ``authenticated`` the
    request needs an API key or a source signature (see the module).
    """

    server = ClosingWebServer()

    def __init__(self, method: str, url: str, authenticated: bool = False, **kwargs: Any) -> None:
        super().__init__(method, url, expected_exceptions=EXPECTED_ERRORS, **kwargs)
        self.authenticated = authenticated

    def setup(self) -> None:
        super().setup()
        self.settings = Settings.from_nameko(self.container.config)
        self.api_keys = self.settings.api_key_set()

    def handle_request(self, request: Request) -> Response:
        request.shallow = False  # as nameko does: the body may be read
        refused = self.refusal(request)
        return refused if refused is not None else super().handle_request(request)

    def refusal(self, request: Request) -> Response | None:
        """The response refusing ``request`` before any work, or None to serve it."""
        if request.method in BODY_METHODS:
            if request.mimetype != "application/json":
                return _refusal(
                    415, "UnsupportedMediaType", "Send the body as Content-Type: application/json."
                )
            limit = self.settings.max_request_bytes
            if request.content_length is not None and request.content_length > limit:
                return _too_large(limit)
            request.max_content_length = limit  # a body without a length is cut off there
            try:
                request.get_data(cache=True)
            except RequestEntityTooLarge:
                return _too_large(limit)
        if self.authenticated and not self._authorised(request):
            return _refusal(
                401,
                "Unauthorized",
                "Send Authorization: Bearer <key> with a key of the api_keys setting, "
                "or a valid X-Hub-Signature-256.",
                **{"WWW-Authenticate": "Bearer"},
            )
        return None

    def _authorised(self, request: Request) -> bool:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and any(
            hmac.compare_digest(key.strip().encode(), known.encode()) for known in self.api_keys
        ):
            return True
        signature = request.headers.get("X-Hub-Signature-256", "")
        secret = self.settings.meta_app_secret
        return bool(secret and signature) and hmac.compare_digest(
            signature.encode(), meta_signature(secret, request.get_data(cache=True)).encode()
        )

    def response_from_result(self, result: Any) -> Response:
        status, payload = result
        return json_response(status, payload)

    def response_from_exception(self, exc: Exception) -> Response:
        for kind, status in STATUS_CODES.items():
            if isinstance(exc, kind):
                body: dict[str, Any] = {"error": kind.__name__, "message": str(exc)}
                if isinstance(exc, InvalidInput):
                    body["errors"] = exc.errors
                return json_response(status, body)
        return json_response(500, {"error": "InternalError", "message": "unexpected error"})


def _too_large(limit: int) -> Response:
    return _refusal(
        413, "PayloadTooLarge", f"The body is larger than max_request_bytes ({limit} bytes)."
    )


http = JsonHttpHandler.decorator
"""Decorate a service method as a JSON HTTP endpoint: ``@http("POST", "/leads/<source>")``;
``authenticated=True`` requires an API key or a source signature."""
