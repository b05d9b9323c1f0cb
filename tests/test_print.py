"""What a first brief on a new topic gets wrong in print: dates past the cut-off, wording."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from briefs.cli import app

FACTS = "facts/facts.yaml"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _timeline(html: str) -> str:
    start = html.index('id="sec-timeline"')
    return _text(html[start : html.index("</section>", start)])


def test_an_event_after_the_cutoff_reads_as_scheduled(example: Path, runner: CliRunner) -> None:
    _append(example / "facts/sources/example.txt", "\n示例市数据交易大会定于2026年11月27日举办。\n")
    _append(
        example / FACTS,
        """  - id: data-fair-2026
    section: progress
    theme: data
    date: "2026-11-27"
    label: {zh: 示例市数据交易大会举办, en: Example City data fair held}
    text:
      zh: 示例市数据交易大会定于2026年11月举办。
      en: Example City's data fair is set for November 2026.
    source: example-bulletin
    quote: "示例市数据交易大会定于2026年11月27日举办"
""",
    )
    _append(example / "facts/brief.yaml", 'information_cutoff: "2025-11"\n')
    result = runner.invoke(app, ["build", "--project", str(example)])
    assert result.exit_code == 0, result.output
    zh = (example / "build/zh/example-brief.html").read_text(encoding="utf-8")
    en = (example / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert "示例市数据交易大会举办 （预定）" in _timeline(zh)
    assert "Example City data fair held (scheduled)" in _timeline(en)
    # The event before the cut-off is not marked.
    assert "Example City data exchange opens (scheduled)" not in _timeline(en)
    assert "Example City data exchange opens" in _timeline(en)
    # A cut-off month is "in", not "on".
    assert "The information in this brief ends in November 2025" in _text(en)


def test_a_cutoff_day_reads_on(example: Path, runner: CliRunner) -> None:
    _append(example / "facts/brief.yaml", 'information_cutoff: "2025-03-14"\n')
    result = runner.invoke(app, ["build", "--project", str(example), "--lang", "en"])
    assert result.exit_code == 0, result.output
    en = (example / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert "The information in this brief ends on 14 March 2025;" in _text(en)


def _add_cobalt(example: Path, code: str) -> None:
    _append(example / "facts/sources/example.txt", "\n刚果（金）2023年钴产量约为17万吨。\n")
    _append(
        example / FACTS,
        f"""  - id: cobalt-2023
    section: progress
    theme: economy
    value: 170000
    unit: t
    approx: about
    period: "2023"
    kind: estimate
    countries: [{code}]
    label: {{zh: 刚果（金）钴产量, en: Cobalt output of the DR Congo}}
    source: example-bulletin
    quote: "刚果（金）2023年钴产量约为17万吨"
""",
    )


def test_a_valid_but_wrong_country_code_is_warned(example: Path, runner: CliRunner) -> None:
    _add_cobalt(example, "CG")
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output
    assert "[cobalt-2023]" in result.output and "did you mean CD?" in result.output


def test_the_right_country_code_is_not_warned(example: Path, runner: CliRunner) -> None:
    _add_cobalt(example, "CD")
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output


def test_a_large_groups_table_lists_the_members_with_facts(
    example: Path, runner: CliRunner
) -> None:
    _add_cobalt(example, "CD")
    members = "[AO, BF, BI, BJ, BW, CD, CF, CG, CI, CM, DZ, EG, ET, GA, GH, KE, MA, NG, ZA, ZM]"
    _append(
        example / "facts/brief.yaml",
        f"groups:\n  - code: AFR\n    name: {{zh: 非洲二十国, en: Twenty African states}}\n"
        f"    members: {members}\ncountry_table: {{group: AFR}}\n",
    )
    result = runner.invoke(app, ["build", "--project", str(example)])
    assert result.exit_code == 0, result.output
    en = (example / "build/en/example-brief.html").read_text(encoding="utf-8")
    start = en.index('<table class="countries">')
    table = en[start : en.index("</table>", start)]
    rows = re.findall(r'<th scope="row">([^<]*)</th>', table)
    assert rows == ["DR Congo"], "one member has facts; CLDR's menu name is not used"
    zh = (example / "build/zh/example-brief.html").read_text(encoding="utf-8")
    assert '<th scope="row">刚果（金）</th>' in zh
    # Asked for, every member is listed.
    brief = example / "facts/brief.yaml"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("{group: AFR}", "{group: AFR, all_members: true}"), "utf-8")
    result = runner.invoke(app, ["build", "--project", str(example), "--lang", "en"])
    assert result.exit_code == 0, result.output
    en = (example / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert en.count('<th scope="row">') >= 20


def test_a_group_the_brief_uses_is_spelled_out(example: Path, runner: CliRunner) -> None:
    _append(
        example / "facts/brief.yaml",
        "groups:\n  - code: LITHIUM\n    name: {zh: 锂三角, en: Lithium triangle}\n"
        "    members: [AR, BO, CL]\n",
    )
    facts = example / FACTS
    text = facts.read_text(encoding="utf-8")
    facts.write_text(
        text.replace("    theme: talent\n", "    theme: talent\n    countries: [LITHIUM]\n", 1)
    )
    result = runner.invoke(app, ["build", "--project", str(example)])
    assert result.exit_code == 0, result.output
    en = _text((example / "build/en/example-brief.html").read_text(encoding="utf-8"))
    zh = _text((example / "build/zh/example-brief.html").read_text(encoding="utf-8"))
    assert "Lithium triangle: Argentina, Bolivia and Chile." in en
    assert "锂三角包括阿根廷、玻利维亚和智利。" in zh


def test_a_cutoff_set_before_a_source_is_warned_and_not_called_its_date(
    example: Path, runner: CliRunner
) -> None:
    _append(example / "facts/brief.yaml", 'information_cutoff: "2025-01"\n')
    result = runner.invoke(app, ["build", "--project", str(example), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "after information_cutoff 2025-01" in result.output
    en = _text((example / "build/en/example-brief.html").read_text(encoding="utf-8"))
    assert "The information in this brief ends in January 2025; later events" in en
    assert "publication date of its newest source" not in en


def test_a_qualifier_typed_before_a_figure_that_prints_it_is_refused(
    example: Path, runner: CliRunner
) -> None:
    prose = example / "templates/prose/en/challenges.md"
    text = prose.read_text(encoding="utf-8")
    prose.write_text(
        text.replace('short of {{ F["talent-gap"] }}', 'short of about {{ F["talent-gap"] }}')
    )
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 1, result.output
    assert "templates/prose/en/challenges.md:1:" in result.output
    assert "repeat its own 'about'" in result.output and 'B["talent-gap"]' in result.output
    # B prints the figure without its qualifier: the sentence may then carry it.
    prose.write_text(
        text.replace('short of {{ F["talent-gap"] }}', 'short of about {{ B["talent-gap"] }}')
    )
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 0, result.output
