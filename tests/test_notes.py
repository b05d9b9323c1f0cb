"""Notes read as readers read them, a check that renders what the build renders, and the wording
of prose: no figure typed in, no run of words copied from a source (generated projects)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from htmlprose import html_prose
from typer.testing import CliRunner

from briefs.build.pipeline import check_project_files, rendered_pages
from briefs.cli import app

HARBOUR_TEXT = """Harbour Authority of Example City: annual review 2025

In 2024 the harbour handled 41 million tonnes of cargo, a record for the port.
The authority plans to open a second container terminal in 2026.
Shippers say customs clearance remains the main bottleneck for trade across the region and
beyond the city's own port.
"""

HARBOUR_SOURCE = """
  - id: harbour-review
    file: sources/harbour.txt
    language: en
    date: "2025-02"
    title: {en: Annual review 2025, zh: 2025年年度报告}
    publisher: {en: Harbour Authority of Example City, zh: 示例市港务局}
"""

HARBOUR_FACTS = """facts:
  - id: harbour-cargo-2024
    section: progress
    theme: trade
    value: 41000000
    unit: t
    period: "2024"
    kind: actual
    label: {zh: 港口货物吞吐量, en: Cargo handled by the harbour}
    source: harbour-review
    quote: "In 2024 the harbour handled 41 million tonnes of cargo"
  - id: second-terminal-2026
    section: paths
    theme: trade
    date: "2026"
    kind: plan
    label: {zh: 第二集装箱码头投入运营, en: Second container terminal opens}
    text:
      zh: 港务局计划于2026年启用第二个集装箱码头。
      en: The authority plans to open a second container terminal in 2026.
    source: harbour-review
    quote: "plans to open a second container terminal in 2026"
  - id: customs-bottleneck
    section: challenges
    theme: trade
    label: {zh: 通关是主要瓶颈, en: Customs clearance is the main bottleneck}
    text:
      zh: 托运人认为通关仍是主要瓶颈。
      en: Shippers say customs clearance remains the main bottleneck.
    source: harbour-review
    quote: "customs clearance remains the main bottleneck"
