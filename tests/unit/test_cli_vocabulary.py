"""The values the command line offers are the values the services accept."""

from clientela.cli import vocabulary
from clientela.services.kpi import domain as kpi
from clientela.services.prospects import domain as prospects


def test_the_command_line_offers_what_the_services_accept():
    assert vocabulary.STATUSES == prospects.STATUSES
    assert vocabulary.INTERACTION_KINDS == prospects.INTERACTION_KINDS
    assert vocabulary.INTERACTION_MODES == prospects.INTERACTION_MODES
    assert vocabulary.OUTCOMES == prospects.OUTCOMES
    assert vocabulary.CONVERSION_BASES == prospects.CONVERSION_BASES
    assert vocabulary.GRANULARITIES == kpi.GRANULARITIES
