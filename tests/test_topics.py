"""Figures of other topics, checked in their sources' languages and printed as a specialist
would: payments in Brazil (Portuguese), energy in France and Germany, minerals and naira."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefs.build.pipeline import visible_text
from briefs.cli import app

SOURCES = {
    "pt": (
        "pagamentos.txt",
        "Relatório de pagamentos (texto ilustrativo escrito para os testes do brief)\n\n"
        "Em 2023, os pagamentos instantâneos somaram R$ 1.234,56 bilhões e 47,3% dos adultos "
        "usaram o Pix. A taxa de inadimplência caiu 0,9 ponto percentual, de 5,1% para 4,2%. "
        "A meta para 2023 era de 50% dos adultos.\n",
    ),
    "fr": (
        "energie.txt",
        "Bilan énergétique (texte illustratif écrit pour les tests de brief)\n\n"
        "Le chiffre d'affaires du réseau atteint 1\u202f234,5 millions d'euros en 2024, "
        "pour un prix de gros moyen de 0,29 € par kWh.\n",
    ),
    "de": (
        "strom.txt",
        "Strombericht (ein für die Tests von brief geschriebener Beispieltext)\n\n"
        "Die Netzbetreiber investierten 2024 rund 5,3 Mrd. Euro in den Ausbau.\n",
    ),
    "en": (
        "minerals.txt",
        "Minerals review (an illustrative text written for the tests of brief)\n\n"
        "The mine produced 170,000 tons of copper in 2023 and sold it at US$14,000 per tonne.\n"
        "Nigeria's mobile money transactions reached N2.3qd (quadrillion) in 2024.\n"
        "A donor pledged $4.5 million to the programme.\n",
    ),
}


def _source_entry(lang: str) -> str:
    name = SOURCES[lang][0]
    own = "" if lang == "en" else f"{lang}: Report {lang}, "
    publisher = "" if lang == "en" else f"{lang}: Institute {lang}, "
    return f"""  - id: src-{lang}
    file: sources/{name}
    language: {lang}
    date: "2025-02"
    title: {{{own}zh: 报告{lang}, en: Report {lang}}}
    publisher: {{{publisher}zh: 研究所{lang}, en: Institute {lang}}}
