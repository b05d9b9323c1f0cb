"""Turn view data into HTML through the project's Jinja2 templates (autoescape, StrictUndefined)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import jinja2

from briefs.citations import ProseCitations
from briefs.errors import InputError, Problem, RenderError
from briefs.loader import load_yaml

# Fact references in templates: F["id"], Y["id"], D["id"], T["id"], L["id"], claim("id", …).
_REFERENCE = re.compile(r"""\b([FYDTL])\[\s*["']([^"']+)["']\s*\]""")
_CLAIM = re.compile(r"""\bclaim\(([^)]*)\)""")
_QUOTED = re.compile(r"""["']([^"']+)["']""")
# Footnotes typed by hand, as templates once did: they are generated now.
_TYPED_NOTE = re.compile(r"""\bN\[\s*["']([^"']+)["']\s*\]""")


@functools.lru_cache(maxsize=8)
def environment(templates: Path, cache: Path | None = None) -> jinja2.Environment:
    """A Jinja environment that escapes everything and fails on any undefined name.

    With `cache`, compiled templates are kept there between runs (Jinja checks each template's
    source for changes); one environment serves every render of a process.
    """
    bytecode = None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(cache))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=bytecode,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[ProseCitations],
    )


def _read_strings(path: Path) -> dict[str, str]:
    doc = load_yaml(path)
    bad = [k for k, v in doc.data.items() if not isinstance(v, str)]
    if bad:
        line, column = doc.where((bad[0],))
        raise InputError([Problem(f"'{bad[0]}' must be a text", path, line, column)])
    return {str(k): str(v) for k, v in doc.data.items()}


def load_strings(templates: Path, lang: str) -> dict[str, str]:
    """A language's interface strings: the built-in catalogue, overridden by the project's."""
    from briefs.new import LAYOUT

    builtin = LAYOUT / "strings" / f"{lang}.yaml"
    own = templates / "strings" / f"{lang}.yaml"
    strings = _read_strings(builtin) if builtin.is_file() else {}
    if own.is_file() and own.resolve() != builtin.resolve():
        strings.update(_read_strings(own))
    if not strings:
        raise InputError([Problem(f"interface strings for '{lang}' are missing", own)])
    return strings


def template_files(templates: Path) -> list[Path]:
    """Every template and stylesheet file of a project, in a stable order."""
    return sorted(p for p in templates.rglob("*") if p.is_file())


def cited_facts(templates: Path) -> set[str]:
    """The ids of every fact and computed figure the templates cite."""
    found: set[str] = set()
    for path in template_files(templates):
        if path.suffix in (".j2", ".html"):
            text = path.read_text(encoding="utf-8")
            found.update(match[2] for match in _REFERENCE.finditer(text))
            for match in _CLAIM.finditer(text):
                found.update(_QUOTED.findall(match[1]))
    return found


def check_references(templates: Path, known: set[str], sources: set[str]) -> int:
    """Fail if a template refers to a fact that does not exist or types a footnote.

    Returns the number of fact references (figures and claims).
    """
    problems: list[Problem] = []
    count = 0
    for path in template_files(templates):
        if path.suffix not in (".j2", ".html"):
            continue
        text = path.read_text(encoding="utf-8")

        def line(at: int, text: str = text) -> int:
            return text.count("\n", 0, at) + 1

        for match in _REFERENCE.finditer(text):
            count += 1
            if match[2] not in known:
                problems.append(
                    Problem(
                        f"template refers to unknown fact '{match[2]}'", path, line(match.start())
                    )
                )
        for match in _CLAIM.finditer(text):
            for fact_id in _QUOTED.findall(match[1]):
                count += 1
                if fact_id in sources:
                    message = (
                        f"claim cites the source '{fact_id}': cite a fact of that source, with "
                        "the quote that states the claim"
                    )
                elif fact_id not in known:
                    message = f"claim cites unknown fact '{fact_id}'"
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


def render_html(
    templates: Path, variant: str, context: dict[str, Any], cache: Path | None = None
) -> str:
    """Render one variant of the brief to an HTML string (compiled templates kept in `cache`)."""
    env = environment(templates, cache)
    name = f"{variant}.html.j2"
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            [Problem(f"template syntax: {exc.message}", Path(exc.filename or name), exc.lineno)]
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise InputError([Problem(f"template '{exc.name}' not found", templates)]) from None
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{templates / name}: {exc.message}") from None
