"""A fact's value is a number its quote states; a missing quote points to the nearest words."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefs.cli import app
from briefs.numbers.reading import numbers, states

FACTS = "facts/facts.yaml"


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("跨境电商进出口规模约达1.32万亿元", [("1.32万亿", 1.32e12)]),
        ("培训200多万人次", [("200多万", 2e6)]),
        ("共建“一带一路”倡议提出十余年来", [("一", 1), ("一", 1), ("十余", 10)]),
        ("近百家企业", [("百", 100)]),
        (
            "GMV reached US$263 billion, up 18% from a year earlier",
            [("263 billion", 2.63e11), ("18", 18)],
        ),
        ("capacity of 886.67 GW", [("886.67", 886.67)]),
        ("装机容量达到４３００万千瓦", [("4300万", 4.3e7)]),
    ],
)
def test_numbers_a_quote_states(quote: str, expected: list[tuple[str, float]]) -> None:
    assert [(str(n), n.value) for n in numbers(quote)] == expected


def test_a_value_agrees_within_the_rounding_of_the_last_digit() -> None:
    assert states(2.63e11, "2630亿美元", "USD")
    assert states(2.6304e11, "2630亿美元", "USD")
    assert not states(2.6306e11, "2630亿美元", "USD")
    assert not states(19, "up 18% from a year earlier", "percent")
    assert states(3, "已连续三年举办", "years")
    assert not states(8, "蚂蚁集团先后投资新加坡、泰国", "count")


def test_a_unit_conversion_gw_and_wan_kilowatts() -> None:
    assert states(43, "装机容量达到4300万千瓦", "GW")
    assert not states(53, "装机容量达到4300万千瓦", "GW")
    assert states(886_670_000, "886.67 GW", "kW")
    assert not states(986_670_000, "886.67 GW", "kW")
    assert states(430_000_000, "4.3亿千瓦", "kW")
    assert not states(530_000_000, "4.3亿千瓦", "kW")


def test_a_unit_the_quote_names_is_not_ignored() -> None:
    # "2.2 GW" states 2,200 MW; the bare number 2.2 in MW would be a thousandfold error.
    assert states(2200, "developers commissioned 2.2 GW of new turbines", "MW")
    assert not states(2.2, "developers commissioned 2.2 GW of new turbines", "MW")
    # A word after the number that is no unit leaves the number as it is written.
    assert states(2.2, "about 2.2 in GW terms", "GW")


def _edit(project: Path, rel: str, old: str, new: str) -> int:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, text.index(old)) + 1


def _check(project: Path, runner: CliRunner) -> str:
    result = runner.invoke(app, ["check", "--project", str(project)])
    assert result.exit_code == 1, result.output
    return result.output


def test_an_altered_value_names_the_fact_its_line_and_the_numbers_stated(
    example: Path, runner: CliRunner
) -> None:
    line = _edit(example, FACTS, "    value: 138000000000", "    value: 139000000000")
    output = _check(example, runner)
    assert f"{FACTS}:{line}:5: [digital-economy-2024] the value 139000000000 (CNY)" in output
    assert "'2024年增至1380亿元' states: 2024 (a year), 1380亿 (= 138000000000)" in output
    assert "extend the quote to the words of the source that state it" in output


def test_an_altered_number_inside_a_quote_shows_the_closest_passage(
    example: Path, runner: CliRunner
) -> None:
    line = _edit(example, FACTS, '"数字人才缺口约3万人"', '"数字人才缺口约4万人"')
    output = _check(example, runner)
    assert f"{FACTS}:{line}:5: [talent-gap] the quote is not in source 'example-bulletin'" in output
    assert "the closest passage is on line 7: '数字人才缺口约3万人'" in output


def test_the_closest_passage_keeps_the_sources_spaces(example: Path, runner: CliRunner) -> None:
    source = example / "facts" / "sources" / "example.txt"
    source.write_text(
        source.read_text(encoding="utf-8") + "\nIndonesia produced 28,000 tonnes in 2023.\n",
        encoding="utf-8",
    )
    _edit(example, FACTS, '"数字人才缺口约3万人"', '"Indonesia produced 29,000 tonnes"')
    output = _check(example, runner)
    assert "'Indonesia produced 28,000 tonnes'" in output, output


def test_a_chinese_numeral_quote(example: Path, runner: CliRunner) -> None:
    source = example / "facts" / "sources" / "example.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\n示例市已连续三年举办数字经济论坛。\n")
    fact = (
        "  - id: forum-years\n    section: progress\n    theme: cooperation\n    value: 3\n"
        "    unit: years\n    kind: actual\n    label: {zh: 论坛, en: Forum}\n"
        "    source: example-bulletin\n    quote: 已连续三年举办数字经济论坛\n"
    )
    path = example / FACTS
    path.write_text(path.read_text(encoding="utf-8") + fact, encoding="utf-8")
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 0, result.output
    _edit(example, FACTS, "    value: 3\n", "    value: 4\n")
    assert "[forum-years] the value 4 (years)" in _check(example, runner)
    assert "states: 三 (= 3)" in _check(example, runner)


def test_width_and_spaces_do_not_matter_but_the_excerpt_does(
    example: Path, runner: CliRunner
) -> None:
    _edit(example, FACTS, '"2024年增至1380亿元"', '"2024年 增至１３８０亿元"')
    _edit(
        example,
        FACTS,
        '"2023年示例市数字经济规模为1200亿元"',
        '"2023年示例市数字经济规模为1200亿元,2024年"',
    )
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 0, result.output
    _edit(
        example,
        "facts/brief.yaml",
        "    publisher: {zh: 示例市统计局, en: Example City Statistics Bureau}",
        "    publisher: {zh: 示例市统计局, en: Example City Statistics Bureau}\n"
        "    excerpt: {start: 全市5G基站数量}",
    )
    output = _check(example, runner)
    assert "[digital-economy-2023] the quote is not in source 'example-bulletin'" in output
    assert "it stands on line 3 of the file, outside the source's excerpt" in output


def test_a_rate_is_stated_per_the_unit_the_quote_names() -> None:
    from briefs.numbers.reading import states

    for quote, language in (
        ("Skipjack fetched US$1,650 per tonne in 2024", "en"),
        ("鲣鱼价格为每吨1650美元", "zh"),
        ("US$1,650/t", "en"),
    ):
        assert states(1650, quote, "USD/t", language=language), quote
        assert not states(1650, quote, "USD/kg", language=language), quote
    assert states(1.65, "US$1.65 per kg", "USD/kg")
    assert states(12500, "US$12,500 per person", "USD/person")


def test_a_right_number_in_the_wrong_currency_says_to_correct_the_unit(
    example: Path, runner: CliRunner
) -> None:
    _edit(example, FACTS, "    unit: CNY\n", "    unit: AUD\n")
    output = _check(example, runner)
    assert "Correct the unit to the currency the quote names" in output
    assert "Correct the value" not in output.split("Correct the unit")[0].splitlines()[-1]


def test_the_closest_passage_ends_on_whole_words(example: Path, runner: CliRunner) -> None:
    source = example / "facts" / "sources" / "example.txt"
    source.write_text(
        source.read_text(encoding="utf-8") + "\nKiribati recorded 438,000 tonnes in 2024.\n",
        encoding="utf-8",
    )
    _edit(example, FACTS, '"数字人才缺口约3万人"', '"Kiribati recorded 439,000 ton"')
    output = _check(example, runner)
    assert "'Kiribati recorded 438,000 tonnes'" in output, output
