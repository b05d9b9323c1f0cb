"""The default brief as a reader gets it: structure, figures, both languages, memo, golden text."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pdfpages import check_contents, notes_in_order
from pypdf import PdfReader
from typer.testing import CliRunner

from briefs.cli import app
from briefs.compose.notes import uncovered
from briefs.facts.project import load_project
from briefs.golden import GOLDEN, golden_text

ROOT = Path(__file__).resolve().parents[1]
PROSE = ROOT / "templates" / "prose"
NAME = "china-asean-digital"
SECTIONS = (
    "sec-findings",
    "sec-background",
    "sec-progress",
    "sec-challenges",
    "sec-paths",
    "sec-timeline",
    "sec-countries",
    "sec-data-note",
    "sec-references",
)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("default")
    result = CliRunner().invoke(
        app, ["build", "--project", str(ROOT), "--out", str(target), "--force"]
    )
    assert result.exit_code == 0, result.output
    return target


def _html(out: Path, lang: str) -> str:
    return (out / lang / f"{NAME}.html").read_text(encoding="utf-8")


def test_sections_toc_figures_and_tables(out: Path) -> None:
    for lang in ("zh", "en"):
        html = _html(out, lang)
        for section in SECTIONS:
            assert f'id="{section}"' in html, f"{lang}: {section} missing"
        toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)
        assert toc is not None
        assert len(re.findall(r"<li>", toc.group(0))) == 8
        assert len(re.findall(r'<figure class="chart', html)) == 12
        numbers = [
            int(n) for n in re.findall(r'<span class="num">(?:图|Figure )(\d+)</span>', html)
        ]
        assert numbers == list(range(1, 13)), "figures are numbered in document order"
        assert len(re.findall(r"<caption>", html)) >= 3


def test_pdf_toc_has_page_numbers_and_bookmarks(out: Path) -> None:
    reader = PdfReader(out / "zh" / f"{NAME}.pdf")
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    runs = re.findall(r"(?:\b\d{1,2} ){7}\d{1,2}\b", first)
    assert runs, "the contents list carries page numbers"
    numbers = [int(n) for n in runs[0].split()]
    assert numbers == sorted(numbers) and numbers[0] >= 1 and numbers[-1] <= len(reader.pages)
    assert "合作进展" in first and "参考文献" in first
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "合作进展" in titles and "主要挑战" in titles and "推进路径与建议" in titles


def test_page_counts(out: Path) -> None:
    for lang in ("zh", "en"):
        reader = PdfReader(out / lang / f"{NAME}.pdf")
        pages = [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]
        heading = "合作大事记" if lang == "zh" else "Timelineofmilestones"
        body_end = next(i for i, text in enumerate(pages) if heading in text and i > 1)
        # About 8-17 pages of body text in Chinese (English prose runs about a quarter longer),
        # plus the space left at the end of each of the four chapters: each starts a new page.
        limit = 21 if lang == "zh" else 26
        assert 8 <= body_end <= limit, f"{lang}: the body runs to page {body_end}"
        memo = PdfReader(out / lang / f"{NAME}-memo.pdf")
        assert len(memo.pages) == 1, f"{lang}: the memo must fit one page"


def test_pdf_metadata(out: Path) -> None:
    for lang, title in (
        ("zh", "中国—东盟数字经济与人工智能合作"),
        ("en", "China–ASEAN Cooperation on the Digital Economy"),
    ):
        reader = PdfReader(out / lang / f"{NAME}.pdf")
        meta = reader.metadata
        assert meta is not None and meta.title is not None and meta.title.startswith(title)
        assert meta.author and meta.subject and meta.get("/Keywords")
        assert str(reader.trailer["/Root"].get("/Lang", "")).startswith(lang)


def test_both_languages_carry_the_same_facts(out: Path) -> None:
    def fact_ids(html: str) -> set[str]:
        return {i for group in re.findall(r'data-fact="([^"]+)"', html) for i in group.split()}

    zh, en = fact_ids(_html(out, "zh")), fact_ids(_html(out, "en"))
    assert zh == en
    assert len(zh) > 100


def _cited(path: Path) -> set[str]:
    """Facts a template cites: figures, periods, dates, labels and claims."""
    text = path.read_text(encoding="utf-8")
    ids = set(re.findall(r"""[FYDL]\[\s*["']([^"']+)["']\s*\]""", text))
    for args in re.findall(r"claim\(([^)]*)\)", text):
        ids |= set(re.findall(r"""["']([^"']+)["']""", args))
    return ids


def test_each_section_cites_the_same_facts_in_both_languages() -> None:
    for zh_file in sorted((PROSE / "zh").glob("*.j2")):
        en_file = PROSE / "en" / zh_file.name
        zh, en = _cited(zh_file), _cited(en_file)
        assert zh == en, f"{zh_file.name}: only zh {sorted(zh - en)}, only en {sorted(en - zh)}"


# Digits may appear in prose only as years or inside proper names; every figure comes from F[...].
ALLOWED = re.compile(r"(19|20)\d\d|[3-6]G|3\.0|10\+[13]|\bG7\b|H2X|\bB3W\b|\bG3\b")


def test_no_number_is_typed_into_prose() -> None:
    for path in sorted(PROSE.rglob("*.j2")):
        text = re.sub(
            r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]+>", " ", path.read_text(encoding="utf-8")
        )
        stray = [
            m.group(0)
            for m in re.finditer(r"[\w.+]*\d[\w.+]*", ALLOWED.sub("", text))
            if re.search(r"\d", m.group(0))
        ]
        assert not stray, f"{path.relative_to(ROOT)}: typed numbers {stray[:5]}"


PROSE_SECTIONS = ("sec-findings", "sec-background", "sec-progress", "sec-challenges", "sec-paths")


def test_every_call_has_a_cited_fact_and_every_cited_source_a_call(out: Path) -> None:
    sources = {fid: {fact.source} for fid, fact in load_project(ROOT).facts.items()}
    notes = {fid: tuple(s) for fid, s in sources.items()}
    for lang in ("zh", "en"):
        html = _html(out, lang)
        blocks = 0
        for section in PROSE_SECTIONS:
            start = html.index(f'id="{section}"')
            body = html[start : html.index("</section>", start)]
            for block in re.finditer(r"<(p|li)\b[^>]*>(.*?)</\1>", body, re.S):
                cited = {
                    s
                    for group in re.findall(r'data-fact="([^"]+)"', block.group(2))
                    for fact in group.split()
                    for s in sources[fact]
                }
                called = re.findall(r'<a class="cite" data-source="([^"]+)"', block.group(2))
                assert set(called) == cited, f"{lang} {section}: {block.group(2)[:80]}"
                # Read as a reader reads notes: each covers the text since the previous one.
                assert not uncovered(block.group(0), notes), f"{lang} {section}"
                blocks += bool(called)
        assert blocks > 50
        # The four statements by Wang and Jia once footnoted to Shao and Zhai by hand.
        for phrase in (
            [
                "稳居全球第二",
                "在规则制定中失去话语权",
                "失去规则制定的话语权",
                "保护主义的理由",
            ]
            if lang == "zh"
            else [
                "second largest in the world",
                "place at the table",
                "even its seat",
                "protectionism",
            ]
        ):
            after = html[html.index(phrase) :]
            call = after.index('<span class="fn">')
            group = after[call : after.index("</a></span>", call)]
            assert 'data-source="wang-jia-2025"' in group, phrase


def test_data_note_shows_conflicts_and_passed_forecasts(out: Path) -> None:
    html = _html(out, "zh")
    note = html[html.index('id="sec-data-note"') : html.index('id="sec-references"')]
    assert "超过6.6亿" in note and "近7亿" in note
    assert 'data-fact="asean-digital-economy-gdp-share-2025-forecast"' in note
    # A recomputation reads as a sentence, the source's figure kept as a fact element, not escaped.
    recheck = re.search(
        r"来源为(<data [^>]*>.{0,40}?</data>)，按构成数据重算为1.9倍，两者相符", note
    )
    assert recheck and "近2倍" in recheck[1]
    assert 'data-fact="asean-funded-startups-increase-2015-2021"' in recheck[1]
    assert "&lt;data" not in note
    en = _html(out, "en")
    assert "Forecasts, targets and plans whose year has passed" in en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_golden_text(out: Path, lang: str) -> None:
    expected = (GOLDEN / f"{lang}.txt").read_text(encoding="utf-8")
    actual = golden_text(_html(out, lang))
    assert actual == expected, "the brief's text changed; if intended, run `make golden`"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_note_printed_in_order_and_contents_right(out: Path, lang: str) -> None:
    report = out / lang / f"{NAME}.pdf"
    assert notes_in_order(report) > 50
    check_contents(report)


def _luminance(colour: str) -> float:
    """Relative luminance of #rrggbb (WCAG 2.x)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_text_colours_contrast_with_their_backgrounds(out: Path) -> None:
    # Without Chromium this is what stands for axe's colour-contrast rule: every text colour of the
    # stylesheet against white and the boxes' tint, at least 4.5:1 (WCAG 1.4.3, normal text).
    css = (out / "zh" / "style.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;", css))
    for text in ("ink", "muted", "accent", "accent-2"):
        for background in ("#ffffff", colours["tint"]):
            lighter, darker = sorted((_luminance(colours[text]), _luminance(background)))
            ratio = (darker + 0.05) / (lighter + 0.05)
            assert ratio >= 4.5, f"--{text} on {background}: {ratio:.2f}:1"