"""

# Three sentences: the bulletin's figure, the harbour's, the bulletin's again.
MIXED = {
    "en": '<p>The digital economy reached {{ F["digital-economy-2024"] }} in '
    '{{ Y["digital-economy-2024"] }}. The harbour handled {{ F["harbour-cargo-2024"] }} in the '
    'same year. Growth of the digital economy was {{ F["digital-economy-growth-2024"] }}.</p>',
    "zh": '<p>{{ Y["digital-economy-2024"] }}，数字经济规模达到{{ F["digital-economy-2024"] }}。'
    '同年港口货物吞吐量为{{ F["harbour-cargo-2024"] }}。'
    '数字经济增速为{{ F["digital-economy-growth-2024"] }}。</p>',
}
# A sentence whose only fact is a year.
YEAR_ALONE = {
    "en": "<p>The authority expects its second container terminal to open in "
    '{{ Y["second-terminal-2026"] }}, which would ease the pressure on the quays.</p>',
    "zh": '<p>第二集装箱码头预计于{{ Y["second-terminal-2026"] }}投入运营，'
    "届时码头压力将有所缓解。</p>",
}


@pytest.fixture()
def example(example: Path) -> Path:
    """The example project with its prose in HTML: these tests write HTML prose into it."""
    return html_prose(example)


def _add(project: Path, rel: str, text: str) -> int:
    """Append a line to a project file; return its line number."""
    path = project / rel
    old = path.read_text(encoding="utf-8")
    path.write_text(old.rstrip("\n") + "\n" + text + "\n", encoding="utf-8")
    return old.rstrip("\n").count("\n") + 2


def _with_harbour(project: Path) -> Path:
    """The example project with a second source, in English, and three facts from it."""
    (project / "facts" / "sources" / "harbour.txt").write_text(HARBOUR_TEXT, encoding="utf-8")
    brief = project / "facts" / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    anchor = "    publisher: {zh: 示例市统计局, en: Example City Statistics Bureau}\n"
    brief.write_text(text.replace(anchor, anchor + HARBOUR_SOURCE.lstrip("\n"), 1), "utf-8")
    (project / "facts" / "harbour.yaml").write_text(HARBOUR_FACTS, encoding="utf-8")
    return project


def _page(project: Path, lang: str) -> str:
    loaded, report, _ = check_project_files(project)
    pages = rendered_pages(loaded, report)
    return next(
        html for language, variant, html in pages if (language, variant) == (lang, "report")
    )


def _notes(paragraph: str) -> list[list[str]]:
    """The sources of each group of notes in a paragraph, in order."""
    groups = paragraph.split('<span class="fn">')[1:]
    return [list(dict.fromkeys(re.findall(r'data-source="([^"]+)"', g))) for g in groups]


def _paragraph(html: str, words: str) -> str:
    return next(p for p in re.findall(r"<p>.*?</p>", html, re.S) if words in p)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_sentence_ends_in_the_note_of_its_own_source(example: Path, lang: str) -> None:
    project = _with_harbour(example)
    _add(project, f"templates/prose/{lang}/progress.html.j2", MIXED[lang])
    _add(project, f"templates/prose/{lang}/paths.html.j2", YEAR_ALONE[lang])
    html = _page(project, lang)
    mixed = _paragraph(html, 'data-fact="harbour-cargo-2024"')
    # The bulletin's note again after the third sentence: cited again after another source.
    assert _notes(mixed) == [["example-bulletin"], ["harbour-review"], ["example-bulletin"]]
    harbour = mixed.index('data-fact="harbour-cargo-2024"')
    assert mixed.index('data-source="harbour-review"') > harbour
    assert mixed.index('data-source="example-bulletin"') < harbour
    # A year alone carries the claim: Y marks its fact, and the sentence ends in its note.
    year = _paragraph(html, 'data-fact="second-terminal-2026"')
    assert '<span class="when" data-fact="second-terminal-2026">2026' in year
    assert _notes(year) == [["harbour-review"]]
    # A chart cites the facts it draws (its own source line names their sources).
    assert 'data-fact="digital-economy-2023 digital-economy-2024"' in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summaries_cite_inline_by_the_same_rule(example: Path, lang: str) -> None:
    project = _with_harbour(example)
    findings = f"templates/prose/{lang}/findings.html.j2"
    path = project / findings
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "</ul>", MIXED[lang].replace("<p>", "<li>").replace("</p>", "</li>") + "\n</ul>"
        ),
        encoding="utf-8",
    )
    html = _page(project, lang)
    item = next(li for li in re.findall(r"<li>.*?</li>", html, re.S) if "harbour-cargo-2024" in li)
    assert _notes(item) == [["example-bulletin"], ["harbour-review"], ["example-bulletin"]]
    assert 'class="footnote"' not in item
    assert len(re.findall(r'<a class="cite"', item)) == 3


def _check(runner: CliRunner, project: Path, *more: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--project", str(project), *more])
    return result.exit_code, result.output


TEMPLATE_ERRORS = {
    # what the author writes on a new last line -> what the message says
    "missing-endcall": (
        '<p>{% call claim("talent-main-constraint") %}The bulletin sees a brake.</p>',
        "{% call %} is never closed: add {% endcall %}",
    ),
    "syntax": ('<p>Short of {{ F["talent-gap" }} workers.</p>', "template syntax: unexpected"),
    "figure-in-heading": (
        '<h3>A gap of {{ F["talent-gap"] }}</h3>',
        "'talent-gap' is cited outside a paragraph or list item",
    ),
    "year-in-heading": (
        '<h3>Plans to {{ Y["data-centre-cluster-2027"] }}</h3>',
        "'data-centre-cluster-2027' is cited outside a paragraph or list item",
    ),
    "undefined": ("<p>{{ nothing_here }}</p>", "'nothing_here' is undefined"),
    "date-of-a-figure": ('<p>In {{ D["talent-gap"] }}.</p>', 'D["talent-gap"]: the fact has no'),
}


@pytest.mark.parametrize("case", sorted(TEMPLATE_ERRORS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_catches_what_the_build_would_with_the_authors_line(
    example: Path, runner: CliRunner, case: str, lang: str
) -> None:
    code, output = _check(runner, example)
    assert code == 0, output
    written, expected = TEMPLATE_ERRORS[case]
    rel = f"templates/prose/{lang}/challenges.html.j2"
    line = _add(example, rel, written)
    code, output = _check(runner, example)
    assert code != 0
    assert f"{rel}:{line}: " in output, output
    assert expected in output, output
    assert "endfilter" not in output and "Traceback" not in output


def test_a_missing_endcall_fails_the_build_as_the_check_says(
    example: Path, runner: CliRunner
) -> None:
    rel = "templates/prose/en/progress.html.j2"
    path = example / rel
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "endcall" in text)
    path.write_text(path.read_text(encoding="utf-8").replace("{% endcall %}", ""), "utf-8")
    code, output = _check(runner, example)
    build = runner.invoke(app, ["build", "--lang", "en", "--project", str(example)])
    assert code == build.exit_code == 1
    for said in (output, build.output):
        assert f"{rel}:{line}: template syntax: {{% call %}} is never closed" in said, said
    assert not (example / "build" / "en").exists()


@pytest.mark.parametrize(
    ("lang", "typed", "shown", "fact"),
    [
        ("en", "grew by above 15 per cent", "15 per cent", "digital-economy-growth-2024"),
        ("zh", "增速超过15%", "15%", "digital-economy-growth-2024"),
        ("en", "worth 3.2 billion yuan", "3.2 billion", None),
        ("zh", "规模达20亿元", "20亿", None),
    ],
)
def test_a_figure_typed_into_prose_is_flagged_with_the_fact_to_use(
    example: Path, runner: CliRunner, lang: str, typed: str, shown: str, fact: str | None
) -> None:
    rel = f"templates/prose/{lang}/paths.html.j2"
    line = _add(example, rel, f"<p>The sector {typed}.</p>")
    code, output = _check(runner, example)
    assert code == 1
    assert f"{rel}:{line}: the figure '{shown}" in output, output
    if fact:
        assert f'print it from its fact: {{{{ F["{fact}"] }}}}' in output
    else:
        assert "add a fact that states it" in output


@pytest.mark.parametrize(
    "allowed",
    [
        "In 2024 and by March 2026, 5G and G7 rules, the 3rd round, section 3.2, 10 members.",
        "2024年3月，第3轮谈判，5G网络，自贸区3.0版，10个成员国，21世纪。",
    ],
)
def test_years_ordinals_names_and_counts_may_be_typed(
    example: Path, runner: CliRunner, allowed: str
) -> None:
    _add(example, "templates/prose/en/paths.html.j2", f"<p>{allowed}</p>")
    code, output = _check(runner, example)
    assert code == 0, output


COPIED = {
    "zh": (
        "<p>按照示例市规划，到2027年建成区域数据中心集群。</p>",
        '<p>{% call claim("data-centre-cluster-2027") %}规划提出，“按照示例市规划，'
        "到2027年建成区域数据中心集群”{% endcall %}。</p>",
        "example-bulletin",
        "facts/sources/example.txt:5",
    ),
    "en": (
        "<p>We find that customs clearance remains the main bottleneck for trade across the "
        "region.</p>",
        '<p>{% call claim("customs-bottleneck") %}Shippers report that "customs clearance '
        'remains the main bottleneck for trade across the region"{% endcall %}.</p>',
        "harbour-review",
        "facts/sources/harbour.txt:5",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_copied_run_is_flagged_and_passes_in_quotation_marks_with_its_note(
    example: Path, runner: CliRunner, lang: str
) -> None:
    project = _with_harbour(example)
    copied, quoted, source, where = COPIED[lang]
    rel = f"templates/prose/{lang}/paths.html.j2"
    line = _add(project, rel, copied)
    code, output = _check(runner, project)
    assert code == 0, output
    assert f"warning: {rel}:{line}: the prose shares '" in output, output
    assert f"with source '{source}' ({where})" in output
    code, strict = _check(runner, project, "--strict")
    assert code == 1
    assert f"error: {rel}:{line}: the prose shares" in strict
    # The same run in quotation marks, in a sentence whose note names the source, passes.
    path = project / rel
    path.write_text(path.read_text(encoding="utf-8").replace(copied, quoted), "utf-8")
    code, output = _check(runner, project, "--strict")
    assert code == 0, output
    assert "shares" not in output
