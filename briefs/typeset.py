"""Decide which PDFs, and which parts of a report, must be typeset; typeset them; join the parts.

A PDF whose page is unchanged since the last build is kept. A report is typeset in parts (see
`briefs.parts`): parts typeset by an earlier build into the same output folder are reused from
`.parts/<lang>/`, named by a hash of everything WeasyPrint reads for them.
"""

from __future__ import annotations

import importlib
import os
import shutil
import threading
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from briefs import parts as partlib
from briefs.fonts import FontSet
from briefs.incremental import code_version
from briefs.write import Typesetter

PARTS = ".parts"


@dataclass
class Pdf:
    """One PDF to produce: its print page (staged in `staging`) and how it was produced."""

    lang: str
    staging: Path
    html: str  # file name of the print page in `staging`
    name: str  # file name of the PDF
    text: str  # the print page itself
    key: str = ""
    kept: bool = False
    pages: int = 0
    detail: str = ""
    parts: partlib.Parts | None = None
    part_keys: list[str] = field(default_factory=list)
    front_pages: int | None = None

    @property
    def page(self) -> str:
        """The name of the HTML page this PDF is typeset from, for messages."""
        return self.html.removeprefix(".print-")


@dataclass
class _Job:
    pdf: Pdf
    key: str
    role: str  # "whole", "part N" (1 is the front, with the contents) or "page footers"
    html: Path
    target: Path
    label: str  # how messages name it: the page, and which part
    weight: int = 0  # how long it is likely to take: the size of its page


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
        self.reusable: dict[str, dict[str, dict[str, Any]]] = {}  # lang -> part key -> facts
        self.fresh: dict[str, set[str]] = {}
        self.used: dict[str, set[str]] = {}

    def base(self, printed: dict[str, bytes | str], styles: dict[str, str]) -> str:
        """Hash of what a language's PDFs read besides the page: code, fonts, styles, charts."""
        pieces: list[str | bytes] = [code_version(), version("weasyprint"), self.fonts.css(False)]
        for name in sorted(n for n in printed if n.startswith(".print/")):
            pieces += [name, printed[name]]
        for name, css in sorted(styles.items()):
            pieces += [name, css]
        return partlib.key(*pieces)

    def run(self, pdfs: list[Pdf], bases: dict[str, str]) -> None:
        """Produce every PDF into its staging folder."""
        jobs: list[_Job] = []
        reports: list[Pdf] = []
        for pdf in pdfs:
            pdf.key = partlib.key(bases[pdf.lang], pdf.text)
            last = self._last(pdf)
            old = self.out / pdf.lang / pdf.name
            if not self.force and last.get("key") == pdf.key and old.is_file():
                shutil.copyfile(old, pdf.staging / pdf.name)
                pdf.kept, pdf.pages = True, int(last.get("pages", 0))
                pdf.part_keys = list(last.get("parts", []))
                self.used.setdefault(pdf.lang, set()).update(pdf.part_keys)
                continue
            pdf.parts = partlib.split(pdf.text)
            if pdf.parts is None:
                html, target = pdf.staging / pdf.html, pdf.staging / pdf.name
                jobs.append(_Job(pdf, pdf.key, "whole", html, target, pdf.page, len(pdf.text)))
            else:
                reports.append(pdf)
        for pdf in reports:
            jobs += self._plan(pdf, bases[pdf.lang], first=True)
        if reports:
            # Load pypdf (for joining the parts) while the workers typeset.
            threading.Thread(target=importlib.import_module, args=("pypdf",), daemon=True).start()
        self._typeset(jobs)
        # The contents page and the footers depend on page counts that were guessed (from the
        # last build) where parts were still to be typeset; settle them now.
        for _ in range(3):
            again = [job for pdf in reports for job in self._plan(pdf, bases[pdf.lang], False)]
            if not again:
                break
            self._typeset(again)
        self._join(reports)

    def record(self, lang: str, pdfs: list[Pdf]) -> dict[str, Any]:
        """The manifest entries of a language: each PDF's key and parts, each part's facts.

        PDFs not built this time (another variant) keep their entries, and their parts.
        """
        entries = {
            p.name: {"key": p.key, "pages": p.pages, "parts": p.part_keys}
            for p in pdfs
            if p.lang == lang
        }
        for name, entry in self.previous.get(lang, {}).get("pdfs", {}).items():
            if name not in entries and (self.out / lang / name).is_file():
                entries[name] = entry
                self.used.setdefault(lang, set()).update(entry.get("parts", []))
        used = self.used.get(lang, set())
        known = {**self._recorded(lang), **self._reusable(lang)}
        return {
            "pdfs": dict(sorted(entries.items())),
            "parts": {k: v for k, v in sorted(known.items()) if k in used},
        }

    def prune(self, lang: str) -> None:
        """Delete typeset parts that no PDF of this build uses."""
        folder = self.out / PARTS / lang
        if folder.is_dir():
            used = self.used.get(lang, set())
            for path in folder.iterdir():
                if path.stem not in used:
                    path.unlink()

    # -- internals ------------------------------------------------------------------------------

    def _last(self, pdf: Pdf) -> dict[str, Any]:
        entry: dict[str, Any] = self.previous.get(pdf.lang, {}).get("pdfs", {}).get(pdf.name, {})
        return entry

    def _recorded(self, lang: str) -> dict[str, dict[str, Any]]:
        recorded: dict[str, dict[str, Any]] = self.previous.get(lang, {}).get("parts", {})
        return recorded

    def _folder(self, lang: str) -> Path:
        folder = self.out / PARTS / lang
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _reusable(self, lang: str) -> dict[str, dict[str, Any]]:
        """Parts typeset before (and still on disk) or in this build."""
        if lang not in self.reusable:
            folder = self._folder(lang)
            self.reusable[lang] = (
                {}
                if self.force
                else {
                    k: v for k, v in self._recorded(lang).items() if (folder / f"{k}.pdf").is_file()
                }
            )
        return self.reusable[lang]

    def _plan(self, pdf: Pdf, base: str, first: bool) -> list[_Job]:
        """The part jobs of a report still to do. On the first pass, page counts not yet known
        are guessed from the last build; afterwards only the contents page and footers remain."""
        parts = pdf.parts
        assert parts is not None
        known = self._reusable(pdf.lang)
        recorded = self._recorded(pdf.lang)
        earlier = [recorded.get(k, {}) for k in self._last(pdf).get("parts", [])]
        jobs: list[_Job] = []
        keys = [partlib.key(base, parts.document(i)) for i in range(1, len(parts.bodies))]
        guess = int(earlier[0].get("pages", 1)) if earlier else 1
        sizes: list[int] = [pdf.front_pages or guess]
        within: dict[str, int] = {}
        for index, key in enumerate(keys, start=1):
            facts = known.get(key)
            if facts is None:
                if not first:
                    raise RuntimeError(f"part {index} of {pdf.name} was not typeset")
                jobs.append(self._job(pdf, key, f"part {index + 1}", parts.document(index)))
                facts = earlier[index] if index < len(earlier) else {}
            sizes.append(int(facts.get("pages", 1)))
            within.update(facts.get("anchors", {}))
        toc = {}
        for target in parts.toc:
            where = next((i for i, ids in enumerate(parts.ids) if target in ids), None)
            if where is not None:
                toc[target] = 1 + sum(sizes[:where]) + (within.get(target, 0) if where else 0)
        front = partlib.key(base, parts.document(0, toc))
        footer = partlib.key(base, parts.footer_document(sum(sizes)))
        if front in known:
            pdf.front_pages = int(known[front]["pages"])
        else:
            jobs.insert(0, self._job(pdf, front, "part 1", parts.document(0, toc)))
        # With nothing to go on (a first build), wait for the real page count for the footers.
        if footer not in known and (earlier or not first):
            jobs.append(self._job(pdf, footer, "page footers", parts.footer_document(sum(sizes))))
        pdf.part_keys = [front, *keys, footer]
        return jobs

    def _job(self, pdf: Pdf, key: str, role: str, document: str) -> _Job:
        html = pdf.staging / f".part-{key}.html"
        html.write_text(document, encoding="utf-8")
        target = pdf.staging / f".part-{key}.pdf"
        return _Job(pdf, key, role, html, target, f"{pdf.page} ({role})", len(document))

    def _typeset(self, jobs: list[_Job]) -> None:
        if not jobs:
            return
        # Longest first, so that the last job to finish is a short one.
        jobs = sorted(jobs, key=lambda j: j.weight, reverse=True)
        pages = self.typesetter.run(
            [(j.html, j.target, j.label) for j in jobs],
            {f.family for f in self.fonts.files},
            self.fonts.css(web=False),
            self.fonts.directory,
        )
        for job, count in zip(jobs, pages, strict=True):
            if job.role == "whole":
                job.pdf.pages = count
                continue
            assert job.pdf.parts is not None
            lang = job.pdf.lang
            anchors = partlib.anchors(job.target, job.pdf.parts.toc)
            os.replace(job.target, self._folder(lang) / f"{job.key}.pdf")
            job.html.unlink()
            self._reusable(lang)[job.key] = {"pages": count, "anchors": anchors}
            self.fresh.setdefault(lang, set()).add(job.key)
            if job.role == "part 1":
                job.pdf.front_pages = count

    def _join(self, reports: list[Pdf]) -> None:
        """Join each report's parts (two reports at once in the worker processes)."""
        files = [[self._folder(p.lang) / f"{k}.pdf" for k in p.part_keys] for p in reports]
        # Only the CJK fonts are worth sharing between parts; the Latin subsets are small.
        shared = {
            face.family.replace(" ", "-"): path
            for face, path in self.fonts.files.items()
            if not face.variable
        }
        pages = self.typesetter.map(
            partlib.join,
            [f[:-1] for f in files],
            [f[-1] for f in files],
            [p.staging / p.name for p in reports],
            [shared] * len(reports),
        )
        for pdf, count in zip(reports, pages, strict=True):
            pdf.pages = count
            self.used.setdefault(pdf.lang, set()).update(pdf.part_keys)
            typeset = len(set(pdf.part_keys) & self.fresh.get(pdf.lang, set()))
            pdf.detail = f"{typeset} of {len(pdf.part_keys)} parts typeset"
