"""The plugin author's path, followed from docs/plugins.md alone, as an outsider would.

The guide's own files are written out, installed with pip, discovered by
``clientela plugins`` and tested with the guide's own tests, run by pytest in
a separate process with nothing but the ``clientela.testing`` plugin.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
BIN = Path(sys.executable).parent


def code_blocks(text, language):
    """The guide's fenced blocks in ``language``, in order."""
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def guide_section(heading):
    text = GUIDE.read_text(encoding="utf-8")
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def write_plugin_package(root):
    section = guide_section("A lead source in three files")
    pyproject, *_ = code_blocks(section, "toml")
    module = section.split("`clientela_expo_badges/__init__.py`:", 1)[1]
    (root / "clientela_expo_badges").mkdir(parents=True)
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (root / "clientela_expo_badges" / "__init__.py").write_text(
        code_blocks(module, "python")[0], encoding="utf-8"
    )


def test_a_plugin_written_from_the_guide_installs_is_found_and_passes_its_own_tests(tmp_path):
    write_plugin_package(tmp_path / "package")
    site = tmp_path / "site"
    installed = subprocess.run(
        [BIN / "pip", "install", "-q", "--no-deps", "--target", site, tmp_path / "package"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}

    plugins = subprocess.run(
        [BIN / "clientela", "plugins"], env=env, capture_output=True, text=True, timeout=60
    )
    assert plugins.returncode == 0, plugins.stderr
    assert "badges" in plugins.stdout
    assert "clientela-expo-badges" in plugins.stdout

    tests = tmp_path / "author" / "test_badges.py"
    tests.parent.mkdir()
    tests.write_text("\n\n".join(code_blocks(guide_section("Testing your plugin"), "python")))
    run = subprocess.run(
        [BIN / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        cwd=tests.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout
    assert "monkeypatch" not in run.stdout + run.stderr  # nameko's notice
    assert "warning" not in run.stdout + run.stderr
