"""Facts: documents, fact types, validation with cerberus, derived facts, cross checks.

The facts layer catches every mistake at once and says where it is in the user's own terms
(the dotted path of the fact). A wrong number never turns silently into a score.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs
import cerberus

from evalrules._fastcheck import compile_check
from evalrules._model import CrossCheck, DerivedFact, DerivedValue, Entity, FactSpec, Rubric, Text
from evalrules._points import ZERO, context, plain, to_decimal
from evalrules._yaml import DocumentError, read_document
from evalrules.errors import FactsError, FactsProblem
from evalrules.hookspecs import hookimpl

__all__ = [
    "FORMULAS",
    "CrossCheckKind",
    "FactType",
    "FactsDocument",
    "FactsValidator",
    "cross_check_kind",
    "fact_type",
    "load_facts",
]

FACTS_FORMAT = "facts/1"


YEAR_MIN, YEAR_MAX = 1949, 2200

#: The error of a value above a fact's ``plausible_max`` (a rule of its own, so the problem
#: names it and its limit).
_IMPLAUSIBLE = cerberus.errors.ErrorDefinition(0x4F, "plausible_max")


class _PredicateMeta(type):
    """Metaclass whose ``isinstance`` check runs the class's ``accepts`` predicate."""

    accepts: Callable[[Any], bool]

    def __instancecheck__(cls, value: Any) -> bool:
        return bool(cls.accepts(value))


def _predicate_type(name: str, accepts: Callable[[Any], bool]) -> cerberus.TypeDefinition:
    """A cerberus type definition that accepts exactly the values ``accepts`` accepts."""
    included = _PredicateMeta(name, (), {"accepts": staticmethod(accepts)})
    return cerberus.TypeDefinition(name, (included,), ())


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    return isinstance(value, int)


class DecimalValidator(cerberus.Validator):  # type: ignore[misc]
    """A cerberus validator whose ``number`` is a finite int, float or ``Decimal`` (not a
    boolean): NaN and infinity fail the type test instead of breaking comparisons."""

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["number"] = _predicate_type("number", _is_number)


# ------------------------------------------------------------------------- fact types


@attrs.frozen
class FactType:
    """How one kind of fact is validated, exported and converted. Build with :func:`fact_type`.

    Attributes:
        name: The type name rubrics write (``count``).
        description: What values it takes, in Chinese and English.
        accepts: ``accepts(value) -> bool``: the type test (run before any other rule).
        rules: Extra cerberus rules for every fact of this type (e.g. ``{"min": 0}``).
        json_schema: The JSON Schema fragment for a value of this type.
        convert: ``convert(value) -> value`` the rules read (e.g. ``Decimal``).
        expected: How to write such a value, for error messages ("a whole number ≥ 0").
        numeric: Whether ranges (``minimum``, ``maximum``, ``plausible_max``) apply.
    """

    name: str
    description: Text
    accepts: Callable[[Any], bool]
    rules: Mapping[str, Any]
    json_schema: Mapping[str, Any]
    convert: Callable[[Any], Any]
    expected: Text
    numeric: bool = False


