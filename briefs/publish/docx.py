"""Turn a rendered page (HTML) into a Word document for review: styles, notes, charts, facts."""

from __future__ import annotations

import io
import re
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

from briefs.errors import RenderError
from briefs.publish import wordparts as parts
from briefs.publish.pdf import Attached

HEADINGS = {"h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3", "h5": "Heading 3"}
_CONTAINERS = frozenset({"section", "main", "div", "header", "article", "aside", "figure", "body"})
_SKIPPED = frozenset({"style", "script", "link", "meta", "head", "title", "caption"})
_SMALL = frozenset({"chart-source", "edition", "kicker", "memo-sources"})
_NUMBERED = re.compile(r"^(\D*?)\s*(\d+)$")
# HTML collapses ASCII white space only: the no-break spaces inside a figure stay.
_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass(frozen=True)
class Picture:
    """A chart as Word shows it: a PNG and its printed width."""

    png: bytes
    width_in: float
    drawn_for_memo: bool = False  # the memo's narrow drawing, placed at its own width


@dataclass(frozen=True)
class Figure:
    """A figure as the document first showed it, and the facts it came from."""

    n: int
    facts: str  # fact ids, space-separated
    text: str


@dataclass(frozen=True)
class Look:
    """How a run of text is set (what the HTML's inline elements add)."""

    bold: bool = False
    italic: bool = False
    sans: bool = False
    accent: bool = False
    superscript: bool = False
    size: float | None = None


def word_document(html: str, lang: str, pictures: dict[str, Picture], data: Attached) -> bytes:
    """The Word file of one rendered page: its text, notes, lists, tables, charts and facts."""
    page = lxml_html.document_fromstring(html)
    meta = {m.get("name"): m.get("content") or "" for m in page.iter("meta") if m.get("name")}
    title = page.findtext(".//title") or ""
    memo = "variant-memo" in _classes(page)
    writer = _Writer(lang, pictures, memo)
    document = writer.document
    parts.set_up_page(document, title, memo)
    writer.blocks(page.find("body"))
    writer.footnotes.attach()
    parts.attach_facts(document, _brief_id(data), data.content, writer.figures)
    parts.drop_thumbnail(document)
    edition = meta.get("dcterms.created") or data.created
    props = document.core_properties
    props.title, props.subject = title, meta.get("description", "")
    props.author, props.keywords = meta.get("author", ""), meta.get("keywords", "")
    props.language, props.comments = parts.Fonts.of(lang).lang, "brief"
    props.last_modified_by, props.revision = "brief", 1
    props.created = props.modified = datetime.fromisoformat(edition).replace(tzinfo=UTC)
    buffer = io.BytesIO()
    document.save(buffer)
    return parts.reproducible(buffer.getvalue(), edition)


def _brief_id(data: Attached) -> str:
    return data.name.removesuffix("-facts.json")


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


def _text(element: Any) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


