"""Reading a rubric document into a :class:`Rubric`, every problem at once."""

from __future__ import annotations

import decimal
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from evalrules._documents import DocumentError, read_document
from evalrules._limits import MAX_ITEMS, number_problem, number_text_problem
from evalrules._points import ROUNDINGS, ZERO, places, plain, to_decimal
from evalrules._rubric._model import (
    FORMULA_ARITY,
    NOT_APPLICABLE_POLICIES,
    Aggregate,
    Alternative,
    CrossCheck,
    DerivedFact,
    FactSpec,
    GradeBand,
    Indicator,
    Monotonic,
    RowExclusion,
    Rubric,
    Rule,
    Source,
    SourceDocument,
    TableSpec,
    VerdictSpec,
)
from evalrules._rubric._source import _CODE, _FAMILY, _PATH, RUBRIC_FORMAT
from evalrules._text import Text
from evalrules.errors import RubricError, RubricProblem

#: A table's column, row-derived value or stage code: one lowercase word.
_COLUMN = re.compile(r"[a-z][a-z0-9_]*\Z")


class _Problems:
    """Collects problems with their location."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.items: list[RubricProblem] = []
        # Nodes whose max could not be read (ids): sums over them would only repeat the
        # problem already reported, so they are not checked.
        self.unsure: set[int] = set()
        # Set when a fact or derived declaration could not be read: a rule reading it is
        # then not reported as reading an undeclared fact.
        self.facts_unread = False

    def add(
        self,
        message: str,
        code: str,
        *,
        path: str | None = None,
        indicator: str | None = None,
        rule: str | None = None,
    ) -> None:
        self.items.append(RubricProblem(message, code, self.file, indicator, rule, path))


def read_rubric_file(path: Path) -> Any:
    """Read a rubric file's raw document (``extends`` is resolved by ``_rubric._extends``).

    Raises:
        RubricError: if the file cannot be read or the extension cannot be applied.
    """
    try:
        return read_document(path)
    except DocumentError as exc:
        problems = []
        for error in (exc, *exc.others):
            line = f"line {error.line}" if error.line else None
            where = f"{error.path} ({line})" if error.path and line else error.path or line
            problems.append(RubricProblem(error.message, error.code, str(path), path=where))
        raise RubricError(problems, rubric=str(path)) from None


# ----------------------------------------------------------------------------- helpers


def _text(raw: Any, where: str, p: _Problems, *, required: bool = True, **loc: Any) -> Text:
    if raw is None:
        if required:
            p.add("a text {zh, en} is required", "missing", path=where, **loc)
        return Text("")
    if isinstance(raw, str):
        return Text(raw, "")
    if not isinstance(raw, Mapping):
        p.add(
            f"must be a text or {{zh, en}}, got {type(raw).__name__}",
            "wrong-type",
            path=where,
            **loc,
        )
        return Text("")
    for key in sorted(set(raw) - {"zh", "en"}, key=str):
        near = suggest(str(key), ("zh", "en"))
        hint = f"; did you mean {near[0]!r}?" if near else ""
        p.add(
            f"unknown key {key!r} (use zh, en){hint}",
            "unknown-key",
            path=f"{where}.{key}",
            **loc,
        )
    zh, en = raw.get("zh"), raw.get("en", "")
    if not isinstance(zh, str) or not zh:
        p.add("zh text is required", "missing", path=f"{where}.zh", **loc)
        zh = ""
    if not isinstance(en, str):
        p.add("en must be text", "wrong-type", path=f"{where}.en", **loc)
        en = ""
    return Text(zh, en)


def _number(
    raw: Any, where: str, p: _Problems, *, minimum: Decimal | None = ZERO, **loc: Any
) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | float | str):
        p.add(f"must be a number, got {_shown(raw)}", "wrong-type", path=where, **loc)
        return None
    limit = number_text_problem(raw) if isinstance(raw, str) else None
    if limit is not None:
        p.add(limit[1], "number-limit", path=where, **loc)
        return None
    try:
        value = to_decimal(raw)
    except (ArithmeticError, TypeError, ValueError):
        p.add(f"must be a number, got {_shown(raw)}", "wrong-type", path=where, **loc)
        return None
    limit = number_problem(value)
    if limit is not None:
        p.add(limit[1], "number-limit", path=where, **loc)
        return None
    if not value.is_finite():
        p.add(f"must be a finite number, got {raw}", "not-finite", path=where, **loc)
        return None
    if minimum is not None and value < minimum:
        p.add(
            f"must be at least {plain(minimum)}, got {plain(value)}",
            "out-of-range",
            path=where,
            **loc,
        )
        return None
    return value


def _keys(
    raw: Mapping[str, Any],
    allowed: Iterable[str],
    where: str,
    p: _Problems,
    *,
    renamed: Mapping[str, str] | None = None,
    **loc: Any,
) -> None:
    allowed = set(allowed)
    for key in sorted(set(raw) - allowed, key=str):
        near = suggest(str(key), allowed)
        if renamed and key in renamed:
            near = [renamed[key]]
        hint = f"; did you mean {near[0]!r}?" if near else ""
        p.add(
            f"unknown key {key!r}{hint}",
            "unknown-key",
            path=f"{where}.{key}" if where else str(key),
            **loc,
        )


def _misspelt(raw: Mapping[str, Any], key: str, allowed: Iterable[str]) -> bool:
    """Whether an unknown key of ``raw`` is suggested as ``key`` (``mxa`` for ``max``)."""
    allowed = set(allowed)
    return any(
        k not in allowed and (near := suggest(str(k), allowed)) and near[0] == key for k in raw
    )


def suggest(key: str, known: Iterable[str]) -> list[str]:
    """Known names ``key`` may be a slip for, closest first: a few edits or transposed
    letters (``mxa`` for ``max``, difflib's ratio), or one spelled out (``req`` for
    ``required``)."""
    names = sorted(set(known))
    near = sorted((a for a in names if _near(key, a)), key=lambda a: (_distance(key, a), a))
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.6)
    return list(dict.fromkeys([*near, *close]))


def _near(key: str, known: str) -> bool:
    """Whether ``key`` looks like a slip for ``known``: a few edits, two neighbouring
    letters swapped, or one spelled out."""
    if len(key) == len(known) and key != known:
        diff = [i for i, (a, b) in enumerate(zip(key, known, strict=True)) if a != b]
        if (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and (key[diff[0]], key[diff[1]]) == (known[diff[1]], known[diff[0]])
        ):
            return True
    if _distance(key, known) <= min(3, max(1, len(known) // 2)):
        return True
    return len(known) >= 3 and (key.startswith(known) or known.startswith(key))


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _source(raw: Any, where: str, p: _Problems, **loc: Any) -> Source:
    if raw is None:
        p.add(
            "a source is required: {document, clause} or {inferred: true, why}",
            "no-source",
            path=where,
            **loc,
        )
        return Source()
    if not isinstance(raw, Mapping):
        p.add("must be a mapping", "wrong-type", path=where, **loc)
        return Source()
    _keys(
        raw,
        ("document", "clause", "url", "inferred", "why", "note", "alternatives"),
        where,
        p,
        **loc,
    )
    inferred = raw.get("inferred", False)
    unreadable = not isinstance(inferred, bool)
    if unreadable:
        p.add("inferred must be true or false", "wrong-type", path=f"{where}.inferred", **loc)
        inferred = False
    values: dict[str, str | None] = {}
    for key in ("document", "clause", "url"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str | int):
            p.add("must be text", "wrong-type", path=f"{where}.{key}", **loc)
            value = None
        values[key] = None if value is None else str(value)
    why = _optional_text(raw.get("why"), f"{where}.why", p, **loc)
    note = _optional_text(raw.get("note"), f"{where}.note", p, **loc)
    if inferred and why is None:
        p.add(
            "an inferred rule must say why (what it was inferred from)",
            "no-reason",
            path=f"{where}.why",
            **loc,
        )
    if not inferred and not unreadable and not values["document"]:
        p.add(
            "a documented rule must name its document (or say inferred: true)",
            "no-source",
            path=f"{where}.document",
            **loc,
        )
    alternatives = _alternatives(raw.get("alternatives"), f"{where}.alternatives", p, **loc)
    if alternatives and not inferred:
        p.add(
            "only an inferred rule has alternatives (say inferred: true)",
            "bad-alternative",
            path=f"{where}.alternatives",
            **loc,
        )
    return Source(
        values["document"],
        values["clause"],
        values["url"],
        inferred,
        why,
        note,
        alternatives,
    )


def _optional_text(raw: Any, where: str, p: _Problems, **loc: Any) -> Text | None:
    """A text that may be left out: ``None`` when absent or empty."""
    if raw is None or raw == "":
        return None
    text = _text(raw, where, p, **loc)
    return text if text.zh else None


def _alternatives(raw: Any, where: str, p: _Problems, **loc: Any) -> tuple[Alternative, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        p.add("alternatives must be a list", "wrong-type", path=where, **loc)
        return ()
    out = []
    for i, alt in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(alt, Mapping):
            p.add("an alternative is {params, why, document}", "wrong-type", path=at, **loc)
            continue
        _keys(alt, ("params", "why", "document"), at, p, **loc)
        params = alt.get("params")
        if not isinstance(params, Mapping) or not params:
            p.add(
                "params must be a mapping of the parameters that change",
                "wrong-type",
                path=f"{at}.params",
                **loc,
            )
            continue
        document = alt.get("document")
        if document is not None and not isinstance(document, str):
            p.add("must be text", "wrong-type", path=f"{at}.document", **loc)
            document = None
        why = _text(alt.get("why"), f"{at}.why", p, **loc)
        out.append(Alternative(_plain_params(params), why, document))
    return tuple(out)


# ------------------------------------------------------------------------------- facts

_FACT_KEYS = (
    "type",
    "unit",
    "description",
    "required",
    "required_if",
    "minimum",
    "maximum",
    "plausible_max",
    "items",
    "source",
    "values",
    "labels",
)

#: The keys a table fact's declaration adds to a fact's.
_TABLE_KEYS = (
    "key",
    "label",
    "stage",
    "stages",
    "max_rows",
    "min_rows",
    "row_noun",
    "columns",
    "cross_checks",
    "totals",
    "exclude",
    "row_derived",
)
#: The keys of a table's column: a fact's, and ``optional``.
_COLUMN_KEYS = (*tuple(k for k in _FACT_KEYS if k not in ("required_if", "items")), "optional")


def _facts(raw: Any, p: _Problems) -> tuple[FactSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        p.add("facts must map fact paths to declarations", "wrong-type", path="facts")
        p.facts_unread = True
        return ()
    specs = []
    for path in raw:
        where = f"facts.{path}"
        decl = raw[path]
        if not isinstance(path, str) or not _PATH.match(path):
            p.add(
                f"fact path {path!r} must be dotted lowercase words (funding.primary.pupils)",
                "bad-path",
                path=where,
            )
            p.facts_unread = True
            continue
        if not isinstance(decl, Mapping):
            p.add("a fact declaration must be a mapping", "wrong-type", path=where)
            p.facts_unread = True
            continue
        table = None
        if "columns" in decl:
            _keys(decl, _FACT_KEYS + _TABLE_KEYS, where, p)
            table = _table(decl, where, p)
            if table is None:
                p.facts_unread = True
                continue
        else:
            _keys(decl, _FACT_KEYS, where, p)
        ftype = decl.get("type")
        if not isinstance(ftype, str):
            p.add(
                "type is required (count, money, percent, ratio, boolean, text, series, judgement)",
                "missing",
                path=f"{where}.type",
            )
            p.facts_unread = True
            continue
        # Whether the type takes items (a series does) is the type's to say: the compiler
        # checks it against the installed fact types.
        items = decl.get("items")
        if items is not None and not isinstance(items, str):
            p.add("items must name a fact type", "wrong-type", path=f"{where}.items")
            p.facts_unread = True
            continue
        required = decl.get("required", True)
        if not isinstance(required, bool):
            p.add("required must be true or false", "wrong-type", path=f"{where}.required")
            required = True
        required_if = decl.get("required_if")
        if required_if is not None and not isinstance(required_if, str):
            p.add(
                "required_if must be a boolean fact's path",
                "wrong-type",
                path=f"{where}.required_if",
            )
            required_if = None
        limits: dict[str, Decimal | None] = {}
        for key in ("minimum", "maximum", "plausible_max"):
            limits[key] = (
                None
                if decl.get(key) is None
                else _number(decl[key], f"{where}.{key}", p, minimum=None)
            )
        unit = decl.get("unit")
        specs.append(
            FactSpec(
                path=path,
                type=ftype,
                description=_text(decl.get("description"), f"{where}.description", p),
                unit=None if unit is None else str(unit),
                required=required,
                required_if=required_if,
                minimum=limits["minimum"],
                maximum=limits["maximum"],
                plausible_max=limits["plausible_max"],
                items=items,
                source=None if decl.get("source") is None else str(decl["source"]),
                values=_values(decl, where, p),
                table=table,
                labels=_labels(decl, where, p),
            )
        )
    paths = {s.path for s in specs}
    for s in specs:
        for other in paths:
            if other.startswith(s.path + "."):
                p.add(
                    f"{s.path} is a fact and also a group containing {other}",
                    "path-conflict",
                    path=f"facts.{s.path}",
                )
                break
        # Whether the target can be true is its type's to say (checked when compiling).
        if s.required_if is not None and not any(t.path == s.required_if for t in specs):
            p.add(
                f"required_if names an undeclared fact {s.required_if!r}",
                "unknown-fact",
                path=f"facts.{s.path}.required_if",
            )
    return tuple(specs)


def _values(decl: Mapping[str, Any], where: str, p: _Problems) -> tuple[Any, ...] | None:
    values = decl.get("values")
    if values is None:
        return None
    if not isinstance(values, list) or not values:
        p.add("values must be a non-empty list", "wrong-type", path=f"{where}.values")
        return None
    return tuple(values)


def _labels(decl: Mapping[str, Any], where: str, p: _Problems) -> dict[Any, Text]:
    """A choice's labels: each a value of its ``values`` → its label in both languages."""
    raw = decl.get("labels")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or not raw:
        p.add("labels must map values to labels", "wrong-type", path=f"{where}.labels")
        return {}
    values = decl.get("values")
    known = list(values) if isinstance(values, list) else []
    out: dict[Any, Text] = {}
    for value, text in raw.items():
        if value not in known:
            p.add(
                f"labels: {value!r} is not one of values", "unknown-value", path=f"{where}.labels"
            )
            continue
        out[value] = _text(text, f"{where}.labels.{value}", p)
    return out


