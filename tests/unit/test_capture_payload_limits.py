"""A pushed payload is read lead by lead and refused once it passes the row limit."""

import itertools

import pytest
from marshmallow import ValidationError

from clientela.errors import InvalidInput
from clientela.leads import LeadRow, LeadSource
from clientela.services.prospects.intake import MAX_ROWS, payload_to_capture
from clientela.services.prospects.schemas import MAX_EXTRA_KEY, lead_row_schema


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

    with pytest.raises(InvalidInput, match=f"More than {MAX_ROWS} leads"):
        payload_to_capture(source, {}, {})

    assert source.read == MAX_ROWS + 1


def test_an_extra_value_with_a_huge_name_is_refused_naming_extra():
    row = {"line": 1, "fields": {"email": "a@example.com"}, "extra": {"k" * 2_300_000: "v"}}

    with pytest.raises(ValidationError) as refused:
        lead_row_schema.load(row)

    [problem] = refused.value.messages["extra"]
    assert f"at most {MAX_EXTRA_KEY} characters" in problem
    assert len(problem) < 200  # the name is not echoed back whole
