"""Loyalty rules: referral codes and referral rewards."""

import pytest

from clientela.services.loyalty.domain import (
    REFERRAL_CODE_ALPHABET,
    Referrer,
    new_referral_code,
    normalise_referral_code,
    referral_reward,
    refers_back,
)

# -- referral codes ------------------------------------------------------------


def test_a_referral_code_is_two_groups_of_four_unambiguous_characters():
    code = new_referral_code()

    first, second = code.split("-")
    assert len(first) == len(second) == 4
    assert set(first + second) <= set(REFERRAL_CODE_ALPHABET)
    assert not set("01OIL") & set(REFERRAL_CODE_ALPHABET)


def test_a_referral_code_is_drawn_by_the_given_chooser():
    picks = iter("7KQ2M9XA")

    assert new_referral_code(lambda alphabet: next(picks)) == "7KQ2-M9XA"


def test_referral_codes_are_random():
    assert len({new_referral_code() for _ in range(200)}) == 200


@pytest.mark.parametrize(
    "typed", ["7KQ2-M9XA", "7kq2-m9xa", " 7kq2 m9xa ", "7KQ2M9XA", "7K-Q2M9-XA"]
)
def test_a_typed_code_is_normalised_to_its_stored_form(typed):
    assert normalise_referral_code(typed) == "7KQ2-M9XA"


@pytest.mark.parametrize(
    "typed", ["", "7KQ2-M9X", "7KQ2-M9XAB", "7KQ0-M9XA", "7KQ2_M9XA", "ANA-7KQ2"]
)
def test_what_cannot_be_a_code_normalises_to_none(typed):
    assert normalise_referral_code(typed) is None


# -- referral rewards ----------------------------------------------------------

ANA = Referrer("c-ana", "p-ana", "ana@example.com")


def test_the_referrer_earns_the_reward_naming_the_referred_prospect():
    reward = referral_reward(ANA, "p-luis", "luis@example.com", 500)

    assert reward.points == 500
    assert "p-luis" in reward.reason


@pytest.mark.parametrize(
    ("prospect_id", "email"),
    [("p-ana", "other@example.com"), ("p-new", "ANA@example.com"), ("p-ana", None)],
    ids=["same-prospect", "same-email", "same-prospect-no-email"],
)
def test_referring_oneself_earns_nothing(prospect_id, email):
    reward = referral_reward(ANA, prospect_id, email, 500)

    assert reward.points == 0
    assert "self-referral" in reward.reason


def test_a_referrer_without_prospect_or_email_can_still_be_rewarded():
    referrer = Referrer("c-imported", None, None)

    assert referral_reward(referrer, "p-luis", None, 500).points == 500


def test_no_reward_when_rewards_are_set_to_zero():
    reward = referral_reward(ANA, "p-luis", "luis@example.com", 0)

    assert reward.points == 0
    assert "referral_reward_points" in reward.reason


def test_a_negative_reward_is_refused():
    with pytest.raises(ValueError, match="reward_points"):
        referral_reward(ANA, "p-luis", None, -1)


# -- referral loops ------------------------------------------------------------

LUIS = Referrer("C-luis", "P-luis", None)
EVA = Referrer("C-eva", "P-eva", None)


CHAIN = {"c-ana": LUIS, "C-luis": EVA}
"""Luis referred Ana, and Eva referred Luis."""


@pytest.mark.parametrize(
    ("prospect_id", "loop"), [("P-luis", True), ("P-eva", True), ("P-new", False)]
)
def test_a_prospect_up_the_referrers_chain_closes_a_loop(prospect_id, loop):
    assert refers_back(ANA, prospect_id, lambda who: CHAIN.get(who.customer_id)) is loop


def test_a_chain_that_already_turns_in_a_circle_is_not_followed_forever():
    circle = {"c-ana": LUIS, "C-luis": ANA}

    assert refers_back(ANA, "P-new", lambda who: circle.get(who.customer_id)) is True
