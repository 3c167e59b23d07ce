"""The five clientela services, by name."""

from __future__ import annotations

from importlib import import_module

SERVICES: dict[str, str] = {
    "prospects": "clientela.services.prospects.service:ProspectsService",
    "customers": "clientela.services.customers.service:CustomersService",
    "feedback": "clientela.services.feedback.service:FeedbackService",
    "loyalty": "clientela.services.loyalty.service:LoyaltyService",
    "kpi": "clientela.services.kpi.service:KpiService",
}


def service_class(name: str) -> type:
    """The nameko service class called ``name``; KeyError for an unknown name."""
    module, _, attribute = SERVICES[name].partition(":")
    return getattr(import_module(module), attribute)


def all_service_classes() -> list[type]:
    """Every service class, in the order they are started."""
    return [service_class(name) for name in SERVICES]