@dataclass
class _Writer:
    """Walks the page once, writing Word paragraphs, notes and tables as it goes."""

    lang: str
    pictures: dict[str, Picture]
    memo: bool  # the one-page memo: set smaller, as in print
    document: Any = field(init=False)
    footnotes: parts.Footnotes = field(init=False)
    figures: list[Figure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.document = docx.Document()
        # The template's one empty paragraph would open the document with a blank line.
        body = self.document.element.body
        for paragraph in body.findall(qn("w:p")):
            body.remove(paragraph)
        parts.set_up_styles(self.document, parts.Fonts.of(self.lang), 0.85 if self.memo else 1.0)
        self.footnotes = parts.Footnotes(self.document)

    def blocks(self, element: Any) -> None:
        """Write an element's block children: headings, paragraphs, lists, tables, charts."""
        where = self.document
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag or tag in _SKIPPED:
                continue
            if tag == "nav":
                self.contents(child)
            elif tag == "h1":
                self.paragraph(where, child, "Title")
            elif tag in HEADINGS:
                heading = self.paragraph(where, child, HEADINGS[tag])
                if _starts_page(child):
                    heading.paragraph_format.page_break_before = True
            elif tag in ("ul", "ol"):
                self.list(where, child, 0, False)
            elif tag == "table":
                self.table(child)
            elif tag == "img":
                self.picture(child)
            elif tag in _CONTAINERS:
                self.blocks(child)
            else:
                self.paragraph(where, child, _style_of(_classes(child)))

    def paragraph(self, where: Any, element: Any, style: str) -> Paragraph:
        """One paragraph from an element's inline content."""
        paragraph: Paragraph = where.add_paragraph(style=style)
        if style == "Normal" and self.lang == "zh" and self.indented(element):
            paragraph.paragraph_format.first_line_indent = Pt(20)
        if style == "Caption":
            paragraph.paragraph_format.keep_with_next = True
        self.inline(element, paragraph, Look())
        _trim(paragraph)
        return paragraph

    def indented(self, element: Any) -> bool:
        """Chinese body paragraphs open with a two-character indent; summaries do not."""
        if element.tag != "p" or _classes(element):
            return False
        around = {c for a in element.iterancestors() for c in _classes(a)}
        return not around & {"key-findings", "box", "memo", "changes"}

    def contents(self, nav: Any) -> None:
        """The contents list becomes Word's own table of contents."""
        heading = nav.find(".//h2")
        entries = [_text(li) for li in nav.iter("li")]
        if entries:
            parts.add_toc(self.document, _text(heading) if heading is not None else "", entries)

    def list(self, where: Any, element: Any, depth: int, small: bool) -> None:
        """A Word list: bullets, or numbers that start again at 1 for each list."""
        ordered = element.tag == "ol"
        style = "List Number" if ordered else "List Bullet"
        style += f" {depth + 1}" if depth else ""
        number = _restart_numbering(self.document) if ordered else None
        summary = any("key-findings" in _classes(a) for a in element.iterancestors())
        for item in element.findall("li"):
            paragraph = where.add_paragraph(style=style)
            if number is not None:
                _number(paragraph, number)
            if summary:
                _shade(paragraph)
            nested = [c for c in item if c.tag in ("ul", "ol")]
            look = Look(sans=True, size=8.5) if small else Look()
            self.inline(item, paragraph, look, skip=nested)
            _trim(paragraph)
            for sub in nested:
                self.list(where, sub, min(depth + 1, 1), small)

    def inline(self, element: Any, paragraph: Paragraph, look: Look, skip: Any = ()) -> None:
        """Write an element's text and inline children into `paragraph`."""
        self.text(paragraph, element.text, look)
        for child in element:
            if isinstance(child.tag, str) and child not in skip:
                self.inline_element(child, paragraph, look)
            self.text(paragraph, child.tail, look)

    def inline_element(self, element: Any, paragraph: Paragraph, look: Look) -> None:
        """One inline element: a figure, a footnote, a citation, emphasis, a number, text."""
        tag, classes = element.tag, _classes(element)
        if tag == "data" and element.get("data-fact"):
            self.figure(element, paragraph, look)
        elif "footnote" in classes:
            self.footnote(element, paragraph)
        elif tag == "a" and "cite" in classes:
            before = element.getprevious()
            # Beside a footnote the bracketed link is for screens only, as in print.
            if before is None or "footnote" not in _classes(before):
                self.text(paragraph, element.text_content(), replace(look, superscript=True))
        elif "num" in classes:
            self.number(element, paragraph, look)
        elif tag == "br":
            paragraph.add_run().add_break()
        elif tag in ("strong", "b"):
            strong = Look(look.bold or self.lang != "zh", look.italic, self.lang == "zh", True)
            self.inline(element, paragraph, replace(strong, size=look.size))
        elif tag in ("em", "i", "cite"):
            self.inline(element, paragraph, replace(look, italic=True))
        elif tag == "sup":
            self.inline(element, paragraph, replace(look, superscript=True))
        else:
            self.inline(element, paragraph, look)

    def text(self, paragraph: Paragraph, text: str | None, look: Look) -> Any:
        """A run of text, its white space collapsed as HTML does."""
        if not text:
            return None
        shown = _SPACE.sub(" ", text)
        run = paragraph.add_run(shown)
        _apply(run, look, self.lang)
        return run

    def figure(self, element: Any, paragraph: Paragraph, look: Look) -> None:
        """A figure in a content control tagged with its fact ids, so that an edit can be traced."""
        facts = _SPACE.sub(" ", element.get("data-fact")).strip()
        shown = _SPACE.sub(" ", element.text_content())
        n = len(self.figures) + 1
        self.figures.append(Figure(n, facts, shown.strip()))
        # The title (alias) repeats the tag: LibreOffice 7.4 keeps only the title on saving.
        sdt = parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="{_attr(facts)}#{n}"/>'
            f'<w:tag w:val="{_attr(facts)}#{n}"/><w:id w:val="{n}"/>'
            '<w:lock w:val="sdtLocked"/></w:sdtPr><w:sdtContent/></w:sdt>'
        )
        run = self.text(paragraph, shown, look)
        if run is None:
            return
        sdt.find(qn("w:sdtContent")).append(run._r)
        if run._r.rPr is not None:
            # A plain-text control sets its text in its own run properties (LibreOffice does).
            sdt.find(qn("w:sdtPr")).insert(0, deepcopy(run._r.rPr))
        paragraph._p.append(sdt)

    def footnote(self, element: Any, paragraph: Paragraph) -> None:
        """A real Word footnote with the note's text, called where the page calls it."""
        note = self.footnotes.add(paragraph)
        inside = Paragraph(note, self.document._body)
        self.inline(element, inside, Look())
        _trim(inside, first=1)

    def number(self, element: Any, paragraph: Paragraph, look: Look) -> None:
        """'Figure 3' or '图3': the label, then the number as a SEQ field Word can renumber."""
        shown = _text(element)
        found = _NUMBERED.match(shown)
        if not found:
            self.text(paragraph, shown, look)
            return
        label, value = found.groups()
        self.text(paragraph, f"{label} " if self.lang == "en" else label, look)
        parts.add_field(paragraph, f"SEQ {label} \\* ARABIC", value)

    def table(self, element: Any) -> None:
        """A Word table with its caption above and its header rows repeated on each page."""
        caption = element.find("caption")
        if caption is not None:
            self.paragraph(self.document, caption, "Caption")
        rows = list(element.iter("tr"))
        cells = _grid(rows)
        width = max((col + span for _, col, _, span, _ in cells), default=1)
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = self.document.styles["Table Grid"]
        for index, row in enumerate(rows):
            if row.getparent().tag == "thead":
                tr_pr = table.rows[index]._tr.get_or_add_trPr()
                tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        for row_at, col, rows_spanned, cols_spanned, cell in cells:
            target = table.cell(row_at, col)
            if rows_spanned > 1 or cols_spanned > 1:
                target = target.merge(table.cell(row_at + rows_spanned - 1, col + cols_spanned - 1))
            self.cell(target, cell)
        _column_widths(table, cells, width)
        self.document.add_paragraph(style="Source Line")

    def cell(self, target: Any, cell: Any) -> None:
        """A table cell: its text in the table's style, header cells bold, lists as lists."""
        look = Look(bold=cell.tag == "th")
        paragraph = target.paragraphs[0]
        paragraph.style = self.document.styles["Table Text"]
        self.text(paragraph, cell.text, look)
        for child in cell:
            if child.tag in ("ul", "ol"):
                self.list(target, child, 0, True)
                paragraph = target.add_paragraph(style="Table Text")
            elif isinstance(child.tag, str):
                self.inline_element(child, paragraph, look)
            self.text(paragraph, child.tail, look)
        for each in target.paragraphs:
            _trim(each)
            # White space around a list leaves empty paragraphs; a cell keeps at least one.
            if len(target.paragraphs) > 1 and _empty(each):
                each._p.getparent().remove(each._p)

    def picture(self, image: Any) -> None:
        """A chart as a PNG picture at print resolution, with the page's alt text."""
        source = image.get("src") or ""
        picture = self.pictures.get(source)
        if picture is None:
            raise RenderError(
                f"Word document: the page shows the image '{source}', which is not one of the "
                "brief's charts; Word output carries the charts only: remove the image from "
                "the template, or build without docx"
            )
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        shrink = self.memo and not picture.drawn_for_memo
        width = Inches(picture.width_in * (0.5 if shrink else 1.0))
        shape = paragraph.add_run().add_picture(io.BytesIO(picture.png), width=width)
        shape._inline.docPr.set("descr", image.get("alt") or "")


