"""Decide which PDFs must be typeset, and typeset each in one WeasyPrint pass.

A PDF is named by a hash of everything WeasyPrint reads for it (the print page, its charts,
stylesheets, fonts, the attached data, brief's code); a PDF whose hash is unchanged since the last
build into the same folder is kept as it is.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from briefs.fonts import FontSet
from briefs.keys import code_version, key
from briefs.publish.pdf import Attached, Job, Typesetter


@dataclass
class Pdf:
    """One PDF to produce: its print page (staged in `staging`) and how it was produced."""

    lang: str
    staging: Path
    html: str  # file name of the print page in `staging`
    name: str  # file name of the PDF
    text: str  # the print page itself
    data: Attached  # the facts the PDF carries as an associated file
    key: str = ""
    kept: bool = False
    pages: int = 0

    @property
    def page(self) -> str:
        """The name of the HTML page this PDF is typeset from, for messages."""
        return self.html.removeprefix(".print-")


class Typesetting:
    """All the PDFs of one build, typeset with as little work as the last build allows."""

    def __init__(
        self,
        out: Path,
        fonts: FontSet,
        typesetter: Typesetter,
        previous: dict[str, Any],
        force: bool,
    ) -> None:
        self.out = out
        self.fonts = fonts
        self.typesetter = typesetter
        self.previous = previous  # the last manifest's "outputs"
        self.force = force

    def base(self, printed: dict[str, bytes | str], styles: dict[str, str]) -> str:
        """Hash of what a language's PDFs read besides the page: code, fonts, styles, charts."""
        pieces: list[str | bytes] = [code_version(), version("weasyprint"), self.fonts.css(False)]
        for name in sorted(n for n in printed if n.startswith(".print/")):
            pieces += [name, printed[name]]
        for name, css in sorted(styles.items()):
            pieces += [name, css]
        return key(*pieces)

    def run(self, pdfs: list[Pdf], bases: dict[str, str]) -> None:
        """Produce every PDF into its staging folder: kept if unchanged, else typeset."""
        todo: list[Pdf] = []
        for pdf in pdfs:
            pdf.key = key(bases[pdf.lang], pdf.text, pdf.data.content, pdf.data.created)
            last = self.previous.get(pdf.lang, {}).get("pdfs", {}).get(pdf.name, {})
            old = self.out / pdf.lang / pdf.name
            if not self.force and last.get("key") == pdf.key and old.is_file():
                shutil.copyfile(old, pdf.staging / pdf.name)
                pdf.kept, pdf.pages = True, int(last.get("pages", 0))
            else:
                todo.append(pdf)
        # Longest first, so that the last to finish on two cores is a short one.
        todo.sort(key=lambda p: len(p.text), reverse=True)
        pages = self.typesetter.run(
            [
                Job(
                    p.staging / p.html,
                    p.staging / p.name,
                    p.page,
                    p.data,
                    f"{p.lang}/{p.name}",
                    bases[p.lang],
                )
                for p in todo
            ],
            {f.family for f in self.fonts.files},
            self.fonts.css(web=False),
            self.fonts.directory,
        )
        for pdf, count in zip(todo, pages, strict=True):
            pdf.pages = count

    def record(self, lang: str, pdfs: list[Pdf]) -> dict[str, Any]:
        """The manifest entries of a language: each PDF's key and page count.

        PDFs not built this time (another variant) keep their entries.
        """
        entries = {p.name: {"key": p.key, "pages": p.pages} for p in pdfs if p.lang == lang}
        for name, entry in self.previous.get(lang, {}).get("pdfs", {}).items():
            if name not in entries and (self.out / lang / name).is_file():
                entries[name] = entry
        return {"pdfs": dict(sorted(entries.items()))}
