"""Typeset a long report in parts, each starting on a new page, and join them into one PDF.

The report template marks where a part begins (`PART_MARK`, at the top level of <main>); in print
every chapter starts on a new page there anyway. Each part is typeset as a document of its own, so
that after a change only the parts whose content changed are typeset again; the others come from
the last build. What depends on the whole document is added when the parts are joined:

- page numbers and the page total are stamped from a small footer document of the right length;
- the table of contents, in the first part, gets its page numbers from the parts' page counts;
- footnote numbers continue across parts (each part starts its counter where the last one ended);
- links between parts are written as `brief-part:ID` and turned into PDF links at the join;
- the bookmarks of all parts are kept in order.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PART_MARK = "<!-- brief:part -->"
_LINK_SCHEME = "brief-part:"


@dataclass(frozen=True)
class Parts:
    """A report page cut into parts: the shared <head>, each part's body, and what they hold."""

    head: str
    bodies: list[str]
    ids: list[set[str]]
    footnotes: list[int]
    toc: list[str]  # ids the table of contents points at, in order
    title: str

    def document(self, index: int, toc_pages: dict[str, int] | None = None) -> str:
        """The HTML document of one part, ready for WeasyPrint.

        The first part carries the table of contents; its numbers are `toc_pages` (id -> page).
        """
        body = re.sub(
            r'href="#([^"]+)"',
            lambda m: (
                m.group(0)
                if m.group(1) in self.ids[index]
                else f'href="{_LINK_SCHEME}{m.group(1)}"'
            ),
            self.bodies[index],
        )
        title = self.title.replace("\\", "\\\\").replace('"', '\\"')
        rules = [
            f"html {{ counter-reset: footnote {sum(self.footnotes[:index])}; }}",
            "@page { @bottom-center { content: none; } }",  # stamped at the join
        ]
        if index > 0:
            body = f"<main>{body}</main>"
            rules.append(f'html {{ string-set: brief-title "{title}"; }}')
            rules.append(
                "@page :first { @top-left { content: string(brief-title); } "
                "@top-right { content: string(section, start); } }"
            )
        for target, page in (toc_pages or {}).items():
            href = f"#{target}" if target in self.ids[index] else f"{_LINK_SCHEME}{target}"
            rules.append(f'nav.toc a[href="{href}"]::after {{ content: leader(".") "{page}"; }}')
        style = "<style>\n" + "\n".join(rules) + "\n</style>\n"
        return self.head.replace("</head>", style + "</head>", 1) + f"<body>{body}</body></html>"

    def footer_document(self, total: int) -> str:
        """A document of `total` empty pages that carry only the page-number footers."""
        style = (
            "<style>@page { @top-left { content: none; } @top-right { content: none; } }</style>\n"
        )
        pages = '<div style="break-before: page"></div>' * (total - 1)
        return (
            self.head.replace("</head>", style + "</head>", 1)
            + f"<body><div></div>{pages}</body></html>"
        )


def split(page: str) -> Parts | None:
    """Cut a report page at its part marks; None when the page has none (it is typeset whole)."""
    if PART_MARK not in page:
        return None
    head, rest = page.split("<body>", 1)
    body = rest.rsplit("</body>", 1)[0]
    bodies = [b.replace("<main>", "").replace("</main>", "") for b in body.split(PART_MARK)]
    ids = [set(re.findall(r'\bid="([^"]+)"', b)) for b in bodies]
    footnotes = [len(re.findall(r'class="footnote"', b)) for b in bodies]
    nav = re.search(r'<nav class="toc".*?</nav>', bodies[0], re.DOTALL)
    toc = re.findall(r'href="#([^"]+)"', nav.group(0)) if nav else []
    found = re.search(r"<title>(.*?)</title>", head, re.DOTALL)
    title = htmllib.unescape(found.group(1)).strip() if found else ""
    # The running head is the report's title (h1), not the document title of a variant.
    h1 = re.search(r'<h1 class="title"[^>]*>(.*?)</h1>', bodies[0], re.DOTALL)
    if h1:
        title = htmllib.unescape(re.sub(r"<[^>]+>", "", h1.group(1))).strip()
    return Parts(head, bodies, ids, footnotes, toc, title)


def key(*pieces: str | bytes) -> str:
    """A content hash naming a typeset part."""
    h = hashlib.sha256()
    for piece in pieces:
        h.update(piece.encode("utf-8") if isinstance(piece, str) else piece)
        h.update(b"\0")
    return h.hexdigest()[:20]


