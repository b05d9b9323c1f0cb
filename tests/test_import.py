"""Importing sources: PDFs, saved web pages, Word and text files become source texts with pages
and drafted citations, and footnotes give the page a quote stands on."""

from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path

import docx
import pytest
import yaml
from docx.enum.text import WD_BREAK
from pypdf import PdfReader
from typer.testing import CliRunner
from weasyprint import HTML

from briefs.cli import app
from briefs.compose.derive import source_line
from briefs.facts import model
from briefs.sources.importing import import_document
from briefs.sources.reflow import page_text, paragraphs
from briefs.sources.text import read_source

# An English report of three pages, set by WeasyPrint with a running head, page numbers from 11
# and automatic hyphenation, so that the import has all three to undo.
REPORT = [
    "Lithium supply outlook. World lithium mine production rose to about 180,000 tonnes in "
    "2023, as new operations in Australia, Chile and Argentina came onstream and existing "
    "producers expanded their capacity considerably.",
    "Prices fell sharply during the year: spodumene concentrate traded at $14,000 per tonne "
    "at its peak before collapsing under the weight of new supply from established "
    "internationalisation-minded producers.",
    "Battery manufacturers increased their purchases of refined lithium chemicals, and "
    "demand is expected to grow 18% a year by 2030 as electric vehicle sales accelerate.",
]
PAGED = (
    "@page { size: A6; margin: 18mm 12mm;"
    " @top-center { content: 'Critical Minerals Review'; font-size: 7pt }"
    " @bottom-center { content: counter(page); font-size: 7pt } }"
    " @page :first { counter-reset: page 11 }"
    " body { font: 9pt/1.4 'Source Serif 4'; hyphens: auto; text-align: justify }"
    " p { break-after: page; margin: 0 }"
)


def _pdf(path: Path) -> Path:
    paragraphs_html = "".join(f"<p>{text}</p>" for text in REPORT)
    HTML(
        string=(
            '<html lang="en-GB"><head><meta charset="utf-8"><title>Critical Minerals Review 2024'
            '</title><meta name="author" content="Jane Doe">'
            '<meta name="dcterms.created" content="2024-05-02">'
            f"<style>{PAGED}</style></head><body>{paragraphs_html}</body></html>"
        )
    ).write_pdf(path)
    return path


def _run(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _source(project: Path, source_id: str) -> dict[str, object]:
    brief = yaml.safe_load((project / "facts" / "brief.yaml").read_text(encoding="utf-8"))
    return next(s for s in brief["sources"] if s["id"] == source_id)


def _fill(project: Path, old: str, new: str) -> None:
    path = project / "facts" / "brief.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_pdf_keeps_its_pages_and_loses_heads_numbers_and_hyphens(
    example: Path, runner: CliRunner, tmp_path: Path
) -> None:
    pdf = _pdf(tmp_path / "minerals.pdf")
    code, output = _run(runner, "import", str(pdf), "--id", "minerals", "-p", str(example))
    assert code == 0, output
    assert (
        "3 pages marked" in output and "still TODO (brief check reports them): publisher" in output
    )
    text = (example / "facts" / "sources" / "minerals.txt").read_text(encoding="utf-8")
    assert re.findall(r"^\[page (\d+)\]$", text, re.M) == ["11", "12", "13"]
    assert "Critical Minerals Review" not in text  # the running head
    assert not re.search(r"^\d+$", text, re.M)  # the page numbers
    assert "internationalisation-minded producers" in text  # a real hyphen stays
    assert "considerably." in text and "-\n" not in text  # line-end hyphens go, lines join
    assert (example / "facts" / "sources" / "minerals.pdf").read_bytes() == pdf.read_bytes()
    drafted = _source(example, "minerals")
    assert drafted["title"] == {"en": "Critical Minerals Review 2024"}
    assert drafted["author"] == {"en": "Jane Doe"}
    assert (drafted["date"], drafted["publisher"]) == ("2024-05-02", {"en": "TODO"})
    # The blank is reported where it stands; nothing is built until it is filled in.
    code, output = _run(runner, "check", "-p", str(example))
    assert code == 1
    assert re.search(r"brief\.yaml:\d+:\d+: source 'minerals': `publisher` is a blank", output)


