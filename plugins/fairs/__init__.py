"""Trade-fair visitor lists as a lead source (``clientela import fairs FILE``).

Reads CSV files (comma, semicolon or tab separated; UTF-8, with or without a
byte-order mark, or Latin-1). Headers are matched ignoring case, accents,
spaces and hyphens; these are understood:

============  ===================================================================
field         accepted headers
============  ===================================================================
first_name    first_name, firstname, first, given_name, nombre, nombres
last_name     last_name, lastname, surname, family_name, apellidos, apellido
email         email, e_mail, mail, email_address, correo, correo_electronico
phone         phone, telephone, tel, mobile, telefono, movil, celular
company       company, organisation, organization, empresa, organizacion, compania
position      position, job_title, title, role, cargo, puesto
============  ===================================================================

Other columns are kept with the capture as extra data. Options: ``fair`` (the
fair's name, stored as the capture's origin).
"""

from clientela import hookimpl
from clientela.plugins.fairs.visitor_list import FairVisitorList


@hookimpl(trylast=True)
def clientela_lead_sources(register):
    """Register the trade-fair visitor-list source."""
    register(FairVisitorList())
