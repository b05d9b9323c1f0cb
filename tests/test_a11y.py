"""The HTML pages in Chromium: axe-core, console errors, horizontal scrolling (tools/a11y.mjs)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

A11yCheck = Callable[[Path], subprocess.CompletedProcess[str]]


def test_example_pages_pass_the_check(a11y: A11yCheck, built_example: Path) -> None:
    result = a11y(built_example / "build")
    assert result.returncode == 0, result.stdout + result.stderr
    # Both languages, report and memo, at both widths.
    assert result.stdout.count("0 axe violations, 0 console errors") == 8, result.stdout


def test_check_reports_what_is_wrong(a11y: A11yCheck, built_example: Path, tmp_path: Path) -> None:
    shutil.copytree(built_example / "build" / "en", tmp_path / "en")
    (tmp_path / "en" / "example-brief.html").unlink()
    memo = tmp_path / "en" / "example-brief-memo.html"
    broken = '<main><img src="missing.png"><div style="width: 700px; height: 1px"></div>'
    memo.write_text(
        memo.read_text(encoding="utf-8").replace("<main>", broken, 1),
        encoding="utf-8",
    )
    result = a11y(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "image-alt" in result.stdout
    assert "net::ERR_FILE_NOT_FOUND" in result.stdout
    assert "@390px" in result.stdout and "SCROLLS HORIZONTALLY" in result.stdout
    assert result.stdout.count("SCROLLS HORIZONTALLY") == 1, "700 px fits at 1280 px"
