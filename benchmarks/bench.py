"""Measure brief as whole processes on the default project and print a table of figures.

Run with `make bench` (or `.venv/bin/python benchmarks/bench.py [--quick]`). Nothing here asserts
a time: the figures are for people to read and to compare against the targets printed beside them.
--quick skips the cold builds; --scaling adds the 50-variant scaling run (several minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIEF = [sys.executable, "-m", "briefs.cli"]
NAME = "china-asean-digital"
LANGS = ("zh", "en")
# Peak memory of the largest process a command starts (the command or one of its workers).
_PEAK = (
    "import resource, subprocess, sys;"
    "code = subprocess.call(sys.argv[1:]);"
    "print('PEAK_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
    "sys.exit(code)"
)


def run(
    cmd: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[float, int]:
    """Run a command to completion; return wall seconds and the peak RSS in MB."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    peak = int(re.search(r"PEAK_KB (\d+)", done.stderr).group(1))  # type: ignore[union-attr]
    return elapsed, peak // 1024


def build_cmd(project: Path, out: Path, *options: str) -> list[str]:
    """The command line of one `brief build` of `project` into `out`."""
    return [*BRIEF, "build", "--project", str(project), "--out", str(out), *options]


def project_copy(where: Path) -> Path:
    target = where / "project"
    for part in ("facts", "charts", "templates"):
        shutil.copytree(ROOT / part, target / part)
    return target


# Facts the rebuild measures edit: the headline figure (cited in several chapters, the key
# findings and the memo) and a figure cited in one chapter.
HEADLINE = "china-asean-cross-border-ecommerce-growth"
ONE_CHAPTER = "asean-active-internet-users-2025"


