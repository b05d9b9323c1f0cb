"""Turn view data into HTML through the project's templates layered over the packaged theme."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from briefs import THEME
from briefs.compose import markdown
from briefs.compose.citations import CONTEXT_KEY, Citations, ProseCitations, cite_page
from briefs.compose.confine import html_outside
from briefs.errors import InputError, Problem, RenderError
from briefs.facts.loader import load_yaml
from briefs.keys import code_version
from briefs.numbers.formatting import message

# Fact references in templates: F["id"], Y["id"], D["id"], T["id"], L["id"], claim("id", …).
_REFERENCE = re.compile(r"""\b([FBYDTL])\[\s*["']([^"']+)["']\s*\]""")
_CLAIM = re.compile(r"""\bclaim\(([^)]*)\)""")
_QUOTED = re.compile(r"""["']([^"']+)["']""")
# The short form of a claim in Markdown prose: [what the source says](claim:id-one,id-two).
_MD_CLAIM = re.compile(r"\]\(\s*claim:([^)]*)\)")
# Files that hold prose or layout, and so may cite facts.
_TEMPLATE_SUFFIXES = (".j2", ".html", markdown.SUFFIX)
# Footnotes typed by hand, as templates once did: they are generated now.
_TYPED_NOTE = re.compile(r"""\bN\[\s*["']([^"']+)["']\s*\]""")


@functools.lru_cache(maxsize=8)
def environment(templates: Path, cache: Path | None = None) -> jinja2.Environment:
    """A sandboxed Jinja environment that escapes everything and fails on any undefined name.

    A project may come from anyone: its templates see only the names the README documents (the
    view data, `claim`, Jinja's filters and tests), reach no Python internals and change nothing.

    With `cache`, compiled templates are kept there between runs (Jinja checks each template's
    source for changes); one environment serves every render of a process.
    """
    bytecode = None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        # Compiled code depends on brief's own code too (the prose marks, the extensions).
        bytecode = jinja2.FileSystemBytecodeCache(str(cache), f"__jinja2_{code_version()}_%s.cache")
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(str(templates)), jinja2.FileSystemLoader(str(THEME))]
        ),
        bytecode_cache=bytecode,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[markdown.MarkdownProse, ProseCitations],
        finalize=markdown.hold,
    )
    # Interface strings with counts: {{ S.based_on | message(lang, n=6) }}.
    env.filters["message"] = _message
    # Jinja's own globals (range, dict, lipsum, cycler, joiner, namespace) are not documented.
    env.globals.clear()
    return env


def _message(pattern: str, lang: str, **values: int | str) -> Markup:
    """An interface string filled in as markup: a figure given as a value keeps its element."""
    escaped = {
        name: value if isinstance(value, int) else escape(value) for name, value in values.items()
    }
    return Markup(message(str(escape(pattern)), lang, **escaped))


def _read_strings(path: Path) -> dict[str, str]:
    doc = load_yaml(path)
    bad = [k for k, v in doc.data.items() if not isinstance(v, str)]
    if bad:
        line, column = doc.where((bad[0],))
        raise InputError([Problem(f"'{bad[0]}' must be a text", path, line, column)])
    return {str(k): str(v) for k, v in doc.data.items()}


def load_strings(templates: Path, lang: str) -> dict[str, str]:
    """A language's interface strings: the theme's catalogue, overridden key by key."""
    builtin = THEME / "strings" / f"{lang}.yaml"
    own = templates / "strings" / f"{lang}.yaml"
    strings = _read_strings(builtin) if builtin.is_file() else {}
    if own.is_file():
        strings.update(_read_strings(own))
    if not strings:
        raise InputError([Problem(f"interface strings for '{lang}' are missing", own)])
    return strings


def layout_file(templates: Path, name: str) -> Path:
    """A layout file as a build uses it: the project's own if it has one, else the theme's."""
    own = templates / name
    return own if own.is_file() else THEME / name


def stylesheet(templates: Path, name: str) -> str:
    """The text of a stylesheet (style.css, phone.css): the project's override or the theme's."""
    path = layout_file(templates, name)
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    f"stylesheet '{name}' is in neither the project nor the theme", templates / name
                )
            ]
        )
    return path.read_text(encoding="utf-8")


def template_files(templates: Path) -> list[Path]:
    """Every template, stylesheet and strings file a project's brief is made from, in a stable
    order: the project's own, then the theme's that the project does not replace (the theme's
    strings always count: a project's strings override them key by key)."""
    own = sorted(p for p in templates.rglob("*") if p.is_file()) if templates.is_dir() else []
    replaced = {p.relative_to(templates) for p in own}
    theme = sorted(
        p
        for p in THEME.rglob("*")
        if p.is_file()
        and (p.relative_to(THEME) not in replaced or p.relative_to(THEME).parts[0] == "strings")
    )
    return own + theme


def cited_facts(templates: Path) -> set[str]:
    """The ids of every fact and computed figure the templates cite."""
    found: set[str] = set()
    for path in template_files(templates):
        if path.suffix in _TEMPLATE_SUFFIXES:
            text = path.read_text(encoding="utf-8")
            found.update(match[2] for match in _REFERENCE.finditer(text))
            for match in _CLAIM.finditer(text):
                found.update(_QUOTED.findall(match[1]))
            for match in _MD_CLAIM.finditer(text):
                found.update(_claim_ids(match[1]))
    return found


def _claim_ids(text: str) -> list[str]:
    return [i for i in text.split(",") if i]


def _doubled_prose(templates: Path) -> list[Problem]:
    """A prose file written both in Markdown and in HTML: which one counts is not clear."""
    prose = templates / "prose"
    if not prose.is_dir():
        return []
    return [
        Problem(
            f"both {md.name} and {md.stem}.html.j2 are here: keep one of them",
            md,
        )
        for md in sorted(prose.rglob(f"*{markdown.SUFFIX}"))
        if md.with_name(f"{md.stem}.html.j2").is_file()
    ]


def _close(name: str, known: set[str]) -> str:
    """The known id a misspelt one most likely means, as a hint to end a message."""
    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
    return f"; did you mean '{match[0]}'?" if match else ""


def check_references(templates: Path, known: set[str], sources: set[str]) -> int:
    """Fail if a template refers to a fact that does not exist or types a footnote.

    Returns the number of fact references (figures and claims).
    """
    problems: list[Problem] = _doubled_prose(templates)
    count = 0
    for path in template_files(templates):
        if path.suffix not in _TEMPLATE_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8")

        def line(at: int, text: str = text) -> int:
            return text.count("\n", 0, at) + 1

        for match in _REFERENCE.finditer(text):
            count += 1
            if match[2] not in known:
                problems.append(
                    Problem(
                        f"template refers to unknown fact '{match[2]}'{_close(match[2], known)}",
                        path,
                        line(match.start()),
                    )
                )
        claims = [(m, _QUOTED.findall(m[1])) for m in _CLAIM.finditer(text)]
        claims += [(m, _claim_ids(m[1]) or [""]) for m in _MD_CLAIM.finditer(text)]
        for match, ids in claims:
            for fact_id in ids:
                count += 1
                if any(c.isspace() for c in fact_id):
                    message = (
                        f"claim link '{match[0][1:]}' has a space in it: write "
                        "[what the source says](claim:fact-id), ids separated by commas only"
                    )
                elif fact_id in sources:
                    message = (
                        f"claim cites the source '{fact_id}': cite a fact of that source, with "
                        "the quote that states the claim"
                    )
                elif fact_id not in known:
                    message = f"claim cites unknown fact '{fact_id}'{_close(fact_id, known)}"
                else:
                    continue
                problems.append(Problem(message, path, line(match.start())))
        for match in _TYPED_NOTE.finditer(text):
            problems.append(
                Problem(
                    f'N["{match[1]}"]: footnotes are generated from the facts a paragraph cites; '
                    "remove it, and cite what the sentence reports as a fact: "
                    '{% call claim("fact-id") %}…{% endcall %}',
                    path,
                    line(match.start()),
                )
            )
    if problems:
        raise InputError(problems)
    return count


# A caption's number is left blank by the templates (macros.html.j2) and filled in here, in the
# order the captions appear on the page, whatever order the charts are specified or included in.
_UNNUMBERED = re.compile(r'<span class="num" data-count="(figure|table)"></span>')


def number_captions(html: str, strings: Mapping[str, str]) -> str:
    """Number figures and tables in document order, with the language's label (图{n}, Table {n})."""
    counts = {"figure": 0, "table": 0}

    def numbered(match: re.Match[str]) -> str:
        counts[match[1]] += 1
        label = strings[match[1]].replace("{n}", str(counts[match[1]]))
        return f'<span class="num">{escape(label)}</span>'

    return _UNNUMBERED.sub(numbered, html)


def render_html(
    templates: Path, variant: str, context: dict[str, Any], cache: Path | None = None
) -> str:
    """Render one variant of the brief to an HTML string (compiled templates kept in `cache`)."""
    env = environment(templates, cache)
    name = f"{variant}.html.j2"
    try:
        html = env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError([syntax_problem(env, exc, name)]) from None
    except jinja2.TemplateNotFound as exc:
        missing = f"template '{exc.name}' is in neither the project nor the theme"
        raise InputError(_problem(exc, missing, templates)) from None
    except SecurityError as exc:
        unsafe = (
            f"templates may use only the names the README lists under 'Writing a template', "
            f"not Python's internals ({exc})"
        )
        raise InputError(_problem(exc, unsafe, templates / name)) from None
    except jinja2.UndefinedError as exc:
        raise RenderError(_located(exc, f"{templates / name}: {exc.message}")) from None
    except RenderError as exc:
        raise RenderError(_located(exc, str(exc))) from None
    except InputError as exc:
        raise InputError(_located(exc, str(exc))) from None
    # The templates were checked as written; this catches what they assemble while rendering.
    outside = html_outside(html, None)
    if outside:
        page = f"{context.get('lang', '')} {variant}".strip()
        raise RenderError([replace(p, message=f"{page} page: {p.message}") for p in outside])
    citations = context.get(CONTEXT_KEY)
    if not isinstance(citations, Citations):
        raise RenderError(f"{name}: the view data lacks '{CONTEXT_KEY}'")
    return number_captions(cite_page(html, citations), context["S"])


# Block tags that need an end tag; `set` only in its block form (without "=").
_PAIRED = frozenset(
    {"call", "filter", "for", "if", "macro", "block", "with", "autoescape", "trans", "raw", "set"}
)


def syntax_problem(env: jinja2.Environment, exc: jinja2.TemplateSyntaxError, name: str) -> Problem:
    """A template syntax error in the author's words; a block never closed is located where it
    opens, not at the end of the file where Jinja notices it."""
    path = Path(exc.filename or name)
    if "Unexpected end of template" in (exc.message or "") and exc.source is not None:
        opened = _unclosed(env, exc.source)
        if opened is not None:
            tag, line = opened
            return Problem(
                f"template syntax: {{% {tag} %}} is never closed: add {{% end{tag} %}} where it "
                "should end",
                path,
                line,
            )
    return Problem(f"template syntax: {exc.message}", path, exc.lineno)


def _unclosed(env: jinja2.Environment, source: str) -> tuple[str, int] | None:
    """The innermost block tag of a template left open, and its line."""
    opened: list[tuple[str, int]] = []
    tokens = [t for t in env.lex(source) if t[1] != "whitespace"]
    for index, (line, kind, _) in enumerate(tokens[:-1]):
        _, after, word = tokens[index + 1]
        if kind != "block_begin" or after != "name":
            continue
        if word in _PAIRED and not (word == "set" and _assigns(tokens, index)):
            opened.append((word, line))
        elif word.startswith("end") and opened and opened[-1][0] == word[3:]:
            opened.pop()
    return opened[-1] if opened else None


def _assigns(tokens: list[tuple[int, str, str]], index: int) -> bool:
    """Whether the `set` tag starting at `index` assigns inline ({% set x = 1 %})."""
    for _, kind, value in tokens[index + 1 :]:
        if kind == "block_end":
            return False
        if kind == "operator" and value == "=":
            return True
    return False


def _problem(exc: BaseException, message: str, fallback: Path) -> list[Problem]:
    """The error as a problem at the template line where it arose (else at `fallback`)."""
    where = _where(exc)
    if where is None:
        return [Problem(message, fallback)]
    return [Problem(message, Path(where[0]), where[1])]


def _where(exc: BaseException) -> tuple[str, int] | None:
    """The template file and line of the innermost template frame of a traceback."""
    tb = exc.__traceback__
    where = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(_TEMPLATE_SUFFIXES):
            where = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


def _located(exc: BaseException, message: str) -> str:
    """Put the template file and line where rendering failed in front of the message (Jinja
    gives template frames their template's file name and line)."""
    where = _where(exc)
    if where is None or message.startswith(where[0]):
        return message
    return f"{where[0]}:{where[1]}: {message}"
