"""Typesetting a report part by part (what `brief serve` and `brief watch` do) gives the PDF a
one-pass typesetting of the same page gives: the same pages, page numbers, footnotes, contents
numbers, bookmarks and links, down to the bytes; a chapter that grows by a page lays out only
itself and what follows (and the contents page)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import page
import pytest
from pypdf import PdfReader

from briefs.build.incremental import plan
from briefs.build.pipeline import STYLESHEETS, _stage, render_all
from briefs.compose.render import stylesheet
from briefs.publish import parts
from briefs.publish.pdf import Attached, Job, Typesetter, html_to_pdf, html_to_pdf_in_parts

ROOT = Path(__file__).resolve().parents[1]
DATA = Attached("facts.json", b'{"facts": []}', "The facts the brief cites", "2026-12-01")


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The default brief's print pages, staged with their charts and fonts, in both languages."""
    return _staged(ROOT, tmp_path_factory.mktemp("parts"))


def _staged(root: Path, where: Path) -> dict[str, Any]:
    langs = ("zh", "en")
    todo = plan(root, where / "out", langs, ("report",), True)
    here = Typesetter(1)
    here.close()  # draw the charts in this process
    rendered = render_all(root, where / "out", langs, ("report",), lambda _: None, todo, here)
    styles = {name: stylesheet(rendered.project.paths.templates, name) for name in STYLESHEETS}
    pages = {}
    for lang, rendered_pages in rendered.pages.items():
        _stage(where / lang, rendered.fonts, styles, rendered_pages.files | rendered_pages.printed)
        (printed,) = (where / lang).glob(".print-*.html")
        pages[lang] = printed
    fonts = rendered.fonts
    return {
        "pages": pages,
        "fonts": ({f.family for f in fonts.files}, fonts.css(web=False), fonts.directory),
    }


def _one_pass(html: Path, pdf: Path, staged: dict[str, Any]) -> Path:
    html_to_pdf(html, pdf, *staged["fonts"], "test", DATA)
    return pdf


def _in_parts(html: Path, pdf: Path, staged: dict[str, Any], name: str) -> Path:
    html_to_pdf_in_parts(Job(html, pdf, "test", DATA, name, "base"), *staged["fonts"])
    return pdf


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def _links(reader: PdfReader) -> list[tuple[int, int]]:
    """Each internal link: the page it is on and the page it leads to."""
    found = []
    named = reader.named_destinations
    for number, page_ in enumerate(reader.pages):
        for annotation in page_.get("/Annots") or []:
            link = annotation.get_object()
            target = link.get("/Dest")
            if link.get("/Subtype") != "/Link" or target is None:
                continue
            if isinstance(target, str):
                found.append((number, reader.get_destination_page_number(named[target])))
            else:
                found.append((number, reader.get_page_number(target[0].get_object())))
    return found


def assert_same(one: Path, assembled: Path) -> None:
    """The assembled PDF reads as the one-pass PDF, page by page, then is the same file."""
    a, b = PdfReader(one), PdfReader(assembled)
    assert len(b.pages) == len(a.pages)
    for number, (x, y) in enumerate(zip(a.pages, b.pages, strict=True), start=1):
        assert y.extract_text() == x.extract_text(), f"page {number} reads differently"
    assert _outline(b) == _outline(a)
    assert _links(b) == _links(a) and len(_links(a)) > 100
    assert assembled.read_bytes() == one.read_bytes()


def _grown(html: str) -> str:
    """The page with the second chapter's first cited paragraph copied until it runs a page
    longer: more pages and more footnotes before the chapters after it."""
    second = html.split(parts.MARK)[2]
    paragraph = next(p for p in re.findall(r"<p>.*?</p>", second, re.S) if "footnote" in p)
    return html.replace(paragraph, paragraph * 12, 1)


