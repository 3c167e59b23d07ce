"""A response counts once: the same survey, customer and reference give the same key."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientela.errors import InvalidInput
from clientela.services.feedback.domain.responses import ANONYMOUS, response_key


def test_a_replayed_response_has_the_same_key():
    first = response_key("post-sale", "cus-1", "invitation-7")
    replayed = response_key("post-sale", "cus-1", "invitation-7")

    assert first == replayed


@pytest.mark.parametrize(
    "other",
    [
        ("quarterly-panel", "cus-1", "invitation-7"),
        ("post-sale", "cus-2", "invitation-7"),
        ("post-sale", "cus-1", "invitation-8"),
        ("post-sale", ANONYMOUS, "invitation-7"),
    ],
)
def test_a_response_differing_in_any_part_has_another_key(other):
    assert response_key(*other) != response_key("post-sale", "cus-1", "invitation-7")


def test_separators_inside_the_parts_cannot_make_two_responses_collide():
    assert response_key("a:b", "c", "d") != response_key("a", "b:c", "d")
    assert response_key("a", "b", "c|d") != response_key("a", "b|c", "d")


def test_an_anonymous_response_has_a_key_of_its_own_slip():
    assert response_key("box", ANONYMOUS, "slip-1") != response_key("box", ANONYMOUS, "slip-2")


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        (("", "cus-1", "ref"), "survey_id"),
        (("s", " ", "ref"), "customer_id"),
        (("s", "cus-1", ""), "reference"),
    ],
)
def test_blank_parts_are_refused_naming_the_field(parts, field):
    with pytest.raises(InvalidInput) as raised:
        response_key(*parts)

    assert list(raised.value.errors) == [field]


TEXT = st.text(min_size=1).filter(str.strip)


@given(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT)
def test_keys_are_equal_exactly_when_the_parts_are(s1, c1, r1, s2, c2, r2):
    same = (s1, c1, r1) == (s2, c2, r2)

    assert (response_key(s1, c1, r1) == response_key(s2, c2, r2)) == same
