"""Shared fixtures: a fresh example project (from `brief new`) and one build of it per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefs.cli import app

ROOT = Path(__file__).resolve().parents[1]


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
