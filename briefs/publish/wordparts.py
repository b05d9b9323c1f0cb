"""Turn a python-docx Document into a brief's Word file: styles, footnotes, fields, facts part."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

# The namespace of the custom XML part that carries a brief's facts and figures.
FACTS_NS = "urn:x-brief:facts:1"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
INK, MUTED, ACCENT, ACCENT_2 = "1D2733", "5D6B7A", "1F4E79", "267A7A"


@dataclass(frozen=True)
class Fonts:
    """The theme's typefaces for one language: body (serif) and headings (sans)."""

    serif: str
    sans: str
    east_asian_serif: str
    east_asian_sans: str
    lang: str  # Word's language tag for the text, e.g. zh-CN or en-GB

    @staticmethod
    def of(lang: str) -> Fonts:
        """The stylesheet's families: Chinese sets Latin in the Noto faces too."""
        if lang == "zh":
            return Fonts("Noto Serif SC", "Noto Sans SC", "Noto Serif SC", "Noto Sans SC", "zh-CN")
        return Fonts("Source Serif 4", "Source Sans 3", "Noto Serif SC", "Noto Sans SC", "en-GB")


def _set_fonts(rpr: Any, latin: str, east_asian: str, lang: str | None = None) -> None:
    """Name the fonts outright: theme fonts (which Word prefers over names) are removed."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    fonts = parse_xml(
        f'<w:rFonts {nsdecls("w")} w:ascii="{latin}" w:hAnsi="{latin}" '
        f'w:eastAsia="{east_asian}" w:cs="{latin}"/>'
    )
    rpr.insert(0, fonts)
    if lang:
        for old in rpr.findall(qn("w:lang")):
            rpr.remove(old)
        rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{lang}" w:eastAsia="zh-CN"/>'))


# name: (sans?, size pt, colour, bold, space before pt, space after pt)
_PARAGRAPH_STYLES: dict[str, tuple[bool, float, str, bool, float, float]] = {
    "Normal": (False, 10, INK, False, 0, 6),
    "Title": (True, 23, ACCENT, True, 0, 4),
    "Subtitle": (True, 13, ACCENT_2, False, 0, 8),
    "Heading 1": (True, 15, ACCENT, True, 18, 6),
    "Heading 2": (True, 12, ACCENT, True, 12, 4),
    "Heading 3": (True, 10.5, INK, True, 10, 3),
    "Caption": (True, 10, INK, True, 8, 3),
    "TOC Heading": (True, 12.5, ACCENT, True, 12, 6),
    "List Bullet": (False, 10, INK, False, 0, 3),
    "List Bullet 2": (False, 10, INK, False, 0, 3),
    "List Number": (False, 10, INK, False, 0, 3),
    "List Number 2": (False, 10, INK, False, 0, 3),
}
# Styles Word knows by name but python-docx's template lacks: (name, id, sans?, size, colour).
_ADDED_STYLES = (
    ("footnote text", "FootnoteText", False, 8, MUTED),
    ("Source Line", "SourceLine", True, 8, MUTED),
    ("Table Text", "TableText", True, 8.5, INK),
    ("toc 1", "TOC1", True, 10, INK),
)


def set_up_styles(document: Any, fonts: Fonts, scale: float = 1.0) -> None:
    """Word's built-in styles in the theme's fonts, sizes and colours; notes, sources, tables.

    `scale` shrinks every size (the one-page memo is set smaller, as in print).
    """
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults, fonts.serif, fonts.east_asian_serif, fonts.lang)
    looks = dict(_PARAGRAPH_STYLES)
    for name, id_, sans, size, colour in _ADDED_STYLES:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = id_
        style.base_style = styles["Normal"]
        looks[name] = (sans, size, colour, False, 0, 2)
    reference = styles.add_style("footnote reference", WD_STYLE_TYPE.CHARACTER)
    reference.style_id = "FootnoteReference"
    reference.font.superscript = True
    for name, (sans, size, colour, bold, before, after) in looks.items():
        style = styles[name]
        rpr = style.element.get_or_add_rPr()
        latin, east = (
            (fonts.sans, fonts.east_asian_sans) if sans else (fonts.serif, fonts.east_asian_serif)
        )
        _set_fonts(rpr, latin, east)
        style.font.size = Pt(round(size * scale * 2) / 2)
        style.font.color.rgb = RGBColor.from_string(colour)
        style.font.bold = bold
        style.font.italic = False
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.line_spacing = 1.15 if sans else 1.3
    styles["Normal"].paragraph_format.line_spacing = 1.45 if fonts.lang == "zh-CN" else 1.35
    _remove_title_rule(styles["Title"])
    add_to_paragraph(
        styles["Heading 1"].element.get_or_add_pPr(),
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="12" w:space="2" '
        f'w:color="{ACCENT}"/></w:pBdr>',
    )
    _font_table(document, fonts)


# The paragraph properties that come after a border and shading, in the order Word's schema sets.
_AFTER_SHADING = tuple(
    f"w:{name}"
    for name in [
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ]
)


def add_to_paragraph(ppr: Any, xml: str) -> None:
    """Add a border (pBdr) or shading (shd) to paragraph properties, in schema order."""
    element = parse_xml(xml)
    after = _AFTER_SHADING if element.tag == qn("w:shd") else ("w:shd", *_AFTER_SHADING)
    ppr.insert_element_before(element, *after)


# What Word may use where a reader lacks the theme's fonts: (family, alternative, charset).
_FALLBACKS = {
    "Source Serif 4": ("roman", "Times New Roman", "00"),
    "Source Sans 3": ("swiss", "Arial", "00"),
    "Noto Serif SC": ("roman", "SimSun", "86"),
    "Noto Sans SC": ("swiss", "Microsoft YaHei", "86"),
}


def _font_table(document: Any, fonts: Fonts) -> None:
    """Describe the theme's fonts (family, script) so that Word substitutes alike ones."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    table = etree.fromstring(part.blob)
    for name in dict.fromkeys(
        (fonts.serif, fonts.sans, fonts.east_asian_serif, fonts.east_asian_sans)
    ):
        family, alternative, charset = _FALLBACKS[name]
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/>'
                '<w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _remove_title_rule(style: Any) -> None:
    """python-docx's Title carries a blue rule and wide letter spacing the brief does not have."""
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    rpr = style.element.get_or_add_rPr()
    for spacing in rpr.findall(qn("w:spacing")):
        rpr.remove(spacing)


