"""Turn HTML into PDF with WeasyPrint (local assets only, warnings fatal), swapped in atomically."""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from briefs.errors import RenderError
from briefs.keys import key
from briefs.publish import patches

# WeasyPrint's notice that it subsets with fontTools because the system lacks libharfbuzz-subset
# says nothing about the document; every other warning does and fails the build.
_ENVIRONMENT_NOTICE = "instead of HarfBuzz-Subset"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if _ENVIRONMENT_NOTICE not in record.getMessage():
            self.records.append(record)


def _fetcher(*allowed: Path):  # type: ignore[no-untyped-def]
    from weasyprint.urls import URLFetcher

    roots = [folder.resolve() for folder in allowed]

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        """Fetch files under the output folder only; no network, no redirects."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=["file", "data"], allow_redirects=False)

        def fetch(self, url: str, headers: object = None):  # type: ignore[no-untyped-def]
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"refusing to load {path}: outside the brief's output folder")
            elif not url.startswith("data:"):
                raise ValueError(f"refusing to load {url}: only local files are allowed")
            return super().fetch(url, headers)

    return LocalFetcher()


@dataclass(frozen=True)
class Attached:
    """A file the PDF carries as a PDF/A-3 associated file: the data behind the brief."""

    name: str
    content: bytes
    description: str
    created: str  # ISO date; the attachment's dates come from the edition, not the clock


# PDF/A declares every XMP property outside its predefined schemas in an extension schema;
# `pdfuaid:part` is one of them. The block goes in WeasyPrint's public `xmp_metadata`.
UA_XMP = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" \
pdfuaid:part="1"/>
<rdf:Description rdf:about="" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the document conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>"""


@contextmanager
def _font_timestamps(data: Attached | None) -> Iterator[None]:
    """Date the embedded font subsets by the edition, not the clock.

    Where the system lacks libharfbuzz-subset, WeasyPrint subsets fonts with fontTools, which
    stamps each subset's `head.modified` with the time unless SOURCE_DATE_EPOCH is set; that alone
    made two builds of the same brief differ.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    when = dt.datetime.fromisoformat(data.created) if data else dt.datetime(2000, 1, 1)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.replace(tzinfo=dt.UTC).timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def _attached(data: Attached | None) -> list[Any]:
    """The PDF/A-3 associated file (the facts the page cites), dated by the edition."""
    from weasyprint import Attachment

    if data is None:
        return []
    when = dt.datetime.fromisoformat(data.created).replace(tzinfo=dt.UTC)
    return [
        Attachment(
            string=data.content,
            name=data.name,
            description=data.description,
            created=when,
            modified=when,
            relationship="Data",
        )
    ]


def html_to_pdf(
    html_path: Path,
    pdf_path: Path,
    families: set[str],
    font_css: str,
    font_dir: Path,
    label: str = "",
    data: Attached | None = None,
) -> int:
    """Typeset an HTML file as one tagged PDF/A-3a and PDF/UA-1 document, with `data` attached.

    Any WeasyPrint warning, or a font outside `families`, fails. `font_css` declares the print
    fonts (files in `font_dir`, the only other folder readable); `label` names the page in
    messages (the file name by default).
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    patches.apply()
    with _warnings_fail(label or html_path.name):
        fetcher = _fetcher(html_path.parent, font_dir)
        config = FontConfiguration()
        fonts = CSS(string=font_css, url_fetcher=fetcher, font_config=config)
        document = HTML(filename=str(html_path), url_fetcher=fetcher).render(
            stylesheets=[fonts], font_config=config, pdf_tags=True
        )
        _write(document, pdf_path, data)
    _check_fonts(document, families, label or html_path.name)
    return len(document.pages)


@dataclass(frozen=True)
class Job:
    """One PDF to typeset: its print page, the PDF, how messages name it, the data it carries;
    `name` ("zh/report.pdf") and `base` (a hash of what the page reads besides itself) let a
    warm process keep the laid-out parts of the page between builds."""

    html: Path
    pdf: Path
    label: str
    data: Attached
    name: str = ""
    base: str = ""


# A warm process's fonts: the font configuration and stylesheet of the last font set it used.
_FONTS: dict[str, tuple[Any, Any]] = {}
# Let them go before the interpreter tears its modules down (WeasyPrint's FontConfiguration
# cleans up after itself in __del__, which then fails).
atexit.register(_FONTS.clear)


