"""Friends referred by customers as a lead source (``referrals``).

A referral names the customer who referred the person, by customer id
(``referrer``), by the referral code the loyalty service gave them
(``referral_code``; ``rpc.loyalty.referral_code(customer_id)``), or both; at
least one is required, else the referral is reported as a problem naming
``referrer``. Every lead gets the origin ``channel: referral`` plus the
referrer and the code (upper-cased, spaces removed). When the referred person
converts, loyalty credits the referrer (setting ``referral_reward_points``).

**Pushed payloads** (``POST /leads/referrals``): one referral, a list of them,
or ``{"referrals": [...]}``; items are numbered from 1 in that order::

    {
      "referrer": {"customer_id": "6f1c0c1e"},      # or just "6f1c0c1e"
      "referral_code": "7kq2-m9xa",                 # stored as 7KQ2-M9XA
      "friend": {                                   # or "lead"
        "first_name": "Luis", "last_name": "Mora", "email": "luis@example.com",
        "phone": "55 1234 5678", "company": "Mora Hnos", "position": "Owner",
        "needs": "a quote for 40 uniforms"
      },
      "note": "met him at my shop",                 # kept as extra data
      "referred_at": "2026-11-20T17:05:00-06:00",
      "consent": true
    }

The friend's keys are matched like file headers (``clientela.columns``: case,
accents and separators ignored, ``correo`` is ``email``...) and their values
read as text (a phone sent as a number too); the friend's other keys, the
referral's other keys, ``note`` and ``referred_at`` (an ISO 8601 time) are kept
as extra data. A nested object or list where a single value is expected is a
problem naming it. Consent is recorded only when the payload says the friend
agreed: ``true`` (or "yes"), or an object of ``purpose``, ``given_at`` and
``method``, which default to "contact about the referral", ``referred_at``
(else the time the service receives the referral) and "referred by a
customer; confirmed by the friend". The person was identified at
``referred_at`` (else on receipt). See ``samples/referrals.json``, which
``clientela import referrals`` reads too (a ``.json`` file is a payload).

**Files** (``clientela import referrals FILE.csv``): CSV (comma, semicolon or
tab; UTF-8 or Latin-1), one referral per line::

    referrer_customer_id,referral_code,first_name,last_name,email,phone,consent
    6f1c0c1e,,Luis,Mora,luis@example.com,55 1234 5678,yes
    ,7KQ2-M9XA,Eva,Ruiz,eva@example.com,,no

Columns: the referrer, as ``referrer_customer_id`` (or ``referrer_id``,
``referrer``) and/or ``referral_code`` (or ``codigo_referido``,
``codigo_de_referido``): the header needs one of them unless an option gives
it, and each row a referrer or a code; the lead fields, under any header of
``clientela.columns.HEADER_ALIASES`` (an ``email`` or ``phone`` column is
required); ``note``;
``referred_at``; ``consent`` (or ``consentimiento``, ``acepta_contacto``:
yes, si, true, 1 or x) and ``consent_purpose``, ``consent_given_at``,
``consent_method`` (filling them means yes). Other columns are kept as extra
data under their normalised header. See ``samples/referrals.csv``.

Options (``-o key=value``): ``referrer`` and ``referral_code`` apply to every
referral that lacks one, e.g. a list handed in by a single customer.
"""

from clientela import hookimpl
from clientela.plugins.referrals.source import ReferralSource


@hookimpl(trylast=True)
def clientela_lead_sources(register):
    """Register the referrals source."""
    register(ReferralSource())
