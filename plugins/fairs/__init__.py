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

Badge scans: a scanner export's badge column (``badge_id``, ``badge``,
``gafete``) is kept as extra ``badge_id``, its scan time (``scanned_at``,
``scan_time``, ``fecha_escaneo``, ``timestamp``) as extra ``scanned_at``.
When a consent column (``consent``, ``consentimiento``, ``acepta_contacto``)
says yes (yes, si, true, 1 or x), the row records the person's consent:
to ``consent_purpose``, given at the scan time (or else on ``fair_date``;
without either, no consent is recorded), by "badge scan at the stand". The
consent column itself is read, not kept as extra data.

Options (``-o key=value``):

- ``fair``: the fair's name, and ``fair_date``: its date as ``YYYY-MM-DD``;
  both are recorded as the origin of every row;
- ``consent_purpose``: what badge-scan consent is for (default: "contact
  about the fair's offer");
- ``sheet``: the worksheet of an ``.xlsx`` file to read (default: the first).
"""

from clientela import hookimpl
from clientela.plugins.fairs.visitor_list import FairVisitorList


@hookimpl(trylast=True)
def clientela_lead_sources(register):
    """Register the trade-fair visitor-list source."""
    register(FairVisitorList())