def _column(name: Any, decl: Any, where: str, p: _Problems) -> FactSpec | None:
    if not isinstance(name, str) or not _COLUMN.match(name):
        p.add(f"column name {name!r} must be a lowercase word", "bad-path", path=where)
        return None
    if not isinstance(decl, Mapping):
        p.add("a column is declared like a fact: a mapping", "wrong-type", path=where)
        return None
    _keys(decl, _COLUMN_KEYS, where, p)
    ftype = decl.get("type")
    if not isinstance(ftype, str):
        p.add("type is required", "missing", path=f"{where}.type")
        return None
    optional = decl.get("optional", False)
    if not isinstance(optional, bool):
        p.add("optional must be true or false", "wrong-type", path=f"{where}.optional")
        optional = False
    limits = {
        key: None
        if decl.get(key) is None
        else _number(decl[key], f"{where}.{key}", p, minimum=None)
        for key in ("minimum", "maximum", "plausible_max")
    }
    unit = decl.get("unit")
    return FactSpec(
        path=name,
        type=ftype,
        description=_text(decl.get("description"), f"{where}.description", p),
        unit=None if unit is None else str(unit),
        required=not optional,
        minimum=limits["minimum"],
        maximum=limits["maximum"],
        plausible_max=limits["plausible_max"],
        source=None if decl.get("source") is None else str(decl["source"]),
        values=_values(decl, where, p),
        labels=_labels(decl, where, p),
    )


