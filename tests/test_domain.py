"""Any brief, not one: countries, groups, currencies and physical units come from the project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefs.build.pipeline import visible_text
from briefs.cli import app
from briefs.facts.check import agrees
from briefs.facts.domain import Domain
from briefs.facts.model import Group, Text

SOURCE = """Renewables review (an illustrative text written for the tests of brief)

Germany added 12.5 GW of solar capacity in 2024, its largest annual build-out so far.
Korean utilities have committed at least EUR 3.2 billion to offshore wind.
Brazil's wind fleet produced 86.7 TWh in the first nine months of 2024.
Grid-scale storage in Germany reached 2,400 MW in the first three quarters of 2024.
"""

SOURCE_ENTRY = """  - id: renewables-review
    file: sources/renewables.txt
    language: en
    date: "2025-02"
    title: {zh: 可再生能源年度回顾, en: Renewables Review}
    publisher: {zh: 示例能源研究所, en: Example Energy Institute}
"""

FACTS = """facts:
  - id: de-solar-added-2024
    section: progress
    theme: energy
    value: 12.5
    unit: GW
    period: "2024"
    kind: actual
    countries: [DE]
    label: {zh: 德国新增光伏装机, en: Solar capacity added in Germany}
    source: renewables-review
    quote: "Germany added 12.5 GW of solar capacity in 2024"
  - id: kr-offshore-wind-commitment
    section: progress
    theme: finance
    value: 3200000000
    unit: EUR
    approx: at-least
    period: "2024"
    kind: actual
    countries: [KR]
    label: {zh: 韩国海上风电投资承诺, en: Korean offshore wind commitments}
    source: renewables-review
    quote: "at least EUR 3.2 billion to offshore wind"
  - id: br-wind-output-2024
    section: progress
    theme: energy
    value: 86.7
    unit: TWh
    period: "2024-01..2024-09"
    kind: actual
    countries: [BR]
    label: {zh: 巴西风电发电量, en: Wind generation in Brazil}
    source: renewables-review
    quote: "Brazil's wind fleet produced 86.7 TWh in the first nine months of 2024"
  - id: de-storage-2024
    section: progress
    theme: energy
    value: 2400
    unit: MW
    period: "2024-Q1..2024-Q3"
    kind: actual
    countries: [DE]
    label: {zh: 德国电网级储能, en: Grid-scale storage in Germany}
    source: renewables-review
    quote: "Grid-scale storage in Germany reached 2,400 MW"
"""

CHARTS = """
  - id: solar-added
    type: bar
    title: {zh: 德国新增光伏装机, en: Solar capacity added in Germany}
    series:
      - label: {zh: 新增装机, en: Capacity added}
        facts: [de-solar-added-2024]
  - id: who-does-what
    type: matrix
    title: {zh: 各国进展, en: Progress by country}
    countries: [TRIO]
    facts: [de-solar-added-2024, kr-offshore-wind-commitment, br-wind-output-2024]
"""

FIGURES = '{{ figure(charts["solar-added"], S) }}\n{{ figure(charts["who-does-what"], S) }}\n'
PROSE = {
    "zh": '<p>{{ Y["de-solar-added-2024"] }}德国新增光伏装机{{ F["de-solar-added-2024"] }}，'
    '{{ Y["de-storage-2024"] }}电网级储能达到{{ F["de-storage-2024"] }}；韩国企业承诺向海上风电'
    '投资{{ F["kr-offshore-wind-commitment"] }}；{{ Y["br-wind-output-2024"] }}巴西风电发电量为'
    '{{ F["br-wind-output-2024"] }}。</p>\n' + FIGURES,
    "en": '<p>In {{ Y["de-solar-added-2024"] }} Germany added {{ F["de-solar-added-2024"] }} of '
    'solar capacity, and its grid-scale storage reached {{ F["de-storage-2024"] }} in '
    '{{ Y["de-storage-2024"] }}; Korean utilities committed {{ F["kr-offshore-wind-commitment"] }} '
    'to offshore wind; and Brazil\'s wind fleet generated {{ F["br-wind-output-2024"] }} in '
    '{{ Y["br-wind-output-2024"] }}.</p>\n' + FIGURES,
}

DOMAIN = """
groups:
  - code: TRIO
    name: {zh: 三国, en: the three countries}
    members: [DE, KR, BR]