def edit_fact(project: Path, fact_id: str, step: int) -> None:
    """Change how a figure is qualified (its `approx`), which changes every page that cites it;
    the value stays as its quote states it."""
    for path in sorted((project / "facts").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        block = re.search(rf"  - id: {fact_id}\n(?:    .*\n)+", text)
        if block is None:
            continue
        qualifier = ("about", "over", "nearly")[step % 3]
        fact, count = re.subn(r"    approx: \w+\n", f"    approx: {qualifier}\n", block[0])
        if count == 0:
            fact = block[0].replace("    kind:", f"    approx: {qualifier}\n    kind:", 1)
        path.write_text(text.replace(block[0], fact), encoding="utf-8")
        return
    raise SystemExit(f"the benchmark's fact {fact_id} is missing")


def html_size(folder: Path) -> int:
    """Bytes of what a browser needs: the HTML files, charts, stylesheets and fonts (no PDFs)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.suffix != ".pdf")


def pages(pdf: Path) -> int:
    from pypdf import PdfReader  # a test dependency: `make bench` installs it

    return len(PdfReader(pdf).pages)


def naive_render(built: Path, scratch: Path) -> tuple[float, int]:
    """The same HTML rendered the naive way: WeasyPrint with the full fonts, no caching."""
    import fontpkg_source_sans_3
    import fontpkg_source_serif_4
    import pylopdf_fonts_zh_cn

    folder = scratch / "naive"
    shutil.copytree(built, folder)
    serif = Path(fontpkg_source_serif_4.ROOT) / "files"
    sans = Path(fontpkg_source_sans_3.ROOT) / "files"
    faces = [
        ("Noto Serif SC", "normal", "400", pylopdf_fonts_zh_cn.serif_path()),
        ("Noto Sans SC", "normal", "400", pylopdf_fonts_zh_cn.sans_path()),
        ("Source Serif 4", "normal", "200 900", serif / "SourceSerif4[opsz,wght].ttf"),
        ("Source Serif 4", "italic", "200 900", serif / "SourceSerif4-Italic[opsz,wght].ttf"),
        ("Source Sans 3", "normal", "200 900", sans / "SourceSans3[wght].ttf"),
        ("Source Sans 3", "italic", "200 900", sans / "SourceSans3-Italic[wght].ttf"),
    ]
    rules = []
    for i, (family, style, weight, path) in enumerate(faces):
        shutil.copyfile(path, folder / f"full{i}{path.suffix}")
        rules.append(
            f"@font-face {{ font-family: '{family}'; font-style: {style}; "
            f"font-weight: {weight}; src: url('full{i}{path.suffix}'); }}"
        )
    (folder / "fonts.css").write_text("\n".join(rules), encoding="utf-8")
    script = (
        "import sys; from weasyprint import HTML;HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"
    )
    return run([sys.executable, "-c", script, str(folder / f"{NAME}.html"), str(folder / "n.pdf")])


def _started(
    command: list[str], env: dict[str, str]
) -> tuple[subprocess.Popen[str], Callable[[str], str]]:
    """A long-running brief command, and a function that waits (at most 120 s) for a line of
    its output holding some text and returns that line."""
    proc = subprocess.Popen(
        [*BRIEF, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()

    def wait_for(text: str) -> str:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            with contextlib.suppress(queue.Empty):
                line = lines.get(timeout=1)
                if text in line:
                    return line
        raise SystemExit(f"brief {command[0]} did not print {text!r}")

    return proc, wait_for


def watch_rebuilds(project: Path, out: Path, env: dict[str, str], steps: range) -> list[float]:
    """Seconds from saving a fact to `brief watch` reporting the rebuilt PDFs, per save."""
    command = ["watch", "--project", str(project), "--out", str(out), "--lang", "zh"]
    proc, wait_for = _started(command, env)
    times = []
    try:
        wait_for("watching")
        for step in steps:
            edit_fact(project, HEADLINE, step)
            started = time.perf_counter()
            wait_for("charts:")  # the last line of a build's report
            times.append(time.perf_counter() - started)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return times


def serve_rebuilds(
    project: Path, out: Path, env: dict[str, str], steps: range
) -> list[tuple[float, float]]:
    """Seconds from saving a fact, with `brief serve` running, to the served page showing it
    and to the served PDF being replaced, per save."""
    command = ["serve", "--project", str(project), "--out", str(out), "--lang", "zh"]
    proc, wait_for = _started([*command, "--port", "0"], env)

    def figure(url: str) -> str:
        with urllib.request.urlopen(url, timeout=30) as response:
            html = str(response.read(), "utf-8")
        found = re.search(f'<data [^>]*data-fact="{HEADLINE}".*?</data>', html)
        return found[0] if found else ""

    times = []
    try:
        url = wait_for("serving ").split()[1]
        wait_for("watching")
        for step in steps:
            before = figure(url)
            edit_fact(project, HEADLINE, step)
            started = time.perf_counter()
            while figure(url) == before:
                if time.perf_counter() - started > 120:
                    raise SystemExit("the served page did not change within 120 s of a save")
                time.sleep(0.02)
            html = time.perf_counter() - started
            wait_for("PDF updated")
            times.append((html, time.perf_counter() - started))
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    return times


class _Text(HTMLParser):
    """The report page's headings, paragraphs, list items, footnotes and charts, in order."""

    BLOCKS = ("h1", "h2", "h3", "p", "li", "td", "th", "figcaption")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, str]] = []
        self.open: list[str] = []
        self.note: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "style", "nav"):
            self.skip += 1
        elif tag == "img" and (found.get("src") or "").endswith(".svg"):
            self.items.append(("image", found["src"] or ""))
        elif tag == "span" and "footnote" in (found.get("class") or "").split():
            self.note = []
        elif tag in self.BLOCKS:
            self.open.append(tag)
            self.items.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "nav"):
            self.skip -= 1
        elif tag == "span" and self.note is not None:
            self.items.append(("note", " ".join("".join(self.note).split())))
            self.note = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.note is not None:
            self.note.append(data)
        elif self.items and self.items[-1][0] in self.BLOCKS:
            kind, text = self.items[-1]
            self.items[-1] = (kind, text + data)