def _table(decl: Mapping[str, Any], where: str, p: _Problems) -> TableSpec | None:
    """A table fact's rows: its columns, key, label, stages, exclusions, row-derived values."""
    raw_columns = decl.get("columns")
    if not isinstance(raw_columns, Mapping) or not raw_columns:
        p.add(
            "columns must map column names to declarations", "wrong-type", path=f"{where}.columns"
        )
        return None
    columns = tuple(
        c
        for name, cdecl in raw_columns.items()
        if (c := _column(name, cdecl, f"{where}.columns.{name}", p)) is not None
    )
    names = {c.path for c in columns}
    known = set(names)
    row_derived = []
    raw_derived = decl.get("row_derived") or {}
    if not isinstance(raw_derived, Mapping):
        p.add("row_derived must map names to formulas", "wrong-type", path=f"{where}.row_derived")
        raw_derived = {}
    for name, ddecl in raw_derived.items():
        at = f"{where}.row_derived.{name}"
        if not isinstance(name, str) or not _COLUMN.match(name):
            p.add(f"row_derived name {name!r} must be a lowercase word", "bad-path", path=at)
            continue
        if name in names:
            p.add(f"{name} is both a column and a row_derived value", "duplicate-fact", path=at)
        found = _formula(ddecl, at, p, known, "a column or an earlier row_derived value")
        if found is None:
            continue
        formula, inputs, description, unit = found
        if formula == "growth":
            p.add("growth reads a year series; a row has none", "unknown-formula", path=at)
            continue
        known.add(name)
        row_derived.append(DerivedFact(name, formula, inputs, description, unit))
    key = decl.get("key")
    if not isinstance(key, str) or key not in names:
        p.add(f"key must name a column, not {key!r}", "unknown-column", path=f"{where}.key")
        key = next(iter(sorted(names)), "")
    label = decl.get("label", key)
    if not isinstance(label, str) or label not in names:
        p.add(f"label must name a column, not {label!r}", "unknown-column", path=f"{where}.label")
        label = key
    stage = decl.get("stage")
    stages: dict[str, Text] = {}
    if stage is not None:
        if not isinstance(stage, str) or stage not in names:
            p.add(
                f"stage must name a column, not {stage!r}", "unknown-column", path=f"{where}.stage"
            )
            stage = None
        raw_stages = decl.get("stages")
        if not isinstance(raw_stages, Mapping) or not raw_stages:
            p.add(
                "stages (code → label) are required with stage", "missing", path=f"{where}.stages"
            )
        else:
            for code, text in raw_stages.items():
                if not isinstance(code, str) or not _COLUMN.match(code):
                    p.add(
                        f"stage code {code!r} must be a lowercase word",
                        "bad-code",
                        path=f"{where}.stages",
                    )
                    continue
                stages[code] = _text(text, f"{where}.stages.{code}", p)
    elif decl.get("stages") is not None:
        p.add("stages need a stage column", "missing", path=f"{where}.stage")
    max_rows = decl.get("max_rows")
    if max_rows is not None and (
        isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1
    ):
        p.add("max_rows must be a whole number ≥ 1", "wrong-type", path=f"{where}.max_rows")
        max_rows = None
    min_rows = decl.get("min_rows")
    if min_rows is not None and (
        isinstance(min_rows, bool) or not isinstance(min_rows, int) or min_rows < 1
    ):
        p.add("min_rows must be a whole number ≥ 1", "wrong-type", path=f"{where}.min_rows")
        min_rows = None
    if min_rows is not None and min_rows > min(max_rows or MAX_ITEMS, MAX_ITEMS):
        limit = min(max_rows or MAX_ITEMS, MAX_ITEMS)
        p.add(
            f"min_rows ({min_rows}) is more than the most rows a document may give ({limit})",
            "out-of-range",
            path=f"{where}.min_rows",
        )
        min_rows = None
    row_noun = None
    if decl.get("row_noun") is not None:
        row_noun = _text(decl["row_noun"], f"{where}.row_noun", p)
    cross = _row_checks(decl.get("cross_checks"), f"{where}.cross_checks", p, known)
    totals = _totals(decl.get("totals"), f"{where}.totals", p, names, key)
    exclude = []
    raw_exclude = decl.get("exclude") or []
    if not isinstance(raw_exclude, list):
        p.add("exclude must be a list of {when, why}", "wrong-type", path=f"{where}.exclude")
        raw_exclude = []
    for i, x in enumerate(raw_exclude):
        at = f"{where}.exclude[{i}]"
        if not isinstance(x, Mapping):
            p.add("an exclusion is {when, why, source}", "wrong-type", path=at)
            continue
        _keys(x, ("when", "why", "source", "columns"), at, p)
        when = x.get("when")
        if not isinstance(when, Mapping):
            p.add(
                "when must be a row condition {column, op, value}", "wrong-type", path=f"{at}.when"
            )
            continue
        why = _text(x.get("why"), f"{at}.why", p)
        source = None if x.get("source") is None else str(x["source"])
        scoped = x.get("columns")
        if scoped is not None and (
            not isinstance(scoped, list)
            or not scoped
            or not all(isinstance(c, str) and c for c in scoped)
        ):
            p.add(
                "columns must be a non-empty list of column names",
                "wrong-type",
                path=f"{at}.columns",
            )
            scoped = None
        exclude.append(
            RowExclusion(_plain_params(when), why, source, tuple(dict.fromkeys(scoped or ())))
        )
    return TableSpec(
        key=key,
        label=label,
        columns=columns,
        stage=stage,
        stages=stages,
        exclude=tuple(exclude),
        row_derived=tuple(row_derived),
        max_rows=max_rows,
        min_rows=min_rows,
        cross_checks=cross,
        totals=totals,
        row_noun=row_noun,
    )