def _style_of(classes: set[str]) -> str:
    """The Word style of a paragraph of the page, by its class."""
    if "subtitle" in classes:
        return "Subtitle"
    if "chart-title" in classes:
        return "Caption"
    if classes & _SMALL:
        return "Source Line"
    return "Normal"


def _starts_page(heading: Any) -> bool:
    """As in print: the chapters begin after the contents, the appendices on a page of their own."""
    section = heading.getparent()
    if heading.tag != "h2" or section is None or section.tag != "section":
        return False
    before = section.getprevious()
    if "part" in _classes(section):
        return before is None and section.getparent().tag == "main"
    return "appendix" in _classes(section) and before is not None and "part" in _classes(before)


def _shade(paragraph: Paragraph) -> None:
    """The tinted box the key findings stand in."""
    parts.add_to_paragraph(
        paragraph._p.get_or_add_pPr(),
        f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="EEF3F8"/>',
    )


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _apply(run: Any, look: Look, lang: str) -> None:
    if look.bold:
        run.bold = True
    if look.italic:
        run.italic = True
    if look.superscript:
        run.font.superscript = True
    if look.accent:
        run.font.color.rgb = RGBColor.from_string(parts.ACCENT)
    if look.size:
        run.font.size = Pt(look.size)
    if look.sans:
        fonts = parts.Fonts.of(lang)
        run.font.name = fonts.sans
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), fonts.east_asian_sans)


