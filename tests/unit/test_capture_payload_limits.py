"""A pushed payload is read lead by lead and refused once it passes the row limit."""

import itertools

import pytest

from clientela.errors import InvalidInput
from clientela.leads import LeadRow, LeadSource
from clientela.services.prospects import capture


class EndlessSource(LeadSource):
    """A source whose payload never ends; counts how many leads were read."""

    name = "endless"

    def __init__(self):
        self.read = 0

    def parse(self, payload, options):
        for line in itertools.count(1):
            self.read += 1
            yield LeadRow(line, {"email": f"p{line}@example.com"})


def test_a_payload_past_the_row_limit_is_refused_without_reading_it_all():
    source = EndlessSource()

    with pytest.raises(InvalidInput, match=f"More than {capture.MAX_ROWS} leads"):
        capture.capture_payload(source, {}, {}, rules=None, publish_many=None, publish=None)

    assert source.read == capture.MAX_ROWS + 1
