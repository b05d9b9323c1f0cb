"""Turn a rendered page or a project's stylesheet into the list of what it would load from outside
the brief's own output folder (other files, the network, scripts), each a located problem."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import tinycss2
from tinycss2 import ast

from briefs.errors import Problem

# Elements that run code or pull in another document: a brief is a document, never a program.
_FORBIDDEN = frozenset({"script", "iframe", "frame", "object", "embed", "applet", "base", "portal"})
# Attributes through which an element loads something (links with <a href> are the reader's choice).
_LOADING = frozenset({"src", "srcset", "poster", "data", "background", "action", "formaction"})
# CSS functions whose string arguments are URLs.
_URL_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "-webkit-image-set"})
# Elements whose href loads a resource rather than offering a link.
_HREF_LOADS = frozenset({"link", "image", "use", "feimage"})
_HINT = "a brief loads only its own files (fonts, charts, stylesheets) and fetches nothing"


def stays_inside(url: str) -> bool:
    """Whether a URL names a file of the output folder (relative, no `..`) or inline data."""
    url = url.strip()
    if url.lower().startswith("data:") or url.startswith("#"):
        return True
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("/", "\\")):
        return False
    return ".." not in parts.path.replace("\\", "/").split("/")


def _candidates(name: str, value: str) -> list[str]:
    """The URLs an attribute names: a srcset lists several, each before its width or density."""
    if name != "srcset":
        return [value]
    return [words[0] for words in (item.split() for item in value.split(",")) if words]


def _urls(tokens: list[ast.Node] | None) -> list[tuple[int, str]]:
    """(line, URL) of every url(), src() and @import in CSS tokens, nested blocks included."""
    found: list[tuple[int, str]] = []
    for token in tokens or []:
        if isinstance(token, ast.URLToken):
            found.append((token.source_line, token.value))
        elif isinstance(token, ast.FunctionBlock):
            if token.lower_name in _URL_FUNCTIONS:
                found += [(a.source_line, a.value) for a in token.arguments if a.type == "string"]
            found += _urls(token.arguments)
        elif isinstance(token, ast.AtRule):
            if token.lower_at_keyword == "import":
                found += [(t.source_line, t.value) for t in token.prelude if t.type == "string"]
            found += _urls(token.prelude) + _urls(token.content)
        elif isinstance(token, (ast.QualifiedRule,)):
            found += _urls(token.prelude) + _urls(token.content)
        elif isinstance(
            token, (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)
        ):
            found += _urls(token.content)
    return found


def css_outside(css: str, path: Path | None, first_line: int = 1) -> list[Problem]:
    """Every URL in a stylesheet that leads outside the output folder, with its line."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return [
        Problem(
            f"the stylesheet loads {url!r} from outside the brief; {_HINT}",
            path,
            first_line + line - 1,
        )
        for line, url in _urls(rules)
        if not stays_inside(url)
    ]


class _Scan(HTMLParser):
    def __init__(self, path: Path | None) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.problems: list[Problem] = []
        self._style_line: int | None = None

    def _add(self, message: str) -> None:
        self.problems.append(Problem(f"{message}; {_HINT}", self.path, self.getpos()[0]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FORBIDDEN:
            self._add(f"the page has a <{tag}> element, which runs code or embeds another page")
        if tag == "style":
            self._style_line = self.getpos()[0]
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self._add(f"<{tag}> has an event handler ({name}), which runs code")
            elif name == "style":
                self.problems += css_outside(f"x{{{value}}}", self.path, self.getpos()[0])
            elif name == "http-equiv" and value.lower() == "refresh":
                self._add("the page redirects itself (<meta http-equiv=refresh>)")
            elif (
                name in _LOADING or name == "xlink:href" or (tag in _HREF_LOADS and name == "href")
            ):
                for url in _candidates(name, value):
                    if not stays_inside(url):
                        self._add(f"<{tag} {name}> loads {url!r} from outside the brief")
            elif name == "href" and value.strip().lower().startswith(("javascript:", "vbscript:")):
                self._add(f"<{tag}> links to code ({value.split(':')[0]}:)")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._style_line = None

    def handle_data(self, data: str) -> None:
        if self._style_line is not None:
            self.problems += css_outside(data, self.path, self._style_line)


def html_outside(html: str, path: Path | None) -> list[Problem]:
    """Everything a rendered page would load or run from outside the output folder."""
    scan = _Scan(path)
    scan.feed(html)
    scan.close()
    return scan.problems


def templates_outside(templates: Path) -> list[Problem]:
    """What the project's own templates and stylesheets would load from outside the brief (the
    packaged theme is brief's own), located by file and line."""
    problems: list[Problem] = []
    if not templates.is_dir():
        return problems
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        if path.suffix == ".css":
            problems += css_outside(path.read_text(encoding="utf-8"), path)
        elif path.suffix in (".j2", ".html", ".md"):  # HTML written into Markdown prose too
            problems += html_outside(path.read_text(encoding="utf-8"), path)
    return problems
