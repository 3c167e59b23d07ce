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
