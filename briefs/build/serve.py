"""Turn a brief project into a live preview: the output folder served on 127.0.0.1, rebuilt on
every save, and the open page reloaded (server-sent events) as soon as its new HTML is rendered.

Each save renders the pages at once and the server shows them from memory, ahead of the folder;
the PDFs are typeset in a background thread and swapped into the folder, at the same paths, when
ready. A build error is shown in the page and cleared by the next good build.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from briefs.build.incremental import Plan, plan
from briefs.build.pipeline import (
    STYLESHEETS,
    Rendered,
    _print_name,
    render_all,
    write_all,
)
from briefs.build.saves import saves
from briefs.compose.render import stylesheet
from briefs.errors import BriefError
from briefs.publish.pdf import Typesetter

EVENTS = "/_brief/events"
HOST = "127.0.0.1"
# How long an idle event stream waits before a keep-alive comment (and a look at `closed`).
_KEEPALIVE = 10.0
Say = Callable[[str], None]


@dataclass
class State:
    """What the page is told: the generation of the pages served, the errors, the PDFs' news."""

    page: int = 0
    errors: list[str] = field(default_factory=list)
    pdf: str = ""
    version: int = 0


class Preview:
    """The served pages (the newest rendered ones, ahead of the folder while PDFs are typeset),
    the current error, and the news the event streams wait for."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.index = ""
        self.files: dict[str, bytes | Path] = {}
        self.state = State()
        self.closed = False
        self._changed = threading.Condition()

    def show(self, files: dict[str, bytes | Path], index: str) -> None:
        """New pages: every open page reloads."""
        with self._changed:
            self.files, self.index = files, index
            self.state = State(self.state.page + 1, [], self.state.pdf, self.state.version + 1)
            self._changed.notify_all()

    def fail(self, errors: list[str]) -> None:
        """A build failed: the pages stay as they were and show the errors."""
        self._update(errors=errors)

    def pdf_news(self, news: str) -> None:
        self._update(pdf=news)

    def _update(self, **changes: Any) -> None:
        with self._changed:
            for name, value in changes.items():
                setattr(self.state, name, value)
            self.state.version += 1
            self._changed.notify_all()

    def served(self, name: str) -> tuple[bytes | Path | None, int]:
        """A file as the server sends it (held in memory, else the folder's) and the generation
        of the pages it belongs to, read together so that a page never claims a newer one."""
        with self._changed:
            held, page = self.files.get(name), self.state.page
        disk = self.out / name
        if held is None and disk.is_file() and disk.resolve().is_relative_to(self.out):
            held = disk
        return held, page

    def wait(self, seen: int) -> State | None:
        """The state once it is newer than version `seen` (the same one after a keep-alive
        interval); None once the preview is closed."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.state.version != seen, _KEEPALIVE)
            if self.closed:
                return None
            return replace(self.state, errors=list(self.state.errors))

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def site_files(rendered: Rendered) -> dict[str, bytes | Path]:
    """What a build puts in each language's folder for browsers, keyed "<lang>/<name>"."""
    fonts, templates = rendered.fonts, rendered.project.paths.templates
    common: dict[str, bytes | Path] = {f"fonts/{p.name}": p for p in fonts.web_files()}
    common["fonts.css"] = fonts.css(web=True).encode("utf-8")
    for name in STYLESHEETS:
        common[name] = stylesheet(templates, name).encode("utf-8")
    files: dict[str, bytes | Path] = {}
    for lang, pages in rendered.pages.items():
        page_files = {
            name: content.encode("utf-8") if isinstance(content, str) else content
            for name, content in pages.files.items()
        }
        for name, content in (common | page_files).items():
            files[f"{lang}/{name}"] = content
    return files


_LIVE = """<script>(function () {
  var page = %d, pdf = null;
  var events = new EventSource("%s");
  function box(id, css) {
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("div");
      el.id = id;
      el.setAttribute("role", "alert");
      el.style.cssText = "position:fixed;left:1rem;right:1rem;z-index:9999;padding:.8rem 1rem;" +
        "font:14px/1.5 monospace;white-space:pre-wrap;border-radius:4px;" + css;
      document.body.appendChild(el);
    }
    return el;
  }
  events.addEventListener("state", function (message) {
    var state = JSON.parse(message.data);
    if (state.page !== page) { location.reload(); return; }
    var error = document.getElementById("brief-error");
    if (state.errors.length) {
      box("brief-error", "top:1rem;background:#fff0f0;color:#8a0000;border:2px solid #8a0000")
        .textContent = "brief: the last save did not build\\n\\n" + state.errors.join("\\n");
    } else if (error) { error.remove(); }
    if (pdf !== null && state.pdf !== pdf) {
      var note = box("brief-pdf",
        "bottom:1rem;background:#f0f6ff;color:#0b3d91;border:1px solid #0b3d91");
      note.textContent = state.pdf;
      setTimeout(function () { note.remove(); }, 4000);
    }
    pdf = state.pdf;
  });
})();</script>
"""

_WAITING = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>brief serve</title>'
    "</head><body><p>No page has been built yet.</p></body></html>"
)