def test_a_footnote_gives_the_page_its_quote_stands_on(
    example: Path, runner: CliRunner, tmp_path: Path
) -> None:
    pdf = _pdf(tmp_path / "minerals.pdf")
    assert _run(runner, "import", str(pdf), "--id", "minerals", "-p", str(example))[0] == 0
    _fill(example, "publisher: {en: TODO}", "publisher: {en: Minerals Institute}")
    facts = example / "facts" / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + """  - id: spodumene-peak
    section: progress
    theme: economy
    value: 14000
    unit: USD
    kind: actual
    period: "2023"
    label: {zh: 锂辉石精矿峰值价格, en: Peak price of spodumene concentrate}
    source: minerals
    quote: "spodumene concentrate traded at $14,000"
""",
        encoding="utf-8",
    )
    prose = example / "templates" / "prose"
    for lang, sentence in (("en", "Spodumene peaked at {}."), ("zh", "锂辉石精矿价格峰值为{}。")):
        path = prose / lang / "progress.md"
        cited = sentence.format('{{ F["spodumene-peak"] }}')
        path.write_text(path.read_text(encoding="utf-8") + f"\n{cited}\n", encoding="utf-8")
    code, output = _run(runner, "build", "-p", str(example), "--lang", "all")
    assert code == 0, output
    en = (example / "build" / "en" / "example-brief.html").read_text(encoding="utf-8")
    zh = (example / "build" / "zh" / "example-brief.html").read_text(encoding="utf-8")
    assert "Jane Doe (2024), p. 12; see reference [2]." in en
    assert "Jane Doe（2024），第12页，见参考文献[2]。" in zh
    # The reference list gives the pages cited: Chicago in English, GB/T 7714 in Chinese.
    assert "Minerals Institute, 2 May 2024, p. 12." in en
    assert "Minerals Institute, 2024-05-02: 12." in zh
    # The facts attached to the PDF carry the page too.
    attached = PdfReader(example / "build" / "en" / "example-brief.pdf").attachments
    data = json.loads(attached["example-brief-facts.json"][0])
    (fact,) = [f for f in data["facts"] if f["id"] == "spodumene-peak"]
    assert fact["page"] == "12"


