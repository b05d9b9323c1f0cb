"""Turn HTML into PDF with WeasyPrint (local assets only, warnings fatal), swapped in atomically."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from briefs.errors import BusyError, RenderError

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


def html_to_pdf(
    html_path: Path,
    pdf_path: Path,
    families: set[str],
    font_css: str,
    font_dir: Path,
    label: str = "",
) -> int:
    """Render an HTML file to PDF; any WeasyPrint warning, or a font outside `families`, fails.

    `font_css` declares the print fonts (files in `font_dir`, the only other folder readable);
    `label` names the page in messages (the file name by default).
    """
    label = label or html_path.name
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        fetcher = _fetcher(html_path.parent, font_dir)
        config = FontConfiguration()
        fonts = CSS(string=font_css, url_fetcher=fetcher, font_config=config)
        document = HTML(filename=str(html_path), url_fetcher=fetcher).render(
            stylesheets=[fonts], font_config=config
        )
        document.write_pdf(str(pdf_path))
    finally:
        logger.removeHandler(handler)
    if handler.records:
        messages = "; ".join(r.getMessage() for r in handler.records[:5])
        raise RenderError(f"{label}: WeasyPrint reported: {messages}")
    used = {font.family for font in document.fonts.values()}
    strays = sorted(used - families)
    if strays:
        raise RenderError(
            f"{label}: some characters fell back to system fonts ({', '.join(strays)}); "
            "every character must be drawn by the brief's own fonts"
        )
    return len(document.pages)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old content or the whole new one, never a part."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)


def _warm() -> None:
    """Import WeasyPrint and load the font configuration ahead of the first document.

    The worker also exits if the process that started it goes away without shutting it down,
    as when `brief watch` is killed.
    """
    import threading
    import time

    parent = os.getppid()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    if threading.active_count() == 1:  # once per worker
        threading.Thread(target=watch_parent, daemon=True).start()
    from weasyprint import HTML  # noqa: F401
    from weasyprint.text.fonts import FontConfiguration

    FontConfiguration()


class Typesetter:
    """Processes that typeset PDFs, one per core, started before they are needed.

    Importing WeasyPrint takes most of a second; workers started at the beginning of a build do
    it while the main process checks the facts and renders the HTML.
    """

    def __init__(self, jobs: int) -> None:
        cores = os.cpu_count() or 1
        self.workers = min(max(jobs, 1), cores)
        self.pool: Any = None
        if cores >= 2:  # even one worker helps: it imports WeasyPrint while this process works
            self._start()

    def _start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(max_workers=self.workers)
        for _ in range(self.workers):
            self.pool.submit(_warm)

    def run(
        self,
        jobs: list[tuple[Path, Path, str]],
        families: set[str],
        font_css: str,
        font_dir: Path,
    ) -> list[int]:
        """Typeset each (HTML, PDF, label) job; return the page counts in order."""
        args = (families, font_css, font_dir)
        if self.pool is None:
            return [html_to_pdf(h, p, *args, label) for h, p, label in jobs]
        with self._guard():
            futures = [self.pool.submit(html_to_pdf, h, p, *args, label) for h, p, label in jobs]
            return [f.result() for f in futures]

    def map(self, fn: Any, *iterables: list[Any]) -> list[Any]:
        """Run `fn` over the arguments in the worker processes (in this one if there is one job)."""
        if self.pool is None or len(iterables[0]) < 2:
            return [fn(*args) for args in zip(*iterables, strict=True)]
        with self._guard():
            return list(self.pool.map(fn, *iterables))

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn a worker that died (killed, out of memory) into a build error; start new ones."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            yield
        except BrokenProcessPool:
            self.close()
            self._start()
            raise RenderError(
                "a typesetting process stopped unexpectedly (killed, or out of memory); "
                "nothing was written: run the build again"
            ) from None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


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


@contextmanager
def lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder, or refuse at once if another build has it."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / ".lock", "w")  # noqa: SIM115
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BusyError(f"another build is writing to {out}; wait for it to finish") from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by the finished `staging` folder in (nearly) one step."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)