def html_to_pdf_in_parts(job: Job, families: set[str], font_css: str, font_dir: Path) -> int:
    """Typeset a print page part by part, keeping this process's layout of the parts that did
    not change since its last build of the same PDF (see parts.py); a page that marks no parts,
    or whose parts cannot be typeset apart, is typeset in one pass."""
    from briefs.publish import parts

    documents = parts.split(job.html.read_text(encoding="utf-8"))
    made = _in_parts(job, documents, font_css, font_dir) if documents else None
    if made is None:
        return html_to_pdf(job.html, job.pdf, families, font_css, font_dir, job.label, job.data)
    document, total = made
    _check_fonts(document, families, job.label)
    return total


def _in_parts(
    job: Job, documents: list[str], font_css: str, font_dir: Path
) -> tuple[Any, int] | None:
    """Lay out the parts that changed, join every part's pages and write the PDF; None if the
    parts cannot be typeset apart."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from briefs.publish import parts

    patches.apply()
    fetcher = _fetcher(job.html.parent, font_dir)
    with _warnings_fail(job.label):
        if font_css not in _FONTS:
            _FONTS.clear()
            config = FontConfiguration()
            declared = CSS(string=font_css, url_fetcher=fetcher, font_config=config)
            _FONTS[font_css] = (config, declared)
        config, fonts = _FONTS[font_css]
        layout = parts.Layout(job.html.resolve().as_uri(), fetcher, [fonts], config)
        try:
            laid, total = parts.lay_out(
                documents, parts.kept(job.name), key(job.base, font_css), layout
            )
        except parts.Unsettled:
            return None
        document = parts.merged(laid)
        _write(document, job.pdf, job.data)
    return document, total


@contextmanager
def _warnings_fail(label: str) -> Iterator[None]:
    """Turn any WeasyPrint warning logged in the block into a RenderError naming `label`."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.records:
        messages = "; ".join(r.getMessage() for r in handler.records[:5])
        raise RenderError(f"{label}: WeasyPrint reported: {messages}")


def _write(document: Any, pdf_path: Path, data: Attached | None) -> None:
    """Write a laid-out document as PDF/A-3a and PDF/UA-1, with `data` attached."""
    metadata = patches.archival_metadata(document.metadata)
    metadata.xmp_metadata = [*metadata.xmp_metadata, UA_XMP]  # not the list it shares
    document.metadata = metadata
    with _font_timestamps(data):
        document.write_pdf(
            str(pdf_path), pdf_variant="pdf/a-3a", pdf_tags=True, attachments=_attached(data)
        )


def _check_fonts(document: Any, families: set[str], label: str) -> None:
    """Fail if any character was drawn by a font outside the brief's own `families`."""
    used = {font.family for font in document.fonts.values()}
    strays = sorted(used - families)
    if strays:
        raise RenderError(
            f"{label}: some characters fell back to system fonts ({', '.join(strays)}); "
            "every character must be drawn by the brief's own fonts"
        )


def _worker_start(scratch: str) -> None:
    """Set up a typesetting process: it checks and applies the patches, keeps its temporary files
    in its parent's private folder (`scratch`), and exits if the process that started it goes away
    without shutting it down (as when `brief watch` is killed)."""
    import signal
    import threading
    import time

    from briefs.scratch import use_folder

    # Ctrl-C reaches the whole process group: the parent stops the workers (with SIGTERM, which
    # ends a worker at once, whatever handler the parent had installed when it forked it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    patches.forget_inherited_pools()
    use_folder(scratch)
    parent = os.getppid()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()


def _warm() -> None:
    """Import WeasyPrint and load the font configuration ahead of the first document."""
    from weasyprint import HTML  # noqa: F401
    from weasyprint.text.fonts import FontConfiguration

    FontConfiguration()


