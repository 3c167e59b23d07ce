"""The e-mail survey channel: one SMTP connection per batch, one message per invitation."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator, Sequence
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from clientela import ChannelError, Delivery, Invitation, SurveyChannel
from clientela.config import Settings

SMTP_TIMEOUT_S = 30

_WORDING = {
    "en": {
        "subject": "{survey}: tell us how we did",
        "hello": "Hello {name},",
        "ask": "Would you answer a few questions about your experience? It takes a minute:",
        "thanks": "Thank you.",
    },
    "es": {
        "subject": "{survey}: cuéntenos cómo lo hicimos",
        "hello": "Hola {name}:",
        "ask": "¿Nos responde unas preguntas sobre su experiencia? Es un minuto:",
        "thanks": "Gracias.",
    },
}


def message(invitation: Invitation, sender: str) -> EmailMessage:
    """The invitation's e-mail: plain text, and HTML with the link as a button."""
    words = _WORDING.get(invitation.language.split("-")[0].lower(), _WORDING["en"])
    hello = words["hello"].format(name=invitation.customer_name or "").replace(" ,", ",")
    mail = EmailMessage()
    mail["From"], mail["To"] = sender, invitation.email
    mail["Subject"] = words["subject"].format(survey=invitation.survey_name)
    mail.set_content(f"{hello}\n\n{words['ask']}\n{invitation.link}\n\n{words['thanks']}\n")
    mail.add_alternative(
        f"<p>{_html(hello)}</p><p>{_html(words['ask'])}</p>"
        f'<p><a href="{_html(invitation.link)}">{_html(invitation.survey_name)}</a></p>'
        f"<p>{_html(words['thanks'])}</p>",
        subtype="html",
    )
    return mail


def _html(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def connect(settings: Settings) -> smtplib.SMTP:
    """An SMTP connection as ``smtp_uri`` and ``smtp_starttls`` say, logged in when the
    URI has a user; ChannelError when e-mail is not configured."""
    if not settings.smtp_uri or not settings.mail_from:
        raise ChannelError("e-mail is not configured: set smtp_uri and mail_from")
    parts = urlsplit(settings.smtp_uri)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ChannelError("smtp_uri: write smtp://user:password@host:port (or smtps://)")
    if parts.scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            parts.hostname, parts.port or 465, timeout=SMTP_TIMEOUT_S
        )
    else:
        smtp = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=SMTP_TIMEOUT_S)
        if settings.smtp_starttls:
            smtp.starttls()
    if parts.username:
        smtp.login(unquote(parts.username), unquote(parts.password or ""))
    return smtp


class EmailChannel(SurveyChannel):
    """Invitations as e-mail messages with the survey's link."""

    name = "email"
    description = "E-mail with the survey's web link, over SMTP (smtp_uri, mail_from)"

    def send(self, invitations: Sequence[Invitation], settings: Settings) -> Iterator[Delivery]:
        with connect(settings) as smtp:
            for invitation in invitations:
                if not invitation.email:
                    yield Delivery(invitation.invitation_id, False, "no e-mail address known")
                    continue
                try:
                    smtp.send_message(message(invitation, settings.mail_from))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                    yield Delivery(invitation.invitation_id, False, f"refused by the server: {exc}")
                else:
                    yield Delivery(invitation.invitation_id, True)
