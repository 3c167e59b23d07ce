"""Saving a profile read before someone else's write redoes the change on fresh data."""

import pytest

from clientela.errors import Conflict
from clientela.services.prospects.handlers.changes import ATTEMPTS, change_profile


class Collection:
    """Just enough of a pymongo collection for one profile: find_one and a versioned update."""

    def __init__(self, profile, interfere=0):
        self.profile = profile
        self.interfere = interfere  # writes by "someone else" right after each read

    def find_one(self, query, projection=None):
        found = dict(self.profile)
        if self.interfere:
            self.interfere -= 1
            self.profile = {
                **self.profile,
                "owner": "someone else",
                "version": found["version"] + 1,
            }
        return found

    def update_one(self, guard, update):
        class Result:
            modified_count = 0

        if guard["version"] == self.profile["version"]:
            self.profile = {**self.profile, **update["$set"], "version": guard["version"] + 1}
            Result.modified_count = 1
        return Result()


def rename(profile):
    profile["first_name"] = "Ana"
    return []


def test_a_change_on_stale_data_is_redone_on_fresh_data():
    collection = Collection({"_id": "p1", "version": 3, "owner": "", "first_name": ""}, interfere=2)

    saved = change_profile(collection, "p1", rename, publish=None)

    assert saved["first_name"] == "Ana"
    assert collection.profile["owner"] == "someone else"  # the other write was kept
    assert collection.profile["version"] == 6


def test_a_profile_that_never_stays_still_gives_a_conflict():
    collection = Collection({"_id": "p1", "version": 0, "owner": ""}, interfere=ATTEMPTS)

    with pytest.raises(Conflict, match="prospect_id: p1 keeps being changed"):
        change_profile(collection, "p1", rename, publish=None)


def test_nothing_to_do_writes_nothing():
    collection = Collection({"_id": "p1", "version": 0, "owner": ""})

    change_profile(collection, "p1", lambda profile: None, publish=None)

    assert collection.profile["version"] == 0
