"""The packaged theme behind a project's own templates, sections chosen by the project, the
timeline's rule, figure numbering in page order, and what `brief new` writes."""

from __future__ import annotations

import glob
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

import briefs
from briefs import keys
from briefs.cli import app
from briefs.compose.render import THEME, number_captions
from briefs.new import RENAMED, SCAFFOLD

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(briefs.__file__).parent
LAYOUT = ("base.html.j2", "report.html.j2", "memo.html.j2", "macros.html.j2", "style.css")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_theme_and_scaffold_are_package_data() -> None:
    """Every theme and scaffold file matches the package-data globs that go into a wheel
    (setuptools expands them with glob, which skips dot files: hence scaffold/gitignore)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["briefs"]
    shipped = {
        Path(p)
        for pattern in patterns
        for p in glob.glob(str(PACKAGE / pattern), recursive=True)
        if Path(p).is_file()
    }
    needed = [
        p
        for folder in (THEME, SCAFFOLD)
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert needed and set(needed) <= shipped, sorted(map(str, set(needed) - shipped))
    for name in (*LAYOUT, "strings/zh.yaml", "strings/en.yaml"):
        assert (THEME / name).is_file(), name


def test_new_writes_only_what_the_author_owns(tmp_path: Path, runner: CliRunner) -> None:
    project = tmp_path / "p"
    result = runner.invoke(app, ["new", str(project)])
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    assert ".gitignore" in written and "gitignore" not in written
    assert set(RENAMED) == {"gitignore"}
    assert "build/" in (project / ".gitignore").read_text(encoding="utf-8").split()
    layout = [name for name in written if name.startswith("templates/")]
    assert layout and all(name.startswith("templates/prose/") for name in layout), layout
    for name in written:
        text = (project / name).read_text(encoding="utf-8")
        for word in ("ASEAN", "东盟", "ooperation", "合作"):
            assert word not in text, f"{name} speaks of {word}"


def test_a_project_override_replaces_one_theme_file(tmp_path: Path, runner: CliRunner) -> None:
    project = tmp_path / "p"
    assert runner.invoke(app, ["new", str(project)]).exit_code == 0
    templates = project / "templates"
    own_css = (THEME / "style.css").read_text(encoding="utf-8") + "\n/* the project's own */\n"
    (templates / "style.css").write_text(own_css, encoding="utf-8")
    (templates / "data_note.html.j2").write_text(
        "<p>Checked by the editor.</p>\n", encoding="utf-8"
    )
    (templates / "strings").mkdir()
    (templates / "strings" / "en.yaml").write_text("references: Works cited\n", encoding="utf-8")
    result = runner.invoke(app, ["build", "--project", str(project), "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = project / "build" / "en"
    html = (out / "example-brief.html").read_text(encoding="utf-8")
    assert "<p>Checked by the editor.</p>" in html
    assert "<h2>Works cited</h2>" in html  # one string overridden,
    assert '<h2 class="toc-title">Contents</h2>' in html  # the others the theme's
    assert (out / "style.css").read_text(encoding="utf-8") == own_css
    assert (out / "phone.css").read_text(encoding="utf-8") == (THEME / "phone.css").read_text(
        encoding="utf-8"
    )


def test_a_theme_change_rebuilds_every_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    monkeypatch.setattr(keys, "THEME", theme)
    before = keys.code_version()
    _edit(theme / "style.css", "--ink: #1d2733;", "--ink: #000000;")
    assert keys.code_version() != before


def test_numbering_follows_the_page() -> None:
    html = (
        '<p><span class="num" data-count="figure"></span> B</p>'
        '<caption><span class="num" data-count="table"></span> T</caption>'
        '<p><span class="num" data-count="figure"></span> A</p>'
    )
    strings = {"figure": "图{n}", "table": "表{n}"}
    assert number_captions(html, strings) == (
        '<p><span class="num">图1</span> B</p>'
        '<caption><span class="num">表1</span> T</caption>'
        '<p><span class="num">图2</span> A</p>'
    )


SECTIONS = """sections:
  - id: context
    heading: {zh: 形势研判, en: The situation}
  - id: outlook
    heading: {zh: 前景展望, en: Outlook}
    also: [risk]
