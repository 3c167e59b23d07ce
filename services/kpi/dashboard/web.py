"""The HTTP server of the dashboard: nameko's, on the ``dashboard_address`` setting.

Every service's nameko web server would listen on ``WEB_SERVER_ADDRESS``
(``http_address``, where prospects takes leads); two services in one process
cannot both listen there, so kpi's pages have a server and an address of their
own.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from clientela.web import JsonHttpHandler, SettingWebServer


class DashboardServer(SettingWebServer):
    """The dashboard's web server, on the ``dashboard_address`` setting."""

    address_setting = "dashboard_address"


class DashboardHandler(JsonHttpHandler):
    """An HTTP entrypoint of the dashboard server whose method returns its response whole;
    errors are answered as by :class:`~clientela.web.JsonHttpHandler`."""

    server = DashboardServer()

    def response_from_result(self, result: Any) -> Response:
        return result


dashboard_http = DashboardHandler.decorator
"""Decorate a kpi method as a page of the dashboard: ``@dashboard_http("GET", "/")``."""
