"""Dunning letters on paper and by e-mail: templates under the data directory, rendered to
files, and sent over SMTP (standard library) when asked and configured.

Templates are ``<data_dir>/dunning/templates/<name>.txt`` in :class:`string.Template`
syntax (``$name``, ``$amount``, ``$days_overdue``, ``$invoices``, ``$date``); the
defaults below are written there the first time, for operators to edit.
Letters are rendered to ``<data_dir>/dunning/letters/<date>-<customer>-<template>.txt``.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import unquote, urlsplit

from clientela.services.customers.domain import display_name
from clientela.services.customers.domain.dunning import DunningLetter, DunningPlan, DunningStep

_GENTLE = "Dear $name,\n\nOur records show $amount overdue (invoices $invoices), "
_CLOSING = "\n\nAccounts receivable, $date\n"
DEFAULT_TEMPLATES = {
    "reminder-1": _GENTLE + "perhaps overlooked. We would be glad of your payment." + _CLOSING,
    "reminder-2": _GENTLE
    + "now $days_overdue days past due. Could you settle it this week?"
    + _CLOSING,
    "notice-1": _GENTLE + "$days_overdue days past due. Please pay within ten days or call us "
    "to agree a plan." + _CLOSING,
    "notice-2": _GENTLE + "still unpaid after $days_overdue days. We ask you to pay now or "
    "reply with a date." + _CLOSING,
    "final-1": _GENTLE + "over $days_overdue days past due. Without payment within seven days "
    "your credit will be suspended and the debt passed to collection." + _CLOSING,
    "final-2": _GENTLE + "unpaid for $days_overdue days. This is our last notice before legal "
    "collection." + _CLOSING,
}
DEFAULT_PLAN = DunningPlan(
    (
        DunningStep(1, ("reminder-1", "reminder-2")),
        DunningStep(31, ("notice-1", "notice-2")),
        DunningStep(61, ("final-1", "final-2")),
    )
)
"""Reminders from the first day overdue, notices after a month, final demands after two."""


@dataclass(frozen=True)
class Delivery:
    """Where a letter went: its file, and whether it was e-mailed (else why not)."""

    path: Path
    emailed: bool
    note: str = ""


class PostOffice:
    """Renders dunning letters to files and, when ``send``, e-mails them.

    ``smtp_uri`` is ``smtp://user:password@host:port`` (``smtps://`` for TLS
    from the start); empty means e-mail is not configured.
    """

    def __init__(self, data_dir: str | Path, send: bool, smtp_uri: str, mail_from: str) -> None:
        self.root = Path(data_dir) / "dunning"
        self.send = send
        self.smtp_uri = smtp_uri
        self.mail_from = mail_from

    @property
    def can_email(self) -> bool:
        """Whether SMTP is configured for sending."""
        return bool(self.smtp_uri and self.mail_from)

    def template(self, name: str) -> Template:
        """The template ``name``, written from the defaults when the file is missing."""
        path = self.root / "templates" / f"{name}.txt"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(DEFAULT_TEMPLATES.get(name, _GENTLE + _CLOSING), encoding="utf-8")
        return Template(path.read_text(encoding="utf-8"))

    def deliver(self, letter: DunningLetter, customer: dict[str, Any], on: date) -> Delivery:
        """Render ``letter`` to its file, and e-mail it when sending and able to."""
        text = self.template(letter.template).safe_substitute(
            name=display_name(customer),
            amount=f"{letter.overdue_amount:.2f}",
            days_overdue=letter.days_overdue,
            invoices=", ".join(letter.invoice_refs),
            date=on.isoformat(),
        )
        path = self.root / "letters" / f"{on.isoformat()}-{customer['_id']}-{letter.template}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not self.send:
            return Delivery(path, emailed=False)
        if not self.can_email:
            return Delivery(path, emailed=False, note="not sent: smtp_uri/mail_from not set")
        if not customer.get("email"):
            return Delivery(path, emailed=False, note="not sent: the customer has no e-mail")
        self._email(customer["email"], "Overdue account", text)
        return Delivery(path, emailed=True)

    def _email(self, to: str, subject: str, text: str) -> None:
        parts = urlsplit(self.smtp_uri)
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.mail_from, to, subject
        message.set_content(text)
        connect = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        with connect(parts.hostname or "localhost", parts.port or 0, timeout=30) as server:
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(message)
