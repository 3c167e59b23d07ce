"""The values the command line offers are the values the services accept."""

from clientela.cli import vocabulary
from clientela.services.kpi.domain import GRANULARITIES
from clientela.services.prospects.domain.status import OUTCOMES


def test_the_command_line_offers_what_the_services_accept():
    assert vocabulary.OUTCOMES == OUTCOMES
    assert vocabulary.GRANULARITIES == GRANULARITIES
