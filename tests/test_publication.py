"""Publication-grade PDFs: one tagged PDF/UA-1 and PDF/A-3 document each, carrying its data, with
the contents page and the footnotes right after a chapter grows."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import page
import pytest
from pdfpages import check_contents, notes_in_order
from pypdf import PdfReader
from typer.testing import CliRunner

from briefs.cli import app
from briefs.facts.project import load_project

PDFS = ["zh/*.pdf", "en/*.pdf"]


def _pdfs(project: Path) -> list[Path]:
    found = sorted(p for pattern in PDFS for p in (project / "build").glob(pattern))
    assert len(found) == 4, found  # a report and a memo in each language
    return found


@pytest.mark.parametrize("profile", ["ua1", "3a"])
def test_every_pdf_passes_pdf_ua_and_pdf_a(built_example: Path, profile: str) -> None:
    failures = {}
    for pdf in _pdfs(built_example):
        report = page.validate_pdf(str(pdf), profile=profile)
        if not report.is_compliant:
            failures[pdf.name] = sorted({f.rule_id for f in report.failures})
    assert failures == {}


def test_every_pdf_is_tagged_with_its_language_and_title(built_example: Path) -> None:
    for pdf in _pdfs(built_example):
        reader = PdfReader(pdf)
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
        assert root["/ViewerPreferences"]["/DisplayDocTitle"]
        assert root["/Lang"] == ("zh-Hans" if "/zh/" in str(pdf) else "en")
        assert reader.metadata is not None and reader.metadata.title


def _attached(pdf: Path) -> dict[str, object]:
    files = PdfReader(pdf).attachments
    assert len(files) == 1, list(files)
    (name, contents), *_ = files.items()
    assert name.endswith("-facts.json")
    data: dict[str, object] = json.loads(contents[0])
    return data


def test_each_pdf_carries_the_facts_its_page_cites(built_example: Path) -> None:
    project = load_project(built_example)
    for pdf in _pdfs(built_example):
        html = pdf.with_suffix(".html").read_text(encoding="utf-8")
        cited = {
            i
            for ids in re.findall(r'data-fact="([^"]+)"', html)
            for i in ids.split()
            if i in project.facts
        }
        data = _attached(pdf)
        facts = {f["id"]: f for f in data["facts"]}  # type: ignore[attr-defined]
        assert set(facts) == cited and cited
        for fact_id, entry in facts.items():
            fact = project.facts[fact_id]
            assert entry["quote"] == fact.quote and entry["source"] == fact.source
            assert entry.get("value") == fact.value and entry.get("unit") == fact.unit
            assert entry["kind"] == fact.kind
        sources = {s["id"] for s in data["sources"]}  # type: ignore[attr-defined]
        assert sources == {project.facts[i].source for i in cited}


def test_contents_and_notes_follow_a_chapter_that_grows(
    built_example: Path, tmp_path: Path, runner: CliRunner
) -> None:
    project = tmp_path / "example"
    shutil.copytree(built_example, project)
    report = project / "build/en" / f"{load_project(project).brief.id}.pdf"
    before = check_contents(report)
    notes = notes_in_order(report)
    pages = len(PdfReader(report).pages)

    # Pages more text in the first chapter: copies of a paragraph that cites a figure.
    prose = project / "templates/prose/en"
    cited = next(
        paragraph
        for path in sorted(prose.glob("*.md"))
        for paragraph in path.read_text("utf-8").split("\n\n")
        if "F[" in paragraph and not paragraph.startswith(("{", "<", "-"))
    )
    first = prose / "background.md"
    first.write_text(first.read_text("utf-8") + ("\n" + cited.strip() + "\n") * 25, "utf-8")
    result = runner.invoke(app, ["build", "--project", str(project), "--lang", "en"])
    assert result.exit_code == 0, result.output

    after = check_contents(report)
    assert len(PdfReader(report).pages) > pages
    later = [h for h in before if before[h] > before[min(before, key=before.get)]]  # type: ignore[arg-type]
    assert later and all(after[h] > before[h] for h in later)
    assert notes_in_order(report) >= notes


def test_a_killed_build_leaves_nothing_behind_for_good(
    built_example: Path, tmp_path: Path, runner: CliRunner
) -> None:
    project = tmp_path / "example"
    shutil.copytree(built_example, project)
    out = project / "build"
    for left in (".staging-zh-99999", ".zh.old-99999"):
        (out / left / "fonts").mkdir(parents=True)
        (out / left / "fonts" / "big.woff2").write_bytes(b"x" * 1000)
    result = runner.invoke(app, ["build", "--project", str(project), "--force", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    left = [p.name for p in out.iterdir() if p.name.startswith((".staging-", ".zh.old-"))]
    assert left == []


def test_a_stream_ending_in_a_carriage_return_keeps_its_length(tmp_path: Path) -> None:
    """About one compressed stream in 256 ends in CR: its /Length must still hold for PDF/A."""
    import io
    import zlib

    import pydyf

    from briefs.publish.patches import apply as _unambiguous_stream_ends

    content = next(
        text
        for i in range(100_000)
        for text in [f"BT /F1 12 Tf 72 712 Td ({i}) Tj ET".encode()]
        if zlib.compress(text, 9)[-1] == ord("\r")
    )
    _unambiguous_stream_ends()
    pdf = pydyf.PDF()
    pdf.add_object(pydyf.Stream([content], compress=True))
    out = io.BytesIO()
    pdf.write(out, version=b"1.7", identifier=True, compress=True)
    path = tmp_path / "cr.pdf"
    path.write_bytes(out.getvalue())
    assert b"\r\r\nendstream" in out.getvalue()
    failures = page.validate_pdf(str(path), profile="3a").failures
    assert [f.rule_id for f in failures if "STREAM-LENGTH" in f.rule_id] == []
