"""Plugin discovery: entry points, switches in the environment, failures isolated."""

from importlib.metadata import EntryPoint

import pytest

from clientela import LeadSource, hookimpl
from clientela import plugin_manager as plugin_manager_module
from clientela.plugin_manager import load_plugins
from clientela.plugins.fairs.visitor_list import FairVisitorList


class NamedSource(LeadSource):
    def __init__(self, name):
        self.name = name

    def read(self, path, options):
        return iter(())


class RaisingPlugin:
    @hookimpl
    def clientela_lead_sources(self, register):
        raise RuntimeError("the badge API is down")


class ReplacingFairsPlugin:
    def __init__(self):
        self.source = NamedSource("fairs")

    @hookimpl
    def clientela_lead_sources(self, register):
        register(self.source)


class HalfWayPlugin:
    @hookimpl
    def clientela_lead_sources(self, register):
        register(NamedSource("halfway"))
        raise RuntimeError("failed after registering one source")


def test_the_builtin_fairs_plugin_is_found_through_its_entry_point():
    plugins = load_plugins({})

    info = plugins.infos["fairs"]
    assert info.package == "clientela"
    assert info.error is None
    assert isinstance(plugins.lead_sources()["fairs"], FairVisitorList)
    assert "lead_sources: fairs" in info.provides


def test_describe_lists_each_plugin_with_what_it_provides():
    (fairs,) = [info for info in load_plugins({}).describe() if info.name == "fairs"]

    assert fairs.provides == ["lead_sources: fairs"]


@pytest.mark.parametrize("disabled", ["fairs", "other, fairs", " fairs "])
def test_disabled_plugins_are_not_loaded(disabled):
    plugins = load_plugins({"CLIENTELA_DISABLE_PLUGINS": disabled})

    assert "fairs" not in plugins.infos
    assert "fairs" not in plugins.lead_sources()


@pytest.mark.parametrize("value", ["0", "false", "no", "False"])
def test_autoload_off_loads_no_plugin(value):
    plugins = load_plugins({"CLIENTELA_PLUGINS_AUTOLOAD": value})

    assert plugins.infos == {}
    assert dict(plugins.lead_sources()) == {}


def test_a_plugin_whose_hook_raises_is_reported_and_the_others_keep_working():
    plugins = load_plugins({})
    plugins.register(RaisingPlugin(), "badges", package="clientela-badges", version="1.2")

    sources = plugins.lead_sources()

    assert isinstance(sources["fairs"], FairVisitorList)
    badges = plugins.infos["badges"]
    assert badges.package == "clientela-badges"
    assert "clientela_lead_sources" in badges.error
    assert "the badge API is down" in badges.error
    assert plugins.infos["fairs"].error is None


def test_a_plugin_whose_hook_raises_provides_nothing():
    plugins = load_plugins({})
    plugins.register(HalfWayPlugin(), "halfway")

    sources = plugins.lead_sources()

    assert plugins.infos["halfway"].error is not None
    assert "halfway" not in sources


def test_a_third_party_source_named_fairs_replaces_the_builtin_one():
    plugins = load_plugins({})
    replacement = ReplacingFairsPlugin()
    plugins.register(replacement, "better-fairs")

    assert plugins.lead_sources()["fairs"] is replacement.source
    assert plugins.infos["better-fairs"].provides == ["lead_sources: fairs"]
    assert plugins.infos["fairs"].provides == []


def test_registering_a_plugin_refreshes_the_lead_sources():
    plugins = load_plugins({})
    assert isinstance(plugins.lead_sources()["fairs"], FairVisitorList)

    plugins.register(ReplacingFairsPlugin(), "better-fairs")

    assert not isinstance(plugins.lead_sources()["fairs"], FairVisitorList)


def test_a_plugin_that_fails_to_import_is_reported_and_skipped(monkeypatch):
    installed = plugin_manager_module.entry_points

    def entry_points(group):
        broken = EntryPoint("broken", "clientela_no_such_plugin_module", group)
        return [broken, *installed(group=group)]

    monkeypatch.setattr(plugin_manager_module, "entry_points", entry_points)

    plugins = load_plugins({})

    assert "ModuleNotFoundError" in plugins.infos["broken"].error
    assert isinstance(plugins.lead_sources()["fairs"], FairVisitorList)


class MisspeltHookPlugin:
    @hookimpl
    def clientela_lead_source(self, register):  # no such hook: the plural is the real one
        register(NamedSource("typo"))


def test_a_plugin_with_a_misspelt_hook_is_disabled_not_fatal(monkeypatch):
    entry_point = EntryPoint("typo", "tests:unused", "clientela")
    monkeypatch.setattr(EntryPoint, "load", lambda self: MisspeltHookPlugin())
    monkeypatch.setattr(plugin_manager_module, "entry_points", lambda group: [entry_point])

    plugins = load_plugins({})

    [info] = plugins.describe()
    assert "clientela_lead_source" in info.error
    assert dict(plugins.lead_sources()) == {}


class WrongObjectPlugin:
    @hookimpl
    def clientela_lead_sources(self, register):
        register(NamedSource("fine"))
        register(object())


def test_a_plugin_registering_something_else_than_a_lead_source_is_disabled():
    plugins = load_plugins({})
    plugins.register(WrongObjectPlugin(), name="wrong")

    assert "fine" not in plugins.lead_sources()
    assert "fairs" in plugins.lead_sources()
    [wrong] = [info for info in plugins.describe() if info.name == "wrong"]
    assert "not a named LeadSource" in wrong.error
