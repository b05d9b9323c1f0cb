"""The report is typeset chapter by chapter and joined: one document to the reader, less work
for the build after a change."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from briefs.cli import app
from briefs.errors import RenderError
from briefs.parts import PART_MARK, split
from briefs.write import Typesetter

PDF = "build/zh/example-brief.pdf"


def _texts(pdf: Path) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(pdf).pages]


@pytest.fixture()
def built(built_example: Path, tmp_path: Path) -> Path:
    project = tmp_path / "example"
    shutil.copytree(built_example, project)
    return project


def test_joined_report_reads_as_one_document(built_example: Path) -> None:
    pdf = built_example / PDF
    reader = PdfReader(pdf)
    texts = _texts(pdf)
    total = len(texts)
    assert total >= 6, "a cover, four chapters and the appendices"
    # Page numbers run through the whole report (the cover has none).
    assert "页/共" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert text.endswith(f"第{number}页/共{total}页"), f"page {number}: {text[-20:]}"
    # The contents give each chapter the page its bookmark points at.
    chapters = {
        item.title: reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }
    contents = ("背景与动因", "合作进展", "主要挑战", "推进路径与建议", "合作大事记")
    contents += ("东盟十国合作概览", "数据说明", "参考文献")
    assert "".join(str(chapters[title]) for title in contents) in texts[0]
    for title in contents:
        assert title in texts[chapters[title] - 1]
    assert len(set(chapters[t] for t in contents[:5])) == 5, "each chapter on its own page"
    # Footnote numbers continue from one chapter to the next.
    raw = "\n".join(page.extract_text() for page in reader.pages)
    footnotes = [int(n) for n in re.findall(r"^(\d+)\.\s*示例市统计局", raw, re.MULTILINE)]
    assert footnotes == list(range(1, len(footnotes) + 1)) and len(footnotes) >= 3
    # Links between chapters (to the references) are real links to the right page.
    targets = []
    for page in reader.pages:
        for annot in page.get("/Annots", None) or []:
            action = annot.get_object().get("/A", {})
            assert not str(action.get("/URI", "")).startswith("brief-part:")
            if action.get("/S") == "/GoTo":
                targets.append(reader.get_page_number(action["/D"][0].get_object()) + 1)
    assert targets and all(1 <= t <= total for t in targets)
    assert chapters["参考文献"] in targets


def test_a_change_retypesets_only_its_chapter(built: Path, runner: CliRunner) -> None:
    # (An edit that adds or drops no character: the font subsets, which every part uses, stay.)
    path = built / "templates/prose/zh/challenges.html.j2"
    path.write_text(
        path.read_text(encoding="utf-8").replace("的主要因素", "的因素"), encoding="utf-8"
    )
    result = runner.invoke(app, ["build", "--project", str(built), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    parts = re.search(
        r"example-brief\.pdf \(\d+ pages; (\d+) of (\d+) parts typeset\)", result.output
    )
    assert parts, result.output
    assert parts.group(1) == "1" and int(parts.group(2)) >= 6
    assert "是制约产业发展的因素" in "".join(_texts(built / PDF))


def test_incremental_build_equals_a_clean_build(
    built: Path, tmp_path: Path, runner: CliRunner
) -> None:
    # A new figure, stated by the source and its quote as well as by the value.
    for rel, old, new in (
        ("facts/sources/example.txt", "1380亿元", "1390亿元"),
        ("facts/facts.yaml", "1380亿元", "1390亿元"),
        ("facts/facts.yaml", "value: 138000000000", "value: 139000000000"),
    ):
        path = built / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = runner.invoke(app, ["build", "--project", str(built), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    clean = tmp_path / "clean"
    shutil.copytree(built, clean, ignore=shutil.ignore_patterns("build"))
    result = runner.invoke(app, ["build", "--project", str(clean), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert (built / PDF).read_bytes() == (clean / PDF).read_bytes()
    # Only the parts of this build are kept for the next one.
    kept = sorted(p.stem for p in (built / "build/.parts/zh").iterdir())
    again = sorted(p.stem for p in (clean / "build/.parts/zh").iterdir())
    assert kept == again


def test_split_needs_marks_and_numbers_footnotes_on() -> None:
    head = "<html><head><title>T</title></head>"
    assert split(head + "<body><p>one</p></body></html>") is None
    page = (
        f'{head}<body><h1 class="title">Brief</h1><nav class="toc"><a href="#b">B</a></nav>'
        f'<main>{PART_MARK}<section id="b"><p>x<span class="footnote">1</span>'
        f'<span class="footnote">2</span></p></section>{PART_MARK}'
        f'<section id="c"><a href="#b">see B</a><span class="footnote">3</span></section>'
        "</main></body></html>"
    )
    parts = split(page)
    assert parts is not None
    assert parts.toc == ["b"] and parts.footnotes == [0, 2, 1] and parts.title == "Brief"
    last = parts.document(2)
    assert "counter-reset: footnote 2;" in last and 'href="brief-part:b"' in last
    assert last.count("<main>") == 1 and 'string-set: brief-title "Brief"' in last
    front = parts.document(0, {"b": 2})
    assert 'nav.toc a[href="brief-part:b"]::after { content: leader(".") "2"; }' in front


def test_parts_share_one_subset_of_each_chinese_font(built_example: Path) -> None:
    # Each part embeds its own subset; the joined PDF replaces them with one subset per font.
    reader = PdfReader(built_example / PDF)
    streams: dict[str, set[int]] = {}
    descriptors: set[int] = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font.get("/Subtype") != "/Type0":
                continue
            reference = font["/DescendantFonts"][0].get_object().raw_get("/FontDescriptor")
            descriptor = reference.get_object()
            name = str(descriptor["/FontName"]).split("+", 1)[-1]
            if name.startswith("Noto-Serif-SC"):
                descriptors.add(reference.idnum)
                streams.setdefault(name, set()).add(descriptor.raw_get("/FontFile3").idnum)
    assert len(descriptors) >= 3, "several parts use the Chinese serif font"
    assert streams and all(len(ids) == 1 for ids in streams.values()), streams


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="typesetting runs in this process on 1 core")
def test_a_worker_that_dies_is_a_build_error_and_new_workers_start() -> None:
    workers = Typesetter(2)
    try:
        with pytest.raises(RenderError, match="stopped unexpectedly"):
            workers.map(os._exit, [3, 3])  # as if killed: the process vanishes mid-job
        assert workers.map(abs, [-1, -2]) == [1, 2]
    finally:
        workers.close()
