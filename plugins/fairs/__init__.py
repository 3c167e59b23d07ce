"""Trade-fair visitor lists as a lead source (``clientela import fairs FILE``).

Reads CSV files (comma, semicolon or tab separated; UTF-8, with or without a
byte-order mark, or Latin-1) and Excel workbooks (``.xlsx``, streamed, so
large scanner exports are fine; old ``.xls`` files must be saved as ``.xlsx``
or CSV first). In a workbook the header is the first non-empty row of the
first sheet, rows are numbered as Excel shows them, numbers read as typed
(a phone stored as a number keeps no ``.0``) and dates as ``YYYY-MM-DD``.

Headers are matched ignoring case, accents, spaces and hyphens; these are
understood (``clientela.columns.HEADER_ALIASES``):

============  ===================================================================
field         accepted headers
============  ===================================================================
first_name    first_name, firstname, first, given_name, forename, name, full_name,
              contact, contact_name, nombre, nombres, nombre_completo, contacto
last_name     last_name, lastname, surname, family_name, apellidos, apellido,
              apellido_paterno, apellido_materno, primer_apellido, segundo_apellido
email         email, e_mail, mail, email_address, e_mail_address, correo,
              correo_electronico, correo_e, direccion_de_correo, email_corporativo
phone         phone, phone_number, telephone, tel, mobile, mobile_phone, cell,
              telefono, telefono_movil, movil, celular, whatsapp
company       company, company_name, organisation, organization, empresa,
              organizacion, compania, razon_social, institucion
position      position, job_title, title, role, cargo, puesto
needs         needs, interest, interests, comments, notes, message, interes,
              intereses, necesidades, comentarios, observaciones, mensaje
============  ===================================================================

Several columns of one field (``apellido paterno`` and ``apellido materno``)
are joined in column order. An e-mail column is required. Other columns are
kept with the capture as extra data, under their normalised header.

When each visitor was met: a date or time column (``captured_at``,
``scanned_at``, ``scan_time``, ``date``, ``datetime``, ``timestamp``,
``fecha``, ``fecha_hora``, ``fecha_de_captura``, ``fecha_escaneo``,
``fecha_de_visita``, ``visit_date``...; ``clientela.columns.IDENTIFIED_AT_ALIASES``)
gives the row's ``identified_at``: ISO dates and times, day-first dates as
Spanish lists write them (``12/03/2026``, ``12-03-2026 10:15``) and
spreadsheet date cells; times without a zone are UTC. A value that is not a
date makes the row a problem naming the column. Rows without one are dated
on ``fair_date``; without it either, the service takes the time of receipt.

Badge scans: a scanner export's badge column (``badge_id``, ``badge``,
``gafete``) is kept as extra ``badge_id``. When a consent column (``consent``,
``consentimiento``, ``acepta_contacto``) says yes (yes, si, true, 1 or x), the
row records the person's consent: to ``consent_purpose``, given when the row
was met (see above), by "badge scan at the stand". The consent and time
columns are read, not kept as extra data.

Options (``-o key=value``):

- ``fair``: the fair's name, and ``fair_date``: its date as ``YYYY-MM-DD``;
  both are recorded as the origin of every row, and rows without a time of
  their own were met on ``fair_date``;
- ``consent_purpose``: what badge-scan consent is for (default: "contact
  about the fair's offer");
- ``sheet``: the worksheet of an ``.xlsx`` file to read (default: the first).

Any other option is refused.
"""

from clientela import hookimpl
from clientela.plugins.fairs.visitor_list import FairVisitorList


@hookimpl(trylast=True)
def clientela_lead_sources(register):
    """Register the trade-fair visitor-list source."""
    register(FairVisitorList())
