"""Mining a source: every figure as a candidate fact, and the coverage the fact base has of them."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from briefs.cli import app
from briefs.compose.render import cited_facts
from briefs.facts.project import load_project
from briefs.sources.mining import coverage, figures
from briefs.sources.text import read_source

ROOT = Path(__file__).resolve().parents[1]
NEW_FIGURE = "\n2024年，全市新增数据中心12座，其中示例区占5座，时间为2024年10月1日09:32。\n"


# A fact that no template or chart cites.
UNCITED = """  - id: talent-gap-again
    section: challenges
    theme: talent
    value: 30000
    unit: people
    approx: about
    period: "2024"
    kind: estimate
    label: {zh: 数字人才缺口, en: Digital talent gap}
    source: example-bulletin
    quote: "数字人才缺口约3万人"
"""


def test_the_miner_finds_figures_with_their_year_and_line(tmp_path: Path) -> None:
    source = tmp_path / "s.txt"
    source.write_text(
        "标题 第4版[1]\n2019—2023年，交易额从430亿美元增至1380亿美元，增长2倍。\n"
        "5G网络覆盖10+1国家，项目编号20230378。\n",
        encoding="utf-8",
    )
    found = figures("s", read_source(source))
    assert [(f.text, f.value, f.unit, f.year, f.line) for f in found] == [
        ("430亿美元", 43_000_000_000, "USD", "2023", 2),
        ("1380亿美元", 138_000_000_000, "USD", "2023", 2),
        ("2倍", 2, "multiple", "2023", 2),
    ]


def test_extract_drafts_facts_that_pass_the_check(example: Path, runner: CliRunner) -> None:
    source = example / "facts" / "sources" / "example.txt"
    source.write_text(source.read_text(encoding="utf-8") + NEW_FIGURE, encoding="utf-8")
    facts = example / "facts" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + UNCITED, encoding="utf-8")
    result = runner.invoke(app, ["check", "--project", str(example), "--verbose"])
    assert result.exit_code == 0, result.output
    assert "coverage: example-bulletin: 5 of 7 figures captured by facts, 2 not" in result.output
    assert "  line 9: 12座 in 2024年,全市新增数据中心12座," in result.output
    assert "  never cited: talent-gap-again" in result.output

    result = runner.invoke(app, ["extract", "example-bulletin", "--project", str(example)])
    assert result.exit_code == 0, result.output
    drafted = yaml.safe_load(result.stdout)["facts"]
    assert [f["value"] for f in drafted] == [
        120_000_000_000,
        138_000_000_000,
        15,
        24000,
        30000,
        12,
        5,
    ]
    new = drafted[5]
    assert (new["unit"], new["period"], new["quote"]) == ("count", "2024", "全市新增数据中心12座")

    missing = runner.invoke(
        app, ["extract", "example-bulletin", "--missing", "--project", str(example)]
    )
    pasted = missing.stdout.replace("facts:\n", "", 1).replace("TODO", "数据中心")
    facts = example / "facts" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + pasted, encoding="utf-8")
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 0, result.output
    assert "coverage: example-bulletin: 7 of 7 figures captured by facts, 0 not" in result.output


def test_extract_names_the_sources_it_knows(example: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", "bulletin", "--project", str(example)])
    assert result.exit_code == 4
    assert "unknown source 'bulletin'; use one of example-bulletin" in result.output


def test_the_default_fact_base_captures_most_figures_of_its_sources() -> None:
    project = load_project(ROOT)
    found = coverage(project, cited_facts(project.paths.templates))
    assert found.figures > 80
    assert found.captured / found.figures > 0.85