"""


def _fact(
    fid: str, value: float | None, unit: str | None, src: str, quote: str, **more: str
) -> str:
    lines = [
        f"  - id: {fid}",
        "    section: progress",
        f"    theme: {more.pop('theme', 'markets')}",
        f"    label: {{zh: 标签{fid}, en: Label {fid}}}",
        f"    source: src-{src}",
        f'    quote: "{quote}"',
    ]
    if value is not None:
        lines += [
            f"    value: {value}",
            f"    unit: {unit}",
            f"    kind: {more.pop('kind', 'actual')}",
        ]
        lines.append(f'    period: "{more.pop("period", "2023")}"')
    lines += [f"    {key}: {text}" for key, text in more.items()]
    return "\n".join(lines) + "\n"


GOOD = {
    "br-instant-payments": (1234.56e9, "BRL", "pt", "R$ 1.234,56 bilhões"),
    "br-pix-adults": (47.3, "percent", "pt", "47,3% dos adultos"),
    "br-default-rate-change": (-0.9, "points", "pt", "caiu 0,9 ponto percentual"),
    "br-default-rate-2022": (5.1, "percent", "pt", "de 5,1% para 4,2%"),
    "br-default-rate-2023": (4.2, "percent", "pt", "de 5,1% para 4,2%"),
    "fr-grid-revenue": (1234.5e6, "EUR", "fr", "atteint 1\u202f234,5 millions d'euros"),
    "fr-wholesale-price": (0.29, "EUR/kWh", "fr", "0,29 € par kWh"),
    "de-grid-investment": (5.3e9, "EUR", "de", "rund 5,3 Mrd. Euro"),
    "copper-output": (170, "kt", "en", "produced 170,000 tons of copper"),
    "copper-price": (14000, "USD/t", "en", "US$14,000 per tonne"),
    "ng-mobile-money": (2.3e15, "NGN", "en", "N2.3qd (quadrillion)"),
    "donor-pledge": (4.5e6, "USD", "en", "$4.5 million"),
}


def _project(root: Path, runner: CliRunner, facts: str, extra: str = "") -> Path:
    """A new project whose sources are in Portuguese, French, German and English."""
    assert runner.invoke(app, ["new", str(root)]).exit_code == 0
    folder = root / "facts"
    for name, text in SOURCES.values():
        (folder / "sources" / name).write_text(text, encoding="utf-8")
    brief = folder / "brief.yaml"
    entries = "".join(_source_entry(lang) for lang in SOURCES)
    brief.write_text(brief.read_text(encoding="utf-8") + entries + extra, encoding="utf-8")
    (folder / "topics.yaml").write_text("facts:\n" + facts, encoding="utf-8")
    return root


DERIVED = "    derived: {method: difference, from: [br-default-rate-2022, br-default-rate-2023]}\n"


def _good_facts() -> str:
    facts = "".join(_fact(fid, *spec) for fid, spec in GOOD.items())
    # The fall is derived from the two rates, so the data note recomputes it.
    own = _fact("br-default-rate-change", *GOOD["br-default-rate-change"])
    return facts.replace(own, own + DERIVED)


def _check(project: Path, runner: CliRunner) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--project", str(project)])
    return result.exit_code, result.output


def test_every_figure_its_source_states_passes(tmp_path: Path, runner: CliRunner) -> None:
    code, output = _check(_project(tmp_path / "p", runner, _good_facts()), runner)
    assert code == 0, output


@pytest.mark.parametrize(
    ("fid", "spec", "expected"),
    [
        # 47.0 is not "47,3%": read with the decimal comma, the quote states one number.
        ("br-pix-adults", (47.0, "percent", "pt", "47,3% dos adultos"), "states: 47,3 (= 47.3)"),
        # Grouping with a point in Portuguese: 1.234,56 is not 1.234.
        ("br-instant-payments", (1.234e9, "BRL", "pt", "R$ 1.234,56 bilhões"), "1.234,56 bilhões"),
        # The currency the quote names must be the fact's.
        (
            "br-instant-payments",
            (1234.56e9, "USD", "pt", "R$ 1.234,56 bilhões"),
            "R$ (BRL), not USD",
        ),
        ("donor-pledge", (4.5e6, "EUR", "en", "$4.5 million"), "not EUR"),
        # Percentage points are not percent.
        (
            "br-default-rate-change",
            (-0.9, "percent", "pt", "caiu 0,9 ponto percentual"),
            "in percentage points, not percent",
        ),
        # The scale word: N2.3qd is 2.3 quadrillion naira, not 2.3.
        (
            "ng-mobile-money",
            (2.3, "NGN", "en", "N2.3qd (quadrillion)"),
            "2.3qd (= 2300000000000000)",
        ),
        # A year is never a quantity: 2023 does not vouch for 2023 t.
        (
            "copper-output",
            (2023, "t", "en", "produced 170,000 tons of copper in 2023"),
            "2023 (a year)",
        ),
        # "tons" are metric tonnes: 170,000 of them are 170 kt, not 154 kt.
        ("copper-output", (154.2214, "kt", "en", "produced 170,000 tons of copper"), "(= 170 kt)"),
        (
            "fr-grid-revenue",
            (1234e6, "EUR", "fr", "atteint 1\u202f234,5 millions d'euros"),
            "1 234,5 millions (= 1234500000)",
        ),
    ],
)
def test_a_wrong_figure_is_refused_with_what_the_quote_states(
    tmp_path: Path, runner: CliRunner, fid: str, spec: tuple[float, str, str, str], expected: str
) -> None:
    facts = _good_facts().replace(_fact(fid, *GOOD[fid]), _fact(fid, *spec), 1)
    project = _project(tmp_path / "p", runner, facts)
    code, output = _check(project, runner)
    assert code == 1, output
    assert re.search(rf"facts/topics\.yaml:\d+:5: \[{fid}\] the value", output), output
    assert expected in output
    assert "Traceback" not in output


def test_any_dollar_fits_a_bare_dollar_sign(tmp_path: Path, runner: CliRunner) -> None:
    facts = _good_facts().replace("4500000.0\n    unit: USD", "4500000.0\n    unit: CAD")
    code, output = _check(_project(tmp_path / "p", runner, facts), runner)
    assert code == 0, output


def test_a_number_typed_into_a_fact_text_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    typed = _fact(
        "br-pix-note",
        None,
        None,
        "pt",
        "47,3% dos adultos usaram o Pix",
        text="{zh: 巴西支付交易额达999亿元。, en: 47.3% of adults in Brazil used Pix.}",
    )
    project = _project(tmp_path / "p", runner, _good_facts() + typed)
    code, output = _check(project, runner)
    assert code == 1, output
    line = (project / "facts" / "topics.yaml").read_text(encoding="utf-8").split("\n")
    at = next(i for i, text in enumerate(line, start=1) if "999亿元" in text)
    assert f"facts/topics.yaml:{at}:" in output
    assert "[br-pix-note] the text (zh) states '999亿'" in output
    assert "the quote states: 47,3" in output
    # The English text states the quote's own 47,3% (read with the source's decimal comma).
    assert "the text (en)" not in output


def test_a_fact_text_may_state_its_value_period_and_its_quote(
    tmp_path: Path, runner: CliRunner
) -> None:
    facts = _good_facts().replace(
        '    quote: "caiu 0,9 ponto percentual"\n',
        '    quote: "caiu 0,9 ponto percentual"\n'
        "    text: {zh: 2023年违约率下降0.9个百分点。, "
        "en: In 2023 the default rate fell by 0.9 percentage points.}\n",
    )
    code, output = _check(_project(tmp_path / "p", runner, facts), runner)
    assert code == 0, output


COMPUTED = """computed:
  - id: pix-gap-to-target
    method: difference
    from: [br-pix-target-2023, br-pix-adults]
    label: {zh: 与目标的差距, en: Gap to the target}