def set_up_page(document: Any, running_head: str, memo: bool) -> None:
    """A4 with the PDF's margins; the title in the header and the page number in the footer."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = (Mm(16), Mm(14)) if memo else (Mm(20), Mm(18))
    section.left_margin = section.right_margin = Mm(16) if memo else Mm(18)
    head = section.header.paragraphs[0]
    head.style = document.styles["Source Line"]
    head.add_run(running_head)
    foot = section.footer.paragraphs[0]
    foot.style = document.styles["Source Line"]
    foot.alignment = 1
    add_field(foot, "PAGE", "1")


def add_field(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (PAGE, TOC, SEQ …) with the result it shows until Word updates it."""
    runs = [
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} '
        "</w:instrText></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{_escape(shown)}</w:t></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ]
    for run in runs:
        paragraph._p.append(parse_xml(run))


def add_toc(document: Any, heading: str, entries: list[str]) -> None:
    """A Word TOC field over Heading 1–3, showing the chapters until Word fills in the pages."""
    document.add_paragraph(heading, style="TOC Heading")
    first = document.add_paragraph(style="toc 1")
    first._p.append(
        parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>')
    )
    first._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u '
            "</w:instrText></w:r>"
        )
    )
    first._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))
    paragraphs = [first] + [document.add_paragraph(style="toc 1") for _ in entries[1:]]
    for paragraph, entry in zip(paragraphs, entries, strict=False):
        paragraph.add_run(entry)
    paragraphs[-1]._p.append(
        parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>')
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Footnotes:
    """The document's footnotes part: Word's two separators, then one note per call."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.root = parse_xml(
            f"<w:footnotes {nsdecls('w')}>"
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/>'
            "</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
            '<w:spacing w:after="0"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
            "</w:footnote></w:footnotes>"
        )
        self.count = 0

    def add(self, paragraph: Any) -> Any:
        """Put a footnote call at the end of `paragraph`; return the note's paragraph (lxml)."""
        self.count += 1
        call = paragraph.add_run()
        call.style = self.document.styles["footnote reference"]
        call._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{self.count}"/>'))
        note = OxmlElement("w:footnote", {qn("w:id"): str(self.count)})
        self.root.append(note)
        para = OxmlElement("w:p")
        note.append(para)
        para.append(parse_xml(f'<w:pPr {nsdecls("w")}><w:pStyle w:val="FootnoteText"/></w:pPr>'))
        para.append(
            parse_xml(
                f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                "<w:footnoteRef/></w:r>"
            )
        )
        para.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> </w:t></w:r>'))
        return para

    def attach(self) -> None:
        """Add the part to the package, and the separators to the settings, as Word writes them."""
        part = Part(
            PackURI("/word/footnotes.xml"),
            CT.WML_FOOTNOTES,
            etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True),
            self.document.part.package,
        )
        self.document.part.relate_to(part, RT.FOOTNOTES)
        before_compat(
            self.document,
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            "</w:footnotePr>",
        )


