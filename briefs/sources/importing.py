"""Turn a PDF, a saved web page, a Word file, Markdown or plain text into a source text with page
marks and the citation its own metadata states."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefs.errors import InputError
from briefs.sources.reflow import is_wide, page_text, paragraphs

# The citation fields an import may fill: each None when the document does not state it.
FIELDS = ("title", "author", "publisher", "date", "url", "accessed")


@dataclass
class Imported:
    """A document's text (with "[page N]" marks when it has pages) and what it says about itself."""

    text: str
    kind: str
    pages: int = 0
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def language(self) -> str:
        """zh when CJK characters make up a tenth of the letters, else en."""
        letters = [c for c in self.text if c.isalpha()]
        wide = sum(1 for c in letters if is_wide(c))
        return "zh" if letters and wide / len(letters) >= 0.1 else "en"


def _date(text: str | None) -> str | None:
    """YYYY-MM-DD (or YYYY-MM, YYYY) from a date as metadata writes it (ISO, PDF's D:2025…)."""
    if not text:
        return None
    found = re.search(r"((?:19|20)\d\d)(?:[-/.]?(\d\d)(?:[-/.]?(\d\d))?)?", text)
    if not found:
        return None
    return "-".join(part for part in found.groups() if part)


# Names that programs, not people, write into a document's author field.
_NOT_AUTHORS = frozenset({"python-docx", "microsoft office user", "administrator", "user", "admin"})


def _clean(meta: dict[str, str | None]) -> dict[str, str]:
    cleaned = {k: " ".join(v.split()) for k, v in meta.items() if v and v.strip()}
    if cleaned.get("author", "").lower() in _NOT_AUTHORS:
        del cleaned["author"]
    return cleaned


def from_pdf(path: Path) -> Imported:
    """A PDF's text page by page (pdfium), its running heads and page numbers removed."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as exc:
        raise InputError(f"{path}: not a readable PDF ({exc})") from None
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            # pdfium writes U+FFFE for a hyphen it found in the text layer.
            text = page.get_textpage().get_text_range().replace("\ufffe", "-")
            label = pdf.get_page_label(index) or None
            pages.append((label, text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))
        info = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    if not any(line.strip() for _, lines in pages for line in lines):
        raise InputError(
            f"{path}: the PDF has no text layer (a scan?): run it through OCR first, "
            "e.g. `ocrmypdf in.pdf out.pdf`, then import the result"
        )
    meta = _clean(
        {
            "title": info.get("Title"),
            "author": info.get("Author"),
            "date": _date(info.get("CreationDate")),
        }
    )
    return Imported(page_text(pages), "PDF", len(pages), meta)


def _saved_from(html: str) -> str | None:
    """The address a browser noted when it saved the page (<!-- saved from url=(0042)… -->)."""
    found = re.search(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", html)
    return found.group(1) if found else None


def _meta_tags(html: str) -> dict[str, list[str]]:
    """The page's <meta name/property=… content=…> tags (og:*, article:*, citation_*)."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    tags: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("name") or meta.get("property")
        content = meta.get("content")
        if key and content:
            tags.setdefault(key.lower(), []).append(content)
    return tags


def from_html(path: Path, accessed: str) -> Imported:
    """A saved web page's article (trafilatura: no navigation, banners or footers) and its
    metadata: citation_*, og:* and article:published_time before trafilatura's own guesses."""
    import trafilatura

    html = path.read_bytes().decode("utf-8", errors="replace")
    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_precision=True
    )
    if not text:
        raise InputError(f"{path}: no article text found in the page")
    found = trafilatura.extract_metadata(html)
    every = _meta_tags(html)
    tags = {key: values[0] for key, values in every.items()}
    authors = every.get("citation_author") or [found.author or ""]
    meta = _clean(
        {
            "title": tags.get("citation_title") or tags.get("og:title") or found.title,
            "author": "; ".join(a for a in authors if a) or None,
            "publisher": tags.get("citation_journal_title")
            or tags.get("citation_publisher")
            or tags.get("og:site_name")
            or found.sitename,
            "date": _date(
                tags.get("citation_publication_date")
                or tags.get("citation_date")
                or tags.get("article:published_time")
                or found.date
            ),
            "url": tags.get("og:url") or found.url or _saved_from(html),
            "accessed": accessed,
        }
    )
    # trafilatura gives each block of the article (heading, paragraph, list item, table row) a
    # line of its own, unwrapped: each is a paragraph of the source text.
    body = "\n\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())
    return Imported(body + "\n", "HTML", 0, meta)


def from_docx(path: Path) -> Imported:
    """A Word file's paragraphs, with a page mark where Word breaks the page (explicit breaks,
    and the breaks Word noted when it last laid the document out)."""
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile, KeyError and lxml errors alike
        raise InputError(f"{path}: not a readable Word (.docx) file ({exc})") from None
    pages: list[tuple[str | None, list[str]]] = [("1", [])]
    for para in document.paragraphs:
        for run in para.runs:
            breaks = [
                e
                for e in run._r.iter(qn("w:br"), qn("w:lastRenderedPageBreak"))
                if e.tag == qn("w:lastRenderedPageBreak") or e.get(qn("w:type")) == "page"
            ]
            if breaks and any(line.strip() for line in pages[-1][1]):
                pages.append((str(len(pages) + 1), []))
        pages[-1][1].extend([para.text, ""])
    props = document.core_properties
    # python-docx's own template says "python-docx", 2013-12-23: no one's document said so.
    template = props.author == "python-docx"
    meta = _clean(
        {
            "title": props.title,
            "author": props.author,
            "date": props.created.date().isoformat() if props.created and not template else None,
        }
    )
    if len(pages) == 1:
        body = "\n\n".join(paragraphs(pages[0][1]))
        return Imported(body + "\n", "DOCX", 0, meta)
    return Imported(page_text(pages), "DOCX", len(pages), meta)


def from_text(path: Path) -> Imported:
    """Plain text or Markdown: paragraphs joined; a Markdown file's first heading is its title."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is None:
            raise InputError(f"{path}: not a text file (no text encoding fits it)") from None
        text = str(best)
    lines = text.replace("\r\n", "\n").split("\n")
    heading = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), None)
    # Markdown's headings and list items stand on lines of their own.
    block = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>)")
    spaced = [part for ln in lines for part in (["", ln, ""] if block.match(ln) else [ln])]
    body = "\n\n".join(paragraphs(spaced))
    meta = _clean({"title": heading}) if path.suffix.lower() in (".md", ".markdown") else {}
    return Imported(body + "\n", "Markdown" if meta else "text", 0, meta)


IMPORTERS: dict[str, Callable[[Path], Imported]] = {
    ".pdf": from_pdf,
    ".docx": from_docx,
    ".md": from_text,
    ".markdown": from_text,
    ".txt": from_text,
    ".text": from_text,
}
WEB = (".html", ".htm", ".xhtml")


def import_document(path: Path) -> Imported:
    """Read a document of any kind brief imports, chosen by its file name's suffix."""
    suffix = path.suffix.lower()
    if suffix in WEB:
        # A saved page was read when it was saved: the file's date is the access date.
        saved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
        return from_html(path, saved.isoformat())
    importer = IMPORTERS.get(suffix)
    if importer is None:
        kinds = ", ".join(sorted({*IMPORTERS, *WEB}))
        raise InputError(f"{path}: brief cannot import {suffix or 'this'} files; it reads {kinds}")
    return importer(path)
