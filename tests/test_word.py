"""Word output for review rounds: styles, footnotes, charts, tables, facts, and the review."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import html as lxml_html
from pdfpages import notes_in_order
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from briefs.cli import app
from briefs.facts.project import load_project
from briefs.fonts import FACES
from briefs.publish.wordparts import FACTS_NS, facts_part

LANGS = ("zh", "en")


@pytest.fixture(scope="module")
def word_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `brief new` project built once as HTML, PDF and Word, in both languages."""
    runner = CliRunner()
    project = tmp_path_factory.mktemp("word") / "city"
    assert runner.invoke(app, ["new", str(project)]).exit_code == 0
    result = runner.invoke(app, ["build", "-p", str(project), "--format", "html,pdf,docx"])
    assert result.exit_code == 0, result.output
    return project


def _outputs(project: Path, lang: str, variant: str = "") -> tuple[Path, Path, Path]:
    stem = load_project(project).brief.id + (f"-{variant}" if variant else "")
    folder = project / "build" / lang
    return folder / f"{stem}.docx", folder / f"{stem}.html", folder / f"{stem}.pdf"


def _page(html: Path) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(html.read_text(encoding="utf-8"))


def _style_names(document: docx.document.Document) -> list[str]:
    return [p.style.name for p in document.paragraphs if p.style is not None]


@pytest.mark.parametrize("lang", LANGS)
def test_word_uses_words_own_styles_in_the_themes_fonts(word_project: Path, lang: str) -> None:
    path, html, _ = _outputs(word_project, lang)
    document = docx.Document(str(path))
    names = _style_names(document)
    page = _page(html)
    assert names.count("Title") == 1 and names.count("Subtitle") == 1
    assert names.count("Heading 1") == len(page.findall(".//h2")) - 1  # the contents' own title
    assert names.count("Heading 2") == len(page.findall(".//h3"))
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title.text == page.findtext(".//h1").strip()
    instructions = "".join(t.text for t in document.element.body.iter(qn("w:instrText")))
    assert 'TOC \\o "1-3"' in instructions
    fonts = document.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:rFonts')}")
    assert fonts.get(qn("w:eastAsia")) == "Noto Serif SC"
    assert fonts.get(qn("w:ascii")) == ("Noto Serif SC" if lang == "zh" else "Source Serif 4")
    heading = document.styles["Heading 1"].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert heading.get(qn("w:eastAsia")) == "Noto Sans SC"
    assert document.core_properties.language == ("zh-CN" if lang == "zh" else "en-GB")


def _footnotes(path: Path) -> list[str]:
    document = docx.Document(str(path))
    part = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
    )
    root = docx.oxml.parse_xml(part.blob)
    notes = [n for n in root.findall(qn("w:footnote")) if int(n.get(qn("w:id"))) > 0]
    assert [int(n.get(qn("w:id"))) for n in notes] == list(range(1, len(notes) + 1))
    calls = [int(r.get(qn("w:id"))) for r in document.element.body.iter(qn("w:footnoteReference"))]
    assert calls == list(range(1, len(notes) + 1))
    return [" ".join("".join(t.text or "" for t in n.iter(qn("w:t"))).split()) for n in notes]


@pytest.mark.parametrize("lang", LANGS)
def test_footnotes_are_the_pdfs_notes_with_the_same_numbers(word_project: Path, lang: str) -> None:
    path, html, pdf = _outputs(word_project, lang)
    notes = _footnotes(path)
    expected = [
        " ".join(span.text_content().split())
        for span in _page(html).iterfind(".//span[@class='footnote']")
    ]
    assert notes == expected and notes
    assert notes_in_order(pdf) == len(notes)
    printed = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages).split())
    for number, note in enumerate(notes, start=1):
        assert f"{number}. {note[:12]}" in printed