def test_pages_have_landmarks_and_alt_text(out: Path) -> None:
    for lang in ("zh", "en"):
        for page in (f"{NAME}.html", f"{NAME}-memo.html"):
            html = (out / lang / page).read_text(encoding="utf-8")
            assert len(re.findall(r"<main[ >]", html)) == 1, f"{lang}/{page}: one <main>"
            for img in re.findall(r"<img [^>]*>", html):
                assert re.search(r'alt="[^"]+"', img), f"{lang}/{page}: {img}"
    report = _html(out, "en")
    findings = re.search(r'<section class="key-findings"[^>]*>', report)
    assert findings is not None and "aria-label=" in findings.group(0), "findings are a region"


def test_html_passes_the_accessibility_check(
    a11y: Callable[[Path], subprocess.CompletedProcess[str]], out: Path
) -> None:
    result = a11y(out)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_derived_increase_reads_as_a_percentage_in_english_with_or_without_qualifier() -> None:
    """增长逾2倍 is "more than 200%" in English, and B (the figure without its qualifier, for a
    sentence that carries it) is "200%", never "2 times"."""
    from briefs.compose.derive import Strings, fact_texts
    from briefs.compose.render import load_strings
    from briefs.facts.project import load_project

    project = load_project(ROOT)
    growth = "sea6-ecommerce-gmv-growth-2019-2023"
    en = fact_texts(project, "en", Strings(load_strings(project.paths.templates, "en")))
    figure, bare = (re.sub(r"<[^>]+>", "", str(t[growth])) for t in (en.figures, en.bare))
    assert (figure, bare) == ("more than 200%", "200%")
    zh = fact_texts(project, "zh", Strings(load_strings(project.paths.templates, "zh")))
    assert re.sub(r"<[^>]+>", "", str(zh.bare[growth])) == "2倍"


def test_the_memo_draws_its_chart_for_its_half_width_column(out: Path) -> None:
    """The memo's chart stands in half the page: drawn at that width (not the report's drawing
    shrunk to half), its labels print at their size; the report keeps its full-width drawing."""

    def width(svg: Path) -> float:
        found = re.search(r'<svg [^>]*width="([\d.]+)pt"', svg.read_text(encoding="utf-8"))
        assert found
        return float(found[1])

    for lang in ("zh", "en"):
        memo = (out / lang / f"{NAME}-memo.html").read_text(encoding="utf-8")
        report = (out / lang / f"{NAME}.html").read_text(encoding="utf-8")
        (narrow,) = re.findall(r'src="([^"]+)-memo\.svg"', memo)
        assert f'src="{narrow}.svg"' in report and f"{narrow}-memo.svg" not in report
        full, half = width(out / lang / f"{narrow}.svg"), width(out / lang / f"{narrow}-memo.svg")
        assert half == pytest.approx(full / 2, rel=0.01)
        assert len(PdfReader(out / lang / f"{NAME}-memo.pdf").pages) == 1
