"""Shared fixtures: a fresh example project (from `brief new`) and one build of it per session."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefs.cli import app

ROOT = Path(__file__).resolve().parents[1]
A11Y_SCRIPT = ROOT / "tools" / "a11y.mjs"


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory, runner: CliRunner) -> Path:
    """An example project created by `brief new` and built once in both languages."""
    project = tmp_path_factory.mktemp("built") / "example"
    result = runner.invoke(app, ["new", str(project)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture()
def example(tmp_path: Path, runner: CliRunner) -> Path:
    """A fresh, unbuilt example project in this test's own folder."""
    project = tmp_path / "example"
    result = runner.invoke(app, ["new", str(project)])
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture()
def default_copy(tmp_path: Path) -> Path:
    """A copy of the default brief project (facts, charts, templates) to mutate."""
    target = tmp_path / "default"
    for part in ("facts", "charts", "templates"):
        shutil.copytree(ROOT / part, target / part)
    return target


A11yCheck = Callable[[Path], subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def a11y() -> A11yCheck:
    """Runs tools/a11y.mjs on a build folder; skips when Chromium or the Node tools are missing.

    The tools are not Python packages, so `make test` does not install them: see README,
    Development.
    """
    node = shutil.which("node")
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    tools = os.environ.get("A11Y_TOOLS", "")
    modules = Path(tools) / "node_modules"
    if node is None or not Path(chromium).exists():
        pytest.skip("the accessibility check needs node and Chromium (README, Development)")
    if not tools or not all((modules / m).is_dir() for m in ("axe-core", "puppeteer-core")):
        pytest.skip("set A11Y_TOOLS to a folder with axe-core and puppeteer-core installed")

    def check(build: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [node, str(A11Y_SCRIPT), str(build)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env={**os.environ, "CHROMIUM": chromium, "A11Y_TOOLS": tools},
        )

    return check
