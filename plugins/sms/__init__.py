"""Survey invitations by SMS, and the replies (the ``sms`` survey channel).

A message asks the survey's first scored question and carries the link for
the rest; a reply with the number answers that question. Messages go through
an :class:`~clientela.plugins.sms.providers.SmsProvider`: by default
:class:`~clientela.plugins.sms.providers.OutboxFile`, which appends one JSON
line per message to ``<data_dir>/sms/outbox.jsonl`` (for a gateway to pick
up) and reads replies from ``<data_dir>/sms/inbox.jsonl``, one JSON line
each: ``{"id": ..., "invitation_id": ..., "question": ..., "text": "9",
"received_at": "2026-03-01T10:00:00Z"}``. To use a real gateway, register
``SmsChannel(YourProvider())`` from your own plugin: it replaces this one.
"""

from clientela import hookimpl
from clientela.plugins.sms.channel import SmsChannel


@hookimpl(trylast=True)
def clientela_survey_channels(register):
    """Register the SMS survey channel with the outbox-file provider."""
    register(SmsChannel())
