"""Turn the project's countries, groups and display units into names and members per language."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml
from babel import Locale

from briefs import THEME
from briefs.facts import model
from briefs.numbers import formatting as fmt


@functools.cache
def _cldr_names(lang: str) -> dict[str, str]:
    """CLDR's country names, with the theme's reader-facing names where CLDR's are for menus."""
    names = dict(Locale.parse(fmt.LOCALES[lang]).territories)
    readers = yaml.safe_load((THEME / "country_names.yaml").read_text(encoding="utf-8"))
    names.update({code: text[lang] for code, text in readers.items()})
    return names


@dataclass(frozen=True)
class Domain:
    """What a brief's figures and places mean: its groups, country names and display units."""

    groups: dict[str, model.Group] = field(default_factory=dict)
    names: dict[str, model.Text] = field(default_factory=dict)
    display_units: model.DisplayUnits = field(default_factory=model.DisplayUnits)

    @classmethod
    def of(cls, brief: model.Brief) -> Domain:
        return cls({g.code: g for g in brief.groups}, brief.country_names, brief.display_units)

    @property
    def context(self) -> dict[str, frozenset[str]]:
        """The validation context facts and charts are checked against (pydantic)."""
        return {"groups": frozenset(self.groups)}

    def key(self) -> str:
        """The domain as JSON, for the keys of cached charts."""
        return json.dumps(
            {
                "groups": {k: g.model_dump() for k, g in self.groups.items()},
                "names": {k: t.model_dump() for k, t in self.names.items()},
                "display": self.display_units.model_dump(),
            },
            sort_keys=True,
            ensure_ascii=False,
        )

    def name(self, code: str, lang: str) -> str:
        """A country's or group's name: the project's own, else CLDR's."""
        if code in self.groups:
            return self.groups[code].name.get(lang)
        if code in self.names:
            return self.names[code].get(lang)
        return _cldr_names(lang)[code]

    def members(self, codes: Iterable[str]) -> list[str]:
        """Codes with every group replaced by its members, in order, each once."""
        out: list[str] = []
        for code in codes:
            for member in self.groups[code].members if code in self.groups else [code]:
                if member not in out:
                    out.append(member)
        return out

    def shown(self, unit: str, lang: str, value: float | None = None) -> model.DisplayUnit | None:
        """The unit the project shows a physical quantity of `value` in, in one language."""
        return self.display_units.get(lang, unit, value)

    def figure(self, value: float, unit: str, approx: str, lang: str, prose: bool = False) -> str:
        """A figure as the brief prints it, in the project's display unit (a fall in words in
        prose, with a minus in tables)."""
        return fmt.figure(value, unit, approx, lang, self.shown(unit, lang, value), prose)

    def _steps(self, unit: str, lang: str) -> list[model.DisplayUnit | None]:
        shown = (self.display_units.zh if lang == "zh" else self.display_units.en).get(unit)
        return list(shown) if isinstance(shown, list) else [shown]

    def text(self, places: Iterable[str], fact_units: Iterable[str]) -> str:
        """Every name and unit word this domain can print for these places and units."""
        codes = set(places) | set(self.groups) | set(self.members(self.groups))
        names = [self.name(c, lang) for c in sorted(codes) for lang in fmt.LOCALES]
        shown = [
            (unit, step)
            for unit in sorted(set(fact_units))
            for lang in fmt.LOCALES
            for step in self._steps(unit, lang)
        ]
        return "".join(names) + fmt.emitted_text(shown)