def _row_checks(raw: Any, where: str, p: _Problems, known: set[str]) -> tuple[CrossCheck, ...]:
    """A table's cross checks between the columns of each row: ``{kind, columns,
    description}``, each column a declared column or row-derived value (the kind is checked
    against the installed ones when compiling)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        p.add("cross_checks must be a list", "wrong-type", path=where)
        return ()
    checks = []
    for i, c in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(c, Mapping):
            p.add("a row's cross check is {kind, columns: [names]}", "wrong-type", path=at)
            continue
        _keys(c, ("kind", "columns", "description"), at, p)
        kind, columns = c.get("kind"), c.get("columns")
        if not isinstance(kind, str) or not isinstance(columns, list):
            p.add("a row's cross check is {kind, columns: [names]}", "wrong-type", path=at)
            continue
        for j, name in enumerate(columns):
            if not isinstance(name, str) or name not in known:
                p.add(
                    f"cross check names {name!r}, not a column or a row_derived value",
                    "unknown-column",
                    path=f"{at}.columns[{j}]",
                )
        desc = _text(c.get("description"), f"{at}.description", p, required=False)
        checks.append(CrossCheck(kind, tuple(str(n) for n in columns), desc))
    return tuple(checks)


def _totals(raw: Any, where: str, p: _Problems, names: set[str], key: str) -> dict[str, str]:
    """A table's ``totals``: total column → the column it totals over each key's rows."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        p.add("totals must map a total column to the column it totals", "wrong-type", path=where)
        return {}
    totals = {}
    for total, part in raw.items():
        at = f"{where}.{total}"
        bad = [n for n in (total, part) if not isinstance(n, str) or n not in names]
        if bad:
            p.add(f"totals names {bad[0]!r}, not a column", "unknown-column", path=at)
            continue
        if total == part or key in (total, part):
            p.add(
                "a total and the column it totals are two columns, neither the key",
                "wrong-type",
                path=at,
            )
            continue
        totals[str(total)] = str(part)
    return totals


def _formula(
    decl: Any, where: str, p: _Problems, known: set[str], what: str
) -> tuple[str, tuple[str, ...], Text, str | None] | None:
    """A row-derived value's formula, inputs, description and unit, checked."""
    if not isinstance(decl, Mapping):
        p.add("a row_derived value must be a mapping", "wrong-type", path=where)
        return None
    _keys(decl, ("formula", "inputs", "unit", "description"), where, p)
    formula = decl.get("formula")
    if not isinstance(formula, str) or formula not in FORMULA_ARITY:
        p.add(
            f"unknown formula {formula!r} (use {', '.join(FORMULA_ARITY)})",
            "unknown-formula",
            path=f"{where}.formula",
        )
        return None
    inputs = decl.get("inputs")
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        p.add("inputs must be a list of column names", "wrong-type", path=f"{where}.inputs")
        return None
    lo, hi = FORMULA_ARITY[formula]
    if len(inputs) < lo or (hi is not None and len(inputs) > hi):
        want = str(lo) if lo == hi else f"at least {lo}"
        p.add(
            f"{formula} takes {want} inputs, got {len(inputs)}", "bad-arity", path=f"{where}.inputs"
        )
        return None
    for i, name in enumerate(inputs):
        if name not in known:
            p.add(f"input {name!r} is not {what}", "unknown-column", path=f"{where}.inputs[{i}]")
    unit = decl.get("unit")
    return (
        formula,
        tuple(inputs),
        _text(decl.get("description"), f"{where}.description", p),
        None if unit is None else str(unit),
    )


_AGGREGATE_KEYS = (
    "aggregate",
    "table",
    "column",
    "stage",
    "weight",
    "where",
    "unit",
    "description",
)


def _aggregate(
    path: str, decl: Mapping[str, Any], where: str, p: _Problems, tables: Mapping[str, FactSpec]
) -> DerivedFact | None:
    """A derived fact over a table's rows (``aggregate: cv``); the aggregation's name is
    checked against the installed ones when compiling."""
    _keys(decl, _AGGREGATE_KEYS, where, p)
    name = decl.get("aggregate")
    if not isinstance(name, str):
        p.add("aggregate must name an aggregation", "wrong-type", path=f"{where}.aggregate")
        return None
    table_path = decl.get("table")
    spec = tables.get(table_path) if isinstance(table_path, str) else None
    if not isinstance(table_path, str) or spec is None or spec.table is None:
        p.add(
            f"table must name a declared table fact, not {table_path!r}",
            "unknown-fact",
            path=f"{where}.table",
        )
        return None
    table = spec.table
    fields: dict[str, str | None] = {}
    for key in ("column", "weight"):
        value = decl.get(key)
        if value is not None and (not isinstance(value, str) or table.column(value) is None):
            p.add(
                f"{key} must name a column of {table_path}, not {value!r}",
                "unknown-column",
                path=f"{where}.{key}",
            )
            value = None
        fields[key] = value
    stage = decl.get("stage")
    # (stages missing where the table names a stage column is reported with the table)
    unread = table.stage is not None and not table.stages
    if (
        stage is not None
        and not unread
        and (not isinstance(stage, str) or stage not in table.stages)
    ):
        stages = ", ".join(table.stages) or "none declared"
        p.add(
            f"stage must be one of {table_path}'s stages ({stages}), not {stage!r}",
            "unknown-stage",
            path=f"{where}.stage",
        )
        stage = None
    where_cond = decl.get("where")
    if where_cond is not None and not isinstance(where_cond, Mapping):
        p.add(
            "where must be a row condition {column, op, value}", "wrong-type", path=f"{where}.where"
        )
        where_cond = None
    unit = decl.get("unit")
    return DerivedFact(
        path=path,
        formula=name,
        inputs=(table_path,),
        description=_text(decl.get("description"), f"{where}.description", p),
        unit=None if unit is None else str(unit),
        aggregate=Aggregate(
            name=name,
            table=table_path,
            column=fields["column"],
            stage=stage,
            weight=fields["weight"],
            where=None if where_cond is None else _plain_params(where_cond),
        ),
    )


