"""The suggestion box (the ``suggestions`` survey channel): slips, signed or anonymous.

Each slip is a JSON file dropped in ``<data_dir>/suggestion-box/`` (by a
kiosk, a scanned card, a web page): ``{"survey_id": "suggestions",
"answers": {"comment": "Open on Saturdays"}, "customer_id": null}``, with
``customer_id`` left out or null for an anonymous slip, and optionally
``dropped_at`` (ISO 8601). The box is emptied into ``done/`` as it is read;
each slip counts once, under its file name. The box sends no invitations.
"""

from clientela import hookimpl
from clientela.plugins.suggestions.box import SuggestionBox


@hookimpl(trylast=True)
def clientela_survey_channels(register):
    """Register the suggestion box."""
    register(SuggestionBox())