display_units:
  zh: {GW: kW, MW: kW, TWh: kWh}
  en: {MW: GW}
"""


def _energy_project(root: Path, runner: CliRunner, extra: str = "") -> Path:
    """A new project with facts in EUR, GW, MW and TWh about Germany, Korea and Brazil."""
    assert runner.invoke(app, ["new", str(root)]).exit_code == 0
    facts = root / "facts"
    (facts / "sources" / "renewables.txt").write_text(SOURCE, encoding="utf-8")
    brief = facts / "brief.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8") + SOURCE_ENTRY + DOMAIN + extra, encoding="utf-8"
    )
    (facts / "energy.yaml").write_text(FACTS, encoding="utf-8")
    charts = root / "charts" / "charts.yaml"
    charts.write_text(charts.read_text(encoding="utf-8") + CHARTS, encoding="utf-8")
    for lang, text in PROSE.items():
        prose = root / "templates" / "prose" / lang / "progress.md"
        prose.write_text(prose.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    return root


def _build(project: Path, runner: CliRunner) -> dict[str, str]:
    result = runner.invoke(app, ["build", "--project", str(project), "--variant", "report"])
    assert result.exit_code == 0, result.output
    return {lang: _report(project, lang) for lang in ("zh", "en")}


def _report(project: Path, lang: str, text: bool = True) -> str:
    (page,) = (project / "build" / lang).glob("*.html")
    html = page.read_text(encoding="utf-8")
    # The text a reader sees in the page, without the tooltips that say where a figure is from.
    return visible_text(re.sub(r' title="[^"]*"', "", html)) if text else html


@pytest.fixture(scope="module")
def energy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    runner = CliRunner()
    project = _energy_project(tmp_path_factory.mktemp("energy") / "energy", runner)
    return _build(project, runner)


def test_currencies_and_physical_units_read_natively(energy: dict[str, str]) -> None:
    zh, en = energy["zh"], energy["en"]
    # Chinese energy writing counts kilowatts in 万 and 亿, as the project chose.
    assert "德国新增光伏装机1250万千瓦" in zh
    assert "电网级储能达到240万千瓦" in zh
    assert "巴西风电发电量为867亿千瓦时" in zh
    assert "至少32亿欧元" in zh
    assert "Germany added 12.5 GW of solar" in en
    assert "storage reached 2.4 GW" in en
    assert "committed at least €3.2 billion" in en
    assert "generated 86.7 TWh" in en
    # The chart's description reads its values the same way.
    assert "新增装机：2024年 1250万千瓦" in zh
    assert "Capacity added: 2024 12.5 GW" in en


def test_month_and_quarter_ranges(energy: dict[str, str]) -> None:
    assert "2024年1—9月巴西风电发电量" in energy["zh"]
    assert "2024年前三季度电网级储能" in energy["zh"]
    assert "in January–September 2024" in energy["en"]
    assert "in Q1–Q3 2024" in energy["en"]


def test_country_names_come_from_cldr_and_groups_from_the_project(
    energy: dict[str, str],
) -> None:
    # The matrix chart's columns are the project's group; its description names each country.
    assert re.search(r"德国新增光伏装机：德国", energy["zh"])
    assert "韩国海上风电投资承诺：韩国" in energy["zh"]
    assert "Solar capacity added in Germany: Germany" in energy["en"]
    assert "Wind generation in Brazil: Brazil" in energy["en"]


def test_a_project_without_a_country_table_says_nothing_of_another_region(
    energy: dict[str, str],
) -> None:
    for text in energy.values():
        assert "ASEAN" not in text
        assert "东盟" not in text


def test_the_project_chooses_the_country_table_and_names(tmp_path: Path, runner: CliRunner) -> None:
    extra = (
        "country_table: {group: TRIO}\n"
        "country_names:\n  KR: {zh: 大韩民国, en: Republic of Korea}\n"
    )
    project = _energy_project(tmp_path / "energy", runner, extra)
    pages = _build(project, runner)
    table = _report(project, "en", text=False).split('class="countries"')[1]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert rows == ["Germany", "Republic of Korea", "Brazil"]
    assert "Solar capacity added in Germany" in table
    assert "韩国海上风电投资承诺：大韩民国" in pages["zh"]
    assert "Korean offshore wind commitments: Republic of Korea" in pages["en"]


# Bad domain data: (name, file, text to find, its replacement, words of the message). The
# message must name the file and the line of the replacement.
BAD: list[tuple[str, str, str, str, str]] = [
    ("unknown currency", "facts/energy.yaml", "unit: EUR", "unit: EUX", "unknown unit 'EUX'"),
    ("unknown unit symbol", "facts/energy.yaml", "unit: TWh", "unit: TWhh", "unknown unit 'TWhh'"),
    (
        "unknown country",
        "facts/energy.yaml",
        "countries: [KR]",
        "countries: [KX]",
        "unknown country code 'KX'",
    ),
    (
        "undefined group",
        "facts/energy.yaml",
        "countries: [BR]",
        "countries: [MERCOSUR]",
        "unknown country code 'MERCOSUR'",
    ),
    (
        "unknown matrix column",
        "charts/charts.yaml",
        "countries: [TRIO]",
        "countries: [TRIOS]",
        "unknown country code 'TRIOS'",
    ),
    (
        "display unit of another kind",
        "facts/brief.yaml",
        "zh: {GW: kW, MW: kW, TWh: kWh}",
        "zh: {GW: t, MW: kW, TWh: kWh}",
        "GW cannot be shown in t",
    ),
    (
        "bad group member",
        "facts/brief.yaml",
        "members: [DE, KR, BR]",
        "members: [DE, KR, XB]",
        "member 'XB' is not an ISO 3166-1 alpha-2 code",
    ),
    (
        "months that run backwards",
        "facts/energy.yaml",
        '"2024-01..2024-09"',
        '"2024-09..2024-01"',
        "ends before it starts",
    ),
]


@pytest.mark.parametrize(("name", "rel", "old", "new", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_domain_data_is_located(
    tmp_path: Path, runner: CliRunner, name: str, rel: str, old: str, new: str, message: str
) -> None:
    project = _energy_project(tmp_path / "energy", runner)
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    result = runner.invoke(app, ["check", "--project", str(project)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert message in result.output, result.output
    assert f"{rel}:{line}:" in result.output, result.output


def test_a_country_table_names_a_group_of_the_project(tmp_path: Path, runner: CliRunner) -> None:
    project = _energy_project(tmp_path / "energy", runner, "country_table: {group: G7}\n")
    result = runner.invoke(app, ["check", "--project", str(project)])
    assert result.exit_code == 1
    assert "'country_table': no group 'G7' under `groups` (defined: TRIO)" in result.output
    brief = (project / "facts" / "brief.yaml").read_text(encoding="utf-8")
    assert f"facts/brief.yaml:{brief.count(chr(10))}:" in result.output


def test_at_least_and_up_to_bound_a_recomputed_figure() -> None:
    assert agrees(100, 130, "at-least") and not agrees(100, 90, "at-least")
    assert agrees(100, 70, "up-to") and not agrees(100, 110, "up-to")


def test_groups_expand_to_their_members_and_names_fall_back_to_cldr() -> None:
    nordic = Group(code="NORDIC", name=Text(zh="北欧五国", en="the Nordics"), members=["DK", "FI"])
    domain = Domain(groups={"NORDIC": nordic}, names={"FI": Text(zh="芬兰共和国", en="Finland")})
    assert domain.members(["SE", "NORDIC", "DK"]) == ["SE", "DK", "FI"]
    zh = [domain.name(c, "zh") for c in ("NORDIC", "DK", "FI")]
    assert zh == ["北欧五国", "丹麦", "芬兰共和国"]
    en = [domain.name(c, "en") for c in ("DE", "KR", "BR")]
    assert en == ["Germany", "South Korea", "Brazil"]
    with pytest.raises(ValueError, match="is an ISO country code"):
        Group(code="DE", name=Text(zh="德", en="D"), members=["DE"])