def _empty(paragraph: Paragraph) -> bool:
    """Whether a paragraph shows nothing: no text, figure or footnote call."""
    shown = (qn("w:t"), qn("w:sdt"), qn("w:footnoteReference"), qn("w:drawing"))
    return not any((e.text or "").strip() or e.tag != qn("w:t") for e in paragraph._p.iter(*shown))


def _trim(paragraph: Paragraph, first: int = 0) -> None:
    """Strip the white space HTML would not show at a paragraph's start and end.

    `first` skips leading runs that are not text (a footnote's number and its space).
    """
    texts = [t for t in paragraph._p.iter(qn("w:t"))][first:]
    if texts:
        texts[0].text = (texts[0].text or "").lstrip()
        texts[-1].text = (texts[-1].text or "").rstrip()


def _grid(rows: list[Any]) -> list[tuple[int, int, int, int, Any]]:
    """Each cell's row, column and spans, with row and column spans laid out as HTML does."""
    taken: set[tuple[int, int]] = set()
    cells = []
    for row_at, row in enumerate(rows):
        col = 0
        for cell in row:
            if cell.tag not in ("td", "th"):
                continue
            while (row_at, col) in taken:
                col += 1
            down, across = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            down = min(down, len(rows) - row_at)
            for r in range(row_at, row_at + down):
                for c in range(col, col + across):
                    taken.add((r, c))
            cells.append((row_at, col, down, across, cell))
            col += across
    return cells


def _column_widths(table: Any, cells: list[tuple[int, int, int, int, Any]], width: int) -> None:
    """Share the text width among the columns by how much text each holds."""
    weight = [4.0] * width
    for _, col, _, across, cell in cells:
        if across == 1:
            weight[col] = max(weight[col], min(len(_text(cell)), 60) + 4)
    total = sum(weight)
    text_width = 174 / 25.4  # A4 less the margins, in inches
    table.autofit = False
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    for col, share in enumerate(weight):
        width = Inches(text_width * share / total)
        grid[col].w = width
        for cell in table.columns[col].cells:
            cell.width = width


def _restart_numbering(document: Any) -> int:
    """A new Word numbering instance of the List Number style that starts again at 1."""
    numbering = document.part.numbering_part.element
    style = document.styles["List Number"].element
    current = style.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(current).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return int(num.numId)


def _number(paragraph: Paragraph, number: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = number
