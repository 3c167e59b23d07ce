"""Plugin discovery and the registry of what plugins provide.

Plugins are found through the ``clientela`` entry-point group, built-in ones
included, exactly as a third-party package's would be. Environment variables:

- ``CLIENTELA_DISABLE_PLUGINS=name,other``: do not load the named plugins;
- ``CLIENTELA_PLUGINS_AUTOLOAD=0``: load no entry-point plugins at all;
- ``CLIENTELA_TRACE_HOOKS=1``: log every hook call and result at DEBUG level.

A plugin that fails to import, or whose hook raises, is reported and skipped:
it never takes the process down.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import pluggy

from clientela import hookspecs
from clientela.channels import SurveyChannel
from clientela.leads import LeadSource
from clientela.rules import MatchRule, QualificationRule

log = logging.getLogger(__name__)

GROUP = "clientela"


@dataclass
class PluginInfo:
    """A discovered plugin: its name, the package that ships it, what it provides."""

    name: str
    package: str
    version: str
    provides: list[str] = field(default_factory=list)
    error: str | None = None


def _is_named(item: Any, kind: type) -> bool:
    return isinstance(item, kind) and isinstance(getattr(item, "name", None), str)


class Plugins:
    """The loaded plugins and what they registered."""

    def __init__(self, manager: pluggy.PluginManager, infos: dict[str, PluginInfo]) -> None:
        self.manager = manager
        self.infos = infos
        self._collected: dict[str, dict[str, Any]] = {}

    def register(self, plugin: Any, name: str, package: str = "", version: str = "") -> None:
        """Register an in-process plugin object (tests, embedding applications)."""
        self.manager.register(plugin, name=name)
        self.infos[name] = PluginInfo(name, package or name, version)
        self._collected.clear()

    def _collect(self, hook_name: str, kind: type) -> dict[str, Any]:
        """Call a registration hook plugin by plugin, isolating failures (cached)."""
        if hook_name not in self._collected:
            self._collected[hook_name] = self._call_each(hook_name, kind)
        return self._collected[hook_name]

    def _call_each(self, hook_name: str, kind: type) -> dict[str, Any]:
        hook = getattr(self.manager.hook, hook_name)
        found: dict[str, Any] = {}
        every_plugin = [impl.plugin for impl in hook.get_hookimpls()]
        kind_label = hook_name.removeprefix("clientela_")
        for impl in reversed(hook.get_hookimpls()):  # pluggy's call order
            others = [plugin for plugin in every_plugin if plugin is not impl.plugin]
            info = self.infos.setdefault(impl.plugin_name, PluginInfo(impl.plugin_name, "", ""))
            info.provides = [p for p in info.provides if not p.startswith(f"{kind_label}: ")]
            offered: list[Any] = []
            try:
                self.manager.subset_hook_caller(hook_name, others)(register=offered.append)
            except Exception as exc:
                log.exception("plugin failed in %s", hook_name, extra={"plugin": info.name})
                info.error = f"{hook_name}: {exc!r}"
                continue  # what it registered before failing is not trusted either
            invalid = [item for item in offered if not _is_named(item, kind)]
            if invalid:
                info.error = f"{hook_name}: registered {invalid[0]!r}, not a named {kind.__name__}"
                log.error("plugin registered an invalid object", extra={"plugin": info.name})
                continue
            for item in offered:
                if item.name not in found:
                    found[item.name] = item
                    info.provides.append(f"{kind_label}: {item.name}")
        return found

    def lead_sources(self) -> Mapping[str, LeadSource]:
        """Every registered lead source by name."""
        return self._collect("clientela_lead_sources", LeadSource)

    def match_rules(self) -> Mapping[str, MatchRule]:
        """Every match rule plugins registered, by name."""
        return self._collect("clientela_match_rules", MatchRule)

    def qualification_rules(self) -> Mapping[str, QualificationRule]:
        """Every qualification rule plugins registered, by name."""
        return self._collect("clientela_qualification_rules", QualificationRule)

    def survey_channels(self) -> Mapping[str, SurveyChannel]:
        """Every survey channel plugins registered, by name."""
        return self._collect("clientela_survey_channels", SurveyChannel)

    def describe(self) -> list[PluginInfo]:
        """Every discovered plugin with what it provides (or why it failed)."""
        self.lead_sources()
        self.match_rules()
        self.qualification_rules()
        self.survey_channels()
        return sorted(self.infos.values(), key=lambda info: info.name)


def _drop_invalid_plugins(manager: pluggy.PluginManager, infos: dict[str, PluginInfo]) -> None:
    """Unregister plugins implementing hooks that do not exist (a misspelt hook name)."""
    while True:
        try:
            manager.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            name = manager.get_name(exc.plugin) or repr(exc.plugin)
            manager.unregister(exc.plugin)
            log.error("plugin disabled: %s", exc, extra={"plugin": name})
            infos.setdefault(name, PluginInfo(name, "", "")).error = f"invalid: {exc}"


def load_plugins(environ: Mapping[str, str] | None = None) -> Plugins:
    """Discover plugins through the ``clientela`` entry points and return the registry."""
    environ = os.environ if environ is None else environ
    manager = pluggy.PluginManager(GROUP)
    manager.add_hookspecs(hookspecs)
    infos: dict[str, PluginInfo] = {}
    if environ.get("CLIENTELA_PLUGINS_AUTOLOAD", "1").lower() not in {"0", "false", "no"}:
        disabled = {n.strip() for n in environ.get("CLIENTELA_DISABLE_PLUGINS", "").split(",")}
        for entry_point in entry_points(group=GROUP):
            if entry_point.name in disabled or manager.get_plugin(entry_point.name):
                continue
            dist = entry_point.dist
            info = PluginInfo(
                entry_point.name, dist.name if dist else "", dist.version if dist else ""
            )
            infos[info.name] = info
            try:
                manager.register(entry_point.load(), name=entry_point.name)
            except Exception as exc:
                log.exception("could not load plugin", extra={"plugin": entry_point.name})
                info.error = f"load: {exc!r}"
    _drop_invalid_plugins(manager, infos)
    if environ.get("CLIENTELA_TRACE_HOOKS", "").lower() in {"1", "true", "yes"}:
        manager.trace.root.setwriter(log.debug)
        manager.enable_tracing()
    return Plugins(manager, infos)
