"""Complaints on the real feedback service: opened once per reference, resolved and
confirmed, and a missed target announced once however often the review runs."""

from datetime import timedelta

import pytest

from clientela.clock import utcnow
from clientela.errors import Conflict, InvalidInput

pytestmark = pytest.mark.integration


@pytest.fixture
def rpc(clientela_platform):
    return clientela_platform("feedback")


def test_a_complaint_is_opened_once_resolved_and_confirmed_closed(rpc):
    opened = rpc.feedback.open_complaint("Q-1", "delivery", "medium", "Late parcel", owner="lu")
    assert rpc.feedback.open_complaint("Q-1", "delivery", "medium", "Late parcel") == opened
    assert opened["status"] == "open"
    resolved = rpc.feedback.resolve_complaint("Q-1", "Sent a new parcel")
    assert resolved["status"] == "resolved"
    with pytest.raises(Conflict):
        rpc.feedback.confirm_complaint("Q-1", True)  # anonymous: nobody can confirm it
    assert [c["complaint_ref"] for c in rpc.feedback.complaints("resolved")] == ["Q-1"]
    with pytest.raises(InvalidInput):
        rpc.feedback.complaints("lost")


def test_a_missed_target_is_breached_once(rpc):
    six_days_ago = (utcnow() - timedelta(days=6)).isoformat()
    rpc.feedback.open_complaint("Q-2", "billing", "high", "Charged twice", opened_at=six_days_ago)
    assert rpc.feedback.check_breaches() == 2
    assert rpc.feedback.check_breaches() == 0
    [complaint] = rpc.feedback.complaints()
    assert complaint["breaches"] == ["response", "resolution"]
