"""NPS categories as the Net Promoter Score defines them."""

import pytest

from clientela.services.feedback.domain import nps_category


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_nps_category_at_the_boundaries(score, category):
    assert nps_category(score) == category


@pytest.mark.parametrize("score", [-1, 11])
def test_scores_outside_0_to_10_are_refused(score):
    with pytest.raises(ValueError, match="score"):
        nps_category(score)
