"""Test session setup: the services run in-process under eventlet, so patch first."""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import pytest  # noqa: E402

from clientela.clock import utcnow  # noqa: E402
from clientela.events import new_event  # noqa: E402


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
