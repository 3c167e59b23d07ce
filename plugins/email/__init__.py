"""Survey invitations by e-mail, over SMTP (the ``email`` survey channel).

Settings: ``smtp_uri`` (``smtp://user:password@host:port``, or ``smtps://``
for TLS from the start), ``smtp_starttls`` (upgrade a ``smtp://`` connection
with STARTTLS) and ``mail_from`` (the sender). One connection per batch; each
invitation is a plain-text and HTML message with the survey's link, in the
customer's language (English or Spanish; English otherwise). An invitation
without an e-mail address, or whose address the server refuses, fails alone.
"""

from clientela import hookimpl
from clientela.plugins.email.channel import EmailChannel


@hookimpl(trylast=True)
def clientela_survey_channels(register):
    """Register the e-mail survey channel."""
    register(EmailChannel())
