"""Sections of the 360-degree view owned by other services, gathered over RPC by a deadline.

Every call is sent first and the replies are then awaited against one shared
deadline, so the view takes as long as its slowest section at most, never
their sum. A section whose service is stopped, slow or failing comes back
``unavailable`` with the reason; the others are unaffected.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import eventlet

SectionCall = Callable[[], Any]
"""Sends one RPC call and returns its pending reply (something with ``.result()``)."""


def available(data: Any) -> dict[str, Any]:
    """A section that came back."""
    return {"status": "ok", "data": data}


def unavailable(reason: str) -> dict[str, Any]:
    """A section that could not be had, and why."""
    return {"status": "unavailable", "reason": reason}


def gather(calls: Mapping[str, SectionCall], deadline_s: float) -> dict[str, dict[str, Any]]:
    """Each section's :func:`available` answer, or :func:`unavailable` with the reason."""
    sections: dict[str, dict[str, Any]] = {}
    pending = {}
    for name, call in calls.items():
        try:
            pending[name] = call()
        except Exception as exc:  # any failure to send is the section's alone
            sections[name] = unavailable(_reason(exc))
    deadline = time.monotonic() + deadline_s
    for name, reply in pending.items():
        remaining = max(0.0, deadline - time.monotonic())
        try:
            with eventlet.Timeout(remaining):
                sections[name] = available(reply.result())
        except eventlet.Timeout:
            sections[name] = unavailable(f"no answer within {deadline_s:g}s")
        except Exception as exc:  # a remote error leaves the rest of the view
            sections[name] = unavailable(_reason(exc))
    return {name: sections[name] for name in calls}


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
