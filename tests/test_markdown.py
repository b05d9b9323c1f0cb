"""Markdown prose: what it turns into, and that it cites and footnotes exactly as HTML prose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from htmlprose import html_prose
from markupsafe import Markup

from briefs.build.pipeline import check_project_files, rendered_pages
from briefs.compose.markdown import to_html
from briefs.new import new_project


def _pages(project: Path) -> dict[tuple[str, str], str]:
    loaded, report, _ = check_project_files(project)
    # Only the whitespace between tags differs between the two ways of writing.
    return {
        (lang, variant): re.sub(r">\s+<", "><", html)
        for lang, variant, html in rendered_pages(loaded, report)
    }


def test_markdown_prose_gives_the_same_pages_and_notes_as_html_prose(tmp_path: Path) -> None:
    markdown, html = tmp_path / "markdown", tmp_path / "html"
    new_project(markdown)
    new_project(html)
    html_prose(html)
    assert list((markdown / "templates/prose/zh").glob("*.md"))
    written, expected = _pages(markdown), _pages(html)
    assert (
        written.keys()
        == expected.keys()
        == {(lang, variant) for lang in ("zh", "en") for variant in ("report", "memo")}
    )
    for page, text in expected.items():
        assert written[page] == text, page
        assert 'class="claim"' in text and "data-source=" in text


def test_claims_emphasis_lists_and_tables() -> None:
    held = [Markup('<data data-fact="gap">2 million</data>'), Markup("**not bold**")]
    text = (
        "### Gains\n\n"
        "[The bureau calls it a brake](claim:gap,talent) on *growth*; a gap of \ue0000\ue001.\n\n"
        "- one\n- \ue0001\ue001\n\n"
        "| a | b |\n| --- | --- |\n| 1 | [x](https://example.org/2024) |\n"
    )
    html = to_html(text, held)
    assert "<h3>Gains</h3>" in html
    assert '<span class="claim" data-fact="gap talent">The bureau calls it a brake</span>' in html
    assert "<em>growth</em>" in html and '<data data-fact="gap">2 million</data>.' in html
    assert "<li>**not bold**</li>" in html, "what an expression prints is never Markdown"
    assert "<table>" in html and '<a href="https://example.org/2024">x</a>' in html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("**数字经济稳步扩张。**示例市", "<strong>数字经济稳步扩张。</strong>示例市"),
        ("规模达到**\ue0000\ue001**元", "规模达到<strong>1380亿</strong>元"),
        ("数字经济规模达到\ue0000\ue001，\n同比增长", "数字经济规模达到1380亿，同比增长"),
        ("a **b** c\nd", "a <strong>b</strong> c\nd"),
    ],
)
def test_chinese_reads_as_chinese(text: str, html: str) -> None:
    assert to_html(text, [Markup("1380亿")]) == f"<p>{html}</p>\n"
