"""Trade-fair visitor lists as a lead source (``clientela import fairs FILE``).

Reads CSV files (comma, semicolon or tab separated; UTF-8, with or without a
byte-order mark, or Latin-1). Headers are matched ignoring case, accents,
spaces and hyphens; these are understood:

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
============  ===================================================================

Several columns of one field (``apellido paterno`` and ``apellido materno``)
are joined in column order. Other columns are kept with the capture as extra
data. Options: ``fair`` (the fair's name, stored as the capture's origin).
"""

from clientela import hookimpl
from clientela.plugins.fairs.visitor_list import FairVisitorList


@hookimpl(trylast=True)
def clientela_lead_sources(register):
    """Register the trade-fair visitor-list source."""
    register(FairVisitorList())
