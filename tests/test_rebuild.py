"""Rebuilding when facts change: incremental builds, what changed, diff, watch, reproducibility."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefs.cli import app

FACTS = "facts/facts.yaml"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _set_value(project: Path, old: str, new: str) -> None:
    path = project / FACTS
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def _restate(project: Path, old: str, new: str, words: tuple[str, str]) -> None:
    """Change a figure where the source states it too, so that its quote still states it."""
    for rel in ("facts/sources/example.txt", FACTS):
        path = project / rel
        path.write_text(path.read_text(encoding="utf-8").replace(*words), encoding="utf-8")
    _set_value(project, old, new)


@pytest.fixture()
def built(built_example: Path, tmp_path: Path) -> Path:
    project = tmp_path / "example"
    shutil.copytree(built_example, project)
    return project


def test_two_clean_builds_in_different_folders_are_identical(
    built_example: Path, tmp_path: Path, runner: CliRunner
) -> None:
    other = tmp_path / "elsewhere" / "copy"
    shutil.copytree(built_example, other, ignore=shutil.ignore_patterns("build"))
    result = runner.invoke(app, ["build", "--project", str(other)])
    assert result.exit_code == 0, result.output
    first, second = _files(built_example / "build"), _files(other / "build")
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_no_op_rebuild_skips_everything(built: Path, runner: CliRunner) -> None:
    before = _files(built / "build")
    result = runner.invoke(app, ["build", "--project", str(built)])
    assert result.exit_code == 0
    assert "up to date: zh, en" in result.output
    assert _files(built / "build") == before


def test_changed_fact_rebuilds_with_reason_and_lists_the_change(
    built: Path, runner: CliRunner
) -> None:
    chart = built / "build/zh/digital-economy-size.svg"
    before = chart.read_bytes()
    _restate(built, "value: 138000000000", "value: 139000000000", ("1380亿元", "1390亿元"))
    result = runner.invoke(app, ["build", "--project", str(built), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "rebuilt zh: changed: facts/facts.yaml" in result.output
    assert chart.read_bytes() != before, "the chart of the changed fact is redrawn"
    assert "~ digital-economy-2024: RMB 138 billion (2024) → RMB 139 billion (2024)" in (
        result.output
    )
    html = (built / "build/zh/example-brief.html").read_text(encoding="utf-8")
    assert 'value="139000000000"' in html


def test_other_language_prose_change_skips_this_language(built: Path, runner: CliRunner) -> None:
    path = built / "templates/prose/en/paths.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Training", "Skills training"), encoding="utf-8"
    )
    result = runner.invoke(app, ["build", "--project", str(built)])
    assert result.exit_code == 0, result.output
    assert "rebuilt en: changed: templates/prose/en/paths.md" in result.output
    assert "skipped zh: unchanged" in result.output
    assert "charts: 0 drawn" in result.output, "a prose change redraws no chart"


def test_unchanged_pdf_is_kept_not_typeset_again(built: Path, runner: CliRunner) -> None:
    # The zh background prose is in the report only: the memo's page is unchanged. (The edit
    # adds no new character, so the font subsets, which every PDF depends on, stay the same.)
    memo = built / "build/zh/example-brief-memo.pdf"
    report = built / "build/zh/example-brief.pdf"
    memo_before, report_before = memo.read_bytes(), report.read_bytes()
    path = built / "templates/prose/zh/background.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("演示简报项目", "演示项目"), encoding="utf-8"
    )
    result = runner.invoke(app, ["build", "--project", str(built), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert f"kept (page unchanged) {memo}" in result.output
    assert f"wrote {report}" in result.output
    assert memo.read_bytes() == memo_before
    assert report.read_bytes() != report_before
    # --force typesets it again all the same (and, the inputs being equal, identically).
    result = runner.invoke(app, ["build", "--project", str(built), "--lang", "zh", "--force"])
    assert f"wrote {memo}" in result.output
    assert memo.read_bytes() == memo_before


def test_building_one_variant_keeps_the_other(built: Path, runner: CliRunner) -> None:
    report = built / "build/zh/example-brief.pdf"
    before = report.read_bytes()
    result = runner.invoke(
        app, ["build", "--project", str(built), "--lang", "zh", "--variant", "memo", "--force"]
    )
    assert result.exit_code == 0, result.output
    assert report.read_bytes() == before, "a memo-only build leaves the report as it was"
    assert (built / "build/zh/example-brief.html").is_file()
    # Nor does it forget the report: a full build afterwards keeps it instead of typesetting it.
    result = runner.invoke(app, ["build", "--project", str(built), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert f"kept (page unchanged) {report}" in result.output
    assert report.read_bytes() == before


def test_force_rebuilds(built: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["build", "--project", str(built), "--force"])
    assert "rebuilt zh: --force" in result.output and "rebuilt en: --force" in result.output


def test_new_edition_carries_what_changed(built: Path, runner: CliRunner) -> None:
    brief = built / "facts/brief.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace('as_of: "2025-06-30"', 'as_of: "2025-09-30"'),
        encoding="utf-8",
    )
    _restate(built, "value: 138000000000", "value: 139000000000", ("1380亿元", "1390亿元"))
    result = runner.invoke(app, ["build", "--project", str(built)])
    assert result.exit_code == 0, result.output
    zh = (built / "build/zh/example-brief.html").read_text(encoding="utf-8")
    assert "本版更新" in zh and "1380亿元（2024年） → 1390亿元（2024年）" in zh
    en = (built / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert "What changed in this edition" in en
    assert "RMB 138 billion (2024) → RMB 139 billion (2024)" in en


def _move_edition(project: Path, new: str) -> None:
    brief = project / "facts/brief.yaml"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace('as_of: "2025-06-30"', f'as_of: "{new}"'), encoding="utf-8")


def _add_output_fact(project: Path, tonnes: int) -> None:
    """A fact in tonnes, stated by the source, shown in kilograms in English."""
    source = project / "facts/sources/example.txt"
    source.write_text(
        source.read_text(encoding="utf-8") + f"\n2024年示例市数据中心耗材用量{tonnes}吨。\n",
        encoding="utf-8",
    )
    facts = project / FACTS
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + f"""  - id: supplies-2024
    section: progress
    theme: infrastructure
    value: {tonnes}
    unit: t
    period: "2024"
    kind: actual
    label: {{zh: 耗材用量, en: Supplies used}}
    source: example-bulletin
    quote: "耗材用量{tonnes}吨"
