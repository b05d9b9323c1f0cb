"""A project from a stranger, built: each attack is a clear located error (or a correct build),
never a traceback, never outside content in a message or an output, never a request."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from folders import digest
from htmlprose import html_prose
from typer.testing import CliRunner

from briefs.cli import app

PROSE = "templates/prose/en/paths.html.j2"
SOURCE = "facts/sources/example.txt"
SECRET = "TOP-SECRET-LINE-7f3a"  # the content of the "outside" file: never to appear anywhere


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An example project built once in English; each case copies it."""
    project = tmp_path_factory.mktemp("hostile") / "example"
    runner = CliRunner()
    assert runner.invoke(app, ["new", str(project)]).exit_code == 0
    html_prose(project)  # the attacks below are written in HTML prose
    result = runner.invoke(app, ["build", "--project", str(project), "--lang", "en"])
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture()
def project(good: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "example"
    shutil.copytree(good, copy, symlinks=True)
    return copy


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A file outside the project, standing for /etc/passwd or a private key."""
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET}\nroot:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return secret


def _append(project: Path, rel: str, text: str) -> int:
    """Append lines to a file; return the line number of the first one."""
    path = project / rel
    old = path.read_text(encoding="utf-8")
    if not old.endswith("\n"):
        old += "\n"
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def _refused(project: Path, where: str, message: str, command: str = "build") -> str:
    """Run a command that must fail cleanly: located message, no traceback, outputs unchanged,
    nothing of the outside file shown."""
    before = digest(project / "build")
    args = [command, "--project", str(project)] + (["--lang", "en"] if command == "build" else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert where in result.output, result.output
    assert message in result.output, result.output
    assert SECRET not in result.output and "root:x:0" not in result.output
    assert digest(project / "build") == before, "the last good outputs changed"
    return result.output


# Template code that tries to reach Python's internals, or names Jinja does not document.
ESCAPES = [
    ('{{ "".__class__.__mro__[1].__subclasses__() }}', "not Python's internals"),
    ("{{ F.__init__.__globals__ }}", "not Python's internals"),
    ("{{ claim.__globals__ }}", "not Python's internals"),
    ("{{ S.update({'title': 'x'}) }}", "not Python's internals"),
    ("{{ self._TemplateReference__context }}", "not Python's internals"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "not Python's internals"),
    ("{{ lipsum.__globals__ }}", "'lipsum' is undefined"),
    ("{{ range(3) | list }}", "'range' is undefined"),
]


@pytest.mark.parametrize(("code", "message"), ESCAPES, ids=[e[0][:30] for e in ESCAPES])
def test_templates_are_sandboxed(project: Path, code: str, message: str) -> None:
    line = _append(project, PROSE, f"<p>{code}</p>\n")
    _refused(project, f"{PROSE}:{line}", message)


@pytest.mark.parametrize(
    "tag",
    [
        '{% include "/etc/passwd" %}',
        '{% include "../../../facts/brief.yaml" %}',
        '{% import "/etc/hostname" as h %}',
        '{% extends "../../../../../../etc/passwd" %}',
        '{% from "../facts/brief.yaml" import x %}',
    ],
)
def test_templates_include_nothing_from_outside(project: Path, tag: str) -> None:
    """In a layout template of the project's own (prose is wrapped in a block: no extends)."""
    (project / "templates/report.html.j2").write_text(f"{tag}\n<p>x</p>\n", encoding="utf-8")
    _refused(project, "templates/report.html.j2:1", "is in neither the project nor the theme")


def _file_line(project: Path) -> int:
    """The line of facts/brief.yaml that names the example's source file."""
    text = (project / "facts/brief.yaml").read_text(encoding="utf-8")
    return text[: text.index("file: sources/example.txt")].count("\n") + 1


def test_a_source_outside_the_project_is_refused(project: Path, outside: Path) -> None:
    brief = project / "facts/brief.yaml"
    text = brief.read_text(encoding="utf-8")
    line = text[: text.index("file: sources/example.txt")].count("\n") + 1
    brief.write_text(text.replace("sources/example.txt", str(outside)), encoding="utf-8")
    _refused(project, f"brief.yaml:{line}:", "lies outside the project", "check")
    brief.write_text(text.replace("sources/example.txt", "../../private/secret.txt"), "utf-8")
    _refused(project, f"brief.yaml:{line}:", "lies outside the project", "check")


@pytest.mark.parametrize(
    "rel",
    [SOURCE, PROSE, "facts/more.yaml", "charts/more.yaml", "templates/style.css"],
)
def test_a_link_leading_out_of_the_project_is_refused(
    project: Path, outside: Path, rel: str
) -> None:
    link = project / rel
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    _refused(project, str(link), "a link that leads outside the project")


def test_a_linked_folder_leading_out_is_refused(project: Path, outside: Path) -> None:
    (outside.parent / "x.html.j2").write_text(f"<p>{SECRET}</p>", encoding="utf-8")
    (project / "templates/prose/en/extra").symlink_to(outside.parent)
    _refused(project, "templates/prose/en/extra", "a link that leads outside the project")


def test_a_link_inside_the_project_is_followed(project: Path) -> None:
    """Links are fine while they stay in the project: a shared source kept in another folder."""
    shared = project / "shared" / "bulletin.txt"
    shared.parent.mkdir()
    (project / SOURCE).rename(shared)
    (project / SOURCE).symlink_to(Path("../../shared/bulletin.txt"))
    result = CliRunner().invoke(app, ["check", "--project", str(project)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "is a PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "is a Word, OpenDocument or ZIP file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
        ("示例市统计公报".encode("gb18030"), "not UTF-8 text"),
        (b"text\x00with a NUL byte", "binary data, not text"),
    ],
)
def test_a_source_that_is_not_text_says_how_to_convert_it(
    project: Path, content: bytes, kind: str
) -> None:
    (project / SOURCE).write_bytes(content)
    out = _refused(project, f"brief.yaml:{_file_line(project)}:", kind, "check")
    assert "brief import facts/sources/example.txt" in out


def test_a_100_mb_source_is_refused_in_bounded_time_and_memory(project: Path) -> None:
    """`brief check` stands for the build here: both read the sources first, and the check is
    the same code without a minute of typesetting. Bounded: see _limited."""
    with (project / SOURCE).open("ab") as handle:
        line = "2024年示例市数字经济规模继续扩大，数据交易和算力建设同步推进。\n".encode()
        handle.write(line * (100_000_000 // len(line)))
    result = _limited(["check", "--project", str(project)])
    assert result.returncode == 1, result.stderr
    assert (
        f"brief.yaml:{_file_line(project)}:" in result.stderr
        and "bytes; brief reads sources up to" in result.stderr
    )
    assert "Traceback" not in result.stderr


def _limited(
    args: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run brief in a process limited to 2 GB of address space and 300 s (a shared machine)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [sys.executable, "-m", "briefs", *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
        env=env or _env(),
        check=False,
    )


def _env(**extra: str) -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, **extra}


def test_a_yaml_alias_bomb_is_refused(project: Path) -> None:
    bomb = ["bomb:", '  a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"  {level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}]")
    (project / "facts/bomb.yaml").write_text("\n".join(bomb) + "\n", encoding="utf-8")
    _refused(project, "bomb.yaml:2:", "anchors (&name) are not allowed", "check")


def test_twenty_thousand_facts_check_in_bounded_time(project: Path) -> None:
    """`brief check` runs every phase a build runs before typesetting; a build of 20,000 facts
    would typeset a timeline of that many rows, which is the typesetter's time, not brief's."""
    _many_facts(project, 20_000)
    result = _limited(["check", "--project", str(project)])
    assert result.returncode == 0, result.stderr
    assert "ok: 20008 facts" in result.stdout, result.stdout


def _many_facts(project: Path, count: int) -> None:
    """A second source in English stating `count` figures, and one fact for each."""

    def name(i: int) -> str:
        letters = ""
        i += 26 * 26
        while i:
            i, rest = divmod(i, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.capitalize()

    lines = [
        f"In district {name(i)}, the count of widgets stood at {1000 + 7 * i:,}."
        for i in range(count)
    ]
    (project / "facts/sources/widgets.txt").write_text("\n".join(lines), encoding="utf-8")
    brief = project / "facts/brief.yaml"
    source = (
        "sources:\n  - id: widget-census\n    file: sources/widgets.txt\n    language: en\n"
        '    date: "2025-01"\n    title: {en: Widget census}\n    publisher: {en: Widget Office}\n'
    )
    brief.write_text(brief.read_text(encoding="utf-8").replace("sources:\n", source, 1), "utf-8")
    per = 4000
    for first in range(0, count, per):
        facts = [
            {
                "id": f"widgets-{i}",
                "section": "progress",
                "theme": "economy",
                "value": 1000 + 7 * i,
                "unit": "count",
                "period": "2024",
                "kind": "actual",
                "label": {"zh": "小部件数量", "en": "Widget count"},
                "source": "widget-census",
                "quote": f"district {name(i)}, the count of widgets stood at {1000 + 7 * i:,}",
            }
            for i in range(first, min(first + per, count))
        ]
        text = yaml.safe_dump({"facts": facts}, allow_unicode=True, sort_keys=False)
        (project / f"facts/widgets-{first // per}.yaml").write_text(text, encoding="utf-8")


MARKUP = "<i onclick=alert()>x</i>&amp;<script>y</script>"


def _texts(node: object) -> Iterator[dict[str, str]]:
    """Every {zh, en} text of a YAML tree."""
    if isinstance(node, dict):
        if set(node) == {"zh", "en"} and all(isinstance(v, str) for v in node.values()):
            yield node  # type: ignore[misc]
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def test_markup_in_every_text_field_is_printed_as_text(project: Path) -> None:
    """Titles, headings, labels, texts, names, chart titles and notes: all escaped."""
    for rel in ("facts/brief.yaml", "facts/facts.yaml", "charts/charts.yaml"):
        path = project / rel
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        for text in _texts(tree):
            for lang in text:
                text[lang] = f"{text[lang]} {MARKUP}"
        path.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), "utf-8")
    result = CliRunner().invoke(app, ["build", "--project", str(project), "--lang", "en"])
    assert result.exit_code == 0, result.output
    for page in (project / "build/en").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<i onclick" not in html and "<script>y" not in html, page.name
    html = (project / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert html.count("&lt;i onclick=alert()&gt;x&lt;/i&gt;&amp;amp;&lt;script&gt;") > 5


@pytest.fixture()
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A server on 127.0.0.1 that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(conn.recv(200))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", seen
    stop.set()
    thread.join()
    server.close()


STYLES: list[tuple[str, Callable[[str, str], str]]] = [
    ("@import to a file", lambda url, secret: f'@import "{secret}";'),
    ("@import url() to a server", lambda url, secret: f"@import url({url}/a.css);"),
    ("url() to a file", lambda url, secret: f"body {{ background: url(file://{secret}) }}"),
    ("url() to a server", lambda url, secret: f"p {{ background-image: url('{url}/b.png') }}"),
    ("escaped url()", lambda url, secret: f"p {{ background: u\\72l({url}/c.png) }}"),
    ("font src", lambda url, secret: f"@font-face {{ font-family: x; src: url({url}/f.woff) }}"),
    ("url() up and out", lambda url, secret: "p { background: url(../../../private/secret.txt) }"),
]


@pytest.mark.parametrize(("name", "rule"), STYLES, ids=[s[0] for s in STYLES])
def test_stylesheets_load_nothing_from_outside(
    project: Path,
    outside: Path,
    listener: tuple[str, list[bytes]],
    name: str,
    rule: Callable[[str, str], str],
) -> None:
    url, seen = listener
    css = project / "templates/style.css"
    shutil.copyfile(Path(__file__).parents[1] / "briefs/theme/style.css", css)
    line = _append(project, "templates/style.css", rule(url, str(outside)) + "\n")
    _refused(project, f"style.css:{line}", "from outside the brief")
    assert seen == []


@pytest.mark.parametrize(
    "markup",
    [
        "<style>@import url({url}/s.css);</style>",
        '<p style="background: url({url}/i.png)">x</p>',
        '<img src="{url}/i.png" alt="">',
        '<img srcset="ok.png 1x, {url}/i.png 2x" alt="">',
        '<link rel="stylesheet" href="{url}/s.css">',
        '<object data="file://{secret}"></object>',
        '<script src="{url}/s.js"></script>',
        '<svg><image href="{url}/i.png"/></svg>',
        "<p onmouseover=\"fetch('{url}')\">x</p>",
        '<meta http-equiv="refresh" content="0; url={url}">',
    ],
)
def test_templates_load_nothing_from_outside(
    project: Path, outside: Path, listener: tuple[str, list[bytes]], markup: str
) -> None:
    url, seen = listener
    line = _append(project, PROSE, markup.format(url=url, secret=outside) + "\n")
    _refused(project, f"{PROSE}:{line}", "a brief loads only its own files")
    assert seen == []


def test_a_url_assembled_while_rendering_is_caught(
    project: Path, listener: tuple[str, list[bytes]]
) -> None:
    url, seen = listener
    scheme, rest = url.split("://")
    _append(
        project, PROSE, f'<p><img src="{{{{ "{scheme}" ~ ":/" ~ "/{rest}/x.png" }}}}" alt=""></p>\n'
    )
    _refused(project, "en report page", "loads 'http://127.0.0.1")
    assert seen == []


# ----- temporary files: a build, a watch session and a killed build leave nothing behind -----


def _leftovers(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir())


def test_a_build_leaves_no_temporary_files(good: Path, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    project = tmp_path / "example"
    shutil.copytree(good, project)
    result = subprocess.run(
        [sys.executable, "-m", "briefs", "build", "-q", "--force", "--project", str(project)],
        capture_output=True,
        text=True,
        env=_env(TMPDIR=str(tmp)),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _leftovers(tmp) == []


def test_a_killed_build_is_cleaned_up_by_the_next(good: Path, tmp_path: Path) -> None:
    """Killed while WeasyPrint has its font folders open, a build leaves its private folder; the
    next brief process removes it (its lock is free) and leaves nothing of its own."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    project = tmp_path / "example"
    shutil.copytree(good, project)
    args = [sys.executable, "-m", "briefs", "build", "-q", "--force", "--project", str(project)]
    build = subprocess.Popen(args, env=_env(TMPDIR=str(tmp)), stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: any(tmp.glob("brief-*/weasyprint-*")), build)
    finally:
        build.kill()
        build.wait()
    assert any(tmp.glob("brief-*/weasyprint-*")), "the build was killed before typesetting"
    again = subprocess.run(
        [*args, "--lang", "en", "--variant", "memo"],
        capture_output=True,
        text=True,
        env=_env(TMPDIR=str(tmp)),
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert _leftovers(tmp) == []


def _wait_for(ready: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    import time

    deadline = time.monotonic() + 240
    while not ready():
        assert process.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline, "the build never started typesetting"
        time.sleep(0.05)


def test_a_watch_session_leaves_no_temporary_files(good: Path, tmp_path: Path) -> None:
    import signal

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    project = tmp_path / "example"
    shutil.copytree(good, project)
    args = ["watch", "--lang", "en", "--variant", "memo", "--project", str(project)]
    watch = subprocess.Popen(
        [sys.executable, "-m", "briefs", *args],
        env=_env(TMPDIR=str(tmp)),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert watch.stdout is not None
        for line in watch.stdout:
            if line.startswith("watching"):
                break
        _append(project, PROSE, "<p>One more paragraph.</p>\n")
        for line in watch.stdout:
            if line.startswith("wrote") or line.startswith("charts:"):
                break
        assert any(tmp.glob("brief-*")), "the session keeps its private folder while it runs"
    finally:
        watch.send_signal(signal.SIGTERM)
        watch.wait(timeout=60)
        if watch.stdout is not None:
            watch.stdout.close()
    assert _leftovers(tmp) == []
