"""Every hook a plugin can implement is documented, in its docstring and in docs/plugins.md."""

import inspect
from pathlib import Path

import pytest

from clientela import hookspecs

PLUGINS_DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HOOKS = sorted(
    (name, function)
    for name, function in vars(hookspecs).items()
    if name.startswith("clientela_") and inspect.isfunction(function)
)


def test_there_are_hooks_to_document():
    assert HOOKS, "no clientela_* hook specification found in clientela.hookspecs"


@pytest.mark.parametrize(("name", "hook"), HOOKS, ids=[name for name, _ in HOOKS])
def test_hook_docstring_documents_every_parameter_and_its_version(name, hook):
    doc = inspect.getdoc(hook) or ""
    undocumented = [
        parameter
        for parameter in inspect.signature(hook).parameters
        if f":param {parameter}:" not in doc
    ]

    assert doc, f"{name} has no docstring"
    assert not undocumented, f"{name}'s docstring lacks ':param X:' for {undocumented}"
    assert "versionadded" in doc, f"{name}'s docstring lacks '.. versionadded::'"


@pytest.mark.parametrize(("name", "hook"), HOOKS, ids=[name for name, _ in HOOKS])
def test_hook_is_described_in_the_plugin_guide(name, hook):
    assert PLUGINS_DOC.is_file(), f"{PLUGINS_DOC} does not exist; it must document {name}"
    assert name in PLUGINS_DOC.read_text(encoding="utf-8"), f"{name} is not in {PLUGINS_DOC}"


def test_match_rules_outcomes_are_documented_with_each_built_in_rule():
    from clientela.rules import OUTCOMES
    from clientela.services.prospects.matching import BUILT_IN_RULES

    hook_doc = inspect.getdoc(hookspecs.clientela_match_rules)
    guide = PLUGINS_DOC.read_text(encoding="utf-8")
    for text in (hook_doc, guide):
        for rule in BUILT_IN_RULES:
            assert f"`{rule.name}`" in text or f"``{rule.name}``" in text, rule.name
        for outcome in OUTCOMES:
            assert f"`{outcome}`" in text or f"``{outcome}``" in text, outcome
    # each built-in rule's outcome is stated as it is
    assert "``same_email`` and ``same_phone`` (outcome ``merge``)" in hook_doc
    assert "``close_name_at_company`` (outcome ``suggest``)" in hook_doc
