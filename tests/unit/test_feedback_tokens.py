"""Web-link tokens: verify only unaltered, with the right secret, before expiry."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientela.errors import InvalidInput
from clientela.services.feedback.domain.responses import response_key
from clientela.services.feedback.domain.tokens import (
    InvalidToken,
    LinkClaims,
    TokenProblem,
    issue_token,
    verify_token,
)

SECRET = b"s" * 32
ISSUED = datetime(2026, 3, 1, 9, tzinfo=UTC)
EXPIRES = ISSUED + timedelta(days=14)
CLAIMS = LinkClaims("post-sale", "cus-1", "invitation-7", EXPIRES)


def test_a_token_verifies_to_the_claims_it_was_issued_for():
    token = issue_token(SECRET, CLAIMS)

    assert verify_token(SECRET, token, ISSUED) == CLAIMS


def test_every_use_of_a_link_answers_under_the_same_response_key():
    token = issue_token(SECRET, CLAIMS)

    first = verify_token(SECRET, token, ISSUED + timedelta(hours=1))
    again = verify_token(SECRET, token, ISSUED + timedelta(days=2))

    assert first.response_key == again.response_key
    assert first.response_key == response_key("post-sale", "cus-1", "invitation-7")


def test_a_token_is_refused_from_its_expiry_on():
    token = issue_token(SECRET, CLAIMS)

    assert verify_token(SECRET, token, EXPIRES - timedelta(microseconds=1)) == CLAIMS
    with pytest.raises(InvalidToken) as raised:
        verify_token(SECRET, token, EXPIRES)

    assert raised.value.problem is TokenProblem.EXPIRED
    assert raised.value.errors == {"token": ["The link has expired."]}


def test_a_token_issued_under_another_secret_has_a_bad_signature():
    token = issue_token(b"o" * 32, CLAIMS)

    with pytest.raises(InvalidToken) as raised:
        verify_token(SECRET, token, ISSUED)

    assert raised.value.problem is TokenProblem.BAD_SIGNATURE


def test_a_token_with_its_expiry_pushed_back_has_a_bad_signature():
    later = LinkClaims("post-sale", "cus-1", "invitation-7", EXPIRES + timedelta(days=365))
    forged_body = issue_token(b"o" * 32, later).split(".")[0]
    signature = issue_token(SECRET, CLAIMS).split(".")[1]

    with pytest.raises(InvalidToken) as raised:
        verify_token(SECRET, f"{forged_body}.{signature}", EXPIRES + timedelta(days=1))

    assert raised.value.problem is TokenProblem.BAD_SIGNATURE


@pytest.mark.parametrize("token", ["", "no-dot-here", "ab.cd.ef", "é.x", 42])
def test_something_that_is_not_a_token_is_malformed_or_badly_signed(token):
    with pytest.raises(InvalidToken) as raised:
        verify_token(SECRET, token, ISSUED)

    assert raised.value.problem in {TokenProblem.MALFORMED, TokenProblem.BAD_SIGNATURE}
    assert list(raised.value.errors) == ["token"]


def test_a_signed_body_that_is_not_claims_is_malformed():
    body = base64.urlsafe_b64encode(b'{"s": "x"}').rstrip(b"=").decode()
    mac = hmac.new(SECRET, body.encode(), hashlib.sha256).digest()
    signature = base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    with pytest.raises(InvalidToken) as raised:
        verify_token(SECRET, f"{body}.{signature}", ISSUED)

    assert raised.value.problem is TokenProblem.MALFORMED


def test_an_invalid_token_is_invalid_input():
    with pytest.raises(InvalidInput):
        verify_token(SECRET, "x.y", ISSUED)


def test_a_short_secret_is_refused():
    with pytest.raises(InvalidInput) as raised:
        issue_token(b"short", CLAIMS)

    assert list(raised.value.errors) == ["secret"]


def test_claims_need_an_aware_expiry():
    with pytest.raises(InvalidInput) as raised:
        LinkClaims("s", "c", "i", datetime(2026, 3, 1))

    assert list(raised.value.errors) == ["expires_at"]


@given(
    position=st.integers(min_value=0),
    replacement=st.sampled_from(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    ),
    lifetime=st.integers(min_value=1, max_value=10**6),
    checked_after=st.integers(min_value=0, max_value=2 * 10**6),
)
def test_a_token_verifies_only_unaltered_and_before_expiry(
    position, replacement, lifetime, checked_after
):
    claims = LinkClaims("s", "c", "i", ISSUED + timedelta(seconds=lifetime))
    token = issue_token(SECRET, claims)
    index = position % len(token)
    altered = token[:index] + replacement + token[index + 1 :]
    now = ISSUED + timedelta(seconds=checked_after)

    if altered != token:
        with pytest.raises(InvalidToken) as raised:
            verify_token(SECRET, altered, now)
        assert raised.value.problem is not TokenProblem.EXPIRED
    elif checked_after < lifetime:
        assert verify_token(SECRET, token, now) == claims
    else:
        with pytest.raises(InvalidToken) as raised:
            verify_token(SECRET, token, now)
        assert raised.value.problem is TokenProblem.EXPIRED