def live(html: bytes, page: int) -> bytes:
    """The page with the script that reloads it and shows build errors."""
    script = (_LIVE % (page, EVENTS)).encode("utf-8")
    at = html.rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


class _Handler(SimpleHTTPRequestHandler):
    """GET only: the event stream, the pages from memory, everything else from the folder."""

    preview: Preview

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == EVENTS:
            self._events()
        elif path in ("/", "/_") and (path == "/" or self.preview.index):
            # "/_" waits for the first good build, then goes to the report.
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", f"/{self.preview.index}" if self.preview.index else "/_")
            self.end_headers()
        elif any(part.startswith(".") for part in path.split("/")):
            self.send_error(HTTPStatus.NOT_FOUND)
        else:
            self._file(path.lstrip("/"))

    def do_HEAD(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

    def _file(self, name: str) -> None:
        held, page = self.preview.served(name)
        if held is None and not name.endswith(".html") and name != "_":
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        data = held.read_bytes() if isinstance(held, Path) else held
        if data is None:
            data = _WAITING.encode("utf-8")
        if name.endswith(".html") or name == "_":
            data = live(data, page)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(name))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def guess_type(self, path: Any) -> str:
        if str(path) == "_":
            return "text/html"
        kind = super().guess_type(path)
        return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        with contextlib.suppress(OSError):
            while (state := self.preview.wait(seen)) is not None:
                if state.version == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    news = {"page": state.page, "errors": state.errors, "pdf": state.pdf}
                    self.wfile.write(f"event: state\ndata: {json.dumps(news)}\n\n".encode())
                    seen = state.version
                self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows builds, not requests."""


# A rendered build and the plan it was rendered under (the manifest records its input hashes).
Job = tuple[Rendered, Plan]


class _Typesetting(threading.Thread):
    """Typesets the newest rendered build in the background; a newer one replaces a waiting one."""

    def __init__(self, run: Callable[[Job], None]) -> None:
        super().__init__(name="brief-typesetting")
        self._run = run
        self._next: Job | None = None
        self._stopped = False
        self._wake = threading.Condition()

    def submit(self, job: Job) -> None:
        with self._wake:
            self._next = job
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._stopped or self._next is not None)
                if self._stopped:
                    return
                job, self._next = self._next, None
            if job is not None:
                self._run(job)


class _InProcess(Typesetter):
    """Draws the charts of a save in this process: the workers may be busy typesetting."""

    def __init__(self) -> None:
        self.workers = 1
        self.warm = False
        self.pools = []


@dataclass
class Session:
    """One `brief serve`: what it builds, and the pieces that run while it watches."""

    root: Path
    out: Path
    langs: tuple[str, ...]
    variants: tuple[str, ...]
    say: Say
    preview: Preview
    workers: Typesetter
    typesetting: _Typesetting | None = None
    # The first typesetting lays every PDF out even if the folder is up to date, so that the
    # typesetting processes hold the report's parts when the first save comes.
    prime: bool = True

    def render(self) -> None:
        """Render the pages and show them; hand the PDFs to the background thread.

        Every save renders (a save that undoes the one being typeset must win over it); the
        typesetting keeps each PDF whose page did not change.
        """
        started = time.perf_counter()
        todo = plan(self.root, self.out, self.langs, self.variants, True)
        try:
            rendered = render_all(
                self.root, self.out, self.langs, self.variants, _quiet, todo, _InProcess()
            )
        except BriefError as exc:
            errors = [str(problem) for problem in exc.problems]
            self.preview.fail(errors)
            for error in errors:
                self.say(f"error: {error}")
            return
        lang = self.langs[0]
        self.preview.show(site_files(rendered), f"{lang}/{_page_name(rendered)}")
        self.say(f"pages updated in {time.perf_counter() - started:.2f} s")
        if self.typesetting is not None:
            self.typesetting.submit((rendered, todo))

    def write(self, job: Job) -> None:
        """Typeset and swap in one build (in the background thread)."""
        started = time.perf_counter()
        rendered, todo = job
        try:
            force, self.prime = self.prime, False
            result = write_all(rendered, self.out, self.variants, self.workers, todo, force)
        except BriefError as exc:
            if not self.preview.closed:
                self.preview.fail([str(problem) for problem in exc.problems])
                for problem in exc.problems:
                    self.say(f"error: {problem}")
            return
        except Exception:
            if self.preview.closed:  # Ctrl-C stopped the workers mid-way
                return
            raise
        pdfs = [o for o in result.outputs if o.path.suffix == ".pdf"]
        typeset = [o for o in pdfs if not o.kept]
        news = f"PDF updated in {time.perf_counter() - started:.1f} s: " + ", ".join(
            f"{o.path.parent.name}/{o.path.name}" for o in typeset
        )
        self.preview.pdf_news(news if typeset else "PDFs unchanged")
        self.say(news if typeset else "PDFs unchanged")


def _quiet(_: str) -> None:
    return None


def _page_name(rendered: Rendered) -> str:
    return _print_name(rendered.project, "report").removeprefix(".print-")


@contextlib.contextmanager
def running(session: Session, port: int) -> Iterator[str]:
    """The server and the typesetting thread, running; stopped, with the workers, on exit."""
    handler = type("Handler", (_Handler,), {"preview": session.preview})
    server = ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    serving = threading.Thread(target=server.serve_forever, name="brief-server", daemon=True)
    session.typesetting = _Typesetting(session.write)
    serving.start()
    session.typesetting.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        session.preview.close()
        session.typesetting.stop()
        server.shutdown()
        server.server_close()
        # Stopping the workers ends a PDF being typeset; the thread then cleans its staging up.
        session.workers.close()
        session.typesetting.join(timeout=60)
        session.workers.close()


def serve(
    root: Path,
    out: Path,
    langs: tuple[str, ...],
    variants: tuple[str, ...],
    port: int,
    say: Say,
) -> None:
    """Build, serve `out` on 127.0.0.1:`port` (0: any free port) and rebuild on every save."""
    workers = Typesetter(len(langs) * len(variants), warm=True)
    session = Session(root, out, langs, variants, say, Preview(out.resolve()), workers)
    with running(session, port) as url:
        session.render()
        if not session.preview.index:  # the project does not build: show the last good pages
            session.preview.index = f"{langs[0]}/{_index_guess(out, langs[0])}"
        say(f"serving {url}{session.preview.index} (Ctrl-C stops)")
        for changed in saves(root, say):
            say(f"changed: {', '.join(_rel(path, root) for path in changed)}")
            session.render()


def _index_guess(out: Path, lang: str) -> str:
    """The report's page in a folder an earlier build wrote: the HTML page without a variant."""
    pages = sorted((out / lang).glob("*.html"), key=lambda p: len(p.name))
    return pages[0].name if pages else ""


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
