"""`brief check` on the default project, and what it says when a fact is broken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefs.cli import app
from briefs.facts.check import check_project
from briefs.facts.project import load_project

ROOT = Path(__file__).resolve().parents[1]


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first occurrence of `old` and return its 1-based line number."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text.count("\n", 0, index) + 1


def test_default_project_passes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--project", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"ok: \d+ facts from 6 sources, \d+ charts, \d+ quotes verified", result.output
    )


def test_fact_base_coverage() -> None:
    project = load_project(ROOT)
    facts = list(project.facts.values())
    figures = [f for f in facts if f.value is not None]
    events = [f for f in facts if f.date is not None]
    assert len(figures) > 60
    assert len(events) > 20
    assert {f.source for f in facts} == {s.id for s in project.brief.sources}
    years = sorted(int(f.date[:4]) for f in events if f.date)
    assert years[0] <= 2013 and years[-1] >= 2026
    sections = {f.section for f in facts}
    assert {"progress", "challenge", "path", "driver", "principle", "proposal"} <= sections
    challenge_themes = {f.theme for f in facts if f.section == "challenge"}
    assert {"regulation", "talent", "innovation", "security", "geopolitics", "ecosystem"} <= (
        challenge_themes
    )


def test_population_conflict_is_linked() -> None:
    report = check_project(load_project(ROOT))
    assert ("asean-market-nearly-700m-people", "asean-population-over-660m") in report.conflicts


def test_derived_figures_are_recomputed() -> None:
    report = check_project(load_project(ROOT))
    by_fact = {r.fact: r for r in report.rechecks}
    cagr = by_fact["asean-data-centre-market-cagr-2022-2028"]
    assert cagr.computed == pytest.approx(6.58, abs=0.01) and cagr.agrees
    total = by_fact["cset-ai-investment-sea-total-2010-2021"]
    assert total.computed == pytest.approx(5_686_000_000) and total.agrees


def test_forecasts_past_their_year_are_flagged() -> None:
    report = check_project(load_project(ROOT))
    assert "asean-digital-economy-gdp-share-2025-forecast" in report.due
    assert "singapore-digital-talent-need-2025" in report.due
    assert "asean-ai-market-2030" not in report.due


def test_altered_quote_names_fact_and_line(default_copy: Path, runner: CliRunner) -> None:
    path = default_copy / "facts" / "progress.yaml"
    line = _edit(
        path, 'quote: "从430亿美元跃升至1380亿美元"', 'quote: "从430亿美元跃升至1390亿美元"'
    )
    result = runner.invoke(app, ["check", "--project", str(default_copy)])
    assert result.exit_code == 1
    assert f"progress.yaml:{line}:5: [sea6-ecommerce-gmv-2019] the quote is not in source" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_wrong_source_id_names_fact_and_line(default_copy: Path, runner: CliRunner) -> None:
    path = default_copy / "facts" / "news.yaml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("- id: asean-digital-economy-gmv-2024") :]
    old = block[block.index("source: peoples-daily-2025") :].split("\n")[0]
    start = text.index("- id: asean-digital-economy-gmv-2024")
    text = text[:start] + block.replace(old, "source: peoples-daily-2052", 1)
    path.write_text(text, encoding="utf-8")
    line = text.count("\n", 0, text.index("source: peoples-daily-2052")) + 1
    result = runner.invoke(app, ["check", "--project", str(default_copy)])
    assert result.exit_code == 1
    assert (
        f"news.yaml:{line}:5: [asean-digital-economy-gmv-2024] unknown source 'peoples-daily-2052'"
        in result.output
    )


def test_removed_english_text_names_fact_and_line(default_copy: Path, runner: CliRunner) -> None:
    path = default_copy / "facts" / "example.yaml"
    path.write_text(
        "facts:\n"
        "  - id: broken-fact\n"
        "    section: progress\n"
        "    theme: infrastructure\n"
        "    label:\n"
        "      zh: 光缆\n"
        "    text:\n"
        "      zh: 中国与东盟建有跨境陆地光缆。\n"
        "      en: China and ASEAN have cross-border land cables.\n"
        "    source: li-jiang-2025\n"
        '    quote: "跨境陆地光缆30多条"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", "--project", str(default_copy)])
    assert result.exit_code == 1
    assert "example.yaml:5:5: [broken-fact] 'label' is missing 'en'" in result.output


def test_all_errors_are_reported_at_once(default_copy: Path, runner: CliRunner) -> None:
    path = default_copy / "facts" / "progress.yaml"
    _edit(path, 'quote: "从430亿美元跃升至1380亿美元"', 'quote: "跃升至9999亿美元"')
    _edit(path, "source: li-jiang-2025", "source: nowhere")
    result = runner.invoke(app, ["check", "--project", str(default_copy)])
    assert result.exit_code == 1
    assert "the quote is not in source" in result.output
    assert "unknown source 'nowhere'" in result.output
    assert "2 problems" in result.output


def test_official_english_names() -> None:
    texts = " ".join(
        (f.text.en if f.text else "") + " " + f.label.en for f in load_project(ROOT).facts.values()
    )
    for name in (
        "Digital Economy Framework Agreement",
        "Regional Comprehensive Economic Partnership",
        "Digital Economy Partnership Agreement",
        "Digital Silk Road",
        "ASEAN Digital Masterplan 2025",
        "e-Conomy SEA",
    ):
        assert name in texts, name
