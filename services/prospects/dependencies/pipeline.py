"""The prospects service's plugin-provided parts: lead sources and profile rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider

from clientela.clock import time_zone
from clientela.config import Settings, completeness_weights
from clientela.errors import NotFound
from clientela.leads import LeadSource
from clientela.plugin_manager import load_plugins
from clientela.services.prospects.domain.matching import IDENTITY_POLICY, Matcher
from clientela.services.prospects.domain.profiles import ProfileRules
from clientela.services.prospects.domain.scoring import Qualifier


@dataclass(frozen=True)
class Pipeline:
    """What plugins contribute to the pipeline, loaded once per service instance.

    ``one_batch_at_a_time``: an instance resolves its capture batches one at a
    time, each against what the one before wrote.
    """

    rules: ProfileRules
    sources: Mapping[str, LeadSource]
    one_batch_at_a_time: Semaphore = field(default_factory=Semaphore)

    def source(self, name: str) -> LeadSource:
        """The lead source ``name``; NotFound listing the installed ones."""
        if name not in self.sources:
            known = ", ".join(sorted(self.sources)) or "none installed"
            raise NotFound(f"source: no lead source {name!r} (available: {known})")
        return self.sources[name]

    def describe_rules(self) -> dict[str, Any]:
        """The rules behind matching, completeness (I3) and qualification, for users."""
        return {
            "match_rules": self.rules.matcher.describe(),
            "identity": IDENTITY_POLICY,
            "completeness_weights": dict(self.rules.completeness_weights),
            "qualification_rules": self.rules.qualifier.describe(),
        }


def build_pipeline(settings: Settings) -> Pipeline:
    """Load plugins and build the pipeline from them and ``settings``."""
    plugins = load_plugins()
    rules = ProfileRules(
        matcher=Matcher(plugins.match_rules()),
        qualifier=Qualifier(plugins.qualification_rules()),
        completeness_weights=completeness_weights(settings.completeness_weights),
        phone_region=settings.default_phone_region,
        time_zone=time_zone(settings.default_time_zone),
    )
    return Pipeline(rules, plugins.lead_sources())


class PipelineProvider(DependencyProvider):
    """Provides the :class:`Pipeline`, built when the service starts."""

    def setup(self) -> None:
        self.pipeline = build_pipeline(Settings.from_nameko(self.container.config))

    def get_dependency(self, worker_ctx: Any) -> Pipeline:
        return self.pipeline
