"""Web-form submissions as a lead source (pushed to ``webforms``, or ``clientela import webforms``).

Takes what a website's contact or landing-page forms send: one submission
object, a list of them, or ``{"submissions": [...]}``; or a CSV export of
submissions (one column per key, header first). Items are numbered from 1,
CSV rows by their line.

Keys are matched like fair visitor-list headers, ignoring case, accents,
spaces and hyphens (``clientela.columns.HEADER_ALIASES``): ``email``,
``correo`` or ``E-Mail`` is the e-mail; ``first_name``, ``nombre``,
``last_name``, ``apellidos``, ``phone``, ``telefono``, ``company``,
``empresa``, ``position``, ``cargo``, ``needs``, ``message``, ``mensaje``...
fill the other lead fields. A CSV export needs an e-mail or a phone column.
Numbers and booleans become text; a nested object or list under a lead-field
key makes the submission a problem (the others are still read), under any
other key it is kept as JSON text.

Campaign (UTM) fields and the form are recorded as the lead's origin:

- ``utm_source`` as origin ``channel`` (google, facebook, newsletter...);
- ``utm_medium`` as origin ``medium`` (cpc, email, social...);
- ``utm_campaign`` as origin ``campaign``;
- ``utm_term`` and ``utm_content`` are kept as extra data;
- ``form``, ``form_id`` or ``form_name`` as origin ``form``;
- ``page_url``, ``landing_page`` or ``url`` is kept as extra ``page_url``;
  the ``utm_*`` parameters of its query string fill the UTM keys the
  submission lacks.

Consent: when ``consent`` (or ``consentimiento``, ``acepta_contacto``) is
true, "yes", "on", "1" or "si", the lead records consent to ``consent_text``
(else the ``consent_purpose`` option, else "contact about the offer in the
form"), given at ``submitted_at``, by "web form checkbox". The person was
identified at ``submitted_at`` (also read from ``created_time``, ``date``,
``fecha``, ``timestamp``...: ``clientela.columns.IDENTIFIED_AT_ALIASES``; ISO
8601 or day-first ``DD/MM/YYYY``, a time without a zone being UTC; anything
else makes the submission a problem); without it, the service takes the
time it receives the submission, for both, so a redelivered submission is
the same capture. ``submitted_at`` and every other key are kept as extra data.

Files: a ``.json`` file holds a payload as pushed; any other is a CSV export.

Options (``-o key=value``, or those given with a pushed payload):
``campaign``, ``channel`` and ``medium`` fill the origin of submissions that
lack them; ``consent_purpose`` as above. An import refuses any other.

Example::

    {"submissions": [
      {"form_name": "Cotización", "nombre": "Ana", "apellidos": "Ruiz",
       "correo": "ana@example.mx", "telefono": 5511112222,
       "mensaje": "Quiero una cotización para 200 piezas",
       "page_url": "https://example.mx/oferta?utm_source=google&utm_medium=cpc&utm_campaign=primavera",
       "consent": true, "consent_text": "Acepto que me contacten sobre esta oferta",
       "submitted_at": "2026-03-12T10:15:00Z"}
    ]}
"""

from clientela import hookimpl
from clientela.plugins.webforms.submissions import WebFormSubmissions


@hookimpl(trylast=True)
def clientela_lead_sources(register):
    """Register the web-form submissions source."""
    register(WebFormSubmissions())