@pytest.mark.parametrize(("lang", "variant"), [(lang, v) for lang in LANGS for v in ("", "memo")])
def test_charts_are_pictures_with_alt_text_and_a_caption(
    word_project: Path, lang: str, variant: str
) -> None:
    path, html, _ = _outputs(word_project, lang, variant)
    document = docx.Document(str(path))
    images = _page(html).findall(".//img")
    shapes = list(document.inline_shapes)
    assert len(shapes) == len(images) and shapes
    for shape, image in zip(shapes, images, strict=True):
        assert shape._inline.docPr.get("descr") == image.get("alt")
        blob = document.part.related_parts[
            shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        ]
        picture = Image.open(io.BytesIO(blob.blob))
        assert picture.format == "PNG"
        # At least 250 pixels to the inch at the size Word prints it.
        assert picture.width / shape.width.inches >= 250
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    titles = _page(html).iterfind(".//p[@class='chart-title']")
    for title in (" ".join(t.text_content().split()) for t in titles):
        assert title.replace("图 ", "图") in [c.replace("图 ", "图") for c in captions]
    sources = [p.text for p in document.paragraphs if p.style.name == "Source Line"]
    for line in _page(html).iterfind(".//p[@class='chart-source']"):
        assert " ".join(line.text_content().split()) in sources


@pytest.mark.parametrize("lang", LANGS)
def test_tables_and_lists_are_words_own(word_project: Path, lang: str) -> None:
    path, html, _ = _outputs(word_project, lang)
    document = docx.Document(str(path))
    page = _page(html)
    tables = page.findall(".//table")
    assert len(document.tables) == len(tables) and tables
    for table, element in zip(document.tables, tables, strict=True):
        assert len(table.rows) == len(element.findall(".//tr"))
        header = table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
        assert header is not None
        assert table.rows[0].cells[0].text == element.find(".//th").text_content().strip()
    items = [li for li in page.iter("li") if not any(a.tag == "nav" for a in li.iterancestors())]
    listed = [
        p
        for p in document.element.body.iter(qn("w:p"))
        if p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
        and p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")).startswith("List")
    ]
    assert len(listed) == len(items) and items


@pytest.mark.parametrize(("lang", "variant"), [(lang, v) for lang in LANGS for v in ("", "memo")])
def test_the_facts_travel_with_the_document(word_project: Path, lang: str, variant: str) -> None:
    path, html, pdf = _outputs(word_project, lang, variant)
    root = facts_part(docx.Document(str(path)))
    assert root is not None
    (attached,) = PdfReader(pdf).attachments.values()
    assert root.findtext(f"{{{FACTS_NS}}}data").encode() == attached[0]
    data = json.loads(attached[0])
    assert data["facts"] and data["brief"]["language"] == lang
    figures = _page(html).xpath(".//data[@data-fact]")
    controls = list(docx.Document(str(path)).element.body.iter(qn("w:sdt")))
    assert len(controls) == len(figures) and figures
    for n, (control, figure) in enumerate(zip(controls, figures, strict=True), start=1):
        tag = control.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val"))
        assert tag == f"{figure.get('data-fact')}#{n}"
        assert "".join(t.text for t in control.iter(qn("w:t"))) == figure.text_content()


def _edit(path: Path, target: Path) -> tuple[str, str]:
    """Change the first figure's text and, as a tracked change, the second's; return fact ids."""
    document = docx.Document(str(path))
    first, second, *_ = document.element.body.iter(qn("w:sdt"))
    text = next(first.iter(qn("w:t")))
    text.text = "9,999"
    run = next(second.iter(qn("w:r")))
    deleted = next(run.iter(qn("w:t")))
    deleted.tag = qn("w:delText")
    deletion = docx.oxml.parse_xml(
        '<w:del xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'w:id="901" w:author="Reviewer" w:date="2026-01-01T00:00:00Z"/>'
    )
    insertion = docx.oxml.parse_xml(
        '<w:ins xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'w:id="902" w:author="Reviewer" w:date="2026-01-01T00:00:00Z"><w:r><w:t>42</w:t></w:r>'
        "</w:ins>"
    )
    run.addprevious(deletion)
    deletion.append(run)
    deletion.addnext(insertion)
    document.save(str(target))
    tags = [
        c.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")).rpartition("#")[0]
        for c in (first, second)
    ]
    return tags[0], tags[1]