def anchors(pdf: Path, wanted: list[str]) -> dict[str, int]:
    """The page index (from 0) of each wanted anchor in a typeset part."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    found: dict[str, int] = {}
    for name, dest in reader.named_destinations.items():
        number = reader.get_destination_page_number(dest)
        if name in wanted and number is not None:
            found[name] = number
    return found


def join(parts: list[Path], footers: Path, out: Path, shared: dict[str, Path] | None = None) -> int:
    """Join typeset parts into one PDF: stamp footers, restore cross-part links; return pages.

    `shared` maps font names (as WeasyPrint writes them, e.g. Noto-Serif-SC; a synthetic style
    adds a suffix, as in Noto-Sans-SC-Bold) to the font files
    the parts were typeset with: each part embeds its own subset of such a font, and the joined
    PDF gets one subset of all of them instead (for a CJK font, most of the file's size).
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    writer = PdfWriter()
    readers = [PdfReader(p) for p in parts]
    targets: dict[str, tuple[int, float, float]] = {}
    start = 0
    for reader in readers:
        for name, dest in reader.named_destinations.items():
            number = reader.get_destination_page_number(dest) or 0
            left = float(dest.left) if dest.left is not None else 0.0
            top = float(dest.top) if dest.top is not None else 0.0
            targets.setdefault(str(name), (start + number, left, top))
        writer.append(reader, import_outline=True)
        start += len(reader.pages)
    first = readers[0]
    if first.metadata:
        writer.add_metadata({k: v for k, v in first.metadata.items()})
    catalog = first.root_object
    for name in ("/Lang", "/PageMode", "/ViewerPreferences", "/MarkInfo"):
        if name in catalog:
            writer.root_object[NameObject(name)] = catalog[name]
    stamps = PdfReader(footers)
    if len(stamps.pages) != len(writer.pages):
        raise ValueError(f"{len(stamps.pages)} footer pages for {len(writer.pages)} pages")
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        page.merge_page(stamp, over=True)
        page.compress_content_streams()
        for annot in page.get("/Annots", None) or []:
            annot = annot.get_object()
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action else ""
            if not uri.startswith(_LINK_SCHEME):
                continue
            target = targets.get(uri.removeprefix(_LINK_SCHEME))
            if target is None:
                raise ValueError(f"link to a missing anchor: #{uri.removeprefix(_LINK_SCHEME)}")
            number, left, top = target
            annot[NameObject("/A")] = DictionaryObject(
                {
                    NameObject("/S"): NameObject("/GoTo"),
                    NameObject("/D"): ArrayObject(
                        [
                            writer.pages[number].indirect_reference,
                            NameObject("/XYZ"),
                            FloatObject(left),
                            FloatObject(top),
                            FloatObject(0),
                        ]
                    ),
                }
            )
    if shared:
        _share_fonts(writer, shared)
    buffer = io.BytesIO()  # pypdf writes in many small pieces: one write to disk is faster
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())
    return len(writer.pages)


def _share_fonts(writer: Any, sources: dict[str, Path]) -> None:
    """Give every part's subset of a font one common subset, made from the same font file.

    WeasyPrint subsets with the glyph ids of the file kept (`retain_gids`), and lists the glyphs
    each part uses in its /W widths, so one subset of all those glyphs serves every part.
    """
    import uharfbuzz as hb
    from pypdf.generic import ArrayObject, NameObject

    descriptors: dict[str, list[Any]] = {}
    files: dict[str, Path] = {}
    glyphs: dict[str, set[int]] = {}
    seen: set[int] = set()
    for page in writer.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            if font.get("/Subtype") != "/Type0":
                continue
            cid = font["/DescendantFonts"][0].get_object()
            reference = cid.raw_get("/FontDescriptor")
            descriptor = reference.get_object()
            name = str(descriptor["/FontName"]).split("+", 1)[-1]
            # Synthetic styles (Noto-Sans-SC-Bold) are drawn from the same file.
            source = next(
                (f for n, f in sources.items() if name == n or name.startswith(n + "-")), None
            )
            if source is None or reference.idnum in seen:
                continue
            files[name] = source
            seen.add(reference.idnum)
            descriptors.setdefault(name, []).append(descriptor)
            used = glyphs.setdefault(name, {0})
            widths = cid.get("/W", ArrayObject())
            i = 0
            while i < len(widths):  # [first [w w ...]] or [first last w]
                first = int(widths[i])
                if isinstance(widths[i + 1], ArrayObject):
                    used.update(range(first, first + len(widths[i + 1])))
                    i += 2
                else:
                    used.update(range(first, int(widths[i + 1]) + 1))
                    i += 3
    for name, group in descriptors.items():
        key = "/FontFile3" if "/FontFile3" in group[0] else "/FontFile2"
        if len(group) < 2 or any(key not in d for d in group):
            continue
        request = hb.SubsetInput()
        request.glyph_set.update(glyphs[name])
        request.flags = (
            hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING
        )
        for tag in ("GSUB", "GPOS", "SVG "):
            request.drop_table_tag_set.add(int.from_bytes(tag.encode("ascii"), "big"))
        data = hb.subset(hb.Face(hb.Blob.from_file_path(str(files[name]))), request).blob.data
        if not data:
            continue
        common = group[0].raw_get(key)
        common.get_object().set_data(data)
        for descriptor in group[1:]:
            descriptor[key].get_object().set_data(b"")
            descriptor[NameObject(key)] = common
