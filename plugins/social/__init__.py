"""Social lead-ads forms as a lead source (``POST /leads/social``, ``clientela import social F``).

Takes the leads of Meta lead ads (Facebook, Instagram) and LinkedIn lead gen
forms, as the networks' APIs return them, pushed as JSON or read from a file:
a ``.json`` file holds any payload below, a ``.jsonl`` or ``.ndjson`` file one
lead per line (read line by line; a line that is not JSON, or not a lead, is
reported with its line number and the others are read). Pushed leads are
numbered from 1 in payload order.

The network is detected from the payload (an envelope, or the keys of its
first lead known); the ``network`` option (``-o network=meta`` or
``linkedin``, or ``?network=`` on ``POST /leads/social``) forces it. A
payload of neither shape is refused as a whole; a lead that cannot be read
(not an object, no answers, an unreadable time) is reported on its own and
the others are still read.

Meta lead ads
-------------

One lead as the Graph API returns it (``GET /<lead-id>``, ``GET
/<form-id>/leads``), a list of leads, a page of them ``{"data": [...],
"paging": {...}}``, or a leadgen webhook notification ``{"object": "page",
"entry": [{"changes": [{"field": "leadgen", "value": <lead>}]}]}`` whose
values have been completed with the lead's ``field_data`` (a bare
notification only carries the lead's id: such a value is reported as having
no field_data). A lead is recognised by any of ``field_data``,
``leadgen_id``, ``created_time``, ``form_id`` or ``ad_id``. Example::

    {"data": [
      {"id": "1203948576", "created_time": "2026-11-20T10:15:00+0000",
       "ad_id": "2384", "ad_name": "Invierno A", "adset_name": "CDMX 25-45",
       "campaign_id": "2383", "campaign_name": "Invierno 2026",
       "form_id": "5550", "platform": "ig",
       "field_data": [
         {"name": "full_name", "values": ["Lucía Fernández Ortega"]},
         {"name": "email", "values": ["lucia@example.mx"]},
         {"name": "phone_number", "values": ["+525511112222"]},
         {"name": "¿qué_producto_te_interesa?", "values": ["Riego por goteo"]}],
       "custom_disclaimer_responses": [
         {"checkbox_key": "Acepto recibir ofertas por correo", "is_checked": "1"}]}
    ]}

A ``field_data`` answer's values are joined with ", ". ``created_time`` is
Graph API text (``2026-11-20T10:15:00+0000``) or, in a webhook value, epoch
seconds.

LinkedIn lead gen forms
-----------------------

One lead form response as ``GET /rest/leadFormResponses`` returns it, a list
of them, or the response page ``{"elements": [...], "paging": {...}}``. A
response is recognised by any of ``formResponse``, ``submittedAt``,
``versionedLeadGenFormUrn`` or ``leadType``. Each answer of
``formResponse.answers`` names its question by ``predefinedField``
(``FIRST_NAME``, ``LAST_NAME``, ``EMAIL``, ``PHONE_NUMBER``,
``COMPANY_NAME``, ``JOB_TITLE``, ``WORK_EMAIL``, ``WORK_PHONE_NUMBER``,
``CITY``, ``COUNTRY``, ``INDUSTRY``...), else by ``name`` (a custom
question's name), else by ``questionId`` alone, kept as extra
``question_<id>``: LinkedIn answers carry only the ``questionId``, so copy
each question's ``predefinedField`` or ``name`` from the form
(``GET /rest/leadForms/<id>``) into its answers before pushing them. The
answer is ``answerDetails.textQuestionAnswer.answer``, or the ``options`` of
``answerDetails.multipleChoiceAnswer`` joined with ", " (option ids, unless
replaced by their texts). ``submittedAt`` is in epoch milliseconds. Example::

    {"elements": [
      {"id": "a1b2c3", "submittedAt": 1795169700000, "leadType": "SPONSORED",
       "versionedLeadGenFormUrn": "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:123,1)",
       "associatedEntity": {"sponsoredCampaign": "urn:li:sponsoredCampaign:456"},
       "formResponse": {
         "answers": [
           {"predefinedField": "FIRST_NAME",
            "answerDetails": {"textQuestionAnswer": {"answer": "Grace"}}},
           {"predefinedField": "LAST_NAME",
            "answerDetails": {"textQuestionAnswer": {"answer": "Hopper"}}},
           {"predefinedField": "EMAIL",
            "answerDetails": {"textQuestionAnswer": {"answer": "grace@example.com"}}},
           {"name": "project_needs",
            "answerDetails": {"textQuestionAnswer": {"answer": "ERP rollout"}}}],
         "consentResponses": [{"consentId": 789, "accepted": true}]}}
    ]}

Lead fields
-----------

Question keys are compared in lower case without accents, with anything but
letters and digits as ``_`` (Meta's ``field_data`` names, LinkedIn's
``predefinedField`` or ``name``):

=====================  ==================================================
field                  questions
=====================  ==================================================
first_name, last_name  first_name, last_name; else the words of full_name
                       (or nombre_completo) split into both
email                  email; else work_email
phone                  phone_number; else work_phone_number
company                company_name
position               job_title
needs                  every question whose key contains "interes", "need",
                       "necesi", "looking_for" or "busca", joined with "; "
=====================  ==================================================

Other questions the shared headers vocabulary knows
(``clientela.columns.HEADER_ALIASES``: ``empresa``, ``cargo``, ``telefono``,
``comentarios``...) fill the fields still empty. A full name splits at a
comma as "Last, First"; otherwise particles stay with the word after them
("de la Cruz", "van Dijk"), one word is a first name, two or three words a
first name and surnames ("Juan Pérez Gómez"), four or more two given names
and surnames ("María José Pérez Gómez"). Any other answer, and an answer for
a field already filled, is kept as extra data under its question key; so
are ``lead_id``, ``submitted_at`` (ISO 8601, UTC), Meta's ``ad_id``,
``ad_name`` and ``adset_name``, and LinkedIn's ``lead_type`` and
``test_lead`` ("true" for test leads). The person was identified at
``created_time`` (Meta) or ``submittedAt`` (LinkedIn): the lead's
``identified_at``, which the indicators count by (without it, the time the
service receives the lead).

Origin and consent
------------------

========  ==================================  ===================================
origin    Meta                                LinkedIn
========  ==================================  ===================================
channel   ``platform``: "ig" is instagram,    linkedin
          anything else facebook
medium    paid_social; social when            paid_social; social when ``leadType``
          ``is_organic`` is true              is not SPONSORED (company, event...)
campaign  ``campaign_name``, else             the id of ``associatedEntity.
          ``campaign_id``                     sponsoredCampaign`` (or
                                              ``leadMetadata.sponsoredLeadMetadata.
                                              campaign``)
form      ``form_id``                         the leadGenForm id of
                                              ``versionedLeadGenFormUrn``
========  ==================================  ===================================

When the person ticked a consent box (Meta: a ``custom_disclaimer_responses``
item whose ``is_checked`` is "1" or true; LinkedIn: a ``consentResponses``
item whose ``accepted`` is true), the lead records consent to the box's
``checkbox_key`` (Meta) or ``consentId`` (LinkedIn), several boxes joined
with "; ", given at ``created_time`` or ``submittedAt``, by "Meta lead ads
form" or "LinkedIn lead gen form". Without the time of the lead no consent is
recorded.

Options (``-o key=value``, or the query string of ``POST /leads/social``):
``network``: ``meta`` or ``linkedin``, to read the payload as that network's.
An import refuses any other.
"""

from clientela import hookimpl
from clientela.plugins.social.source import SocialLeadAds


@hookimpl(trylast=True)
def clientela_lead_sources(register):
    """Register the social lead-ads source."""
    register(SocialLeadAds())