@pytest.mark.parametrize("lang", LANGS)
def test_review_lists_the_figures_a_reviewer_changed(
    word_project: Path, tmp_path: Path, lang: str
) -> None:
    runner = CliRunner()
    path, _, _ = _outputs(word_project, lang)
    untouched = runner.invoke(app, ["review", str(path), "-p", str(word_project)])
    assert untouched.exit_code == 0, untouched.output
    assert re.search(r"^0 of \d+ figures changed", untouched.output, re.M)

    reviewed = tmp_path / "reviewed.docx"
    first, second = _edit(path, reviewed)
    result = runner.invoke(app, ["review", str(reviewed), "-p", str(word_project)])
    assert result.exit_code == 0, result.output
    project = load_project(word_project)
    old = [
        e.text_content()
        for e in _page(_outputs(word_project, lang)[1]).xpath(".//data[@data-fact]")[:2]
    ]
    assert f"changed: {first}: “{old[0]}” -> “9,999”\n" in result.output
    assert f"changed: {second}: “{old[1]}” -> “42” (tracked change)\n" in result.output
    for fact_id in {*first.split(), *second.split()}:
        file, line, _ = project.locate(fact_id)
        assert file is not None
        assert f"  {fact_id}: {file.relative_to(word_project)}:{line}\n" in result.output
    assert re.search(r"^2 of \d+ figures changed in reviewed.docx", result.output, re.M)


def test_review_refuses_a_file_that_is_not_a_brief(word_project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    _, _, pdf = _outputs(word_project, "en")
    result = runner.invoke(app, ["review", str(pdf)])
    assert result.exit_code == 4
    assert "not a Word (.docx) file" in result.output and "Traceback" not in result.output
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    result = runner.invoke(app, ["review", str(plain)])
    assert result.exit_code == 4 and "carries no brief facts" in result.output


def test_formats_choose_what_a_build_writes(tmp_path: Path) -> None:
    runner = CliRunner()
    project = tmp_path / "city"
    assert runner.invoke(app, ["new", str(project)]).exit_code == 0
    stem = load_project(project).brief.id
    result = runner.invoke(app, ["build", "-p", str(project), "--lang", "en", "--format", "docx"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (project / "build/en").iterdir())
    assert written == [f"{stem}-memo.docx", f"{stem}.docx"]

    # The project's default becomes HTML alone; the build keeps the Word files it does not make.
    brief = project / "facts/brief.yaml"
    brief.write_text(brief.read_text("utf-8") + "formats: [html]\n", encoding="utf-8")
    result = runner.invoke(app, ["build", "-p", str(project), "--lang", "en"])
    assert result.exit_code == 0, result.output
    folder = project / "build/en"
    assert (folder / f"{stem}.html").is_file() and (folder / "fonts.css").is_file()
    assert (folder / f"{stem}.docx").is_file() and not (folder / f"{stem}.pdf").exists()

    result = runner.invoke(app, ["build", "-p", str(project), "--format", "pdf,odt"])
    assert result.exit_code == 4 and "unknown format 'odt'" in result.output
    brief.write_text(brief.read_text("utf-8").replace("[html]", "[rtf]"), encoding="utf-8")
    result = runner.invoke(app, ["build", "-p", str(project)])
    assert result.exit_code == 1 and "brief.yaml" in result.output


def test_two_builds_give_the_same_word_file(word_project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "again"
    args = ["build", "-p", str(word_project), "-o", str(out), "--format", "docx", "--lang", "zh"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    path, _, _ = _outputs(word_project, "zh")
    assert (out / "zh" / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("lang", LANGS)
def test_libreoffice_opens_and_prints_it(word_project: Path, tmp_path: Path, lang: str) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path, _, pdf = _outputs(word_project, lang)
    # LibreOffice sees the theme's fonts, as a reader who has them installed does.
    folders = sorted({str(face.source.parent) for face in FACES})
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf'
        "</include>"
        + "".join(f"<dir>{f}</dir>" for f in folders)
        + f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    assert done.returncode == 0, done.stderr
    printed = PdfReader(tmp_path / path.with_suffix(".pdf").name)
    assert len(printed.pages) >= 1
    text = " ".join(" ".join(p.extract_text() or "" for p in printed.pages).split())
    title = load_project(word_project).brief.title.get(lang)
    assert title.replace(" ", "") in text.replace(" ", "")
    assert pdf.is_file()
