"""The embedded database is killed (SIGKILL) in the middle of an import.

``clientela up`` restarts it on the same data; with ``embedded_db_durable``
every write it acknowledged survives the kill, so importing the file again
converges on exactly one profile, and one I1 count, per person.
"""

import os
import signal

from clientela.cli.client import wait_for

PEOPLE = 1_000


def test_a_database_killed_mid_import_is_restarted_and_loses_and_doubles_nobody(
    platform_env, platform_factory, visitor_list
):
    platform = platform_factory({**platform_env, "CLIENTELA_EMBEDDED_DB_DURABLE": "true"})
    visitors = visitor_list(PEOPLE)
    first = platform.start_import(visitors)
    wait_for(platform.live_profiles, lambda count: count >= 200, timeout_s=120, interval_s=0.2)
    killed = platform.database_pid()

    os.kill(killed, signal.SIGKILL)

    restarted = wait_for(platform.database_pid, lambda pid: pid not in (None, killed), 60)
    platform.finish_import(first)
    platform.import_until_done(visitors, PEOPLE)

    assert platform.wait_for_new_prospects(PEOPLE) == PEOPLE
    assert platform.live_profiles() == PEOPLE
    assert platform.database_pid() == restarted
    assert platform.running()
