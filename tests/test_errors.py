"""One error boundary: user errors print their message and code; bugs print "internal error"."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import briefs.build.pipeline
from briefs.cli import app
from briefs.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_USAGE


def _broken(*_: object) -> None:
    raise ZeroDivisionError("division by zero")


def test_a_bug_is_an_internal_error_without_traceback(
    example: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(briefs.build.pipeline, "check_project_files", _broken)
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == EXIT_INTERNAL
    assert "internal error: ZeroDivisionError: division by zero" in result.output
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback_of_a_bug(
    example: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(briefs.build.pipeline, "check_project_files", _broken)
    result = runner.invoke(app, ["--debug", "check", "--project", str(example)])
    assert isinstance(result.exception, ZeroDivisionError)


def test_a_user_error_keeps_its_exit_code(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--project", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE
    assert "is not a brief project" in result.output and "internal error" not in result.output


def test_a_name_a_fact_has_nothing_under_names_the_template_line(
    example: Path, runner: CliRunner
) -> None:
    prose = example / "templates/prose/en/background.md"
    lines = prose.read_text(encoding="utf-8").splitlines()
    lines += ["", 'Dated {{ D["digital-economy-2024"] }}.']
    prose.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The project's input is wrong: exit 1, from the build and from the check alike.
    for command in ("build", "check"):
        result = runner.invoke(app, [command, "--project", str(example)])
        assert result.exit_code == EXIT_INPUT
        said = result.output
        assert f'{prose}:{len(lines)}: D["digital-economy-2024"]: the fact has no date' in said
        assert "dict object" not in said and "Traceback" not in said