"""


@pytest.fixture(scope="module")
def own_sections(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with its own two chapters, a second chart specified before the first, a
    timeline that leaves out one theme and shows a chart, and an English source; built once."""
    project = tmp_path_factory.mktemp("own") / "p"
    runner = CliRunner()
    assert runner.invoke(app, ["new", str(project)]).exit_code == 0
    brief = project / "facts" / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    text = re.sub(r"\nsections:\n(  .*\n)+", "\n" + SECTIONS, text)
    text = text.replace(
        "timeline: {}",
        "timeline: {chart: events, exclude_themes: [data]}",
    )
    text += """  - id: wire-2025
    file: sources/wire.txt
    language: en
    date: "2025-01-21"
    author: {en: Jane Roe}
    title: {en: "Data exchanges spread", zh: 数据交易所加快布局}
    publisher: {en: Example Wire, zh: 示例通讯社}
"""
    brief.write_text(text, encoding="utf-8")
    (project / "facts" / "sources" / "wire.txt").write_text(
        "Example City opened a data exchange in March 2024, one of many.\n", encoding="utf-8"
    )
    facts = project / "facts" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace("section: progress", "section: context")
    text = text.replace("section: paths", "section: outlook").replace(
        "section: challenges", "section: risk"
    )
    text += """  - id: wire-exchange-2024
    section: context
    theme: media
    date: "2024-03"
    label: {zh: 数据交易所开业（外电报道）, en: Data exchange opens (wire report)}
    text: {zh: 外电报道示例市数据交易所开业。, en: A wire report notes the data exchange opening.}
    source: wire-2025
    quote: "opened a data exchange in March 2024"
"""
    facts.write_text(text, encoding="utf-8")
    charts = project / "charts" / "charts.yaml"
    _edit(
        charts,
        "charts:\n",
        """charts:
  - id: stations
    type: bar
    title: {zh: 5G基站, en: 5G base stations}
    unit: {zh: 个, en: stations}
    series:
      - label: {zh: 基站, en: Stations}
        facts: [base-stations-2024]
  - id: events
    type: timeline
    title: {zh: 大事, en: Events}
    facts: [data-exchange-opening-2024]
""",
    )
    for lang in ("zh", "en"):
        prose = project / "templates" / "prose" / lang
        for name in ("background", "progress", "challenges", "paths"):
            (prose / f"{name}.md").unlink()
        (prose / "context.html.j2").write_text(
            '{% from "macros.html.j2" import figure %}\n'
            '<p>CONTEXT-PROSE {{ F["digital-economy-2024"] }} {{ F["wire-exchange-2024"] }}</p>\n'
            '{{ figure(charts["digital-economy-size"], S) }}\n',
            encoding="utf-8",
        )
        (prose / "outlook.html.j2").write_text(
            '{% from "macros.html.j2" import figure %}\n'
            '<p>OUTLOOK-PROSE {{ F["talent-gap"] }}</p>\n'
            '{{ figure(charts["stations"], S) }}\n',
            encoding="utf-8",
        )
    result = runner.invoke(app, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return project


def _page(project: Path, lang: str) -> str:
    return (project / "build" / lang / "example-brief.html").read_text(encoding="utf-8")


def test_the_project_chooses_its_sections(own_sections: Path) -> None:
    html = _page(own_sections, "en")
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)
    assert toc is not None
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc.group(0)) == [
        ("sec-context", "The situation"),
        ("sec-outlook", "Outlook"),
        ("sec-timeline", "Timeline of milestones"),
        ("sec-data-note", "Data note"),
        ("sec-references", "References"),
    ]
    assert html.index("CONTEXT-PROSE") < html.index("OUTLOOK-PROSE")
    assert 'id="sec-background"' not in html and 'id="sec-countries"' not in html
    assert "<h2>前景展望</h2>" in _page(own_sections, "zh")


def test_figures_are_numbered_in_page_order(own_sections: Path) -> None:
    for lang, label in (("zh", "图"), ("en", "Figure ")):
        html = _page(own_sections, lang)
        found = re.findall(
            r'<figure class="chart \w+" id="fig-([^"]+)".*?<span class="num">([^<]+)</span>',
            html,
            re.S,
        )
        assert found == [
            ("digital-economy-size", f"{label}1"),
            ("stations", f"{label}2"),
            ("events", f"{label}3"),
        ]
        tables = re.findall(r'<caption><span class="num">([^<]+)</span>', html)
        assert tables == [("表" if lang == "zh" else "Table ") + "1"]
        memo = (own_sections / "build" / lang / "example-brief-memo.html").read_text("utf-8")
        assert f'<span class="num">{label}1</span>' in memo


def test_the_timeline_follows_the_projects_rule(own_sections: Path) -> None:
    html = _page(own_sections, "en")
    timeline = html[html.index('id="sec-timeline"') : html.index('id="sec-data-note"')]
    assert "Data exchange opens (wire report)" in timeline
    assert "Example City data exchange opens</td>" not in timeline  # its theme is left out
    assert 'id="fig-events"' in timeline


def test_sources_are_cited_in_their_own_language(own_sections: Path) -> None:
    zh = _page(own_sections, "zh")
    en = _page(own_sections, "en")
    assert "Jane Roe. Data exchanges spread [数据交易所加快布局]. Example Wire, 2025-01-21." in zh
    assert "《示例市年度统计公报》，示例市统计局，2025年3月。" in zh
    assert "Jane Roe, “Data exchanges spread”, Example Wire, 21 January 2025." in en
    assert (
        "“Example City Annual Statistical Bulletin” [示例市年度统计公报], "
        "Example City Statistics Bureau, March 2025." in en
    )
    assert "Jane Roe（2025）" in zh and "Jane Roe (2025)" in en


def test_a_project_without_a_timeline(tmp_path: Path, runner: CliRunner) -> None:
    project = tmp_path / "p"
    assert runner.invoke(app, ["new", str(project)]).exit_code == 0
    _edit(project / "facts" / "brief.yaml", "timeline: {}\n", "")
    result = runner.invoke(app, ["build", "--project", str(project), "--lang", "en"])
    assert result.exit_code == 0, result.output
    html = _page(project, "en")
    assert 'id="sec-timeline"' not in html and 'href="#sec-timeline"' not in html
    # The first appendix, now the data note, still starts on a page of its own.
    pages = [p.extract_text() for p in PdfReader(project / "build/en/example-brief.pdf").pages]
    starts = [i for i, text in enumerate(pages) if i > 0 and "Data note" in text]
    assert starts and "Training should keep pace" not in pages[starts[0]]
    assert "Training should keep pace" in pages[starts[0] - 1]
