"""Web-link tokens: signed, single-use, expiring.

A token is ``<claims>.<signature>``: the claims (survey, customer, the
invitation it answers, expiry) as base64url JSON, and their HMAC-SHA256 under
the service's secret. Anyone can read a token; only the secret's holder can
make one that verifies. Single use comes from the response key the claims
carry: every use of one token answers under the same key, so it counts once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from clientela.checks import invalid, require_aware, require_text
from clientela.errors import InvalidInput
from clientela.services.feedback.domain.responses import response_key

MIN_SECRET_BYTES = 32
"""A shorter secret would be guessable: HMAC-SHA256's key should be as long as its output."""


class TokenProblem(StrEnum):
    """Why a token does not verify."""

    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"


_MESSAGES = {
    TokenProblem.MALFORMED: "The link is not a survey link.",
    TokenProblem.BAD_SIGNATURE: "The link has been altered or was not issued here.",
    TokenProblem.EXPIRED: "The link has expired.",
}


class InvalidToken(InvalidInput):
    """A token that does not verify; ``problem`` says why, ``errors`` names ``token``."""

    def __init__(self, problem: TokenProblem) -> None:
        super().__init__({"token": [_MESSAGES[problem]]})
        self.problem = problem


@dataclass(frozen=True)
class LinkClaims:
    """What a web-link token vouches for."""

    survey_id: str
    customer_id: str
    invitation_id: str
    expires_at: datetime

    def __post_init__(self) -> None:
        require_text("survey_id", self.survey_id)
        require_text("customer_id", self.customer_id)
        require_text("invitation_id", self.invitation_id)
        require_aware("expires_at", self.expires_at)

    @property
    def response_key(self) -> str:
        """The key every answer through this link is recorded under."""
        return response_key(self.survey_id, self.customer_id, self.invitation_id)


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, claims: str) -> str:
    return _encode(hmac.new(secret, claims.encode("ascii"), hashlib.sha256).digest())


def _require_secret(secret: bytes) -> None:
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise invalid("secret", f"Must be at least {MIN_SECRET_BYTES} bytes.")


def issue_token(secret: bytes, claims: LinkClaims) -> str:
    """The signed token for ``claims``, safe to put in a URL."""
    _require_secret(secret)
    payload = {
        "s": claims.survey_id,
        "c": claims.customer_id,
        "i": claims.invitation_id,
        "e": claims.expires_at.astimezone(UTC).isoformat(),
    }
    body = _encode(json.dumps(payload, separators=(",", ":")).encode())
    return f"{body}.{_signature(secret, body)}"


def verify_token(secret: bytes, token: str, now: datetime) -> LinkClaims:
    """The claims of ``token`` when it was issued with ``secret``, unaltered, and unexpired.

    InvalidToken saying which check failed: malformed, bad signature (checked
    before anything in the claims is believed), or expired (at ``expires_at``
    itself the link no longer works).
    """
    _require_secret(secret)
    require_aware("now", now)
    body, dot, signature = token.partition(".") if isinstance(token, str) else ("", "", "")
    if not dot or not body.isascii() or not signature.isascii():
        raise InvalidToken(TokenProblem.MALFORMED)
    if not hmac.compare_digest(signature, _signature(secret, body)):
        raise InvalidToken(TokenProblem.BAD_SIGNATURE)
    try:
        payload = json.loads(_decode(body))
        claims = LinkClaims(
            survey_id=payload["s"],
            customer_id=payload["c"],
            invitation_id=payload["i"],
            expires_at=datetime.fromisoformat(payload["e"]),
        )
    except (binascii.Error, ValueError, KeyError, TypeError, InvalidInput):
        raise InvalidToken(TokenProblem.MALFORMED) from None
    if now >= claims.expires_at:
        raise InvalidToken(TokenProblem.EXPIRED)
    return claims