def test_a_quote_across_a_page_mark_is_found_on_its_first_page(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("[page 4]\n\nThe fund grew to\n\n[page 5]\n\n$3 billion.\n", encoding="utf-8")
    text = read_source(path)
    at = text.find("The fund grew to $3 billion.")
    assert at >= 0 and text.page(at) == "4"
    assert text.page(text.find("$3 billion")) == "5"


SAVED_PAGE = """<!DOCTYPE html>
<!-- saved from url=(0043)https://news.example.org/energy/solar-2024 -->
<html><head><meta charset="utf-8"><title>Solar boom | Example News</title>
<meta property="og:title" content="Solar capacity soars across Southeast Asia">
<meta property="og:site_name" content="Example News">
<meta property="og:url" content="https://news.example.org/energy/solar-2024">
<meta property="article:published_time" content="2024-09-18T08:00:00+00:00">
<meta name="author" content="Maria Santos">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/energy">Energy</a></li></ul></nav>
<div class="cookie-banner" id="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button></div>
<main><article><h1>Solar capacity soars across Southeast Asia</h1>
<p class="byline">By Maria Santos</p>
<p>Southeast Asian countries installed 31 gigawatts of solar capacity last year, according
to the regional energy centre, more than double the figure recorded three years earlier.</p>
<h2>Auctions ahead</h2>
<p>Vietnam accounted for the largest share of new installations, while the Philippines and
Malaysia both announced auction rounds aimed at private developers in the coming months.</p>
<p>Analysts expect annual additions to stabilise as grid constraints bite, although
governments continue to set ambitious targets for the end of the decade.</p>
</article></main>
<aside><h2>Most read</h2><ol><li><a href="/a">Celebrity chef opens new restaurant</a></li>
<li><a href="/b">Ten tips for a better night's sleep</a></li></ol></aside>
<footer><p>Copyright 2024 Example News Ltd. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p></footer>
</body></html>
"""


def test_a_saved_web_page_becomes_its_article_with_url_and_access_date(
    example: Path, runner: CliRunner, tmp_path: Path
) -> None:
    page = tmp_path / "Solar boom.html"
    page.write_text(SAVED_PAGE, encoding="utf-8")
    os.utime(page, (1_727_000_000, 1_727_000_000))  # saved on 2024-09-22 (UTC)
    code, output = _run(runner, "import", str(page), "-p", str(example))
    assert code == 0, output
    text = (example / "facts" / "sources" / "solar-boom.txt").read_text(encoding="utf-8")
    assert "installed 31 gigawatts of solar capacity last year, according to the" in text
    # Each heading and paragraph of the article stays a paragraph of its own.
    blocks = text.strip().split("\n\n")
    assert "Auctions ahead" in blocks, blocks
    assert next(b for b in blocks if b.startswith("Vietnam accounted")).endswith("months.")
    for clutter in ("Accept all cookies", "Most read", "Celebrity chef", "Copyright", "Business"):
        assert clutter not in text
    drafted = _source(example, "solar-boom")
    assert drafted["title"] == {"en": "Solar capacity soars across Southeast Asia"}
    assert drafted["publisher"] == {"en": "Example News"}
    assert drafted["author"] == {"en": "Maria Santos"}
    assert drafted["date"] == "2024-09-18"
    assert drafted["url"] == "https://news.example.org/energy/solar-2024"
    assert drafted["accessed"] == "2024-09-22"
    assert (example / "facts" / "sources" / "solar-boom.html").is_file()
    code, output = _run(runner, "check", "-p", str(example))
    assert code == 0, output
    # Its figures: "last year" is the year before the article's date.
    code, output = _run(runner, "extract", "solar-boom", "-p", str(example))
    drafted_facts = yaml.safe_load(output.split("# ", 1)[0] if output.startswith("#") else output)
    first = drafted_facts["facts"][0]
    assert (first["value"], first["unit"], first["period"]) == (31, "GW", "2023")


def test_a_journal_page_gives_its_citation_tags(tmp_path: Path) -> None:
    page = tmp_path / "article.html"
    head = (
        '<meta name="citation_title" content="Digital Trade Rules in ASEAN">'
        '<meta name="citation_author" content="Lee, Ann"><meta name="citation_author" '
        'content="Tan, Wei"><meta name="citation_journal_title" content="Asian Trade Review">'
        '<meta name="citation_publication_date" content="2024/03/15">'
    )
    body = "".join(
        f"<p>Paragraph {n} of the article discusses digital trade rules at some length.</p>"
        for n in range(1, 6)
    )
    page.write_text(
        f"<html><head><title>ATR</title>{head}</head><body><article>{body}</article></body></html>",
        encoding="utf-8",
    )
    meta = import_document(page).meta
    assert (meta["title"], meta["author"]) == ("Digital Trade Rules in ASEAN", "Lee, Ann; Tan, Wei")
    assert (meta["publisher"], meta["date"]) == ("Asian Trade Review", "2024-03-15")


def test_a_web_source_is_cited_with_its_address_and_the_day_it_was_read() -> None:
    src = model.Source.model_validate(
        {
            "id": "solar",
            "file": "sources/solar.txt",
            "language": "en",
            "date": "2024-09-18",
            "title": {"en": "Solar capacity soars", "zh": "东南亚太阳能装机激增"},
            "publisher": {"en": "Example News"},
            "url": "https://news.example.org/solar",
            "accessed": "2024-09-22",
        }
    )
    assert source_line(src, "en") == (
        "“Solar capacity soars”, Example News, 18 September 2024. "
        "Accessed 22 September 2024. https://news.example.org/solar."
    )
    assert source_line(src, "zh") == (
        "Solar capacity soars [东南亚太阳能装机激增]. Example News, 2024-09-18[2024-09-22]. "
        "https://news.example.org/solar."
    )


def test_a_word_file_keeps_its_page_breaks_and_properties(
    example: Path, runner: CliRunner, tmp_path: Path
) -> None:
    document = docx.Document()
    document.core_properties.title = "港口数字化进展报告"
    document.core_properties.author = "王明"
    document.core_properties.created = datetime.datetime(2025, 4, 8, tzinfo=datetime.UTC)
    document.add_paragraph("2024年，区域港口集装箱吞吐量达到1.2亿标准箱，同比增长8%。")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("预计到2030年，智慧港口数量将超过50个。")
    path = tmp_path / "ports.docx"
    document.save(str(path))
    code, output = _run(runner, "import", str(path), "--id", "ports", "-p", str(example))
    assert code == 0, output
    text = (example / "facts" / "sources" / "ports.txt").read_text(encoding="utf-8")
    assert re.findall(r"^\[page (\d+)\]$", text, re.M) == ["1", "2"]
    assert text.index("同比增长8%") < text.index("[page 2]") < text.index("智慧港口")
    drafted = _source(example, "ports")
    assert (drafted["language"], drafted["title"], drafted["author"], drafted["date"]) == (
        "zh",
        {"zh": "港口数字化进展报告"},
        {"zh": "王明"},
        "2025-04-08",
    )


def test_markdown_and_text_lines_join_by_their_script(
    example: Path, runner: CliRunner, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(
        "# 区域电网互联研究\n\n东盟电网互联项目已覆盖\n十余个国家，近百个项目\n正在推进。\n\n"
        "- a list item\n- another\n",
        encoding="utf-8",
    )
    code, output = _run(runner, "import", str(notes), "-p", str(example))
    assert code == 0, output
    text = (example / "facts" / "sources" / "notes.txt").read_text(encoding="utf-8")
    assert "东盟电网互联项目已覆盖十余个国家，近百个项目正在推进。" in text
    assert "- a list item\n\n- another" in text
    assert _source(example, "notes")["title"] == {"zh": "区域电网互联研究"}
    assert paragraphs(["The grid links", "ten countries."]) == ["The grid links ten countries."]
    assert paragraphs(["grid inter-", "connection is slow."]) == ["grid interconnection is slow."]


def test_running_heads_on_left_and_right_pages_go() -> None:
    pages = [
        (
            None,
            [
                f"Body text of page {n} goes on here.",
                "Journal of Trade" if n % 2 else "Smith",
                str(n),
            ],
        )
        for n in range(20, 26)
    ]
    text = page_text(pages)
    assert "Journal of Trade" not in text and "Smith" not in text
    assert re.findall(r"^\[page (\d+)\]$", text, re.M) == [str(n) for n in range(20, 26)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.png", b"\x89PNG\r\n", "brief cannot import .png files"),
        ("broken.pdf", b"%PDF-1.7 not really", "not a readable PDF"),
        ("broken.docx", b"PK not a zip", "not a readable Word (.docx) file"),
    ],
)
def test_a_file_brief_cannot_read_gets_one_clear_message(
    example: Path, runner: CliRunner, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    before = (example / "facts" / "brief.yaml").read_bytes()
    path = tmp_path / name
    path.write_bytes(content)
    code, output = _run(runner, "import", str(path), "-p", str(example))
    assert code == 1 and message in output and "Traceback" not in output
    assert (example / "facts" / "brief.yaml").read_bytes() == before


def test_an_import_keeps_the_comments_and_layout_of_brief_yaml(
    example: Path, runner: CliRunner, tmp_path: Path
) -> None:
    brief = example / "facts" / "brief.yaml"
    before = brief.read_text(encoding="utf-8")
    notes = tmp_path / "n.txt"
    notes.write_text("A note of 12 words.\n", encoding="utf-8")
    assert _run(runner, "import", str(notes), "--id", "n", "-p", str(example))[0] == 0
    after = brief.read_text(encoding="utf-8")
    assert after.startswith(before.split("\n  # A source in English")[0])
    assert "  - id: n\n    file: sources/n.txt\n    original: sources/n-original.txt\n" in after
    code, output = _run(runner, "import", str(notes), "--id", "n", "-p", str(example))
    assert code == 4 and "already lists a source 'n'" in output


def test_a_pdf_listed_as_a_source_is_imported_in_its_place(
    example: Path, runner: CliRunner, tmp_path: Path
) -> None:
    _pdf(example / "facts" / "sources" / "review.pdf")
    brief = example / "facts" / "brief.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace(
            "\n  # A source in English",
            "\n  - id: minerals-review\n    file: sources/review.pdf\n    language: en\n"
            '    date: "2024"\n    title: {en: Minerals review}\n'
            "    publisher: {en: Minerals Institute}\n  # A source in English",
        ),
        encoding="utf-8",
    )
    code, output = _run(runner, "check", "-p", str(example))
    assert code == 1 and "is a PDF" in output and "brief import" in output
    code, output = _run(runner, "import", "facts/sources/review.pdf", "-p", str(example))
    assert code == 0, output
    drafted = _source(example, "minerals-review")
    assert (drafted["file"], drafted["original"]) == (
        "sources/minerals-review.txt",
        "sources/review.pdf",
    )
    # What the author wrote stays; what the entry lacked comes from the file.
    assert (drafted["title"], drafted["date"]) == ({"en": "Minerals review"}, "2024")
    assert drafted["author"] == {"en": "Jane Doe"}
    code, output = _run(runner, "check", "-p", str(example))
    assert code == 0, output


def test_imports_land_after_the_last_source_and_the_closing_comments_stay_last(
    example: Path, runner: CliRunner, tmp_path: Path
) -> None:
    brief = example / "facts" / "brief.yaml"
    before = brief.read_text(encoding="utf-8")
    closing = before[before.index("  # A source in English") :]  # the scaffold's closing notes
    # A web page's entry ends with a plain value (the day it was read), which the comments after
    # it attach to; then a text file.
    page = tmp_path / "grid-report.html"
    page.write_text(SAVED_PAGE, encoding="utf-8")
    text = tmp_path / "port-survey.txt"
    text.write_text("The port survey counted 12 berths in 2024.\n", encoding="utf-8")
    for document in (page, text):
        code, output = _run(runner, "import", str(document), "-p", str(example))
        assert code == 0, output
    after = brief.read_text(encoding="utf-8")
    assert after.endswith(closing), after[-600:]
    ids = [s["id"] for s in yaml.safe_load(after)["sources"]]
    assert ids[-2:] == ["grid-report", "port-survey"]
    assert after.index("id: port-survey") < after.index("# A source in English")