"""
TARGET = _fact(
    "br-pix-target-2023",
    50,
    "percent",
    "pt",
    "A meta para 2023 era de 50% dos adultos",
    kind="target",
    outcome="br-pix-adults",
)
PROSE = {
    "zh": '<p>{{ Y["br-default-rate-change"] }}违约率{{ F["br-default-rate-change"] }}，'
    '铜价为{{ F["copper-price"] }}，使用率与目标相差{{ F["pix-gap-to-target"] }}。'
    '人才缺口约为{{ B["talent-gap"] }}。</p>\n',
    "en": '<p>In {{ Y["br-default-rate-change"] }} the default rate '
    '{{ F["br-default-rate-change"] }}, copper sold at {{ F["copper-price"] }}, and use of Pix '
    'stood {{ F["pix-gap-to-target"] }} from its target. The talent gap is put at about '
    '{{ B["talent-gap"] }}.</p>\n',
}
CHART = """
  - id: copper-prices
    type: bar
    title: {zh: 铜价, en: Copper price}
    series:
      - label: {zh: 铜价, en: Copper price}
        facts: [copper-price]
"""


def _html(project: Path, lang: str) -> str:
    """The text a reader sees (figures keep their parts together with no-break spaces)."""
    (page,) = (project / "build" / lang).glob("*.html")
    text = visible_text(re.sub(r' title="[^"]*"', "", page.read_text(encoding="utf-8")))
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """One build of the project with a fall, a price, a computed gap and a target met."""
    runner = CliRunner()
    project = _project(tmp_path_factory.mktemp("topics") / "p", runner, _good_facts() + TARGET)
    (project / "facts" / "computed.yaml").write_text(COMPUTED, encoding="utf-8")
    for lang, text in PROSE.items():
        prose = project / "templates" / "prose" / lang / "progress.md"
        prose.write_text(prose.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    charts = project / "charts" / "charts.yaml"
    charts.write_text(charts.read_text(encoding="utf-8") + CHART, encoding="utf-8")
    result = runner.invoke(app, ["build", "--project", str(project), "--variant", "report"])
    assert result.exit_code == 0, result.output
    return project, {lang: _html(project, lang) for lang in ("zh", "en")}


def test_a_fall_reads_as_a_fall_in_prose(built: tuple[Path, dict[str, str]]) -> None:
    zh, en = built[1]["zh"], built[1]["en"]
    assert "2023年违约率下降0.9个百分点" in zh
    assert "the default rate fell by 0.9 percentage points" in en


def test_b_is_the_figure_without_its_qualifier(built: tuple[Path, dict[str, str]]) -> None:
    zh, en = built[1]["zh"], built[1]["en"]
    assert "人才缺口约为3万。" in zh
    assert "The talent gap is put at about 30,000." in en


def test_a_price_reads_per_unit_in_both_languages(built: tuple[Path, dict[str, str]]) -> None:
    zh, en = built[1]["zh"], built[1]["en"]
    assert "铜价为每吨1.4万美元" in zh
    assert "copper sold at US$14,000 per tonne" in en


def test_a_computed_difference_is_rounded_and_in_percentage_points(
    built: tuple[Path, dict[str, str]],
) -> None:
    zh, en = built[1]["zh"], built[1]["en"]
    # 47.3 - 50 = -2.7 (not -2.700000000000003), in percentage points, with a true minus.
    assert "相差−2.7个百分点" in zh
    assert "stood −2.7 percentage points from its target" in en


def test_a_target_is_shown_against_its_outcome(built: tuple[Path, dict[str, str]]) -> None:
    zh, en = (re.sub(r"\s+", " ", built[1][lang]) for lang in ("zh", "en"))
    # The data note's table of targets past their year: target, status, source, outcome.
    assert "Label br-pix-target-202350% (2023)target[2]47.3% (2023) [2]" in en
    assert "标签br-pix-target-202350% （2023年）目标值[2]47.3% （2023年） [2]" in zh
    assert "the sources do not report" not in en


def test_a_fall_keeps_its_minus_in_the_data_note(built: tuple[Path, dict[str, str]]) -> None:
    zh, en = (re.sub(r"\s+", " ", built[1][lang]) for lang in ("zh", "en"))
    assert "stated as −0.9 percentage points; recomputed from its components, −0.9 percentage" in en
    assert "来源为−0.9个百分点，按构成数据重算为−0.9个百分点，两者相符" in zh


def test_a_price_chart_names_its_axis(built: tuple[Path, dict[str, str]]) -> None:
    project = built[0]
    en = (project / "build" / "en" / "copper-prices.svg").read_text(encoding="utf-8")
    zh = (project / "build" / "zh" / "copper-prices.svg").read_text(encoding="utf-8")
    assert "US$ thousand per tonne" in en
    assert "万美元/吨" in zh


def test_one_source_is_a_source(built_example: Path) -> None:
    # The example's chart and memo draw on its one source.
    build = built_example / "build" / "en"
    page = (build / "example-brief.html").read_text(encoding="utf-8")
    memo = (build / "example-brief-memo.html").read_text(encoding="utf-8")
    assert '<p class="chart-source">Source: “Example City' in page
    assert '<p class="memo-sources">Source: ' in memo


def test_a_command_that_writes_nothing_does_not_speak_of_outputs(
    tmp_path: Path, runner: CliRunner
) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["new", str(tmp_path / "full")])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert "last good outputs" not in result.output


def test_extract_reads_a_portuguese_source_in_portuguese(tmp_path: Path, runner: CliRunner) -> None:
    project = _project(tmp_path / "p", runner, _good_facts())
    result = runner.invoke(app, ["extract", "src-pt", "--project", str(project)])
    assert result.exit_code == 0, result.output
    drafted = result.output
    assert "value: 1234560000000\n    unit: BRL" in drafted
    assert "quote: os pagamentos instantâneos somaram R$ 1.234,56 bilhões" in drafted
    assert "value: 47.3\n    unit: percent" in drafted
    assert "value: -0.9\n    unit: points" in drafted
    assert "value: 56\n" not in drafted and "value: 1.234\n" not in drafted
