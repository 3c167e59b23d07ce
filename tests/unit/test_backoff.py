"""Waits between restarts double up to a cap and start over after a success."""

from clientela.supervision import Backoff


def test_waits_double_up_to_the_cap_and_start_over_after_a_reset():
    backoff = Backoff(first_s=1.0, max_s=30.0)

    assert [backoff.next() for _ in range(7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    backoff.reset()
    assert backoff.next() == 1.0
