"""A facts document: entity, facts, claimed scores."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._facts._numbers import FACTS_FORMAT, _is_number
from evalrules._frozen import frozen_mapping
from evalrules._points import ZERO, to_decimal
from evalrules._rubric._model import Rubric
from evalrules._scorecard._model import Entity
from evalrules._text import Text
from evalrules.errors import FactsError, FactsProblem

# ------------------------------------------------------------------------- documents

#: What a document's ``rubric:`` is when it names a rubric by reference (a family, with or
#: without a year) rather than by a file's path; the facts schema uses the same pattern.
REFERENCE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*(/[0-9]*)?")


def accepted_rubric_names(ref: str, extends: str | None) -> list[str]:
    """The references a facts document may name to be evaluated against ``ref``."""
    family, _, year = ref.partition("/")
    names = [ref, family, f"{family}/"]
    base_family, _, base_year = (extends or "").partition("/")
    if base_family and base_year == year and base_family != family:
        names += [extends or "", base_family, f"{base_family}/"]
    return names


@attrs.frozen
class FactsDocument:
    """A district's facts, with its entity and optional claimed scores.

    Attributes:
        facts: The facts as nested mappings (``{"funding": {"primary": {...}}}``), frozen:
            mappings are read-only, lists become tuples.
        entity: What is evaluated, when the document says.
        rubric: The rubric reference the document is for, when it says.
        claimed: Claimed scores by indicator code, plus ``"total"``.
        assumed: Facts whose values were not reported but assumed or back-calculated, by
            path, each with a note saying how (a scorecard marks them wherever it shows
            them).
        source: The file it was read from.
        problems: The problems found in the envelope (entity, ``claimed``, top-level keys)
            when the document was read. Evaluation refuses a document with problems and
            lists these together with every problem of its facts, in one
            :class:`~evalrules.errors.FactsError`.
        rubric_digest: The digest of the exact rubric the document was made for, when the
            format records it (a fact-collection workbook does); evaluating it against any
            other rubric is refused.
        locations: Where each value was read in the file, by path (``"funding.primary.
            public_funds": "填报!C12"``), when the format knows; problems found later are
            located with it.
        holds_tables: False when the document's format cannot give a table fact (rows of
            columns): a ``path,value`` CSV file. Evaluating it against a rubric with table
            facts is refused, saying which format to use.
    """

    facts: Mapping[str, Any] = attrs.field(converter=frozen_mapping)
    entity: Entity | None = None
    rubric: str | None = None
    claimed: Mapping[str, Decimal] = attrs.field(converter=frozen_mapping, factory=dict)
    source: str | None = attrs.field(default=None, eq=False)
    # Notes about values, like ``source`` and ``locations``: not part of what the document
    # says, so two documents with the same facts and claims are equal without them.
    assumed: Mapping[str, Text] = attrs.field(converter=frozen_mapping, factory=dict, eq=False)
    problems: tuple[FactsProblem, ...] = ()
    rubric_digest: str | None = attrs.field(default=None, eq=False)
    locations: Mapping[str, str] = attrs.field(converter=frozen_mapping, factory=dict, eq=False)
    holds_tables: bool = attrs.field(default=True, eq=False)

    @property
    def facts_readable(self) -> bool:
        """False when ``facts`` is missing or not a mapping: then nothing in it can be
        checked, and listing every required fact as missing would only repeat that."""
        return not any(p.path == "facts" for p in self.problems)

    def with_facts(self, changes: Mapping[str, Any]) -> FactsDocument:
        """Return a copy with facts set by dotted path, the others kept.

        ``doc.with_facts({"safety.major_accident": True})`` is the document with one fact
        changed (the document itself is a value and never changes). A value of ``None``
        leaves the fact blank, which is the same as leaving it out. Groups are created as
        needed.

        Raises:
            ValueError: if a path runs through a fact that is not a group of facts.
        """
        root: dict[str, Any] = dict(self.facts)
        for path, value in changes.items():
            parts = path.split(".")
            level = root
            for i, part in enumerate(parts[:-1]):
                child = level.get(part)
                if child is None:
                    child = {}
                elif isinstance(child, Mapping):
                    child = dict(child)
                else:
                    group = ".".join(parts[: i + 1])
                    raise ValueError(f"cannot set {path!r}: {group!r} is a fact, not a group")
                level[part] = child
                level = child
            level[parts[-1]] = value
        return attrs.evolve(self, facts=root)

    def locate(self, problems: Iterable[FactsProblem]) -> tuple[FactsProblem, ...]:
        """``problems`` with the cell (or line) each one's path was read from, when known.

        A problem about a group of values (a whole year series) is located at its first
        value; one about a value inside a cell's value, at that cell.
        """
        if not self.locations:
            return tuple(problems)
        located = []
        for problem in problems:
            where = problem.location or _location(self.locations, problem.path)
            located.append(attrs.evolve(problem, location=where))
        return tuple(located)

    def rubric_problem(
        self, ref: str, version: str, digest: str, *, extends: str | None = None
    ) -> FactsProblem | None:
        """The problem of evaluating this document against the rubric ``ref`` (``version``,
        ``digest``, extending ``extends``), when the document was made for another one; else
        ``None``.

        A document that records a digest is judged by it. One that names a rubric by
        reference (``rubric: panjin-county/2022``, or a family alone) must name this rubric,
        or the rubric of the same year that this one extends (a variant of the rubric the
        document was made for); another year of the family is another rubric. A document
        that names no rubric, or names a rubric file by its path, can be evaluated against
        any.
        """
        if self.rubric_digest is None:
            return self._named_rubric_problem(ref, extends)
        if self.rubric_digest == digest:
            return None
        made = self.rubric or "?"
        return FactsProblem(
            "rubric",
            "rubric-mismatch",
            f"此文件是为评价方案 {made}(摘要 {self.rubric_digest[:12]})制作的,不能按 "
            f"{ref}(版本 {version},摘要 {digest[:12]})评价:请用 evalrules template {ref} "
            f"--format xlsx --from 此文件 -o 新文件.xlsx 生成该方案的填报表,核对后再评价",
            f"this file was made for rubric {made} (digest {self.rubric_digest[:12]}) and "
            f"cannot be evaluated against {ref} (version {version}, digest {digest[:12]}): "
            f"make that rubric's workbook with `evalrules template {ref} --format xlsx "
            "--from THIS-FILE -o NEW.xlsx`, check it, and evaluate that",
            self.rubric_digest,
            self.locations.get("rubric"),
        )

    def _named_rubric_problem(self, ref: str, extends: str | None) -> FactsProblem | None:
        named = self.rubric
        if named is None:
            return None
        if not REFERENCE.fullmatch(named):
            return None  # not a reference: a rubric file named by its path
        if named in accepted_rubric_names(ref, extends):
            return None
        return FactsProblem(
            "rubric",
            "rubric-mismatch",
            f"此文件写明用于评价方案 {named},不能按 {ref} 评价:请按 {named} 评价,"
            f"或核对数据后把文件开头的 rubric: 改为 {ref}",
            f"this file names rubric {named} and cannot be evaluated against {ref}: evaluate "
            f"it against {named}, or check the facts and change its `rubric:` to {ref}",
            named,
            self.locations.get("rubric"),
        )

    @classmethod
    def from_mapping(cls, data: Any, *, source: str | None = None) -> FactsDocument:
        """Build a document from parsed YAML/JSON, recording every problem in its envelope.

        The problems (an unknown top-level key, a claimed score that is not a number, ...)
        are kept in :attr:`problems`, so that evaluation reports them together with the
        facts' own problems.

        Raises:
            FactsError: if the document is not a mapping at all (there is nothing to read).
        """
        problems: list[FactsProblem] = []

        def bad(path: str, code: str, zh: str, en: str, value: Any = None) -> None:
            problems.append(FactsProblem(path, code, zh, en, value))

        if not isinstance(data, Mapping):
            bad(
                "<document>",
                "not-a-mapping",
                "文档应为映射(键: 值)",
                "the document must be a mapping",
            )
            raise FactsError(problems, source=source)
        known = {"evalrules", "rubric", "entity", "facts", "claimed", "assumed"}
        for key in sorted(set(data) - known, key=str):
            import difflib

            near = difflib.get_close_matches(str(key), sorted(known), n=1)
            hint_zh = f",是否应为 {near[0]}?" if near else ""
            hint_en = f"; did you mean {near[0]}?" if near else ""
            bad(str(key), "unknown", f"未知的顶层字段{hint_zh}", f"unknown top-level key{hint_en}")
        marker = data.get("evalrules", FACTS_FORMAT)
        if marker != FACTS_FORMAT:
            bad(
                "evalrules",
                "bad-format",
                f"格式标记应为 {FACTS_FORMAT}",
                f"format marker must be {FACTS_FORMAT}",
                marker,
            )
        rubric = data.get("rubric")
        if rubric is not None and not isinstance(rubric, str):
            bad(
                "rubric",
                "wrong-type",
                "应为如 panjin-county/2023 的文字",
                "must be text such as panjin-county/2023",
                rubric,
            )
            rubric = None
        entity = None
        raw_entity = data.get("entity")
        if raw_entity is not None:
            if not isinstance(raw_entity, Mapping):
                bad(
                    "entity",
                    "wrong-type",
                    "应为包含 id 和 name 的映射",
                    "must be a mapping with id and name",
                    raw_entity,
                )
            else:
                eid = raw_entity.get("id")
                if isinstance(eid, int) and not isinstance(eid, bool):
                    eid = str(eid)
                # A blank id (the template's placeholder) is an id not given yet: it must not
                # hide the facts' own problems, which are reported together later.
                if eid is None:
                    eid = ""
                if not isinstance(eid, str):
                    bad(
                        "entity.id",
                        "wrong-type",
                        '行政区划代码应为文字,如 "211102"',
                        'the id must be text such as "211102"',
                        eid,
                    )
                name = raw_entity.get("name", "")
                if not isinstance(name, str):
                    bad("entity.name", "wrong-type", "应为文字", "must be text", name)
                    name = ""
                for key in sorted(set(raw_entity) - {"id", "name"}, key=str):
                    bad(f"entity.{key}", "unknown", "未知字段", "unknown key")
                if isinstance(eid, str) and (eid or name):
                    entity = Entity(eid, name)
        facts = data.get("facts")
        if facts is None:
            bad("facts", "missing", "缺少 facts", "facts are missing")
            facts = {}
        elif not isinstance(facts, Mapping):
            bad("facts", "wrong-type", "应为映射", "must be a mapping", facts)
            facts = {}
        claimed = _read_claimed(data.get("claimed"), bad)
        assumed = _read_assumed(data.get("assumed"), bad)
        return cls(
            facts=facts,
            entity=entity,
            rubric=rubric,
            claimed=claimed,
            assumed=assumed,
            source=source,
            problems=tuple(problems),
        )

    def raise_problems(self) -> None:
        """Raise the envelope's problems, if any, as one :class:`~evalrules.errors.FactsError`
        (for callers that read a document without evaluating it).

        Raises:
            FactsError: listing every problem in :attr:`problems`.
        """
        if self.problems:
            raise FactsError(self.problems, source=self.source)


def claim_limits(rubric: Rubric) -> dict[str, Decimal]:
    """The highest score a district may claim, by indicator code, and for ``"total"``: the
    rubric's max plus the most bonus points it can give (the bonus items' max, capped)."""
    limits = {node.code: node.max for node in rubric.walk()}
    bonus = sum((b.max for b in rubric.bonus), ZERO)
    if rubric.bonus_cap is not None:
        bonus = min(bonus, rubric.bonus_cap)
    limits["total"] = rubric.max + bonus
    return limits


def _location(locations: Mapping[str, str], path: str) -> str | None:
    if path in locations:
        return locations[path]
    parts = path.split(".")
    for end in range(len(parts) - 1, 0, -1):
        found = locations.get(".".join(parts[:end]))
        if found is not None:
            return found
    prefix = path + "."
    inside = [where for key, where in locations.items() if key.startswith(prefix)]
    return inside[0] if inside else None


def _read_assumed(raw: Any, bad: Callable[..., None]) -> dict[str, Text]:
    """``assumed``: fact path → a note, ``{zh, en}`` (or one text for both)."""
    assumed: dict[str, Text] = {}
    if raw is None:
        return assumed
    if not isinstance(raw, Mapping):
        bad("assumed", "wrong-type", "应为映射(数据路径: 说明)", "must be a mapping", raw)
        return assumed
    for path, note in raw.items():
        where = f"assumed.{path}"
        if isinstance(note, str) and note:
            assumed[str(path)] = Text(note, note)
        elif (
            isinstance(note, Mapping)
            and isinstance(note.get("zh"), str)
            and note["zh"]
            and isinstance(note.get("en", ""), str)
            and set(note) <= {"zh", "en"}
        ):
            assumed[str(path)] = Text(note["zh"], note.get("en", ""))
        else:
            bad(
                where,
                "wrong-type",
                "应为说明文字 {zh, en}",
                "must be a note {zh, en} saying how the value was obtained",
                note,
            )
    return dict(sorted(assumed.items()))


def _read_claimed(raw: Any, bad: Callable[..., None]) -> dict[str, Decimal]:
    claimed: dict[str, Decimal] = {}
    if raw is None:
        return claimed
    if not isinstance(raw, Mapping):
        bad("claimed", "wrong-type", "应为映射", "must be a mapping", raw)
        return claimed
    for key in sorted(set(raw) - {"total", "indicators"}, key=str):
        bad(
            f"claimed.{key}",
            "unknown",
            "未知字段(应为 total 或 indicators)",
            "unknown key (use total or indicators)",
        )
    items: list[tuple[str, Any]] = []
    if "total" in raw:
        items.append(("total", raw["total"]))
    indicators = raw.get("indicators", {})
    if not isinstance(indicators, Mapping):
        bad(
            "claimed.indicators",
            "wrong-type",
            "应为映射(指标代码: 分数)",
            "must be a mapping of code to score",
            indicators,
        )
        indicators = {}
    items.extend((str(code), value) for code, value in indicators.items())
    for code, value in items:
        path = "claimed.total" if code == "total" else f"claimed.indicators.{code}"
        if value is None:
            continue  # left blank: nothing is claimed for this code
        if not _is_number(value):
            bad(path, "wrong-type", "自评分应为数字", "a claimed score must be a number", value)
            continue
        number = to_decimal(value)
        if number < 0:
            bad(path, "negative", "自评分不能为负数", "a claimed score cannot be negative", value)
            continue
        claimed[code] = number
    return claimed
