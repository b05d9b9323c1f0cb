"""Strict YAML loading: each kind of bad input gets its own message with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefs.errors import InputError
from briefs.facts.loader import load_yaml, parse_yaml

CASES = [
    ("duplicate key", "a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first given on line 1)"),
    ("tab indent", "a:\n\tb: 1\n", 2, "indent with spaces, not tabs"),
    ("alias", "a: &x 1\nb: *x\n", 1, "anchors (&name) are not allowed"),
    ("syntax", "a: [1, 2\nb: 3\n", 2, "YAML syntax"),
    ("empty", "  \n", 1, "the file is empty"),
    ("not a mapping", "- 1\n- 2\n", 1, "should hold a YAML mapping"),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_yaml(name: str, text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml(Path("f.yaml"), text)
    problem = caught.value.problems[0]
    assert problem.line == line, name
    assert message in problem.message


def test_yaml_11_surprises_stay_strings() -> None:
    doc = parse_yaml(Path("f.yaml"), "a: no\nb: 010\nc: 2024-01-05\nd: 12\ne: 1.5\nf: true\n")
    assert doc.data == {"a": "no", "b": "010", "c": "2024-01-05", "d": 12, "e": 1.5, "f": True}


def test_marks_point_at_values() -> None:
    doc = parse_yaml(Path("f.yaml"), "facts:\n  - id: x\n    value: 3\n")
    assert doc.where(("facts", 0, "value")) == (3, 5)
    # A key that is not there points at its closest located parent: the item it is missing from.
    assert doc.where(("facts", 0)) == (2, 5)
    assert doc.where(("facts", 0, "missing")) == (2, 5)


def test_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1\nb: " + "数字".encode("gbk") + b"\n")
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert caught.value.problems[0].line == 2
    assert "not valid UTF-8" in caught.value.problems[0].message


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: " + "x" * (6 * 1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="the limit is"):
        load_yaml(path)