""",
        encoding="utf-8",
    )
    brief = project / "facts/brief.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8") + "display_units:\n  en: {t: kg}\n", encoding="utf-8"
    )


def test_a_change_built_before_the_edition_moves_is_still_reported(
    built: Path, runner: CliRunner
) -> None:
    _restate(built, "value: 138000000000", "value: 139000000000", ("1380亿元", "1390亿元"))
    result = runner.invoke(app, ["build", "--project", str(built)])
    assert result.exit_code == 0, result.output
    en = (built / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert "What changed in this edition" not in en, "same edition date: no box yet"
    _move_edition(built, "2025-09-30")
    result = runner.invoke(app, ["build", "--project", str(built)])
    assert result.exit_code == 0, result.output
    en = (built / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert "RMB 138 billion (2024) → RMB 139 billion (2024)" in en


def test_the_change_box_uses_the_display_units(built: Path, runner: CliRunner) -> None:
    _add_output_fact(built, 28000)
    result = runner.invoke(app, ["build", "--project", str(built)])
    assert result.exit_code == 0, result.output
    _move_edition(built, "2025-09-30")
    for rel in ("facts/sources/example.txt", FACTS):
        path = built / rel
        path.write_text(path.read_text(encoding="utf-8").replace("28000", "17000"), "utf-8")
    result = runner.invoke(app, ["build", "--project", str(built)])
    assert result.exit_code == 0, result.output
    en = (built / "build/en/example-brief.html").read_text(encoding="utf-8")
    box = en[
        en.index("What changed in this edition</") : en.index(
            "</section>", en.index("What changed")
        )
    ]
    # Added since the edition's first build, and shown in kilograms as the body shows it.
    assert "Supplies used: 17 million kg (2024)" in re.sub(r"<[^>]+>", "", box)
    assert "17,000 t" not in box


def test_another_brief_in_the_same_folder_is_not_compared(built: Path, runner: CliRunner) -> None:
    brief = built / "facts/brief.yaml"
    text = brief.read_text(encoding="utf-8").replace("id: example-brief", "id: other-brief", 1)
    brief.write_text(text, encoding="utf-8")
    _move_edition(built, "2025-09-30")
    result = runner.invoke(app, ["build", "--project", str(built)])
    assert result.exit_code == 0, result.output
    en = (built / "build/en/other-brief.html").read_text(encoding="utf-8")
    assert "What changed in this edition" not in en


def test_diff_of_two_files(built: Path, tmp_path: Path, runner: CliRunner) -> None:
    old = tmp_path / "old.yaml"
    shutil.copyfile(built / FACTS, old)
    _restate(built, "value: 24000", "value: 25000", ("2.4万个", "2.5万个"))
    result = runner.invoke(app, ["diff", str(old), str(built / FACTS), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "~ base-stations-2024: 2.4万（2024年） → 2.5万（2024年）" in result.output
    assert "0 added, 0 removed, 1 changed" in result.output


def test_diff_of_two_git_revisions(built: Path, runner: CliRunner) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(built), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@t", "add", "facts")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    _set_value(built, "value: 30000\n", "value: 35000\n")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "two")
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "--project", str(built)])
    assert result.exit_code == 0, result.output
    assert "~ talent-gap: about 30,000 (2024) → about 35,000 (2024)" in result.output
    bad = runner.invoke(app, ["diff", "no-such-rev", "HEAD", "--project", str(built)])
    assert bad.exit_code == 4 and "neither a file nor a git revision" in bad.output


def test_watch_rebuilds_and_survives_bad_input(built: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "briefs.cli",
            "watch",
            "--project",
            str(built),
            "--lang",
            "en",
            "--variant",
            "memo",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    seen: list[str] = []

    def wait_for(text: str, limit: float = 60) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return
        raise AssertionError(f"{text!r} not seen in {''.join(seen)}")

    try:
        wait_for("watching")
        _set_value(built, "source: example-bulletin", "source: nowhere")
        wait_for("unknown source 'nowhere'")
        time.sleep(0.5)
        _set_value(built, "source: nowhere", "source: example-bulletin")
        _restate(built, "value: 24000", "value: 26000", ("2.4万个", "2.6万个"))
        wait_for("rebuilt en")
        wait_for("wrote")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        reader.join(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
