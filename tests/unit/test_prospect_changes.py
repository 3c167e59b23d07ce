"""Saving a profile read before someone else's write redoes the change on fresh data."""

import pytest

from clientela.errors import Conflict
from clientela.services.prospects.dependencies.fake import FakeProspectsStorage
from clientela.services.prospects.handlers.changes import ATTEMPTS, change_profile


class BusyStorage(FakeProspectsStorage):
    """Someone else writes to the profile right after each of the first ``interfere`` reads."""

    def __init__(self, profile, interfere=0):
        super().__init__()
        self.profiles[profile["_id"]] = profile
        self.interfere = interfere

    def find_profile(self, prospect_id):
        found = super().find_profile(prospect_id)
        if self.interfere:
            self.interfere -= 1
            stored = self.profiles[prospect_id]
            stored.update(owner="someone else", version=stored["version"] + 1)
        return found


def rename(profile):
    profile["first_name"] = "Ana"
    return [{"id": "E-1", "type": "prospect_updated"}]


def test_a_change_on_stale_data_is_redone_on_fresh_data():
    uow = BusyStorage({"_id": "p1", "version": 3, "owner": "", "first_name": ""}, interfere=2)

    saved = change_profile(uow, "p1", rename)

    assert saved["first_name"] == "Ana"
    assert uow.profiles["p1"]["owner"] == "someone else"  # the other write was kept
    assert uow.profiles["p1"]["version"] == 6
    assert uow.events.types() == ["prospect_updated"]  # announced once, by the save that held


def test_a_profile_that_never_stays_still_gives_a_conflict():
    uow = BusyStorage({"_id": "p1", "version": 0, "owner": ""}, interfere=ATTEMPTS)

    with pytest.raises(Conflict, match="prospect_id: p1 keeps being changed"):
        change_profile(uow, "p1", rename)
    assert uow.events.envelopes == []


def test_nothing_to_do_writes_nothing():
    uow = BusyStorage({"_id": "p1", "version": 0, "owner": ""})

    change_profile(uow, "p1", lambda profile: None)

    assert uow.profiles["p1"]["version"] == 0
