"""The import-linter contracts of pyproject.toml hold, and an import across layers breaks them."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def lint_imports(root):
    return subprocess.run(
        [REPO / ".ci" / "lint-imports", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_repository_keeps_every_contract():
    result = lint_imports(REPO)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("shared/config.py", "import clientela.services.kpi", "No module imports a service"),
        ("shared/events.py", "import clientela.cli.client", "No module imports the application"),
        ("shared/testing.py", "import clientela.plugins.fairs", "No module imports a plugin"),
        (
            "services/kpi/domain.py",
            "import clientela.services.prospects.domain",
            "Services are independent of each other",
        ),
        ("plugins/fairs/__init__.py", "import clientela.cli", "Plugins import the core only"),
        (
            "services/feedback/handlers.py",
            "import mongoengine",
            "Handlers and domain import no database library nor documents",
        ),
        (
            "services/prospects/handlers/capture.py",
            "import pymongo",
            "Handlers and domain import no database library nor documents",
        ),
        (
            "services/loyalty/domain/tiers.py",
            "import clientela.services.loyalty.documents",
            "Handlers and domain import no database library nor documents",
        ),
    ],
)
def test_an_import_across_the_layers_breaks_a_contract(tmp_path, module, line, broken):
    for part in ("shared", "services", "plugins"):
        shutil.copytree(REPO / part, tmp_path / part)
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with (tmp_path / module).open("a", encoding="utf-8") as source:
        source.write(f"\n{line}\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
    assert line.split()[-1] in result.stdout