class Typesetter:
    """Processes that typeset PDFs, one per core, started before they are needed.

    Importing WeasyPrint takes most of a second; workers started at the beginning of a build do
    it while the main process checks the facts and renders the HTML. A `warm` typesetter (for
    `brief serve` and `brief watch`, which build again and again) gives each language its own
    process, which keeps the laid-out parts of its PDFs between builds (see parts.py).
    """

    def __init__(self, jobs: int, warm: bool = False) -> None:
        from contextlib import ExitStack

        from briefs.scratch import private_tempdir

        cores = os.cpu_count() or 1
        self.workers = min(max(jobs, 1), cores)
        self.warm = warm
        self.pools: list[Any] = []
        self._assigned: dict[str, int] = {}  # a warm typesetter's PDFs, by the worker keeping them
        self._sizes: dict[str, int] = {}
        # The workers' temporary files (WeasyPrint's font folders) live in a private folder that
        # close() removes: a terminated worker cannot clean up after itself.
        self._scratch = ExitStack()
        self.folder = self._scratch.enter_context(private_tempdir())
        if cores >= 2 or warm:  # even one worker helps: it imports WeasyPrint meanwhile
            self._start()

    @property
    def pool(self) -> Any:
        """The first pool (None when this process typesets)."""
        return self.pools[0] if self.pools else None

    def _start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        sizes = [1] * self.workers if self.warm else [self.workers]
        self.pools = [
            ProcessPoolExecutor(
                max_workers=size, initializer=_worker_start, initargs=(str(self.folder),)
            )
            for size in sizes
        ]
        for pool, size in zip(self.pools, sizes, strict=True):
            for _ in range(size):
                pool.submit(_warm)

    def run(self, jobs: list[Job], families: set[str], font_css: str, font_dir: Path) -> list[int]:
        """Typeset each job; return the page counts in order."""
        args = (families, font_css, font_dir)
        if not self.pools:
            return [html_to_pdf(j.html, j.pdf, *args, j.label, j.data) for j in jobs]
        with self._guard():
            if self.warm:
                futures = [
                    self.pools[self._worker_for(job)].submit(html_to_pdf_in_parts, job, *args)
                    for job in jobs
                ]
            else:
                futures = [
                    self.pools[0].submit(html_to_pdf, j.html, j.pdf, *args, j.label, j.data)
                    for j in jobs
                ]
            return [f.result() for f in futures]

    def _worker_for(self, job: Job) -> int:
        """The process that typesets a PDF in a warm typesetter: always the same one (it keeps
        the PDF's laid-out parts), chosen the first time as the one with the least to typeset."""
        if job.name not in self._assigned:
            load = [0] * len(self.pools)
            for name, worker in self._assigned.items():
                load[worker] += self._sizes[name]
            self._assigned[job.name] = load.index(min(load))
            self._sizes[job.name] = job.html.stat().st_size
        return self._assigned[job.name]

    def map(self, fn: Any, *iterables: list[Any]) -> list[Any]:
        """Run `fn` over the arguments in the worker processes (in this one if there is one job)."""
        if not self.pools or len(iterables[0]) < 2:
            return [fn(*args) for args in zip(*iterables, strict=True)]
        with self._guard():
            futures = [
                self.pools[index % len(self.pools)].submit(fn, *args)
                for index, args in enumerate(zip(*iterables, strict=True))
            ]
            return [f.result() for f in futures]

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn a worker that died (killed, out of memory) into a build error; start new ones."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            yield
        except BrokenProcessPool:
            self._stop()
            self._start()
            raise RenderError(
                "a typesetting process stopped unexpectedly (killed, or out of memory); "
                "nothing was written: run the build again"
            ) from None

    def close(self) -> None:
        """Stop the workers and remove their temporary files."""
        self._stop()
        self._scratch.close()

    def _stop(self) -> None:
        """Stop the workers at once (one may still be loading WeasyPrint) and wait for each pool's
        own thread to finish: Python 3.11's exit handler races with that thread for the pool's
        wake-up pipe and can print a "Bad file descriptor" traceback if it is still running."""
        for pool in self.pools:
            processes = list((pool._processes or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
        for pool in self.pools:
            pool.shutdown(wait=True)
        self.pools = []
        self._assigned.clear()


@contextmanager
def typesetting_processes(given: Typesetter | None, jobs: int) -> Iterator[Typesetter]:
    """`given` (a caller's running processes, left running), or new ones, closed afterwards."""
    if given is not None:
        yield given
        return
    made = Typesetter(jobs)
    try:
        yield made
    finally:
        made.close()
