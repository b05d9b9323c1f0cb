"""What a printed brief says about its own sources and figures: the masthead's counts, notes,
references, the data note's recomputations and chart legends, on a generated project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefs.cli import app

SOURCES = """sources:
  - id: example-bulletin
    file: sources/example.txt
    language: zh
    date: "2025"
    title: {zh: 示例市年度统计公报, en: Example City Annual Statistical Bulletin}
    publisher: {zh: 《示例经济》2025年第2期, en: "Example Economics, no. 2 (2025)"}
  - id: city-press
    file: sources/example.txt
    language: zh
    date: "2025-03"
    title: {zh: 数字经济规模预测, en: A Forecast of the Digital Economy}
    publisher: {zh: 示例市政府新闻办, en: city press office}
"""

FACTS = """  - id: digital-economy-2019
    section: progress
    theme: economy
    value: 39000000000
    unit: CNY
    period: "2019"
    kind: actual
    label: {zh: 数字经济规模, en: Size of the digital economy}
    source: example-bulletin
    quote: "2019年示例市数字经济规模为390亿元"
  - id: digital-economy-increase-2019-2023
    section: progress
    theme: economy
    value: 2
    unit: multiple
    approx: over
    period: "2019-2023"
    kind: actual
    label: {zh: 2019—2023年数字经济规模增幅, en: "Increase of the digital economy, 2019–2023"}
    source: example-bulletin
    quote: "到2023年增长逾2倍"
    derived: {method: increase, from: [digital-economy-2019, digital-economy-2023]}
  - id: digital-economy-2027-forecast
    section: paths
    theme: economy
    value: 200000000000
    unit: CNY
    period: "2027"
    kind: forecast
    label: {zh: 2027年数字经济规模预测, en: "Forecast size of the digital economy, 2027"}
    source: city-press
    quote: "预计2027年数字经济规模达到2000亿元"
"""

CHART = """  - id: outlook
    type: bar
    title: {zh: 数字经济规模预测, en: The digital economy in 2027}
    unit: {zh: 亿元, en: RMB billion}
    scale: {zh: 100000000, en: 1000000000}
    series:
      - label: {zh: 预测, en: Forecast}
        facts: [digital-economy-2027-forecast]
"""


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An example project whose first source is a journal issue (its year in the outlet's name)
    and whose second is another article in the same file, by an outlet written in lower case;
    one figure is an increase the source states ("逾2倍"), one chart shows only a forecast."""
    project = tmp_path_factory.mktemp("print") / "p"
    runner = CliRunner()
    assert runner.invoke(app, ["new", str(project)]).exit_code == 0
    brief = project / "facts" / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    text = re.sub(r"\nsources:\n(?:  .*\n|\n|  #.*\n)+", "\n" + SOURCES, text)
    brief.write_text(text, encoding="utf-8")
    source = project / "facts" / "sources" / "example.txt"
    source.write_text(
        source.read_text(encoding="utf-8")
        + "\n2019年示例市数字经济规模为390亿元，到2023年增长逾2倍。\n"
        + "\n另据市政府新闻办，预计2027年数字经济规模达到2000亿元。\n",
        encoding="utf-8",
    )
    facts = project / "facts" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + FACTS, encoding="utf-8")
    charts = project / "charts" / "charts.yaml"
    charts.write_text(charts.read_text(encoding="utf-8") + CHART, encoding="utf-8")
    for lang in ("zh", "en"):
        paths = project / "templates" / "prose" / lang / "paths.md"
        paths.write_text(
            paths.read_text(encoding="utf-8")
            + '\n{% from "macros.html.j2" import figure %}\n'
            + '<p>OUTLOOK {{ F["digital-economy-2027-forecast"] }}</p>\n'
            + '{{ figure(charts["outlook"], S) }}\n',
            encoding="utf-8",
        )
    result = runner.invoke(app, ["build", "--project", str(project), "--lang", "all"])
    assert result.exit_code == 0, result.output
    return project


def _text(project: Path, lang: str) -> str:
    html = (project / "build" / lang / "example-brief.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_the_masthead_counts_documents_as_well_as_sources(journal: Path) -> None:
    assert "Based on 2 sources in one document" in _text(journal, "en")
    assert "依据2份来源（载于1份文献）" in _text(journal, "zh")


def test_the_data_note_says_which_references_share_a_document(journal: Path) -> None:
    assert "References [1] and [2] are articles printed together in one document" in _text(
        journal, "en"
    )
    assert "参考文献[1]和[2]为同载于一份文献的不同文章" in _text(journal, "zh")


def test_a_journal_issue_gives_its_year_once(journal: Path) -> None:
    en, zh = _text(journal, "en"), _text(journal, "zh")
    assert "Example Economics, no. 2 (2025)." in en
    assert "Example Economics, no. 2 (2025); see reference [1]." in en
    assert "no. 2 (2025), 2025" not in en and "no. 2 (2025) (2025)" not in en
    assert "《示例经济》2025年第2期。" in zh and "2025年第2期，2025" not in zh
    assert "2025年第2期（2025）" not in zh


def test_a_note_opens_with_a_capital(journal: Path) -> None:
    en = _text(journal, "en")
    assert "City press office (2025); see reference [2]." in en
    assert "city press office (2025); see reference" not in en


def test_a_stated_increase_is_recomputed_in_its_own_terms(journal: Path) -> None:
    # 1200/390 = 3.08 times the 2019 level: an increase of 208%, "more than 200%" in English.
    en = _text(journal, "en")
    assert "stated as more than 200%; recomputed from its components, 208%, which agrees" in en
    assert "2.1 times" not in en
    assert "来源为超过2倍，按构成数据重算为2.1倍，两者相符" in _text(journal, "zh")


def test_a_legend_names_only_the_kinds_drawn(journal: Path) -> None:
    svg = (journal / "build" / "en" / "outlook.svg").read_text(encoding="utf-8")
    assert "<!-- forecast -->" in svg
    assert "<!-- actual -->" not in svg
