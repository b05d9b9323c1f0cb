"""Turn a brief project folder into its loaded, schema-checked parts (with file positions)."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from briefs.errors import InputError, Problem, UsageError
from briefs.facts import model
from briefs.facts.blanks import blanks
from briefs.facts.domain import Domain
from briefs.facts.inside import check_links
from briefs.facts.loader import Document, Loc, load_yaml

M = TypeVar("M", bound=BaseModel)

BRIEF_FILE = "brief.yaml"
COMPUTED_FILE = "computed.yaml"


@dataclass(frozen=True)
class Paths:
    """Where a brief project keeps its parts."""

    root: Path

    @property
    def facts(self) -> Path:
        return self.root / "facts"

    @property
    def charts(self) -> Path:
        return self.root / "charts"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def cache(self) -> Path:
        from briefs.fonts import default_cache

        return default_cache()


@dataclass
class Located:
    """Where a fact, chart or computed figure was defined."""

    file: Path
    line: int | None
    doc: Document | None = None
    loc: Loc = ()


@dataclass
class Project:
    """Everything a brief is built from, parsed and schema-checked but not yet cross-checked."""

    paths: Paths
    brief: model.Brief
    facts: dict[str, model.Fact] = field(default_factory=dict)
    computed: dict[str, model.Computed] = field(default_factory=dict)
    charts: dict[str, model.Chart] = field(default_factory=dict)
    where: dict[str, Located] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)

    @functools.cached_property
    def domain(self) -> Domain:
        """The brief's groups, country names and display units."""
        return Domain.of(self.brief)

    @functools.cached_property
    def reference_numbers(self) -> dict[str, int]:
        """Each source's number in the reference list: the order brief.yaml lists them in."""
        return {s.id: i + 1 for i, s in enumerate(self.brief.sources)}

    def locate(
        self, item_id: str, field_path: str | Loc | None = None
    ) -> tuple[Path | None, int | None, int | None]:
        """File, line and column of an item, or of one of its fields when given."""
        found = self.where.get(item_id)
        if found is None:
            return None, None, None
        if field_path and found.doc is not None:
            path = (field_path,) if isinstance(field_path, str) else tuple(field_path)
            line, column = found.doc.where((*found.loc, *path))
            return found.file, line, column
        return found.file, found.line, None


_FIELD_NAMES = sorted(
    {
        name
        for cls in vars(model).values()
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls is not BaseModel
        for name, info in cls.model_fields.items()
        for name in (info.alias or name,)
    }
)


def _message(error: ErrorDetails) -> str:
    loc = error["loc"]
    name = str(loc[-1]) if loc else ""
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(name, _FIELD_NAMES, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        # A key that no field could be (a capital, a space, a number) with no value.
        textlike = " " in name.strip() or not name.islower() or name.isdigit()
        if not close and error.get("input") is None and textlike:
            # `{en: Australia, Chile and China}`: the comma ends the text and starts a new key.
            hint = (
                "; a comma inside { } starts a new entry: put the whole text in quotes, "
                'e.g. en: "Australia, Chile and China"'
            )
        return f"unknown field '{name}'{hint}"
    if error["type"] == "missing":
        parent = next((str(p) for p in reversed(loc[:-1]) if isinstance(p, str)), "")
        return f"'{parent}' is missing '{name}'" if parent else f"missing field '{name}'"
    message = str(error["msg"]).removeprefix("Value error, ")
    field_name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    if error["type"] == "literal_error":
        return f"'{field_name}': {message} (got {error.get('input')!r})"
    if error["type"] == "string_pattern_mismatch":
        return f"'{field_name}' must be kebab-case (a-z, 0-9 and -), got {error.get('input')!r}"
    return f"'{field_name}': {message}" if field_name else message


def validate_document(
    doc: Document, cls: type[M], list_key: str | None = None, context: Any = None
) -> M:
    """Validate a loaded document against a model, reporting every error with its line."""
    try:
        return cls.model_validate(doc.data, context=context)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc: Loc = tuple(error["loc"])
            # Errors in a model validator name the item; errors in a field name the field.
            line, column = doc.where(loc)
            if error["type"] == "missing":
                line, column = doc.where(loc[:-1])
            item_id = None
            if list_key and len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
                items = doc.data.get(list_key) if isinstance(doc.data, dict) else None
                if (
                    isinstance(items, list)
                    and loc[1] < len(items)
                    and isinstance(items[loc[1]], dict)
                ):
                    raw_id = items[loc[1]].get("id")
                    item_id = str(raw_id) if raw_id is not None else None
            problems.append(Problem(_message(error), doc.path, line, column, item_id))
        raise InputError(problems) from None


def _record(
    project: Project, doc: Document, key: str, items: list[Any], problems: list[Problem]
) -> None:
    for index, item in enumerate(items):
        line = doc.where((key, index))[0]
        if item.id in project.where:
            first = project.where[item.id]
            problems.append(
                Problem(
                    f"duplicate id '{item.id}' (first defined in {first.file.name}:{first.line})",
                    doc.path,
                    line,
                    None,
                    item.id,
                )
            )
            continue
        project.where[item.id] = Located(doc.path, line, doc, (key, index))


def load_project(root: Path) -> Project:
    """Load and schema-check every YAML file of a brief project; collect all problems first."""
    paths = Paths(root)
    brief_path = paths.facts / BRIEF_FILE
    check_links(root)
    if not brief_path.is_file():
        raise UsageError(
            f"{root} is not a brief project: {brief_path} is missing "
            "(run `brief new DIR` to start one, or pass --project DIR)"
        )
    problems: list[Problem] = []
    brief_doc = load_yaml(brief_path)
    if blank := blanks(brief_doc):
        raise InputError(blank)
    brief = validate_document(brief_doc, model.Brief, "sources")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        # Reproducible-builds convention: the environment may pin the edition date.
        try:
            stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
        except ValueError:
            raise UsageError(
                f"SOURCE_DATE_EPOCH must be seconds since 1970, got {epoch!r}"
            ) from None
        brief = brief.model_copy(update={"as_of": stamp})
    project = Project(paths, brief, inputs=[brief_path])
    context = project.domain.context

    fact_files = sorted(p for p in paths.facts.glob("*.yaml") if p.name != BRIEF_FILE)
    chart_files = sorted(paths.charts.glob("*.yaml")) if paths.charts.is_dir() else []
    for path in fact_files + chart_files:
        project.inputs.append(path)
        try:
            doc = load_yaml(path)
            if path.parent == paths.charts:
                charts = validate_document(doc, model.ChartFile, "charts", context).charts
                _record(project, doc, "charts", charts, problems)
                project.charts.update({c.id: c for c in charts if c.id not in project.charts})
            elif path.name == COMPUTED_FILE:
                computed = validate_document(doc, model.ComputedFile, "computed").computed
                _record(project, doc, "computed", computed, problems)
                project.computed.update({c.id: c for c in computed if c.id not in project.computed})
            else:
                facts = validate_document(doc, model.FactFile, "facts", context).facts
                _record(project, doc, "facts", facts, problems)
                for fact in facts:
                    project.facts.setdefault(fact.id, fact)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return project
