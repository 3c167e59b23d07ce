"""Finding the installed services, as plugins are found: through entry points.

Each service is an entry point of the ``clientela.services`` group, its name
mapped to its nameko service class (``name = "package.module:Class"``), so the
core imports no service: it loads the ones installed, by name.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

SERVICE_GROUP = "clientela.services"


def _service_entry_points() -> dict[str, EntryPoint]:
    return {entry_point.name: entry_point for entry_point in entry_points(group=SERVICE_GROUP)}


def service_names() -> list[str]:
    """The names of the installed services, sorted."""
    return sorted(_service_entry_points())


def service_class(name: str) -> type:
    """The nameko service class called ``name``; KeyError for a service not installed."""
    service_cls = _service_entry_points()[name].load()
    if not isinstance(service_cls, type):
        raise TypeError(f"entry point {name!r} of {SERVICE_GROUP} is not a class")
    return service_cls


def service_classes(names: list[str] | None = None) -> list[type]:
    """The classes of ``names`` (default: every installed service), in that order."""
    return [service_class(name) for name in (service_names() if names is None else names)]
