"""Asking kpi for indicators: its answer, or a clear Unavailable when it does not answer."""

import eventlet
import pytest
from nameko.exceptions import UnknownService

from clientela.errors import Unavailable
from clientela.services.loyalty.measuring import kpi_indicators

REPORT = {"granularity": "month", "periods": [{"period": "2026-11", "NPS": 12.0}]}


class Reply:
    def __init__(self, answer=None, delay_s=0.0):
        self.answer, self.delay_s = answer, delay_s

    def result(self):
        eventlet.sleep(self.delay_s)
        return self.answer


class Method:
    def __init__(self, reply=None, error=None):
        self.reply, self.error, self.calls = reply, error, []

    def call_async(self, *args):
        self.calls.append(args)
        if self.error:
            raise self.error
        return self.reply


class Proxy:
    def __init__(self, method):
        self.indicators = method


def test_kpis_answer_is_returned():
    method = Method(Reply(REPORT))

    assert kpi_indicators(Proxy(method))("month", "2026-11-01", "2026-12-01") == REPORT
    assert method.calls == [("month", "2026-11-01", "2026-12-01")]


def test_kpi_not_running_is_unavailable_with_the_way_out():
    ask = kpi_indicators(Proxy(Method(error=UnknownService("kpi"))))

    with pytest.raises(Unavailable, match=r"kpi: the service is not running; give the value"):
        ask("month", "2026-11-01", "2026-12-01")


def test_kpi_too_slow_is_unavailable_after_the_deadline():
    ask = kpi_indicators(Proxy(Method(Reply(REPORT, delay_s=1))), deadline_s=0.05)

    with pytest.raises(Unavailable, match=r"kpi: no answer within 0.05s"):
        ask("month", "2026-11-01", "2026-12-01")
