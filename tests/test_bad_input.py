"""Bad input: one clear message with file and line, a non-zero exit, and the last outputs intact."""

from __future__ import annotations

import fcntl
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from folders import digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from briefs.cli import app

FACTS = "facts/facts.yaml"


Edit = Callable[[Path], int]


def _replace(rel: str, old: str, new: str) -> Edit:
    """An edit that replaces `old` by `new` and returns the line where the change starts."""

    def edit(project: Path) -> int:
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return text.count("\n", 0, text.index(old)) + 1

    return edit


def _remove(rel: str, named_in: str, words: str) -> Edit:
    """An edit that deletes a file and returns the line of `named_in` that names it."""

    def edit(project: Path) -> int:
        (project / rel).unlink()
        text = (project / named_in).read_text(encoding="utf-8")
        return text.count("\n", 0, text.index(words)) + 1

    return edit


def _write(rel: str, content: bytes) -> Edit:
    def edit(project: Path) -> int:
        (project / rel).write_bytes(content)
        return 1

    return edit


# (name, edit, file named in the message, line offset from the edit (None: no line),
#  words of the message, exit code)
CASES: list[tuple[str, Edit, str, int | None, str, int]] = [
    (
        "duplicate key",
        _replace(FACTS, "    unit: CNY\n", "    unit: CNY\n    unit: USD\n"),
        FACTS,
        1,
        "duplicate key 'unit'",
        1,
    ),
    (
        "tab",
        _replace(FACTS, "    section: progress\n", "\tsection: progress\n"),
        FACTS,
        0,
        "indent with spaces, not tabs",
        1,
    ),
    (
        "alias",
        _replace(FACTS, "    theme: economy\n", "    theme: &t economy\n"),
        FACTS,
        0,
        "anchors (&name) are not allowed",
        1,
    ),
    (
        "not utf-8",
        _write(FACTS, b"facts:\n  - id: x\n    label: " + "数字".encode("gbk")),
        FACTS,
        2,
        "not valid UTF-8",
        1,
    ),
    ("empty file", _write(FACTS, b""), FACTS, 0, "the file is empty", 1),
    (
        "comma before one word in an inline text",
        _replace(
            FACTS,
            "en: Size of the digital economy}",
            "en: Size of the digital economy, Kiribati}",
        ),
        FACTS,
        0,
        "a comma inside { } starts a new entry: put the whole text in quotes",
        1,
    ),
    (
        "comma in an inline text",
        _replace(
            FACTS,
            "en: Size of the digital economy}",
            "en: Size of the digital economy, in billions of yuan}",
        ),
        FACTS,
        0,
        "a comma inside { } starts a new entry: put the whole text in quotes",
        1,
    ),
    (
        "yaml 1.1 boolean",
        _replace(FACTS, "    kind: actual\n", "    kind: no\n"),
        FACTS,
        0,
        "'kind'",
        1,
    ),
    (
        "value as text",
        _replace(FACTS, "value: 120000000000", "value: 1200亿元"),
        FACTS,
        0,
        "give the value as a plain number",
        1,
    ),
    (
        "misspelled field",
        _replace(FACTS, '    period: "2023"\n', '    peroid: "2023"\n'),
        FACTS,
        0,
        "unknown field 'peroid'; did you mean 'period'?",
        1,
    ),
    (
        "impossible year",
        _replace(FACTS, 'period: "2023"', 'period: "2923"'),
        FACTS,
        0,
        "implausible year",
        1,
    ),
    (
        "unknown source",
        _replace(FACTS, "source: example-bulletin", "source: example-bulletn"),
        FACTS,
        0,
        "unknown source 'example-bulletn'",
        1,
    ),
    (
        "altered quote",
        _replace(FACTS, "规模为1200亿元", "规模为1300亿元"),
        FACTS,
        0,
        "the quote is not in source",
        1,
    ),
    (
        "missing english",
        _replace(
            FACTS,
            "label: {zh: 数字经济规模, en: Size of the digital economy}",
            "label: {zh: 数字经济规模}",
        ),
        FACTS,
        0,
        "'label' is missing 'en'",
        1,
    ),
    (
        "duplicate id",
        _replace(FACTS, "id: digital-economy-2024", "id: digital-economy-2023"),
        FACTS,
        0,
        "duplicate id 'digital-economy-2023'",
        1,
    ),
    (
        "unknown section",
        _replace(FACTS, "    section: challenges\n", "    section: challenge\n"),
        FACTS,
        0,
        "unknown section 'challenge'; the sections in facts/brief.yaml are: background, "
        "challenges, paths, progress",
        1,
    ),
    (
        "chart names an unknown section",
        _replace(
            "charts/charts.yaml", "    type: bar\n", "    type: bar\n    sections: [nowhere]\n"
        ),
        "charts/charts.yaml",
        1,
        "unknown section 'nowhere'",
        1,
    ),
    (
        "section without prose",
        _remove("templates/prose/en/paths.md", "facts/brief.yaml", "  - id: paths"),
        "facts/brief.yaml",
        0,
        "section 'paths' has no prose: write templates/prose/en/paths.md",
        1,
    ),
    (
        "timeline names an unknown chart",
        _replace("facts/brief.yaml", "timeline: {}", "timeline: {chart: nowhere}"),
        "facts/brief.yaml",
        0,
        "timeline: unknown chart 'nowhere'",
        1,
    ),
    (
        "source title without its original",
        _replace(
            "facts/brief.yaml",
            "title: {zh: 示例市年度统计公报, en: Example City Annual Statistical Bulletin}",
            "title: {en: Example City Annual Statistical Bulletin}",
        ),
        "facts/brief.yaml",
        0,
        "'title': give it in the source's own language: zh",
        1,
    ),
    (
        "source title in a third language",
        _replace("facts/brief.yaml", "title: {zh: 示例市", "title: {fr: Bulletin, zh: 示例市"),
        "facts/brief.yaml",
        0,
        "unknown language key 'fr'",
        1,
    ),
    (
        "chart refers to unknown fact",
        _replace(
            "charts/charts.yaml",
            "facts: [digital-economy-2023, digital-economy-2024]",
            "facts: [digital-economy-2023, digital-economy-2025]",
        ),
        "charts/charts.yaml",
        0,
        "chart refers to unknown fact(s): digital-economy-2025",
        1,
    ),
    (
        "chart mixes units",
        _replace(
            "charts/charts.yaml",
            "facts: [digital-economy-2023, digital-economy-2024]",
            "facts: [digital-economy-2023, digital-economy-growth-2024]",
        ),
        "charts/charts.yaml",
        0,
        "a chart mixes units",
        1,
    ),
    (
        "template refers to unknown fact",
        _replace(
            "templates/prose/en/paths.md",
            'Y["data-centre-cluster-2027"]',
            'Y["data-centre-cluster-2028"]',
        ),
        "templates/prose/en/paths.md",
        0,
        "unknown fact 'data-centre-cluster-2028'",
        1,
    ),
    (
        "template syntax",
        _replace("templates/prose/en/paths.md", "Training", "{% if %}Training"),
        "templates/prose/en/paths.md:1",
        None,
        "template syntax",
        1,
    ),
    (
        "Markdown claim of an unknown fact",
        _replace("templates/prose/en/progress.md", "(claim:data-exchange", "(claim:data-exchanges"),
        "templates/prose/en/progress.md",
        0,
        "claim cites unknown fact 'data-exchanges-opening-2024'",
        1,
    ),
    (
        "Markdown claim link with a space",
        _replace("templates/prose/en/progress.md", "(claim:data-exchange", "(claim: data-exchange"),
        "templates/prose/en/progress.md",
        0,
        "has a space in it",
        1,
    ),
    (
        "Markdown name a fact lacks",
        _replace(
            "templates/prose/en/progress.md",
            "[In {{ D[",
            '{{ D["digital-economy-2024"] }}\n[In {{ D[',
        ),
        "templates/prose/en/progress.md",
        0,
        'D["digital-economy-2024"]: the fact has no date',
        1,
    ),
    (
        "prose in Markdown and in HTML",
        _write("templates/prose/en/paths.html.j2", b"<p>Training.</p>\n"),
        "templates/prose/en/paths.md",
        None,
        "both paths.md and paths.html.j2 are here: keep one of them",
        1,
    ),
    (
        "remote image",
        _replace(
            "templates/prose/en/paths.md",
            "Training",
            '<img src="http://example.com/x.png" alt=""> Training',
        ),
        "templates/prose/en/paths.md",
        0,
        "<img src> loads 'http://example.com/x.png' from outside the brief",
        1,
    ),
    (
        "remote image in Markdown",
        _replace(
            "templates/prose/en/paths.md", "Training", "![](http://example.com/x.png) Training"
        ),
        "en report page",
        None,
        "<img src> loads 'http://example.com/x.png' from outside the brief",
        2,
    ),
    (
        "file outside the project",
        _replace(
            "templates/prose/en/paths.md",
            "Training",
            '<img src="file:///etc/hostname" alt=""> Training',
        ),
        "templates/prose/en/paths.md",
        0,
        "<img src> loads 'file:///etc/hostname' from outside the brief",
        1,
    ),
]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An example project built once; each case copies it."""
    project = tmp_path_factory.mktemp("good") / "example"
    runner = CliRunner()
    assert runner.invoke(app, ["new", str(project)]).exit_code == 0
    result = runner.invoke(app, ["build", "--project", str(project), "--lang", "en"])
    assert result.exit_code == 0, result.output
    return project


@pytest.mark.parametrize(
    ("name", "edit", "file", "line", "message", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input(
    good: Path,
    tmp_path: Path,
    name: str,
    edit: Callable[[Path], None],
    file: str,
    line: int | None,
    message: str,
    code: int,
) -> None:
    project = tmp_path / "example"
    shutil.copytree(good, project)
    before = digest(project / "build")
    at = edit(project)
    result = CliRunner().invoke(app, ["build", "--project", str(project), "--lang", "en"])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert message in result.output, result.output
    where = f"{file}:{at + line}:" if line is not None else file
    assert where in result.output, result.output
    assert digest(project / "build") == before, f"{name}: the last good outputs changed"


def test_debug_shows_a_traceback(good: Path, tmp_path: Path) -> None:
    project = tmp_path / "example"
    shutil.copytree(good, project)
    _replace(FACTS, "source: example-bulletin", "source: nowhere")(project)
    result = CliRunner().invoke(app, ["--debug", "check", "--project", str(project)])
    assert result.exit_code != 0
    assert result.exception is not None


def test_markup_in_a_fact_is_escaped(good: Path, tmp_path: Path) -> None:
    project = tmp_path / "example"
    shutil.copytree(good, project)
    _replace(
        FACTS,
        "label: {zh: 数字经济规模, en: Size of the digital economy}",
        'label: {zh: 数字经济规模, en: "Size <script>alert(1)</script> & more"}',
    )(project)
    (project / "templates/prose/en/paths.md").write_text(
        '{{ L["digital-economy-2023"] }}\n', encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["build", "--project", str(project), "--lang", "en"])
    assert result.exit_code == 0, result.output
    html = (project / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert "<p>Size &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>" in html
    assert "<script>" not in html


def test_a_second_build_at_once_is_refused(good: Path, tmp_path: Path) -> None:
    project = tmp_path / "example"
    shutil.copytree(good, project)
    with open(project / "build" / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = CliRunner().invoke(
            app, ["build", "--project", str(project), "--lang", "en", "--force"]
        )
    assert result.exit_code == 3
    assert "another build is writing to" in result.output


_LINES = st.integers(min_value=0, max_value=200)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "swap", "blank", "dedent"]), _LINES, _LINES
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_fact_files_fail_cleanly(
    good: Path, tmp_path: Path, ops: list[tuple[str, int, int]]
) -> None:
    """Any mutation of the fact file either checks clean or fails with located messages only."""
    lines = (good / FACTS).read_text(encoding="utf-8").splitlines()
    for op, a, b in ops:
        if not lines:
            break
        i, j = a % len(lines), b % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "blank":
            lines[i] = ""
        else:
            lines[i] = lines[i].lstrip()
    # Hypothesis may run the same operations twice (replaying, shrinking): a fresh folder each time.
    project = Path(tempfile.mkdtemp(dir=tmp_path)) / "example"
    shutil.copytree(good, project)
    (project / FACTS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--project", str(project)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
        assert errors
        # A template that prints what a mutated fact lost is located at its own line.
        assert all(re.match(r"error: \S+\.(yaml|j2|md)(:\d+)?", e) for e in errors), result.output
