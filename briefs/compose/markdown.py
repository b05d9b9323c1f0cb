"""Turn a Markdown prose template, once its Jinja expressions are evaluated, into HTML prose.

A chapter may be `templates/prose/<lang>/<id>.md` instead of `<id>.html.j2`. Jinja runs first
(`{{ F["id"] }}`, `figure(...)`, …), then CommonMark (markdown-it-py, with tables). What an
expression prints is held aside as a placeholder while Markdown is read, so that a figure's
HTML, a label with an asterisk or a chart's `<figure>` is never taken for Markdown, and put
back afterwards. A claim has a short form that reads as a link: `[what the source says](claim:id)`
(several facts: `claim:id-one,id-two`); it becomes the same `<span class="claim">` as the call
block of HTML prose, so the citation pass footnotes both alike.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.ext import Extension
from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Scanned
from markdown_it.token import Token
from markupsafe import Markup, escape

from briefs.errors import InputError, Problem

SUFFIX = ".md"
CLAIM_SCHEME = "claim:"
# Where a template's prose files sit (the same prefix the citation pass looks for).
_PROSE = "prose/"
# Per render, in the template's own context: the values its expressions printed.
_HELD = "__brief_markdown_held"
# Private-use characters: Markdown treats them as plain text, and no author types them.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
# A placeholder alone in a paragraph that holds a block (a chart's <figure>): no <p> around it.
_BLOCK_ALONE = re.compile(f"<p>{_OPEN}(\\d+){_CLOSE}</p>")
_BLOCK_START = re.compile(r"\s*<(figure|table|div|section|ul|ol|p|h[1-6]|blockquote|aside)\b")
# What is left of a claim link Markdown did not read as a link (a space in it, a missing bracket).
_STRAY_CLAIM = re.compile(r"\]\(\s*claim:")


@jinja2.pass_context
def hold(context: Any, value: Any) -> Any:
    """The environment's finalize: in a Markdown template, print a placeholder for each value.

    Elsewhere values pass unchanged. The escaped value is kept in the rendering template's own
    context (an included template gets a context of its own), so renders never share them.
    """
    if not str(context.name or "").endswith(SUFFIX):
        return value
    held: list[Markup] = context.vars.setdefault(_HELD, [])
    held.append(escape(value))
    return f"{_OPEN}{len(held) - 1}{_CLOSE}"


class MarkdownProse(Extension):
    """Read `.md` prose templates as Markdown once Jinja has evaluated them.

    Runs before the citation pass's own wrapping (a lower priority), so that citations see the
    HTML Markdown produced. The wrapping stays on the first line: error lines are the file's.
    """

    priority = 50

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.filters["markdown"] = _markdown_filter

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is None or not name.startswith(_PROSE) or not name.endswith(SUFFIX):
            return source
        where = json.dumps(filename or name)
        return f"{{% filter markdown({where}) %}}{source}{{% endfilter %}}"


@jinja2.pass_context
def _markdown_filter(context: Any, text: str, template: str) -> Markup:
    held: list[Markup] = context.vars.pop(_HELD, [])
    return Markup(to_html(str(text), held, template))


def to_html(text: str, held: list[Markup], template: str = "") -> str:
    """Markdown with placeholders -> HTML with the held values put back."""
    html = _parser().render(text)
    stray = _STRAY_CLAIM.search(html)
    if stray:
        raise InputError(
            [
                Problem(
                    "a claim link was not read as a link: write [what the source says](claim:"
                    "fact-id), with no space inside the parentheses and the text in brackets",
                    Path(template) if template else None,
                )
            ]
        )

    def block(match: re.Match[str]) -> str:
        value = held[int(match[1])]
        return str(value) if _BLOCK_START.match(value) else match[0]

    def inline(match: re.Match[str]) -> str:
        return str(held[int(match[1])])

    html = _BLOCK_ALONE.sub(block, html)
    html = _PLACEHOLDER.sub(inline, html)
    # A value printed into a link's address is percent-encoded by Markdown: put it back too.
    for index, value in enumerate(held):
        encoded = quote(f"{_OPEN}{index}{_CLOSE}")
        if encoded in html:
            html = html.replace(encoded, str(value))
    return html


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    wide = _WideInline()
    wide.ruler, wide.ruler2 = md.inline.ruler, md.inline.ruler2
    md.inline = wide
    md.core.ruler.push("brief_claims", _claims)
    md.core.ruler.push("brief_cjk_breaks", _cjk_breaks)
    return md


def _claims(state: StateCore) -> None:
    """Turn links to `claim:ids` into the claim spans the citation pass reads."""
    for token in state.tokens:
        children = token.children or []
        in_claim = False
        for index, child in enumerate(children):
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if href.startswith(CLAIM_SCHEME):
                    ids = " ".join(i for i in href[len(CLAIM_SCHEME) :].split(",") if i)
                    children[index] = _html(f'<span class="claim" data-fact="{escape(ids)}">')
                    in_claim = True
            elif child.type == "link_close" and in_claim:
                children[index] = _html("</span>")
                in_claim = False


class _WideState(StateInline):
    """Emphasis beside Chinese text: `**扩张。**示例` and `达到**{{ F[…] }}**元` are bold.

    CommonMark decides whether `**` opens or closes by the characters either side of it, and
    rules out a closing `**` after a full stop when a letter follows, which suits languages that
    put spaces between words but not Chinese. Here a Chinese character or full-width mark (or
    a held value) beside the markers counts as punctuation, the way the CJK-friendly amendment
    to CommonMark reads them; text without them is read exactly as CommonMark says.
    """

    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:
        src = self.src
        end = start
        while end < self.posMax and src[end] == src[start]:
            end += 1
        before = start - 1 if start > 0 and _wide_or_held(src[start - 1]) else None
        after = end if end < self.posMax and _wide_or_held(src[end]) else None
        if before is None and after is None:
            return super().scanDelims(start, canSplitWord)
        chars = list(src)
        for index in (before, after):
            if index is not None:
                chars[index] = "!"
        self.src = "".join(chars)
        try:
            return super().scanDelims(start, canSplitWord)
        finally:
            self.src = src


class _WideInline(ParserInline):
    """The inline parser, reading emphasis with `_WideState`."""

    def parse(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> list[Token]:
        state = _WideState(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


def _wide_or_held(char: str) -> bool:
    return _wide(char) or char in (_OPEN, _CLOSE)


def _html(content: str) -> Token:
    return Token("html_inline", "", 0, content=content)


def _cjk_breaks(state: StateCore) -> None:
    """Drop a line break inside a paragraph next to a Chinese character or full-width mark.

    An author wraps a long Chinese paragraph anywhere; a browser would show each break as a
    space, which Chinese text never has (beside Latin letters or digits neither).
    """
    for token in state.tokens:
        children = token.children or []
        for index, child in enumerate(children):
            if child.type != "softbreak" or not 0 < index < len(children) - 1:
                continue
            before, after = children[index - 1].content, children[index + 1].content
            if before and after and (_wide(before[-1]) or _wide(after[0])):
                children[index] = Token("text", "", 0, content="")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")
