"""Turn YAML text into plain Python data plus the line and column of every value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefs.errors import InputError, Problem

MAX_BYTES = 5 * 1024 * 1024

Loc = tuple[str | int, ...]

# Plain (unquoted) scalars are typed by these YAML 1.2 core-schema rules only; everything else,
# including YAML 1.1's `no`, `010` and bare dates, stays a string for the schema to judge.
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_FLOAT = re.compile(
    r"[-+]?([0-9][0-9_]*)?\.[0-9_]+([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
)
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


@dataclass
class Document:
    """A loaded YAML file: its data and where each value sits in the file."""

    path: Path
    data: Any
    marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc) -> tuple[int | None, int | None]:
        """Return the 1-based line and column of `loc`, or of its closest located parent."""
        for end in range(len(loc), -1, -1):
            mark = self.marks.get(tuple(loc[:end]))
            if mark is not None:
                return mark
        return None, None


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors and aliases instead of expanding them."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                "while composing", None, "aliases (*name) are not allowed here", event.start_mark
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.MarkedYAMLError(
                "while composing", None, "anchors (&name) are not allowed here", event.start_mark
            )
        return super().compose_node(parent, index)


# libyaml's C parser (bundled with PyYAML's wheels) composes ten times faster than the Python one.
_CLoader: Any = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> Node | None:
    """Compose the YAML text into nodes, refusing anchors and aliases."""
    if _CLoader is None:
        return yaml.compose(text, Loader=_StrictLoader)
    # libyaml expands aliases while composing, so look for anchors and aliases in its events first.
    for event in yaml.parse(text, Loader=_CLoader):
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                "while composing", None, "aliases (*name) are not allowed here", mark
            )
        if getattr(event, "anchor", None) is not None:
            raise yaml.MarkedYAMLError(
                "while composing", None, "anchors (&name) are not allowed here", mark
            )
    return yaml.compose(text, Loader=_CLoader)


def _scalar(node: ScalarNode) -> Any:
    if node.style:  # quoted or block scalars are always strings (libyaml marks plain as "")
        return node.value
    text: str = node.value
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return int(text.replace("_", ""))
    if _FLOAT.fullmatch(text):
        return float(text.replace("_", ""))
    return text


def _build(node: Node, loc: Loc, doc: Document, problems: list[Problem]) -> Any:
    doc.marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_build(child, (*loc, i), doc, problems) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                problems.append(_at(doc.path, key_node, "a key must be a plain name"))
                continue
            key = str(key_node.value)
            if key == "<<":
                problems.append(_at(doc.path, key_node, "merge keys (<<) are not allowed"))
                continue
            if key in result:
                first = doc.marks.get((*loc, key), (None, None))[0]
                problems.append(
                    _at(doc.path, key_node, f"duplicate key '{key}' (first given on line {first})")
                )
                continue
            doc.marks[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _build(value_node, (*loc, key), doc, problems)
            doc.marks[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return result
    problems.append(_at(doc.path, node, "unsupported YAML node"))
    return None


def _at(path: Path, node: Node, message: str) -> Problem:
    return Problem(message, path, node.start_mark.line + 1, node.start_mark.column + 1)


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            [Problem("the file is not valid UTF-8; save it as UTF-8", path, line, column)]
        ) from None


def parse_yaml(path: Path, text: str) -> Document:
    """Parse YAML text strictly: no aliases, no duplicate keys, plain scalars typed narrowly."""
    doc = Document(path, None)
    if not text.strip():
        raise InputError([Problem("the file is empty; it should hold a YAML mapping", path, 1, 1)])
    tab = re.search(r"^[ ]*\t", text, re.MULTILINE)
    if tab:
        tab_line = text.count("\n", 0, tab.start()) + 1
        raise InputError([Problem("indent with spaces, not tabs", path, tab_line, 1)])
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise InputError([Problem(f"YAML syntax: {exc.problem}", path, line, column)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(f"YAML syntax: {exc}", path)]) from None
    if node is None:
        raise InputError([Problem("the file is empty; it should hold a YAML mapping", path, 1, 1)])
    problems: list[Problem] = []
    doc.data = _build(node, (), doc, problems)
    if problems:
        raise InputError(problems)
    if not isinstance(doc.data, dict):
        raise InputError([Problem("the file should hold a YAML mapping (key: value)", path, 1, 1)])
    return doc


def load_yaml(path: Path) -> Document:
    """Read a YAML file from disk strictly (size limit, UTF-8) and parse it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError([Problem(f"cannot read the file: {exc.strerror}", path)]) from None
    if size > MAX_BYTES:
        raise InputError(
            [Problem(f"the file is {size} bytes; the limit is {MAX_BYTES} (split it)", path)]
        )
    return parse_yaml(path, _decode(path, path.read_bytes()))
