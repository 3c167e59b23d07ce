"""Fixtures shared by clientela's own tests (the clientela.testing plugin patches eventlet)."""

import pytest

from clientela.clock import utcnow
from clientela.events import new_event


@pytest.fixture
def converted_event():
    """``converted_event(prospect_id)``: a valid prospect_converted envelope."""

    def build(prospect_id):
        return new_event(
            "prospect_converted",
            {
                "prospect_id": prospect_id,
                "email": f"{prospect_id}@example.com",
                "source": "fairs",
                "captured_at": utcnow(),
                "converted_at": utcnow(),
                "basis": "contract",
            },
        )

    return build
