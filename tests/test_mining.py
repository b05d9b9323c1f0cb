"""Mining a source: every figure as a candidate fact, and the coverage the fact base has of them."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from briefs.cli import app
from briefs.compose.render import cited_facts
from briefs.facts.project import load_project
from briefs.intake.mining import coverage, figures
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


def _mined(tmp_path: Path, text: str, date: str | None) -> list[tuple[object, ...]]:
    source = tmp_path / "s.txt"
    source.write_text(text, encoding="utf-8")
    return [
        (f.text, f.value, f.unit, f.year, f.approx, f.kind, f.quote)
        for f in figures("s", read_source(source), date)
    ]


def test_the_miner_reads_english_figures_with_units_qualifiers_and_kinds(tmp_path: Path) -> None:
    found = _mined(
        tmp_path,
        "World lithium mine production rose to about 180,000 tonnes in 2023, while prices\n"
        "fell to $14,000 per tonne. Congo mined 70% of the world's cobalt. Some 2.2 billion\n"
        "people lack clean cooking; demand is expected to grow 18% a year by 2030. The region\n"
        "installed 31 gigawatts last year, says the COVID-19 report on 5G, published March 11.\n",
        "2024-05",
    )
    assert found == [
        ("180,000 tonnes", 180_000, "t", "2023", "about", "actual",
         "lithium mine production rose to about 180,000 tonnes"),
        # A price reads as one, per tonne (a compound unit), not as a sum of dollars.
        ("$14,000 per tonne", 14_000, "USD/t", "2023", "exact", "actual",
         "while prices fell to $14,000 per tonne"),
        ("70%", 70, "percent", None, "exact", "actual", "Congo mined 70%"),
        ("2.2 billion people", 2.2e9, "people", None, "about", "actual",
         "Some 2.2 billion people"),
        ("18%", 18, "percent", "2030", "exact", "forecast", "demand is expected to grow 18%"),
        ("31 gigawatts", 31, "GW", "2023", "exact", "actual", "The region installed 31 gigawatts"),
    ]  # fmt: skip


def test_a_title_is_not_part_of_the_first_sentence_after_it(tmp_path: Path) -> None:
    """A year in a title (the report's edition) is not the year of the figures below it; a page
    mark inside a sentence does not end it."""
    found = _mined(
        tmp_path,
        "European Grid Outlook 2025\n\nGermany's power price fell by 12 per cent in 2024.\n\n"
        "France exported\n\n[page 5]\n\n89 TWh in 2023.\n",
        None,
    )
    assert [(text, year) for text, _, _, year, *_ in found] == [
        ("12 per cent", "2024"),
        ("89 TWh", "2023"),
    ]


def test_the_miner_reads_chinese_numerals_relative_years_and_forecasts(tmp_path: Path) -> None:
    found = _mined(
        tmp_path,
        "澳大利亚去年的钴产量为7.4万吨，约占全球5%左右，近40%的企业已接入。\n"
        "预计到2030年产量将增加10倍。目前已有十余家企业、近百个项目落地，三年来\n"
        "统一推进“一带一路”建设，分享了三个方面的经验。\n",
        "2023-03-01",
    )
    assert found == [
        ("7.4万吨", 74_000, "t", "2022", "exact", "actual", "澳大利亚去年的钴产量为7.4万吨"),
        ("5%", 5, "percent", "2022", "about", "actual", "约占全球5%左右"),
        ("40%", 40, "percent", "2022", "nearly", "actual", "近40%"),
        ("10倍", 10, "multiple", "2030", "exact", "forecast", "预计到2030年产量将增加10倍"),
        ("十余家", 10, "count", None, "over", "actual", "目前已有十余家"),
        ("百个", 100, "count", None, "nearly", "actual", "近百个"),
        ("三年", 3, "years", None, "exact", "actual", "三年"),
    ]


def test_a_quote_is_cut_where_a_word_begins(tmp_path: Path) -> None:
    long_clause = (
        "据悉在区域全面经济伙伴关系协定框架下东南亚多国联合推进的大型数字基础设施项目合计投资达到"
        "120亿美元。"
    )
    (quote,) = [f[-1] for f in _mined(tmp_path, long_clause, None)]
    assert quote.endswith("120亿美元") and long_clause.index(quote) > 0
    assert long_clause[long_clause.index(quote) - 1] in "的了在和与及是对将为从向把被等中于"


def test_extract_works_before_the_project_checks(example: Path, runner: CliRunner) -> None:
    brief = example / "facts" / "brief.yaml"
    # Renamed sections: every fact now names an unknown section and the prose is missing.
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("id: progress", "id: supply"), encoding="utf-8"
    )
    assert runner.invoke(app, ["check", "--project", str(example)]).exit_code == 1
    result = runner.invoke(app, ["extract", "example-bulletin", "--project", str(example)])
    assert result.exit_code == 0, result.output
    drafted = yaml.safe_load(result.stdout)["facts"]
    assert {f["section"] for f in drafted} == {"background"}
    notes = example / "notes.txt"
    notes.write_text("The 2024 survey counted 1,250 firms.\n", encoding="utf-8")
    imported = runner.invoke(app, ["import", str(notes), "--project", str(example)])
    assert imported.exit_code == 0, imported.output
    assert "1 figures in it" in imported.output
    assert drafted[0]["unit"] == "CNY" and drafted[0]["kind"] == "actual"