def before_compat(document: Any, xml: str) -> None:
    """Add a setting where Word's schema puts it: settings are an ordered sequence."""
    settings = document.settings.element
    compat = settings.find(qn("w:compat"))
    element = parse_xml(xml)
    if compat is None:
        settings.append(element)
    else:
        compat.addprevious(element)


def attach_facts(document: Any, brief_id: str, payload: bytes, figures: list[Any]) -> None:
    """Carry the facts (the PDF's attached JSON) and each figure as shown, in a custom XML part.

    Word and LibreOffice keep custom XML parts through editing; a reviewer never sees them.
    """
    root = etree.Element(f"{{{FACTS_NS}}}brief", nsmap={None: FACTS_NS})
    data = etree.SubElement(root, f"{{{FACTS_NS}}}data", name=f"{brief_id}-facts.json")
    data.text = payload.decode("utf-8")
    for figure in figures:
        item = etree.SubElement(root, f"{{{FACTS_NS}}}figure", n=str(figure.n), facts=figure.facts)
        item.text = figure.text
    package = document.part.package
    item_part = Part(
        package.next_partname("/customXml/item%d.xml"),
        "application/xml",
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True),
        package,
    )
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:x-brief:{brief_id}")).upper()
    props = Part(
        package.next_partname("/customXml/itemProps%d.xml"),
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<ds:datastoreItem xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'customXml" ds:itemID="{{{guid}}}"><ds:schemaRefs><ds:schemaRef ds:uri="{FACTS_NS}"/>'
            "</ds:schemaRefs></ds:datastoreItem>"
        ).encode(),
        package,
    )
    item_part.relate_to(props, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item_part, RT.CUSTOM_XML)


def facts_part(document: Any) -> Any | None:
    """The root element of a document's brief facts part, if it has one."""
    for rel in document.part.rels.values():
        if rel.reltype != RT.CUSTOM_XML or rel.is_external:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except etree.XMLSyntaxError:
            continue
        if root.tag == f"{{{FACTS_NS}}}brief":
            return root
    return None


def drop_thumbnail(document: Any) -> None:
    """python-docx's template carries its own thumbnail picture; a brief has none."""
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]


def reproducible(data: bytes, date: str) -> bytes:
    """The same file for the same input: zip entries in order, dated at the edition date."""
    stamp = (int(date[:4]), int(date[5:7]), int(date[8:10]), 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
