"""Percentages, means, the Net Promoter Score and SERVQUAL's weighted gap, as every
service reports them."""

import pytest

from clientela.figures import mean, net_promoter_score, percentage, weighted_gap


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 4, 25.0), (1, 3, 33.33), (2, 3, 66.67), (0, 5, 0.0), (5, 5, 100.0), (3, 0, None)],
)
def test_percentage(part, whole, expected):
    assert percentage(part, whole) == expected


@pytest.mark.parametrize(
    ("promoters", "detractors", "respondents", "nps"),
    [
        (2, 1, 4, 25.0),
        (1, 0, 1, 100.0),
        (0, 2, 2, -100.0),
        (0, 0, 2, 0.0),
        (2, 1, 3, 33.33),
        (0, 0, 0, None),
    ],
)
def test_net_promoter_score_is_promoters_minus_detractors_in_percent(
    promoters, detractors, respondents, nps
):
    assert net_promoter_score(promoters, detractors, respondents) == nps


@pytest.mark.parametrize(
    ("values", "expected"), [([4, 5], 4.5), ([1, 2, 2], 1.67), ([7], 7.0), ([], None)]
)
def test_mean_is_rounded_to_two_decimals_and_none_without_values(values, expected):
    assert mean(values) == expected


def test_weighted_gap_weighs_the_rated_dimensions_by_their_share_of_the_points():
    gaps = {"reliability": -2.0, "empathy": 1.0}
    points = {"reliability": 30, "empathy": 10, "tangibility": 60}  # tangibility not rated

    assert weighted_gap(gaps, points) == -1.25
    assert weighted_gap(gaps, {"tangibility": 100}) is None