def _footers(pdf: Path) -> list[str]:
    return [(page_.extract_text() or "").strip().splitlines()[-1] for page_ in PdfReader(pdf).pages]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_parts_give_the_one_pass_pdf_and_follow_a_chapter_that_grows(
    staged: dict[str, Any], tmp_path: Path, lang: str
) -> None:
    html = staged["pages"][lang]
    documents = parts.split(html.read_text("utf-8"))
    assert documents is not None and len(documents) == 6  # front, four chapters, appendices
    name = f"{lang}/test-{tmp_path.name}.pdf"
    one = _one_pass(html, tmp_path / "one.pdf", staged)
    assembled = _in_parts(html, tmp_path / "parts.pdf", staged, name)
    assert_same(one, assembled)
    pages, notes = len(PdfReader(one).pages), parts.kept(name).laid[-1].footnote_offset

    # Typeset again unchanged: nothing is laid out again, and the bytes are the same.
    again = _in_parts(html, tmp_path / "again.pdf", staged, name)
    assert parts.kept(name).layouts == 0
    assert again.read_bytes() == one.read_bytes()

    # The second chapter grows by a page or more.
    grown = html.with_name(".print-grown.html")
    grown.write_text(_grown(html.read_text("utf-8")), "utf-8")
    one = _one_pass(grown, tmp_path / "one-grown.pdf", staged)
    assert len(PdfReader(one).pages) > pages
    assembled = _in_parts(grown, tmp_path / "parts-grown.pdf", staged, name)
    # Laid out again: the front matter (its contents page), the second chapter and what follows;
    # the first chapter is kept.
    assert parts.kept(name).layouts == 1 + len(documents) - 2
    assert parts.kept(name).laid[-1].footnote_offset > notes
    assert_same(one, assembled)
    total = len(PdfReader(assembled).pages)
    assert str(total) in _footers(assembled)[1] and str(total - 1) in _footers(assembled)[-2]


def test_an_assembled_pdf_passes_pdf_ua_and_pdf_a(staged: dict[str, Any], tmp_path: Path) -> None:
    assembled = _in_parts(staged["pages"]["zh"], tmp_path / "zh.pdf", staged, "zh/validate.pdf")
    for profile in ("ua1", "3a"):
        report = page.validate_pdf(str(assembled), profile=profile)
        assert report.is_compliant, (profile, sorted({f.rule_id for f in report.failures}))


def test_a_page_without_parts_or_with_content_after_them_is_typeset_in_one_pass() -> None:
    page_ = "<html><head><title>t</title></head><body><h1>t</h1><main>{}</main>{}</body></html>"
    assert parts.split(page_.format("<p>one</p>", "")) is None
    body = f"{parts.MARK}<section>a</section>{parts.MARK}<section>b</section>"
    assert parts.split(page_.format(body, "<footer>f</footer>")) is None
    split = parts.split(page_.format(body, ""))
    assert split is not None and len(split) == 3
    assert "<h1>t</h1>" in split[0] and "<main>" not in split[0]
    assert all(s.count("<main>") == 1 and "<h1>" not in s for s in split[1:])


def test_parts_whose_numbers_do_not_settle_are_typeset_in_one_pass(
    built_example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = _staged(built_example, tmp_path)
    html = example["pages"]["en"]
    one = _one_pass(html, tmp_path / "one.pdf", example)
    # A first typesetting needs a second round for its contents page; allow only one.
    monkeypatch.setattr(parts, "_ROUNDS", 1)
    name = f"en/unsettled-{tmp_path.name}.pdf"
    with pytest.raises(parts.Unsettled):
        parts.lay_out(parts.split(html.read_text("utf-8")) or [], parts.Parts(), "b", _layout(html))
    assembled = _in_parts(html, tmp_path / "parts.pdf", example, name)
    assert assembled.read_bytes() == one.read_bytes()
    assert parts.kept(name).laid == []


def _layout(html: Path) -> parts.Layout:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from briefs.publish.pdf import _fetcher

    config = FontConfiguration()
    return parts.Layout(html.resolve().as_uri(), _fetcher(html.parent), [CSS(string="")], config)


def test_chapters_that_run_on_are_typeset_in_one_pass(built_example: Path, tmp_path: Path) -> None:
    """A project's stylesheet that lets chapters run on (no page break before them): the parts
    cannot be typeset apart, and the PDF is the one-pass PDF."""
    example = _staged(built_example, tmp_path)
    html = example["pages"]["en"]
    style = html.parent / "style.css"
    style.write_text(
        style.read_text("utf-8")
        + "\n@media print { main > section.part { break-before: auto; } }\n",
        "utf-8",
    )
    one = _one_pass(html, tmp_path / "one.pdf", example)
    name = f"en/run-on-{tmp_path.name}.pdf"
    assembled = _in_parts(html, tmp_path / "parts.pdf", example, name)
    assert assembled.read_bytes() == one.read_bytes()
    assert parts.kept(name).laid == []