def fact_type(
    name: str,
    *,
    description: Text,
    accepts: Callable[[Any], bool],
    json_schema: Mapping[str, Any],
    expected: Text,
    rules: Mapping[str, Any] | None = None,
    convert: Callable[[Any], Any] | None = None,
    numeric: bool = False,
) -> FactType:
    """Build a :class:`FactType` for a plugin's ``evalrules_register_fact_types`` hook."""
    return FactType(
        name=name,
        description=description,
        accepts=accepts,
        rules=dict(rules or {}),
        json_schema=dict(json_schema),
        convert=convert or (lambda v: v),
        expected=expected,
        numeric=numeric,
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_year_key(key: Any) -> bool:
    if isinstance(key, bool):
        return False
    if isinstance(key, str) and key.isdigit():
        key = int(key)
    return isinstance(key, int) and YEAR_MIN <= key <= YEAR_MAX


_NUM_SCHEMA = {"type": "number"}

BUILTIN_TYPES: tuple[FactType, ...] = (
    fact_type(
        "count",
        description=Text(
            "非负整数(人数、所数、次数)", "A whole number ≥ 0 (people, schools, times)"
        ),
        accepts=_is_count,
        rules={"min": 0},
        json_schema={"type": "integer", "minimum": 0},
        expected=Text("不小于0的整数", "a whole number ≥ 0"),
        numeric=True,
    ),
    fact_type(
        "money",
        description=Text("金额,精确小数,不小于0", "An amount of money, exact decimal ≥ 0"),
        accepts=_is_number,
        rules={"min": 0},
        json_schema={"type": "number", "minimum": 0},
        convert=to_decimal,
        expected=Text(
            "不小于0的数字(不带千分位逗号和单位)", "a number ≥ 0 (no thousands separators, no unit)"
        ),
        numeric=True,
    ),
    fact_type(
        "percent",
        description=Text("百分数,0到100", "A percentage from 0 to 100"),
        accepts=_is_number,
        rules={"min": 0, "max": 100},
        json_schema={"type": "number", "minimum": 0, "maximum": 100},
        convert=to_decimal,
        expected=Text("0到100之间的数字(不带%号)", "a number from 0 to 100 (without %)"),
        numeric=True,
    ),
    fact_type(
        "ratio",
        description=Text("比值,不小于0的小数", "A ratio, a decimal ≥ 0"),
        accepts=_is_number,
        rules={"min": 0},
        json_schema={"type": "number", "minimum": 0},
        convert=to_decimal,
        expected=Text("不小于0的数字", "a number ≥ 0"),
        numeric=True,
    ),
    fact_type(
        "boolean",
        description=Text("是或否(true / false)", "Yes or no (true / false)"),
        accepts=lambda v: isinstance(v, bool),
        json_schema={"type": "boolean"},
        expected=Text("true 或 false(不加引号)", "true or false (unquoted)"),
    ),
    fact_type(
        "text",
        description=Text("文字", "Text"),
        accepts=lambda v: isinstance(v, str),
        json_schema={"type": "string"},
        expected=Text("文字", "text"),
    ),
    fact_type(
        "judgement",
        description=Text(
            "评估人员的判断:扣分(deduct)和理由(reason)",
            "An assessor's judgement: deduct and reason",
        ),
        accepts=lambda v: isinstance(v, dict),
        rules={
            "schema": {
                "deduct": {"type": "number", "required": True, "min": 0},
                "reason": {"type": "string", "required": True, "empty": False},
            }
        },
        json_schema={
            "type": "object",
            "required": ["deduct", "reason"],
            "additionalProperties": False,
            "properties": {
                "deduct": {"type": "number", "minimum": 0},
                "reason": {"type": "string", "minLength": 1},
            },
        },
        convert=lambda v: {"deduct": to_decimal(v["deduct"]), "reason": v["reason"]},
        expected=Text("包含 deduct 和 reason 的映射", "a mapping with deduct and reason"),
    ),
)

SERIES = "series"


# ------------------------------------------------------------------------- cross checks


@attrs.frozen
class CrossCheckKind:
    """A relation between facts. Build with :func:`cross_check_kind`.

    Attributes:
        name: The name rubrics write under ``cross_checks`` (``part_of``).
        description: What it checks.
        arity: How many facts it takes.
        check: ``check(values) -> (zh, en) or None``: the problem, if the relation fails.
    """

    name: str
    description: Text
    arity: int
    check: Callable[[tuple[Any, ...]], tuple[str, str] | None]


def cross_check_kind(
    name: str,
    *,
    description: Text,
    arity: int,
    check: Callable[[tuple[Any, ...]], tuple[str, str] | None],
) -> CrossCheckKind:
    """Build a :class:`CrossCheckKind` for ``evalrules_register_cross_checks``."""
    return CrossCheckKind(name=name, description=description, arity=arity, check=check)


def _part_of(values: tuple[Any, ...]) -> tuple[str, str] | None:
    part, whole = (to_decimal(v) for v in values)
    if part > whole:
        return (
            f"部分({plain(part)})大于整体({plain(whole)})",
            f"the part ({plain(part)}) exceeds the whole ({plain(whole)})",
        )
    return None


PART_OF = cross_check_kind(
    "part_of",
    description=Text("部分不大于整体", "A part never exceeds its whole"),
    arity=2,
    check=_part_of,
)


class _BuiltinFacts:
    """The core's fact types and cross checks, registered through the public hooks."""

    @staticmethod
    @hookimpl
    def evalrules_register_fact_types() -> list[FactType]:
        """Register the builtin fact types."""
        return list(BUILTIN_TYPES)

    @staticmethod
    @hookimpl
    def evalrules_register_cross_checks() -> list[CrossCheckKind]:
        """Register the builtin cross checks."""
        return [PART_OF]


builtin_facts_plugin = _BuiltinFacts()


# ------------------------------------------------------------------------- documents


@attrs.frozen
class FactsDocument:
    """A district's facts, with its entity and optional claimed scores.

    Attributes:
        facts: The facts as nested mappings (``{"funding": {"primary": {...}}}``).
        entity: What is evaluated, when the document says.
        rubric: The rubric reference the document is for, when it says.
        claimed: Claimed scores by indicator code, plus ``"total"``.
        source: The file it was read from.
    """

    facts: Mapping[str, Any]
    entity: Entity | None = None
    rubric: str | None = None
    claimed: Mapping[str, Decimal] = attrs.field(factory=dict)
    source: str | None = attrs.field(default=None, eq=False)

    @classmethod
    def from_mapping(cls, data: Any, *, source: str | None = None) -> FactsDocument:
        """Build a document from parsed YAML/JSON, reporting every structural problem.

        Raises:
            FactsError: listing every problem in the envelope (entity, rubric, claimed).
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
        known = {"evalrules", "rubric", "entity", "facts", "claimed"}
        for key in sorted(set(data) - known, key=str):
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
                        '行政区划代码应为文字,如 "211103"',
                        'the id must be text such as "211103"',
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
        if problems:
            raise FactsError(problems, source=source)
        return cls(facts=facts, entity=entity, rubric=rubric, claimed=claimed, source=source)


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


def load_facts(path: str | Path) -> FactsDocument:
    """Read a facts document (YAML, or JSON by suffix).

    Raises:
        FactsError: if the file cannot be read or its envelope is invalid.
    """
    p = Path(path)
    try:
        data = read_document(p)
    except DocumentError as exc:
        where = f"line {exc.line}" if exc.line else "<document>"
        raise FactsError(
            [FactsProblem(where, "unreadable", exc.message_zh, exc.message)],
            source=str(p),
        ) from None
    return FactsDocument.from_mapping(data, source=str(p))


# ------------------------------------------------------------------------- validation


def _nest(specs: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Turn ``("a.b.c", rules)`` pairs into a nested cerberus schema."""
    root: dict[str, Any] = {}
    for path, rules in specs:
        parts = path.split(".")
        level = root
        for part in parts[:-1]:
            node = level.setdefault(part, {"type": "dict", "schema": {}, "group": True})
            level = node["schema"]
        level[parts[-1]] = rules
    _mark_groups(root)
    return root


def _mark_groups(schema: dict[str, Any]) -> None:
    for rules in schema.values():
        if rules.pop("group", False):
            sub = rules["schema"]
            _mark_groups(sub)
            rules["required"] = any(r.get("required") for r in sub.values())


class FactsValidator:
    """A rubric's facts schema compiled once into cerberus validators.

    Use :meth:`validate` for every document; nothing is rebuilt per call.
    """

    def __init__(
        self,
        rubric: Rubric,
        types: Mapping[str, FactType],
        cross_checks: Mapping[str, CrossCheckKind],
    ) -> None:
        self.rubric = rubric
        self.types = types
        self.cross_checks = cross_checks
        self.specs: dict[str, FactSpec] = {s.path: s for s in rubric.facts}
        self._validator_class = self._make_validator_class()
        strict = _nest((s.path, self._rules(s, partial=False)) for s in rubric.facts)
        partial = _nest((s.path, self._rules(s, partial=True)) for s in rubric.facts)
        self._strict = self._validator_class(strict, allow_unknown=False)
        self._partial = self._validator_class(partial, allow_unknown=False)
        groups = {
            path.rsplit(".", i)[0] for path in self.specs for i in range(1, path.count(".") + 1)
        }
        self._known_paths = sorted(set(self.specs) | groups)
        accepts = {name: t.accepts for name, t in types.items()}
        type_rules = {name: t.rules for name, t in types.items()}
        numeric = {name: t.numeric for name, t in types.items()}
        self._fast_strict = compile_check(self.specs, accepts, type_rules, numeric, partial=False)
        self._fast_partial = compile_check(self.specs, accepts, type_rules, numeric, partial=True)

    def _make_validator_class(self) -> type[DecimalValidator]:
        # Fact types are predicates, not Python classes; cerberus tests types with isinstance,
        # so each predicate becomes a class whose isinstance check calls it. (Type-testing
        # methods, the older way, are deprecated in cerberus and warn on every class built.)
        mapping = dict(DecimalValidator.types_mapping)
        for name, ftype in self.types.items():
            mapping[f"fact_{name}"] = _predicate_type(f"fact_{name}", ftype.accepts)
        mapping["fact_year_key"] = _predicate_type("fact_year_key", _is_year_key)

        def _validate_plausible_max(self: Any, constraint: Any, field: str, value: Any) -> None:
            """{'nullable': False}"""
            if _is_number(value) and to_decimal(value) > to_decimal(constraint):
                self._error(field, _IMPLAUSIBLE)

        namespace = {"types_mapping": mapping, "_validate_plausible_max": _validate_plausible_max}
        return type("EvalrulesFactsValidator", (DecimalValidator,), namespace)

    def _value_rules(self, type_name: str, spec: FactSpec) -> dict[str, Any]:
        ftype = self.types[type_name]
        rules: dict[str, Any] = {"type": f"fact_{type_name}", **dict(ftype.rules)}
        if ftype.numeric:
            if spec.minimum is not None:
                rules["min"] = spec.minimum
            if spec.maximum is not None:
                rules["max"] = spec.maximum
            if spec.plausible_max is not None:
                rules["plausible_max"] = spec.plausible_max
        return rules

    def _rules(self, spec: FactSpec, *, partial: bool) -> dict[str, Any]:
        if spec.type == SERIES:
            assert spec.items is not None
            rules: dict[str, Any] = {
                "type": "dict",
                "keysrules": {"type": "fact_year_key"},
                "valuesrules": self._value_rules(spec.items, spec),
            }
        else:
            rules = self._value_rules(spec.type, spec)
        rules["required"] = bool(spec.required and spec.required_if is None and not partial)
        return rules

    # -- public --------------------------------------------------------------------------

    def validate(
        self, facts: Mapping[str, Any], *, partial: bool = False, source: str | None = None
    ) -> dict[str, Any]:
        """Validate a document's facts; return them flat (path → converted value).

        Raises:
            FactsError: listing every problem, sorted by path.
        """
        problems: list[FactsProblem] = []
        # A blank (null) value is a value not given: the template's placeholders stay null
        # until someone fills them in.
        facts = _without_nulls(facts)
        # The compiled check accepts what cerberus would accept, much faster; anything it
        # does not accept goes to cerberus, which names every problem.
        fast = self._fast_partial if partial else self._fast_strict
        accepted = fast is not None and fast(facts)
        nonfinite = [] if accepted else list(_find_nonfinite(facts))
        doc = facts
        if nonfinite:
            for path, value in nonfinite:
                problems.append(
                    FactsProblem(
                        path,
                        "not-finite",
                        f"值 {value} 不是有限数字(NaN 或无穷大)",
                        f"{value} is not a finite number (NaN or infinity)",
                        str(value),
                    )
                )
            doc = _without_paths(facts, {p for p, _ in nonfinite})
        validator = self._partial if partial else self._strict
        # normalize=False: the facts schema has no normalization rules, and cerberus would
        # otherwise copy and rebuild its schema for every document.
        if not accepted and not validator.validate(doc, normalize=False):
            removed = {p for p, _ in nonfinite}
            # a non-finite value is reported as such, not again as a missing fact
            problems.extend(
                p
                for p in self._translate(validator._errors)
                if not (p.code == "missing" and p.path in removed)
            )
        flat = self._collect(doc) if not problems else {}
        if not problems:
            problems.extend(self._conditional(flat, partial))
            problems.extend(self._cross(flat))
        if problems:
            unique = {(p.path, p.code, p.message_en): p for p in problems}
            raise FactsError(sorted(unique.values(), key=lambda p: (p.path, p.code)), source=source)
        return flat

    def _collect(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        for path, spec in self.specs.items():
            value: Any = doc
            for part in path.split("."):
                if not isinstance(value, Mapping) or part not in value:
                    break
                value = value[part]
            else:
                if spec.type == SERIES:
                    assert spec.items is not None
                    conv = self.types[spec.items].convert
                    flat[path] = {int(k): conv(v) for k, v in value.items()}
                else:
                    flat[path] = self.types[spec.type].convert(value)
        return flat

    def _conditional(self, flat: Mapping[str, Any], partial: bool) -> Iterable[FactsProblem]:
        if partial:
            return
        for spec in self.specs.values():
            if spec.path in flat:
                continue
            if spec.required_if is not None and flat.get(spec.required_if) is True:
                cond = self.specs[spec.required_if].description
                yield FactsProblem(
                    spec.path,
                    "missing",
                    f"缺少必填数据“{spec.description.zh}”(因为“{cond.zh}”为是)",
                    f"required fact “{spec.description.en or spec.description.zh}” is missing "
                    f"(because {spec.required_if} is true)",
                )

    def _cross(self, flat: Mapping[str, Any]) -> Iterable[FactsProblem]:
        for check in self.rubric.cross_checks:
            if not all(p in flat for p in check.facts):
                continue
            kind = self.cross_checks[check.kind]
            found = kind.check(tuple(flat[p] for p in check.facts))
            if found is not None:
                zh, en = found
                yield FactsProblem(
                    check.facts[0],
                    check.kind.replace("_", "-"),
                    f"{zh}:{' / '.join(check.facts)}",
                    f"{en}: {' / '.join(check.facts)}",
                    tuple(flat[p] for p in check.facts),
                )

    def _field_problem(self, path: str, holder: FactSpec, error: Any) -> FactsProblem:
        """A problem inside a structured value (a judgement's ``deduct`` or ``reason``)."""
        field = path.rsplit(".", 1)[1]
        code = _field_code(error)
        zh, en = (text.format(field=field) for text in _FIELD_TEXTS[code])
        expected = self.types[holder.type].expected
        return FactsProblem(
            path, code, f"{zh}(应为{expected.zh})", f"{en} (expected {expected.en})", error.value
        )

    def _spec_at(self, path: str) -> tuple[FactSpec | None, bool]:
        """The spec for a path (or its series parent) and whether it is a series value."""
        if path in self.specs:
            return self.specs[path], False
        parent = path.rsplit(".", 1)[0]
        if parent in self.specs and self.specs[parent].type == SERIES:
            return self.specs[parent], True
        return None, False

    def _translate(self, errors: Iterable[Any]) -> Iterable[FactsProblem]:
        for error in _leaf_errors(errors):
            path = ".".join(str(p) for p in error.document_path)
            if error.code == cerberus.errors.REQUIRED_FIELD.code and path not in self.specs:
                # A whole group is absent: name each required fact in it, as the user
                # would look them up, rather than the group.
                inside = [
                    spec
                    for spec in self.specs.values()
                    if spec.path.startswith(path + ".") and spec.required and not spec.required_if
                ]
                if inside:
                    for spec in inside:
                        yield self._problem(spec.path, error)
                    continue
            yield self._problem(path, error)

    def _problem(self, path: str, error: Any) -> FactsProblem:
        spec, in_series = self._spec_at(path)
        value = error.value
        rule = error.rule
        holder = self.specs.get(path.rsplit(".", 1)[0]) if "." in path else None
        if spec is None and holder is not None and holder.type != SERIES:
            return self._field_problem(path, holder, error)
        if error.code == cerberus.errors.UNKNOWN_FIELD.code:
            spec_parent, _ = self._spec_at(path.rsplit(".", 1)[0]) if "." in path else (None, False)
            if spec_parent is not None and spec_parent.type == SERIES:
                return FactsProblem(
                    path,
                    "bad-year",
                    "年份应为1949到2200之间的整数",
                    "a year must be a whole number from 1949 to 2200",
                    value,
                )
            near = difflib.get_close_matches(path, self._known_paths, n=1, cutoff=0.6)
            hint_zh = f"是否应为 {near[0]}?" if near else "请检查拼写,或删除该项。"
            hint_en = f"did you mean {near[0]}?" if near else "check the spelling, or remove it."
            return FactsProblem(
                path,
                "unknown",
                f"评价方案未定义此数据;{hint_zh}",
                f"the rubric declares no such fact; {hint_en}",
                value,
            )
        if error.code == cerberus.errors.REQUIRED_FIELD.code:
            desc = spec.description if spec else Text(path, path)
            return FactsProblem(
                path,
                "missing",
                f"缺少必填数据“{desc.zh}”",
                f"required fact “{desc.en or desc.zh}” is missing",
            )
        if rule == "type" and error.constraint == "fact_year_key":
            return FactsProblem(
                path,
                "bad-year",
                "年份应为1949到2200之间的整数",
                "a year must be a whole number from 1949 to 2200",
                value,
            )
        if rule == "type" and spec is None:
            return FactsProblem(
                path,
                "wrong-type",
                "此处应为映射(分组)",
                "this must be a mapping (a group of facts)",
                value,
            )
        if spec is None:
            return FactsProblem(path, rule or "invalid", str(error), str(error), value)
        type_name = (
            spec.items if (spec.type == SERIES and (in_series or rule != "type")) else spec.type
        )
        if spec.type == SERIES and not in_series and rule == "type":
            return FactsProblem(
                path,
                "wrong-type",
                "应为按年份的映射,如 {2021: 28.67, 2022: 39.78}",
                "must map years to values, e.g. {2021: 28.67, 2022: 39.78}",
                value,
            )
        assert type_name is not None
        ftype = self.types[type_name]
        unit = spec.unit or ""
        if rule == "type":
            return _type_problem(path, value, ftype)
        if rule == "min":
            if _is_number(value) and to_decimal(value) < 0 and to_decimal(error.constraint) == 0:
                return FactsProblem(
                    path,
                    "negative",
                    f"不能为负数(应为{ftype.expected.zh})",
                    f"cannot be negative (expected {ftype.expected.en})",
                    value,
                )
            return FactsProblem(
                path,
                "too-small",
                f"应不小于{plain(to_decimal(error.constraint))}{unit}",
                f"must be at least {plain(to_decimal(error.constraint))}{unit}",
                value,
            )
        if rule == "max":
            limit = plain(to_decimal(error.constraint))
            if type_name == "percent" and to_decimal(error.constraint) == 100:
                return FactsProblem(
                    path, "over-100", "百分数不能超过100", "a percentage cannot exceed 100", value
                )
            return FactsProblem(
                path, "too-large", f"应不大于{limit}{unit}", f"must be at most {limit}{unit}", value
            )
        if rule == "plausible_max":
            limit = plain(to_decimal(spec.plausible_max or 0))
            return FactsProblem(
                path,
                "implausible",
                f"数值{plain(to_decimal(value))}{unit}大得不合常理(上限{limit}{unit}),"
                "请核对单位和位数",
                f"{plain(to_decimal(value))}{unit} is implausibly large (limit {limit}{unit}); "
                "check the unit and the digits",
                value,
            )
        return FactsProblem(
            path, rule or "invalid", f"数据不符合要求:{error}", f"invalid value: {error}", value
        )


_FIELD_TEXTS = {
    "missing": ("缺少“{field}”", "“{field}” is missing"),
    "wrong-type": ("“{field}”的类型错误", "“{field}” has the wrong type"),
    "negative": ("“{field}”不能为负数", "“{field}” cannot be negative"),
    "empty": ("“{field}”不能为空", "“{field}” cannot be empty"),
    "unknown": ("不应有“{field}”", "“{field}” is not expected here"),
    "invalid": ("“{field}”不符合要求", "“{field}” is invalid"),
}


def _field_code(error: Any) -> str:
    if error.code == cerberus.errors.UNKNOWN_FIELD.code:
        return "unknown"
    return {"required": "missing", "type": "wrong-type", "min": "negative", "empty": "empty"}.get(
        error.rule or "", "invalid"
    )


def _type_problem(path: str, value: Any, ftype: FactType) -> FactsProblem:
    exp = ftype.expected
    if isinstance(value, str):
        cleaned = value.replace(",", "").replace(",", "").replace("%", "").replace("元", "").strip()
        if ftype.numeric:
            try:
                number = Decimal(cleaned)
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite() and len(plain(number)) > 24:
                return FactsProblem(
                    path,
                    "wrong-type",
                    f"应为数字而不是文字,且数值大得不合常理:“{value[:40]}”",
                    f"expected a number, not text, and the value is implausibly large: "
                    f"“{value[:40]}”",
                    value,
                )
            if number is not None and number.is_finite():
                return FactsProblem(
                    path,
                    "wrong-type",
                    f"应为数字而不是文字“{value}”;请写作 {plain(number)}(不带引号、逗号、单位)",
                    f"expected a number, not the text “{value}”; write {plain(number)} "
                    "(no quotes, commas or unit)",
                    value,
                )
        if ftype.name == "boolean" and value.strip().lower() in (
            "true",
            "false",
            "yes",
            "no",
            "是",
            "否",
            "有",
            "无",
        ):
            truth = value.strip().lower() in ("true", "yes", "是", "有")
            return FactsProblem(
                path,
                "wrong-type",
                f"应为布尔值而不是文字“{value}”;请写作 {str(truth).lower()}(不带引号)",
                f"expected a boolean, not the text “{value}”; "
                f"write {str(truth).lower()} (unquoted)",
                value,
            )
    if ftype.name == "count" and _is_number(value):
        return FactsProblem(
            path,
            "not-whole",
            f"应为整数,而不是{value}",
            f"must be a whole number, not {value}",
            value,
        )
    if isinstance(value, bool) and ftype.numeric:
        return FactsProblem(
            path,
            "wrong-type",
            f"应为{exp.zh},而不是布尔值",
            f"expected {exp.en}, not a boolean",
            value,
        )
    return FactsProblem(
        path, "wrong-type", f"类型错误:应为{exp.zh}", f"wrong type: expected {exp.en}", value
    )


def _leaf_errors(errors: Iterable[Any]) -> Iterable[Any]:
    for error in errors:
        if error.is_group_error and error.child_errors:
            yield from _leaf_errors(error.child_errors)
        else:
            yield error


def _find_nonfinite(data: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _find_nonfinite(value, f"{prefix}{key}.")
    elif isinstance(data, Decimal | float) and not _is_number(data):
        yield prefix.rstrip("."), data


def _without_nulls(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: _without_nulls(value) if isinstance(value, Mapping) else value
        for key, value in data.items()
        if value is not None
    }


def _without_paths(data: Mapping[str, Any], paths: set[str], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if path in paths:
            continue
        out[key] = _without_paths(value, paths, path + ".") if isinstance(value, Mapping) else value
    return out


# ------------------------------------------------------------------------- derived facts

#: The closed set of formulas a rubric may declare, with their input counts.
FORMULAS: Mapping[str, Text] = {
    "ratio": Text("比值 = a ÷ b", "ratio = a ÷ b"),
    "share": Text("占比 = 部分 ÷ 整体 × 100", "share = part ÷ whole × 100"),
    "per_capita": Text("人均 = 总量 ÷ 人数", "per capita = amount ÷ count"),
    "difference": Text("差值 = a − b", "difference = a − b"),
    "growth": Text(
        "增长率 = (当年 − 上年) ÷ 上年 × 100", "growth = (this year − last year) ÷ last year × 100"
    ),
    "sum": Text("合计 = a + b + …", "sum = a + b + …"),
}
FORMULA_ARITY: Mapping[str, tuple[int, int | None]] = {
    "ratio": (2, 2),
    "share": (2, 2),
    "per_capita": (2, 2),
    "difference": (2, 2),
    "growth": (1, 1),
    "sum": (2, None),
}


def compute_derived(
    derived: Iterable[DerivedFact], flat: Mapping[str, Any], data_year: int
) -> tuple[dict[str, DerivedValue], list[FactsProblem]]:
    """Compute derived facts in declaration order (a derived fact may use earlier ones).

    Returns:
        The values by path, and the problems (division by zero, missing years). A derived
        fact whose inputs are absent is left out; rules that read it report it missing.
    """
    ctx = context()
    values: dict[str, DerivedValue] = {}
    problems: list[FactsProblem] = []
    for d in derived:
        inputs: list[tuple[str, Any]] = []
        for path in d.inputs:
            if path in values:
                inputs.append((path, values[path].value))
            elif path in flat:
                inputs.append((path, flat[path]))
            else:
                break
        else:
            if d.formula == "growth":
                series = inputs[0][1]
                year = d.year or data_year
                if year not in series or year - 1 not in series:
                    problems.append(
                        FactsProblem(
                            d.inputs[0],
                            "missing-year",
                            f"计算“{d.description.zh}”需要{year - 1}年和{year}年的数据",
                            f"computing {d.path} needs values for {year - 1} and {year}",
                        )
                    )
                    continue
                before, now = to_decimal(series[year - 1]), to_decimal(series[year])
                if before == 0:
                    problems.append(_div_zero(d, f"{d.inputs[0]}[{year - 1}]"))
                    continue
                value = ctx.multiply(ctx.divide(ctx.subtract(now, before), before), Decimal(100))
                inputs = [(f"{d.inputs[0]}[{year - 1}]", before), (f"{d.inputs[0]}[{year}]", now)]
            else:
                nums = [to_decimal(v) for _, v in inputs]
                if d.formula in ("ratio", "share", "per_capita") and nums[1] == 0:
                    problems.append(_div_zero(d, d.inputs[1]))
                    continue
                if d.formula == "ratio" or d.formula == "per_capita":
                    value = ctx.divide(nums[0], nums[1])
                elif d.formula == "share":
                    value = ctx.multiply(ctx.divide(nums[0], nums[1]), Decimal(100))
                elif d.formula == "difference":
                    value = ctx.subtract(nums[0], nums[1])
                else:
                    value = sum(nums, ZERO)
            values[d.path] = DerivedValue(d.path, value, d.formula, tuple(inputs))
    return values, problems


def _div_zero(d: DerivedFact, divisor: str) -> FactsProblem:
    return FactsProblem(
        divisor,
        "division-by-zero",
        f"“{d.description.zh}”无法计算:除数 {divisor} 为0",
        f"cannot compute {d.path}: the divisor {divisor} is 0",
        0,
    )


def check_cross_check(check: CrossCheck, kinds: Mapping[str, CrossCheckKind]) -> str | None:
    """Return a problem message if a rubric's cross check names an unknown kind or arity."""
    if check.kind not in kinds:
        return f"unknown cross check {check.kind!r} (installed: {', '.join(sorted(kinds))})"
    arity = kinds[check.kind].arity
    if len(check.facts) != arity:
        return f"cross check {check.kind!r} takes {arity} facts, got {len(check.facts)}"
    return None
