"""The hook reference of the plugin guide, generated from the hook specifications' docstrings.

``docs/plugins.md`` ends with this reference (``clientela hooks`` prints it), so
the guide and :mod:`clientela.hookspecs` cannot drift apart: a test compares them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from types import ModuleType

_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr):`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")
_FIELD = re.compile(r"^:(param (\w+)|returns):\s*(.*)$")
_VERSION = re.compile(r"^\.\. version(added|changed):: (\S+)\s*$")


def hook_specifications(module: ModuleType) -> list[tuple[str, Callable]]:
    """The ``clientela_*`` hook specifications of ``module``, in the order they are written."""
    return [
        (name, function)
        for name, function in vars(module).items()
        if name.startswith("clientela_") and inspect.isfunction(function)
    ]


def markdown_text(text: str) -> str:
    """reStructuredText inline markup as Markdown: ``x`` and :class:`x` become `x`."""
    return _LITERAL.sub(r"`\1`", _ROLE.sub(r"``\1``", text))


def _paragraphs(doc: str) -> list[list[str]]:
    paragraphs: list[list[str]] = [[]]
    for line in doc.splitlines():
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [paragraph for paragraph in paragraphs if paragraph]


def _fields(paragraph: list[str]) -> list[str]:
    """``:param x:`` and ``:returns:`` lines, each continued by the indented lines below it."""
    items: list[str] = []
    for line in paragraph:
        field = _FIELD.match(line)
        if field:
            label = f"`{field.group(2)}`" if field.group(2) else "Returns"
            items.append(f"- {label}: {field.group(3)}")
        else:
            items[-1] += " " + line.strip()
    return items


def _versions(paragraph: list[str]) -> list[str]:
    """``.. versionadded::`` and ``.. versionchanged::`` lines, the latter with their text."""
    versions: list[str] = []
    for line in paragraph:
        directive = _VERSION.match(line)
        if directive is None:
            versions[-1] += " " + line.strip()
        elif directive.group(1) == "added":
            versions.append(f"Added in {directive.group(2)}.")
        else:
            versions.append(f"Changed in {directive.group(2)}:")
    return versions


def hook_markdown(name: str, hook: Callable) -> str:
    """One hook's reference: summary, parameters, return, when it is called, versions."""
    parameters = ", ".join(inspect.signature(hook).parameters)
    blocks = [f"### `{name}({parameters})`"]
    items: list[str] = []
    versions: list[str] = []
    for paragraph in _paragraphs(inspect.getdoc(hook) or ""):
        if _VERSION.match(paragraph[0]):
            versions += _versions(paragraph)
        elif _FIELD.match(paragraph[0]):
            items += _fields(paragraph)
        else:
            blocks.append(" ".join(line.strip() for line in paragraph))
    if items:
        blocks.insert(2, "\n".join(items))
    blocks.append(" ".join(versions))
    return markdown_text("\n\n".join(block for block in blocks if block))


def hook_reference(module: ModuleType) -> str:
    """Every hook of ``module`` as the Markdown reference that ends the plugin guide."""
    hooks = hook_specifications(module)
    return "\n\n".join(hook_markdown(name, hook) for name, hook in hooks) + "\n"
