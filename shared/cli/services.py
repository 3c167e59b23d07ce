"""The services the platform runs, found through entry points, in their start order."""

from __future__ import annotations

from clientela.discovery import service_classes, service_names

START_ORDER = ("prospects", "customers", "feedback", "loyalty", "kpi")
"""clientela's own services start in this order (prospects first: it receives the leads);
any other installed service starts after them, by name."""


def platform_services() -> list[str]:
    """The name of every installed service, in start order."""
    known = len(START_ORDER)
    return sorted(
        service_names(),
        key=lambda name: (START_ORDER.index(name) if name in START_ORDER else known, name),
    )


def platform_classes() -> list[type]:
    """The class of every installed service, in start order."""
    return service_classes(platform_services())