def _typst_source(page: Path, families: list[str]) -> str:
    """The report's text, footnotes and charts as a Typst document (the yardstick's input)."""
    parser = _Text()
    parser.feed(page.read_text("utf-8"))

    def quoted(text: str) -> str:
        return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'

    fonts = ", ".join(quoted(f) for f in families)
    lines = [f"#set text(font: ({fonts}), size: 10.5pt)", '#set page(paper: "a4")']
    for kind, text in parser.items:
        if kind == "image":
            lines.append(f'#image("{text}", width: 100%)')
        elif kind == "note":
            lines.append(f"#footnote[#{quoted(text)}]")
        elif text.strip() and kind in ("h1", "h2", "h3"):
            lines.append(f"\n#heading(level: {int(kind[1])})[#{quoted(text)}]\n")
        elif text.strip():
            lines.append(f"\n#{quoted(text)}")
    return "\n".join(lines) + "\n"


def yardstick(out: Path) -> tuple[float, float] | None:
    """Seconds Typst takes to typeset the Chinese report's text, footnotes and charts from scratch
    (median of 3) and again after a figure is revised, warm as `typst watch` is (median of 5): the
    issues' targets hold where Typst takes 0.13 s. The Typst document is this script's own
    rendering of the page (text and images, not its styles). None without the `typst` package
    (pip install typst)."""
    try:
        import typst  # type: ignore[import-not-found,unused-ignore]
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    from briefs.fonts import FACES

    families = sorted({TTFont(f.source, fontNumber=0)["name"].getBestFamilyName() for f in FACES})
    folder = out / "zh"
    source = folder / "yardstick.typ"
    text = _typst_source(folder / f"{NAME}.html", families)
    source.write_text(text, "utf-8")
    paths = sorted({str(f.source.parent) for f in FACES})
    cold = []
    for _ in range(3):
        started = time.perf_counter()
        compiler = typst.Compiler(str(source), font_paths=paths)
        first = compiler.compile(format="pdf")
        cold.append(time.perf_counter() - started)
    if not isinstance(first, bytes) or not first.startswith(b"%PDF"):
        return None
    figure = re.search(r"\d+", text[len(text) // 3 :])
    assert figure is not None
    at = len(text) // 3 + figure.start()
    times = []
    for step in range(5):  # a figure revised in the middle of the text, as the benchmark's saves
        source.write_text(text[:at] + str(step + 1) + text[at:], "utf-8")
        started = time.perf_counter()
        compiler.compile(format="pdf")
        times.append(time.perf_counter() - started)
    source.unlink()
    return sorted(cold)[1], sorted(times)[2]


def variants(project: Path, scratch: Path, count: int, workers: int) -> float:
    """Build `count` variants (a memo each, as one per audience would be), `workers` at once."""

    def one(i: int) -> None:
        out = scratch / f"variants-{workers}" / f"v{i}"
        run(build_cmd(project, out, "--lang", "zh", "--variant", "memo", "--force", "--quiet"))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the cold builds")
    parser.add_argument("--scaling", action="store_true", help="add the 50-memo scaling run")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []

    def row(name: str, value: str, target: str = "") -> None:
        rows.append((name, value, target))
        print(f"  {name}: {value}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        project = project_copy(scratch)
        out = scratch / "build"
        warm = {"BRIEF_CACHE_DIR": str(scratch / "warm-cache")}

        if not args.quick:
            for lang in ("zh", "en", "all"):
                cold = {"BRIEF_CACHE_DIR": str(scratch / f"cold-{lang}")}
                seconds, mb = run(
                    build_cmd(project, scratch / f"cold-out-{lang}", "--lang", lang),
                    cold,
                )
                row(
                    f"cold build --lang {lang} (empty caches)",
                    f"{seconds:.1f} s, {mb} MB",
                    "all ≤ 6 s" if lang == "all" else "",
                )
        run(build_cmd(project, out), warm)
        stick = yardstick(out)
        row(
            "yardstick: Typst typesets the zh report's text, notes and charts: cold / warm edit",
            f"{stick[0]:.2f} s / {stick[1]:.2f} s" if stick else "not measured (pip install typst)",
            "0.13 s where the targets hold",
        )
        seconds, mb = run(build_cmd(project, out, "--force"), warm)
        row("full rebuild --lang all, warm font cache", f"{seconds:.1f} s, {mb} MB", "≤ 500 MB")
        times = []
        for _ in range(5):
            times.append(run(build_cmd(project, out), warm)[0])
        row("no-op rebuild (median of 5)", f"{sorted(times)[2]:.2f} s", "≤ 0.3 s")
        one_fact = 0.0
        for name, fact_id in (
            ("the headline figure", HEADLINE),
            ("a one-chapter figure", ONE_CHAPTER),
        ):
            times = []
            for step in range(1, 4):
                edit_fact(project, fact_id, step)
                times.append(run(build_cmd(project, out, "--lang", "zh"), warm)[0])
            one_fact = max(one_fact, sorted(times)[1])
            row(
                f"rebuild --lang zh after editing {name} (median of 3)",
                f"{sorted(times)[1]:.1f} s",
                "≤ 3 s",
            )
        saves = watch_rebuilds(project, out, warm, range(4, 7))
        row(
            "brief watch --lang zh: one fact saved to PDFs written (median of 3)",
            f"{sorted(saves)[1]:.1f} s",
            "(includes the watcher's 0.3 s debounce)",
        )
        served = serve_rebuilds(project, out, warm, range(7, 10))
        row(
            "brief serve --lang zh: one fact saved to the served page showing it (median of 3)",
            f"{sorted(t[0] for t in served)[1]:.2f} s",
            "≤ 1 s (includes the 0.3 s debounce)",
        )
        row(
            "brief serve --lang zh: one fact saved to the served PDF replaced (median of 3)",
            f"{sorted(t[1] for t in served)[1]:.1f} s",
            "≤ 2 s",
        )
        times = [run([*BRIEF, "--help"])[0] for _ in range(5)]
        row("brief --help (median of 5)", f"{sorted(times)[2]:.2f} s", "≤ 0.3 s")
        run(build_cmd(project, out, "--force"), warm)
        for lang in LANGS:
            pdf = out / lang / f"{NAME}.pdf"
            row(
                f"{lang} report: pages, PDF size",
                f"{pages(pdf)} pages, {pdf.stat().st_size / 1e6:.2f} MB",
                "zh PDF ≤ 1.5 MB" if lang == "zh" else "",
            )
            row(
                f"{lang} HTML with its charts, styles and fonts",
                f"{html_size(out / lang) / 1e6:.2f} MB",
                "≤ 2 MB",
            )
        seconds = run(build_cmd(project, out, "--format", "docx", "--force"), warm)[0]
        sizes = ", ".join(
            f"{lang} {(out / lang / f'{NAME}.docx').stat().st_size / 1e6:.2f} MB" for lang in LANGS
        )
        row(
            "Word files --lang all --format docx (--force); report sizes",
            f"{seconds:.1f} s; {sizes}",
        )
        report_time = run(
            build_cmd(project, out, "--lang", "zh", "--variant", "report", "--force"),
            warm,
        )[0]
        naive, naive_mb = naive_render(out / "zh", scratch)
        row("zh report from scratch (--force), brief, whole process", f"{report_time:.1f} s")
        row(
            "zh report, naive WeasyPrint with full fonts",
            f"{naive:.1f} s, {naive_mb} MB",
            f"brief {naive / report_time:.1f}× faster from scratch, "
            f"{naive / one_fact:.1f}× after one fact (target ≥ 5×)",
        )
        if args.scaling:
            one = variants(project, scratch, 50, 1)
            two = variants(project, scratch, 50, 2)
            row("50 memo variants, 1 at a time", f"{one:.1f} s")
            row(
                "50 memo variants, 2 at a time",
                f"{two:.1f} s",
                f"speed-up {one / two:.2f}× on 2 cores",
            )

    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}} | figure | target")
    print(f"{'-' * width} | --- | ---")
    for name, value, target in rows:
        print(f"{name:<{width}} | {value} | {target}")


if __name__ == "__main__":
    main()