def _derived(
    raw: Any, p: _Problems, fact_paths: set[str], tables: Mapping[str, FactSpec] | None = None
) -> tuple[DerivedFact, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        p.add("derived must map paths to formulas", "wrong-type", path="derived")
        p.facts_unread = True
        return ()
    out = []
    known = set(fact_paths)
    for path in raw:
        where = f"derived.{path}"
        decl = raw[path]
        if not isinstance(path, str) or not _PATH.match(path):
            p.add(f"derived path {path!r} must be dotted lowercase words", "bad-path", path=where)
            p.facts_unread = True
            continue
        if path in fact_paths:
            p.add(
                f"{path} is declared both as a fact and as a derived fact",
                "duplicate-fact",
                path=where,
            )
        if not isinstance(decl, Mapping):
            p.add("a derived fact must be a mapping", "wrong-type", path=where)
            p.facts_unread = True
            continue
        if "aggregate" in decl:
            found = _aggregate(path, decl, where, p, tables or {})
            if found is None:
                p.facts_unread = True
            else:
                known.add(path)
                out.append(found)
            continue
        _keys(decl, ("formula", "inputs", "unit", "description", "year"), where, p)
        formula = decl.get("formula")
        if not isinstance(formula, str) or formula not in FORMULA_ARITY:
            p.add(
                f"unknown formula {formula!r} (use {', '.join(FORMULA_ARITY)})",
                "unknown-formula",
                path=f"{where}.formula",
            )
            p.facts_unread = True
            continue
        inputs = decl.get("inputs")
        if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
            p.add("inputs must be a list of fact paths", "wrong-type", path=f"{where}.inputs")
            p.facts_unread = True
            continue
        lo, hi = FORMULA_ARITY[formula]
        if len(inputs) < lo or (hi is not None and len(inputs) > hi):
            want = str(lo) if lo == hi else f"at least {lo}"
            p.add(
                f"{formula} takes {want} inputs, got {len(inputs)}",
                "bad-arity",
                path=f"{where}.inputs",
            )
        for i, name in enumerate(inputs):
            if name not in known:
                p.add(
                    f"input {name!r} is not a declared fact or an earlier derived fact",
                    "unknown-fact",
                    path=f"{where}.inputs[{i}]",
                )
        year = decl.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            p.add("year must be a whole number", "wrong-type", path=f"{where}.year")
            year = None
        known.add(path)
        unit = decl.get("unit")
        out.append(
            DerivedFact(
                path=path,
                formula=formula,
                inputs=tuple(inputs),
                description=_text(decl.get("description"), f"{where}.description", p),
                unit=None if unit is None else str(unit),
                year=year,
            )
        )
    return tuple(out)


# -------------------------------------------------------------------------- indicators

_NODE_KEYS = (
    "code",
    "title",
    "max",
    "children",
    "rules",
    "methods",
    "evidence",
    "not_applicable",
    "note",
    "title_aliases",
)
_RULE_KEYS = (
    "code",
    "kind",
    "params",
    "name",
    "description",
    "message",
    "source",
    "aliases",
    "monotonic",
)


def _rule(raw: Any, where: str, p: _Problems, indicator: str) -> Rule | None:
    if not isinstance(raw, Mapping):
        p.add("a rule must be a mapping", "wrong-type", path=where, indicator=indicator)
        return None
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        p.add(
            f"rule code {code!r} must be text such as PJ-8.2-a",
            "bad-code",
            path=f"{where}.code",
            indicator=indicator,
        )
        return None
    loc: dict[str, Any] = {"indicator": indicator, "rule": code}
    _keys(raw, _RULE_KEYS, where, p, **loc)
    # A rule without a kind or with unreadable params is reported here and then left out,
    # so that the rule-kind checks do not report it a second time.
    usable = True
    kind = raw.get("kind")
    if not isinstance(kind, str) or not kind:
        p.add("kind is required", "missing", path=f"{where}.kind", **loc)
        kind, usable = "", False
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        p.add("params must be a mapping", "wrong-type", path=f"{where}.params", **loc)
        params, usable = {}, False
    message = (
        None if raw.get("message") is None else _text(raw["message"], f"{where}.message", p, **loc)
    )
    description = None
    if raw.get("description") is not None:
        description = _text(raw["description"], f"{where}.description", p, **loc)
    monotonic = []
    monotonic_raw = raw.get("monotonic") or []
    if not isinstance(monotonic_raw, list):
        p.add("monotonic must be a list", "wrong-type", path=f"{where}.monotonic", **loc)
        monotonic_raw = []
    for i, m in enumerate(monotonic_raw):
        mw = f"{where}.monotonic[{i}]"
        if (
            not isinstance(m, Mapping)
            or not isinstance(m.get("fact"), str)
            or m.get("direction") not in ("helps", "hurts")
        ):
            p.add(
                "monotonic entries are {fact: path, direction: helps|hurts}",
                "bad-monotonic",
                path=mw,
                **loc,
            )
            continue
        monotonic.append(Monotonic(m["fact"], m["direction"]))
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        p.add(
            "aliases must be a list of former rule codes",
            "wrong-type",
            path=f"{where}.aliases",
            **loc,
        )
        aliases = []
    rule = Rule(
        code=code,
        kind=kind,
        params=_plain_params(params),
        name=_text(raw.get("name"), f"{where}.name", p, **loc),
        message=message,
        source=_source(raw.get("source"), f"{where}.source", p, **loc),
        aliases=tuple(aliases),
        monotonic=tuple(monotonic),
        description=description,
    )
    return rule if usable else None


def _plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Params as plain dicts/lists (YAML keys as text) for cerberus and JSON."""

    def conv(v: Any) -> Any:
        if isinstance(v, Mapping):
            return {str(k): conv(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [conv(x) for x in v]
        return v

    return conv(params)  # type: ignore[no-any-return]


def _node(raw: Any, where: str, p: _Problems, depth: int) -> Indicator | None:
    if not isinstance(raw, Mapping):
        p.add("an indicator must be a mapping", "wrong-type", path=where)
        return None
    code = raw.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if not isinstance(code, str) or not _CODE.match(code):
        p.add(
            f'indicator code {code!r} must be text such as "8.2" (quote numbers)',
            "bad-code",
            path=f"{where}.code",
        )
        return None
    loc: dict[str, Any] = {"indicator": code}
    _keys(raw, _NODE_KEYS, where, p, **loc)
    title = _text(raw.get("title"), f"{where}.title", p, **loc)
    max_points = _number(raw.get("max"), f"{where}.max", p, **loc) if "max" in raw else None
    if "max" not in raw and not _misspelt(raw, "max", _NODE_KEYS):
        # (A misspelt `mxa` was named above with its suggestion: one slip, one problem.)
        p.add("max is required", "missing", path=f"{where}.max", **loc)
    children_raw = raw.get("children") or []
    rules_raw = raw.get("rules") or []
    if not isinstance(children_raw, list):
        p.add("children must be a list", "wrong-type", path=f"{where}.children", **loc)
        children_raw = []
    if not isinstance(rules_raw, list):
        p.add("rules must be a list", "wrong-type", path=f"{where}.rules", **loc)
        rules_raw = []
    if children_raw and rules_raw:
        p.add(
            "an indicator has either children or rules, not both",
            "children-and-rules",
            path=where,
            **loc,
        )
    malformed = not isinstance(raw.get("children") or [], list) or not isinstance(
        raw.get("rules") or [], list
    )
    if not children_raw and not rules_raw and not malformed:
        p.add("a scored item needs at least one rule", "no-rules", path=where, **loc)
    children = tuple(
        c
        for i, r in enumerate(children_raw)
        if (c := _node(r, f"{where}.children[{i}]", p, depth + 1)) is not None
    )
    rules = tuple(
        r
        for i, x in enumerate(rules_raw)
        if (r := _rule(x, f"{where}.rules[{i}]", p, code)) is not None
    )
    policy = raw.get("not_applicable")
    if policy is not None and policy not in NOT_APPLICABLE_POLICIES:
        p.add(
            f"not_applicable must be one of {', '.join(NOT_APPLICABLE_POLICIES)}",
            "bad-policy",
            path=f"{where}.not_applicable",
            **loc,
        )
        policy = None
    complete = len(children) == len(children_raw) and not any(id(c) in p.unsure for c in children)
    if max_points is not None and children and complete:
        total = sum((c.max for c in children), ZERO)
        if total != max_points:
            p.add(
                f"max is {plain(max_points)} but the children's maxes add up to {plain(total)}",
                "max-not-sum",
                path=f"{where}.max",
                **loc,
            )

    def strings(key: str) -> tuple[str, ...]:
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            p.add(f"{key} must be a list of texts", "wrong-type", path=f"{where}.{key}", **loc)
            return ()
        return tuple(value)

    indicator = Indicator(
        code=code,
        title=title,
        max=max_points if max_points is not None else ZERO,
        children=children,
        rules=rules,
        methods=strings("methods"),
        evidence=strings("evidence"),
        not_applicable=policy,
        note=None if raw.get("note") is None else str(raw["note"]),
        title_aliases=strings("title_aliases"),
    )
    if max_points is None:
        p.unsure.add(id(indicator))
    return indicator


def _grades(raw: Any, p: _Problems) -> tuple[GradeBand, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        p.add("grades must be a non-empty list, highest first", "wrong-type", path="grades")
        return ()
    bands: list[GradeBand] = []
    # (index in the file, band, min given but unreadable) for the order checks
    read: list[tuple[int, GradeBand, bool]] = []
    for i, g in enumerate(raw):
        where = f"grades[{i}]"
        if not isinstance(g, Mapping):
            p.add("a grade must be a mapping", "wrong-type", path=where)
            continue
        _keys(g, ("code", "label", "min"), where, p)
        code = g.get("code")
        if not isinstance(code, str) or not code:
            p.add("code is required", "missing", path=f"{where}.code")
            continue
        given = g.get("min") is not None
        lower = _number(g["min"], f"{where}.min", p, minimum=None) if given else None
        band = GradeBand(code, _text(g.get("label"), f"{where}.label", p), lower)
        bands.append(band)
        read.append((i, band, given and lower is None))
    for n, (i, band, unreadable) in enumerate(read):
        if unreadable:
            continue  # already reported; its place in the order cannot be judged
        where = f"grades[{i}].min"
        last = n == len(read) - 1
        if last and band.lower is not None:
            p.add(
                "the lowest grade must have no min (it takes every lower total)",
                "grade-gap",
                path=where,
            )
        if not last and band.lower is None:
            p.add("only the lowest grade may omit min", "grade-gap", path=where)
        previous = read[n - 1][1].lower if n else None
        if band.lower is not None and previous is not None and band.lower >= previous:
            p.add(
                "grades must be listed highest first with decreasing min", "grade-order", path=where
            )
    codes = [b.code for b in bands]
    for dup in sorted({c for c in codes if codes.count(c) > 1}):
        p.add(f"grade code {dup!r} is used twice", "duplicate-code", path="grades")
    return tuple(bands)


_TOP_KEYS = (
    "evalrules",
    "family",
    "year",
    "data_year",
    "version",
    "title",
    "source",
    "total",
    "precision",
    "rounding",
    "not_applicable",
    "not_applicable_source",
    "bonus_cap",
    "grades",
    "grades_source",
    "facts",
    "derived",
    "cross_checks",
    "indicators",
    "bonus",
    "extends",
    "replace",
    "remove",
    "add",
    "change",
    "remove_facts",
    "note",
    "verdict",
)


#: Top-level keys that were renamed: the old name → the new one, for did-you-mean hints.
_RENAMED_TOP_KEYS = {"id": "family"}


def build_rubric(
    raw: Any,
    *,
    file: str | None = None,
    plugin: str | None = None,
    check: Callable[[Rubric], Iterable[RubricProblem]] | None = None,
) -> Rubric:
    """Build and check a :class:`Rubric` from a raw document (``extends`` already applied).

    Checks everything that needs no plugin. ``check`` adds the problems only the registered
    rule kinds and fact types can find (the compiler's); it runs on the rubric as read even
    when the file has other problems, so that every problem is reported in one error.

    Raises:
        RubricError: listing every problem.
    """
    p = _Problems(file)
    if not isinstance(raw, Mapping):
        p.add("a rubric file must be a mapping", "wrong-type")
        raise RubricError(p.items, rubric=file)
    _keys(raw, _TOP_KEYS, "", p, renamed=_RENAMED_TOP_KEYS)
    if raw.get("evalrules") != RUBRIC_FORMAT:
        p.add(
            f"format marker 'evalrules: {RUBRIC_FORMAT}' is required",
            "bad-format",
            path="evalrules",
        )
    family = raw.get("family")
    if not isinstance(family, str) or not _FAMILY.match(family):
        p.add(
            f"family {family!r} must be lowercase words joined by '-' (panjin-county)",
            "bad-family",
            path="family",
        )
        family = "unknown"
    year = raw.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2200:
        p.add(f"year {year!r} must be a year such as 2023", "bad-year", path="year")
        year = 0
    data_year = raw.get("data_year")
    if data_year is not None and (isinstance(data_year, bool) or not isinstance(data_year, int)):
        p.add("data_year must be a year", "bad-year", path="data_year")
        data_year = None
    version = raw.get("version")
    if not isinstance(version, str | int) or isinstance(version, bool):
        p.add('version is required (text such as "1.0.0")', "missing", path="version")
        version = "0"
    source_raw = raw.get("source") or {}
    if not isinstance(source_raw, Mapping):
        p.add("source must be {number, title, url}", "wrong-type", path="source")
        source_raw = {}
    _keys(source_raw, ("number", "title", "url"), "source", p)
    source = SourceDocument(
        *(
            None if source_raw.get(k) is None else str(source_raw[k])
            for k in ("number", "title", "url")
        )
    )
    precision = _number(raw.get("precision", "0.1"), "precision", p)
    if precision is not None and precision <= 0:
        p.add("precision must be positive", "out-of-range", path="precision")
    if precision is None or precision <= 0:
        precision = Decimal("0.1")
    rounding = raw.get("rounding", "ROUND_HALF_UP")
    if not isinstance(rounding, str) or rounding not in ROUNDINGS:
        p.add(f"rounding must be one of {', '.join(ROUNDINGS)}", "bad-rounding", path="rounding")
        rounding = "ROUND_HALF_UP"
    policy = raw.get("not_applicable", "full")
    if policy not in NOT_APPLICABLE_POLICIES:
        p.add(
            f"not_applicable must be one of {', '.join(NOT_APPLICABLE_POLICIES)}",
            "bad-policy",
            path="not_applicable",
        )
        policy = "full"
    for key in ("not_applicable_source", "grades_source"):
        if raw.get(key) is not None:
            _source(raw[key], key, p)
    bonus_cap = None if raw.get("bonus_cap") is None else _number(raw["bonus_cap"], "bonus_cap", p)
    facts = _facts(raw.get("facts"), p)
    fact_paths = {f.path for f in facts}
    derived = _derived(
        raw.get("derived"), p, fact_paths, {f.path: f for f in facts if f.table is not None}
    )
    readable = fact_paths | {d.path for d in derived}
    cross = []
    cross_raw = raw.get("cross_checks") or []
    if not isinstance(cross_raw, list):
        p.add("cross_checks must be a list", "wrong-type", path="cross_checks")
        cross_raw = []
    for i, c in enumerate(cross_raw):
        where = f"cross_checks[{i}]"
        if not isinstance(c, Mapping):
            p.add("a cross check is {kind, facts: [paths]}", "wrong-type", path=where)
            continue
        allowed = ("kind", "facts", "description")
        _keys(c, allowed, where, p)
        bad = [k for k, t in (("kind", str), ("facts", list)) if not isinstance(c.get(k), t)]
        if bad:
            # A key missing because it is misspelt (`fatcs`) was named above, with its
            # suggestion: it is not reported again.
            suggested = {
                near[0] for k in c if k not in allowed and (near := suggest(str(k), allowed))
            }
            if any(k in c or k not in suggested for k in bad):
                p.add("a cross check is {kind, facts: [paths]}", "wrong-type", path=where)
            continue
        for j, f in enumerate(c["facts"]):
            if not isinstance(f, str) or f not in readable:
                p.add(
                    f"cross check names an undeclared fact {f!r}",
                    "unknown-fact",
                    path=f"{where}.facts[{j}]",
                )
        desc = _text(c.get("description"), f"{where}.description", p, required=False)
        cross.append(CrossCheck(c["kind"], tuple(str(f) for f in c["facts"]), desc))

    indicators_raw = raw.get("indicators")
    if not isinstance(indicators_raw, list) or not indicators_raw:
        p.add("indicators must be a non-empty list", "missing", path="indicators")
        indicators_raw = []
    indicators = tuple(
        n
        for i, r in enumerate(indicators_raw)
        if (n := _node(r, f"indicators[{i}]", p, 1)) is not None
    )
    # The declared total is compared only with a tree whose first-level maxes were all read.
    tree_read = (
        bool(indicators)
        and len(indicators) == len(indicators_raw)
        and not any(id(n) in p.unsure for n in indicators)
    )
    bonus_raw = raw.get("bonus") or []
    if not isinstance(bonus_raw, list):
        p.add("bonus must be a list of bonus items", "wrong-type", path="bonus")
        bonus_raw = []
    bonus = tuple(
        n for i, r in enumerate(bonus_raw) if (n := _node(r, f"bonus[{i}]", p, 1)) is not None
    )
    for item in bonus:
        if item.children:
            p.add("a bonus item cannot have children", "bonus-children", indicator=item.code)

    rubric = Rubric(
        family=family,
        year=year,
        title=_text(raw.get("title"), "title", p),
        version=str(version),
        source=source,
        precision=precision,
        rounding=rounding,
        grades=_grades(raw.get("grades"), p),
        not_applicable=policy,
        bonus_cap=bonus_cap,
        facts=facts,
        derived=derived,
        cross_checks=tuple(cross),
        indicators=indicators,
        bonus=bonus,
        data_year=data_year,
        file=file,
        plugin=plugin,
        extends=raw.get("extends") if isinstance(raw.get("extends"), str) else None,
        verdict=_verdict(raw.get("verdict"), p),
    )
    _check_tree(rubric, raw, p, readable, tree_read=tree_read)
    _check_gates(rubric, raw.get("verdict"), p, tree_read=tree_read)
    bonus_read = len(bonus) == len(bonus_raw) and not any(id(b) in p.unsure for b in bonus)
    if tree_read and bonus_read:
        _check_reachable(rubric, raw.get("grades"), p)
    # A rubric whose points cannot be kept exactly is not compiled to find more problems.
    if check is not None and not any(item.code == "precision-digits" for item in p.items):
        p.items.extend(
            problem
            for problem in check(rubric)
            if not (p.facts_unread and problem.code == "undeclared-fact")
        )
    if p.items:
        raise RubricError(p.items, rubric=file or rubric.ref)
    return rubric


_VERDICT_KEYS = ("gates", "pass_label", "fail_label", "undecided_label", "source")


def _verdict(raw: Any, p: _Problems) -> VerdictSpec | None:
    """The ``verdict:`` section of a certification rubric (its codes are checked later,
    against the tree)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        p.add(
            "verdict must be {gates: [codes], pass_label, fail_label, source}",
            "wrong-type",
            path="verdict",
        )
        return None
    _keys(raw, _VERDICT_KEYS, "verdict", p)
    gates_raw = raw.get("gates")
    gates: list[str] = []
    if not isinstance(gates_raw, list) or not gates_raw:
        p.add(
            "gates must be a non-empty list of indicator or item codes",
            "missing" if gates_raw is None else "wrong-type",
            path="verdict.gates",
        )
        gates_raw = []
    for i, code in enumerate(gates_raw):
        where = f"verdict.gates[{i}]"
        if isinstance(code, bool) or not isinstance(code, str | int):
            p.add(f"a gate is an indicator code, got {_shown(code)}", "wrong-type", path=where)
            continue
        if str(code) in gates:
            p.add(f"gate {code!r} is listed twice", "duplicate-code", path=where)
            continue
        gates.append(str(code))
    pass_label = _text(raw.get("pass_label"), "verdict.pass_label", p)
    fail_label = _text(raw.get("fail_label"), "verdict.fail_label", p)
    undecided = _optional_text(raw.get("undecided_label"), "verdict.undecided_label", p)
    source = _source(raw.get("source"), "verdict.source", p)
    if undecided is None:
        return VerdictSpec(tuple(gates), pass_label, fail_label, source=source)
    return VerdictSpec(tuple(gates), pass_label, fail_label, undecided, source)


def _check_gates(rubric: Rubric, raw: Any, p: _Problems, *, tree_read: bool) -> None:
    """Every gate names a node of the indicator tree (not a bonus item)."""
    if rubric.verdict is None or not tree_read:
        return
    tree = {n.code for top in rubric.indicators for n in top.walk()}
    bonus = {b.code for b in rubric.bonus}
    listed = raw.get("gates") if isinstance(raw, Mapping) else None
    if not isinstance(listed, list | tuple):
        listed = []  # gates not a list: the verdict's own check names that
    positions = {str(c): i for i, c in reversed(list(enumerate(listed)))}
    for code in rubric.verdict.gates:
        where = f"verdict.gates[{positions.get(code, 0)}]"
        if code in bonus:
            p.add(
                f"gate {code!r} is a bonus item; a gate is an indicator or item of the tree",
                "unknown-code",
                path=where,
            )
        elif code not in tree:
            near = suggest(code, tree)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            p.add(f"gate {code!r} is not an indicator code{hint}", "unknown-code", path=where)


#: Significant digits the largest sum of a rubric's points may take at its precision: the
#: points context keeps 34, the rest is room for what is computed on the way.
POINTS_DIGITS = 28


def _check_tree(
    rubric: Rubric, raw: Mapping[str, Any], p: _Problems, readable: set[str], *, tree_read: bool
) -> None:
    seen: dict[str, str] = {}
    for node in rubric.walk():
        if node.code in seen:
            p.add(
                f"indicator code {node.code!r} is used twice", "duplicate-code", indicator=node.code
            )
        seen[node.code] = node.code
        if id(node) not in p.unsure and not _multiple(node.max, rubric.precision):
            # An item is quantized to the precision; a max between two steps could be
            # neither reached nor kept.
            p.add(
                f"max {plain(node.max)} is not a multiple of the precision "
                f"{plain(rubric.precision)}",
                "max-precision",
                indicator=node.code,
            )
    if rubric.bonus_cap is not None and not _multiple(rubric.bonus_cap, rubric.precision):
        p.add(
            f"bonus_cap {plain(rubric.bonus_cap)} is not a multiple of the precision "
            f"{plain(rubric.precision)}",
            "max-precision",
            path="bonus_cap",
        )
    # Points are computed and written with the rubric's decimal places in a context of 34
    # significant digits; every sum of points must fit with room to spare.
    most = sum((node.max for node in rubric.walk()), rubric.bonus_cap or Decimal(0))
    digits = max(most.adjusted() + 1, 1) + places(rubric.precision)
    if digits > POINTS_DIGITS:
        p.add(
            f"points up to {plain(most)} at the precision {plain(rubric.precision)} need "
            f"{digits} digits; at most {POINTS_DIGITS} are kept exactly",
            "precision-digits",
            path="precision",
        )
    rule_codes: dict[str, str] = {}
    for item, rule in rubric.rules():
        for code in (rule.code, *rule.aliases):
            if code in rule_codes:
                p.add(
                    f"rule code {code!r} is used twice (also in indicator {rule_codes[code]})",
                    "duplicate-code",
                    indicator=item.code,
                    rule=rule.code,
                )
            rule_codes[code] = item.code
        for m in rule.monotonic:
            if m.fact not in readable:
                p.add(
                    f"monotonic names an undeclared fact {m.fact!r}",
                    "unknown-fact",
                    indicator=item.code,
                    rule=rule.code,
                )
    declared = raw.get("total")
    if declared is not None:
        total = _number(declared, "total", p)
        if total is not None and tree_read and total != rubric.max:
            p.add(
                f"declared total {plain(total)} does not match the sum of first-level maxes "
                f"{plain(rubric.max)}",
                "total-mismatch",
                path="total",
            )


def _check_reachable(rubric: Rubric, raw: Any, p: _Problems) -> None:
    """Report a grade whose min is above the most a total can be (base max plus bonus)."""
    bonus = sum((b.max for b in rubric.bonus), ZERO)
    if rubric.bonus_cap is not None:
        bonus = min(bonus, rubric.bonus_cap)
    most = rubric.max + bonus
    # Paths follow the file's list: a band that could not be read has no GradeBand.
    at = [i for i, g in enumerate(raw if isinstance(raw, list) else []) if isinstance(g, Mapping)]
    given = [i for i in at if isinstance(raw[i].get("code"), str) and raw[i].get("code")]
    for i, band in zip(given, rubric.grades, strict=False):
        if band.lower is not None and band.lower > most:
            extra = f" plus {plain(bonus)} bonus" if bonus else ""
            p.add(
                f"grade {band.code!r} needs at least {plain(band.lower)} but the most a total "
                f"can be is {plain(most)} ({plain(rubric.max)} base{extra}): "
                "no district can reach it",
                "grade-unreachable",
                path=f"grades[{i}].min",
            )


def _shown(raw: Any) -> str:
    """A value as a message shows it: its repr, cut short."""
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def _multiple(value: Decimal, step: Decimal) -> bool:
    """Whether ``value`` is a whole number of ``step``s, exactly (not to 28 digits)."""
    # Both are within the number limits (40 digits, 1e-40 to 1e40), so a quotient that is
    # a whole number fits in 200 digits; an inexact quotient is no whole number. A context
    # of its own: the flags it sets are no one else's.
    exact = decimal.Context(prec=200, Emax=10_000, Emin=-10_000)
    quotient = exact.divide(value, step)
    if exact.flags[decimal.Inexact]:
        return False
    return quotient == quotient.to_integral_value()
