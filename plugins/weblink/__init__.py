"""Survey links to hand out by any means (the ``weblink`` survey channel).

Every invitation's signed, single-use, expiring link is appended, one JSON
line each, to ``<data_dir>/weblinks/links.jsonl``: ``invitation_id``,
``customer_id``, ``customer``, ``survey_id``, ``link``, ``language``, for
printing on a receipt or a delivery note, a QR code, a chat message. The
feedback service serves the form behind the link (``feedback_http_address``).
"""

from clientela import hookimpl
from clientela.plugins.weblink.channel import WebLinkChannel


@hookimpl(trylast=True)
def clientela_survey_channels(register):
    """Register the web-link survey channel."""
    register(WebLinkChannel())
