"""Fixture cases: YAML files of facts and the findings they must produce.

One file per item (``tests/rubrics/<family>/<year>/8.2.yaml``)::

    rubric: panjin-county/2023
    base: ../../../../rubrics/panjin-county/examples/shuangtaizi-2023.facts.yaml
    cases:
      - name: primary per-pupil funds below 850
        set: {funding.primary.public_funds: 8000000}     # dotted path → value; null removes
                                                         # (a table cell: schools[3].pupils)
        partial: false
        expect:
          scores: {"8.2": 1.5}
          findings: [{rule: PJ-8.2-a, kind: deduction, points: -1.5, outcome: missed}]
          outcomes: [[PJ-8.2-a, missed], [PJ-8.2-b, met]]
          no_findings_for: ["8.2"]
          grade: excellent
          base_grade: excellent
          total: 95.1
          verdict: failed            # a certification rubric's: passed | failed | undecided
          failed_gates: [B2, T-C1-veto]
          error: {type: FactsError, paths: [funding.primary.pupils], codes: [missing]}

``base`` (relative to the file) is a facts document to start from; its facts and entity are
used, not its claimed scores. Numbers are exact decimals.

What ``expect`` checks:

* ``scores``: the score of each node named.
* ``findings``: for every item a listed finding belongs to, the item's findings are exactly
  the ones listed (in any order). A listed finding matches on the keys it gives: ``rule``,
  ``indicator``, ``kind``, ``points`` (signed, as in the scorecard), ``nominal``,
  ``outcome``, ``effect``, ``message_contains`` (Chinese or English text).
* ``outcomes``: for every rule listed, the outcomes it reported are exactly those listed.
* ``no_findings_for``: node or rule codes without any finding.
* ``grade``, ``base_grade`` (before vetoes), ``total``.
* ``verdict`` (a certification rubric's: ``passed``, ``failed`` or ``undecided``) and
  ``failed_gates``: exactly the gates that failed it, in order, then the rule code of each
  veto that fired.
* ``error`` (instead of the rest): evaluation raises this error type (or a subclass), with
  problems at exactly ``paths`` and, when given, exactly ``codes``.

Every scorecard a case produces is also checked against the structural stock invariants.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from evalrules._documents import DocumentError, read_document
from evalrules._facts._document import FactsDocument
from evalrules._facts._readers import load_facts
from evalrules._points import to_decimal
from evalrules._scorecard._model import VERDICT_CODES, Finding, Scorecard
from evalrules.errors import EvalrulesError
from evalrules.testing._assertions import describe_finding, describe_node
from evalrules.testing._invariants import InvariantError, check_scorecard

if TYPE_CHECKING:
    from evalrules._compiler._compiled import CompiledRubric
    from evalrules._plugins._engine import Engine
    from evalrules.testing._coverage import OutcomeCoverage

__all__ = [
    "Case",
    "CaseFailure",
    "CaseFormatError",
    "Expectation",
    "ExpectedError",
    "collect_cases",
    "load_cases",
    "run_case",
]

_FILE_KEYS = ("rubric", "base", "description", "cases")
_CASE_KEYS = ("name", "description", "set", "partial", "expect")
_EXPECT_KEYS = (
    "scores",
    "findings",
    "outcomes",
    "no_findings_for",
    "grade",
    "base_grade",
    "total",
    "verdict",
    "failed_gates",
    "error",
)
_FINDING_KEYS = (
    "rule",
    "indicator",
    "kind",
    "points",
    "nominal",
    "outcome",
    "effect",
    "message_contains",
)
_NUMBER_KEYS = ("points", "nominal")
_ERROR_KEYS = ("type", "paths", "codes")


class CaseFormatError(ValueError):
    """Case files are malformed; ``problems`` lists every problem with its file and case."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        n = len(self.problems)
        lines = [f"case files have {n} problem{'s' if n != 1 else ''} / 用例文件有{n}处错误:"]
        lines.extend(f"  - {p}" for p in self.problems)
        super().__init__("\n".join(lines))


class CaseFailure(AssertionError):
    """A case's scorecard differs from its expectations; the message lists every difference."""


@attrs.frozen
class ExpectedError:
    """The error a case expects instead of a scorecard.

    Attributes:
        type: The exception class name (``FactsError``); subclasses match too.
        paths: The problems' paths, exactly, when given.
        codes: The problems' codes, exactly (with repetitions), when given.
    """

    type: str
    paths: tuple[str, ...] | None = None
    codes: tuple[str, ...] | None = None


@attrs.frozen
class Expectation:
    """What a case expects (see the module documentation for each key)."""

    scores: Mapping[str, Decimal] = attrs.field(factory=dict)
    findings: tuple[Mapping[str, Any], ...] = ()
    outcomes: tuple[tuple[str, str], ...] | None = None
    no_findings_for: tuple[str, ...] = ()
    grade: str | None = None
    base_grade: str | None = None
    total: Decimal | None = None
    error: ExpectedError | None = None
    verdict: str | None = None
    failed_gates: tuple[str, ...] | None = None


@attrs.frozen
class Case:
    """One fixture case: facts (a base document plus changes) and what they must produce.

    Attributes:
        name: The case's name, unique in its file.
        file: The case file.
        rubric: The rubric reference the case is for.
        base: The facts document to start from, if any.
        changes: Dotted fact path → value (``None`` removes the fact), applied in order.
        partial: Evaluate in partial mode.
        expect: The expectations.
        description: Free text.
    """

    name: str
    file: Path
    rubric: str
    base: Path | None
    changes: Mapping[str, Any]
    partial: bool
    expect: Expectation
    description: str = ""

    @property
    def id(self) -> str:
        """``rubric/file::name``, e.g. ``panjin-county/2023/8.2.yaml::exactly 850``."""
        return f"{self.rubric}/{self.file.name}::{self.name}"

    def __str__(self) -> str:
        return self.id

    def facts(self) -> FactsDocument:
        """The facts document of the case: the base's facts and entity, with the changes."""
        if self.base is not None:
            base = _base_document(str(self.base))
            facts: dict[str, Any] = _plain(base.facts)
            entity = base.entity
        else:
            facts, entity = {}, None
        for path, value in self.changes.items():
            _apply(facts, path, value)
        return FactsDocument(facts=facts, entity=entity, rubric=self.rubric)


@functools.lru_cache(maxsize=64)
def _base_document(path: str) -> FactsDocument:
    return load_facts(path)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return copy.copy(value)


def _key(level: Mapping[Any, Any], part: str) -> Any:
    """The key ``part`` names in ``level``: year keys of a series are integers."""
    if part in level or not part.isdigit():
        return part
    year = int(part)
    if year in level or any(isinstance(k, int) for k in level):
        return year
    return part


_ROW = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<index>\d+)\]$")


def _row(level: dict[Any, Any], found: re.Match[str]) -> dict[Any, Any]:
    """The row ``table[i]`` names in ``level`` (a table fact's list of rows)."""
    rows = level.get(found["name"])
    index = int(found["index"])
    if not isinstance(rows, list) or index >= len(rows) or not isinstance(rows[index], dict):
        raise CaseFormatError([f"set: {found[0]}: there is no such row"])
    row: dict[Any, Any] = rows[index]
    return row


def _apply(facts: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` to ``value`` (``None`` removes it); ``schools[3].pupils`` is a table cell."""
    *parents, leaf = path.split(".")
    level: dict[Any, Any] = facts
    for part in parents:
        found = _ROW.match(part)
        if found is not None:
            level = _row(level, found)
            continue
        key = _key(level, part)
        nxt = level.get(key)
        if not isinstance(nxt, dict):
            if value is None:
                return
            nxt = level[key] = {}
        level = nxt
    key = _key(level, leaf)
    if value is None:
        level.pop(key, None)
    else:
        level[key] = _plain(value)


# ----------------------------------------------------------------------------- loading


class _Problems:
    def __init__(self, file: Path) -> None:
        self.file = file
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(
            f"{self.file}: {where}: {message}" if where else f"{self.file}: {message}"
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _unknown(p: _Problems, where: str, data: Mapping[str, Any], known: Sequence[str]) -> None:
    for key in sorted(set(data) - set(known), key=str):
        p.add(where, f"unknown key {key!r} (known: {', '.join(known)})")


def _codes(p: _Problems, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        p.add(where, "must be a list of codes or paths")
        return ()
    return tuple(value)


def _read_error(p: _Problems, where: str, raw: Any) -> ExpectedError | None:
    if not isinstance(raw, Mapping):
        p.add(where, "must be a mapping with type, paths and codes")
        return None
    _unknown(p, where, raw, _ERROR_KEYS)
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind:
        p.add(f"{where}.type", "an exception class name is required, e.g. FactsError")
        return None
    paths = _codes(p, f"{where}.paths", raw["paths"]) if "paths" in raw else None
    codes = _codes(p, f"{where}.codes", raw["codes"]) if "codes" in raw else None
    return ExpectedError(kind, paths, codes)


def _read_finding(p: _Problems, where: str, raw: Any) -> Mapping[str, Any] | None:
    if not isinstance(raw, Mapping):
        p.add(where, "a finding must be a mapping such as {rule: ..., points: ...}")
        return None
    _unknown(p, where, raw, _FINDING_KEYS)
    if "rule" not in raw and "indicator" not in raw:
        p.add(where, "a finding needs a rule or an indicator")
    for key in _NUMBER_KEYS:
        if key in raw and not _is_number(raw[key]):
            p.add(f"{where}.{key}", f"must be a number, got {raw[key]!r}")
    for key in ("rule", "indicator", "kind", "outcome", "effect", "message_contains"):
        if key in raw and not isinstance(raw[key], str):
            p.add(f"{where}.{key}", f"must be text, got {raw[key]!r}")
    return dict(raw)


def _read_expect(p: _Problems, where: str, raw: Any) -> Expectation:
    if not isinstance(raw, Mapping):
        p.add(where, "must be a mapping")
        return Expectation()
    _unknown(p, where, raw, _EXPECT_KEYS)
    error = _read_error(p, f"{where}.error", raw["error"]) if "error" in raw else None
    if error is not None and set(raw) - {"error"}:
        p.add(where, "error replaces every other expectation")
    scores: dict[str, Decimal] = {}
    for code, value in (raw.get("scores") or {}).items():
        if not _is_number(value):
            p.add(f"{where}.scores.{code}", f"must be a number, got {value!r}")
        else:
            scores[str(code)] = to_decimal(value)
    findings = []
    raw_findings = raw.get("findings") or []
    if not isinstance(raw_findings, list):
        p.add(f"{where}.findings", "must be a list")
        raw_findings = []
    for i, item in enumerate(raw_findings):
        finding = _read_finding(p, f"{where}.findings[{i}]", item)
        if finding is not None:
            findings.append(finding)
    outcomes = None
    if "outcomes" in raw:
        pairs = raw["outcomes"]
        if not isinstance(pairs, list) or not all(
            isinstance(x, list) and len(x) == 2 and all(isinstance(s, str) for s in x)
            for x in pairs
        ):
            p.add(f"{where}.outcomes", "must be a list of [rule, outcome] pairs")
        else:
            outcomes = tuple((r, o) for r, o in pairs)
    no_findings = (
        _codes(p, f"{where}.no_findings_for", [str(c) for c in raw["no_findings_for"]])
        if isinstance(raw.get("no_findings_for"), list)
        else ()
    )
    if "no_findings_for" in raw and not isinstance(raw["no_findings_for"], list):
        p.add(f"{where}.no_findings_for", "must be a list of codes")
    total = raw.get("total")
    if total is not None and not _is_number(total):
        p.add(f"{where}.total", f"must be a number, got {total!r}")
        total = None
    for key in ("grade", "base_grade"):
        if key in raw and not isinstance(raw[key], str):
            p.add(f"{where}.{key}", f"must be a grade code, got {raw[key]!r}")
    verdict = raw.get("verdict")
    if verdict is not None and verdict not in VERDICT_CODES:
        p.add(f"{where}.verdict", f"must be one of {', '.join(VERDICT_CODES)}, got {verdict!r}")
        verdict = None
    gates = raw.get("failed_gates")
    if gates is not None and not isinstance(gates, list):
        p.add(f"{where}.failed_gates", "must be a list of gate (or veto rule) codes")
        gates = None
    return Expectation(
        scores=scores,
        findings=tuple(findings),
        outcomes=outcomes,
        no_findings_for=no_findings,
        grade=raw.get("grade") if isinstance(raw.get("grade"), str) else None,
        base_grade=raw.get("base_grade") if isinstance(raw.get("base_grade"), str) else None,
        total=None if total is None else to_decimal(total),
        error=error,
        verdict=verdict,
        failed_gates=None if gates is None else tuple(str(g) for g in gates),
    )


def _read_file(path: Path) -> tuple[list[Case], list[str]]:
    p = _Problems(path)
    try:
        data = read_document(path)
    except DocumentError as exc:
        p.add("", f"cannot be read: {exc}")
        return [], p.items
    if not isinstance(data, Mapping):
        p.add("", "must be a mapping with rubric and cases")
        return [], p.items
    _unknown(p, "", data, _FILE_KEYS)
    rubric = data.get("rubric")
    if not isinstance(rubric, str) or "/" not in rubric:
        p.add("rubric", "a rubric reference such as panjin-county/2023 is required")
        rubric = ""
    base: Path | None = None
    if "base" in data:
        if not isinstance(data["base"], str):
            p.add("base", "must be a path relative to the case file")
        else:
            base = (path.parent / data["base"]).resolve()
            if not base.is_file():
                p.add("base", f"no such file: {base}")
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        p.add("cases", "a non-empty list of cases is required")
        raw_cases = []
    cases: list[Case] = []
    names: set[str] = set()
    for i, raw in enumerate(raw_cases):
        where = f"cases[{i}]"
        if not isinstance(raw, Mapping):
            p.add(where, "a case must be a mapping")
            continue
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            p.add(where, "a case needs a name")
            name = f"#{i}"
        else:
            where = f"case {name!r}"
            if name in names:
                p.add(where, "the name is used twice in this file")
            names.add(name)
        _unknown(p, where, raw, _CASE_KEYS)
        changes = raw.get("set") or {}
        if not isinstance(changes, Mapping) or not all(isinstance(k, str) for k in changes):
            p.add(f"{where}.set", "must map dotted fact paths to values")
            changes = {}
        partial = raw.get("partial", False)
        if not isinstance(partial, bool):
            p.add(f"{where}.partial", "must be true or false")
            partial = False
        if "expect" not in raw:
            p.add(where, "expect is required")
        expect = _read_expect(p, f"{where}.expect", raw.get("expect", {}))
        description = raw.get("description", "")
        cases.append(
            Case(
                name=name,
                file=path,
                rubric=rubric,
                base=base,
                changes=dict(changes),
                partial=partial,
                expect=expect,
                description=description if isinstance(description, str) else "",
            )
        )
    return cases, p.items


def load_cases(path: str | Path) -> list[Case]:
    """Read one case file.

    Raises:
        CaseFormatError: listing every problem in the file.
    """
    cases, problems = _read_file(Path(path))
    if problems:
        raise CaseFormatError(problems)
    return cases


def _natural(path: Path) -> list[Any]:
    """Sort key putting ``2.1.yaml`` before ``10.1.yaml``."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(path))]


def collect_cases(directory: str | Path) -> list[Case]:
    """Read every ``*.yaml`` case file under ``directory``, in natural order of their paths.

    Raises:
        CaseFormatError: listing every problem in every file at once.
    """
    root = Path(directory)
    files = sorted(
        (f for f in root.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file()),
        key=_natural,
    )
    cases: list[Case] = []
    problems: list[str] = []
    for file in files:
        found, issues = _read_file(file)
        cases.extend(found)
        problems.extend(issues)
    if problems:
        raise CaseFormatError(problems)
    return cases


# ----------------------------------------------------------------------------- running


def _is_error(error: BaseException, name: str) -> bool:
    return any(cls.__name__ == name for cls in type(error).__mro__)


def _check_error(expected: ExpectedError, error: BaseException | None) -> list[str]:
    if error is None:
        return [f"expected {expected.type}, but the facts evaluated / 应报错却得到记分卡"]
    if not _is_error(error, expected.type):
        return [f"expected {expected.type}, got {type(error).__name__}: {error}"]
    problems = getattr(error, "problems", ())
    out = []
    if expected.paths is not None:
        got = sorted({str(getattr(p, "path", "")) for p in problems})
        if got != sorted(set(expected.paths)):
            out.append(f"problems at {got}, expected at {sorted(set(expected.paths))}")
    if expected.codes is not None:
        got_codes = sorted(str(getattr(p, "code", "")) for p in problems)
        if got_codes != sorted(expected.codes):
            out.append(f"problem codes {got_codes}, expected {sorted(expected.codes)}")
    if out:
        out.append(f"the error was / 实际错误:\n{error}")
    return out


def _matches(finding: Finding, want: Mapping[str, Any]) -> bool:
    for key, value in want.items():
        if key == "message_contains":
            if value not in finding.message.zh and value not in finding.message.en:
                return False
        elif key in _NUMBER_KEYS:
            if getattr(finding, key) != to_decimal(value):
                return False
        elif getattr(finding, key) != value:
            return False
    return True


def _show(want: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in want.items()) + "}"


def _compare(
    compiled: CompiledRubric, expect: Expectation, card: Scorecard
) -> tuple[list[str], list[str]]:
    """Differences between a scorecard and the expectations, and the nodes to show."""
    out: list[str] = []
    nodes: list[str] = []
    rule_items = {rule.code: item.code for item, rule in compiled.rubric.rules()}
    for code, points in expect.scores.items():
        try:
            node = card.node(code)
        except KeyError:
            out.append(f"no node {code} in the scorecard")
            continue
        if node.score != points:
            out.append(f"{code} scores {node.score}, expected {points}")
            nodes.append(code)
    touched: dict[str, None] = {}
    for want in expect.findings:
        item = want.get("indicator") or rule_items.get(str(want.get("rule")))
        if item is None:
            out.append(f"finding {_show(want)} names rule {want.get('rule')}, not in the rubric")
            continue
        touched[item] = None
    for item in touched:
        actual = [f for f in card.findings if f.indicator == item]
        wanted = [
            w
            for w in expect.findings
            if (w.get("indicator") or rule_items.get(str(w.get("rule")))) == item
        ]
        left = list(actual)
        missing = []
        for want in wanted:
            hit = next((f for f in left if _matches(f, want)), None)
            if hit is None:
                missing.append(want)
            else:
                left.remove(hit)
        for want in missing:
            out.append(f"expected finding {_show(want)} not found")
        for f in left:
            out.append(f"unexpected finding {describe_finding(f)}")
        if missing or left:
            nodes.append(item)
    if expect.outcomes is not None:
        listed: dict[str, set[str]] = {}
        for rule, outcome in expect.outcomes:
            listed.setdefault(rule, set()).add(outcome)
        for rule, want_outcomes in listed.items():
            got = {o for r, o in card.outcomes if r == rule}
            if got != want_outcomes:
                shown = sorted(got) if got else "nothing (the rule did not run)"
                out.append(f"rule {rule} reported {shown}, expected {sorted(want_outcomes)}")
                if rule in rule_items:
                    nodes.append(rule_items[rule])
    for code in expect.no_findings_for:
        found = card.findings_for(code)
        if found:
            out.append(f"{code} has {len(found)} finding(s), expected none")
            nodes.append(rule_items.get(code, code))
    if expect.grade is not None and card.grade.code != expect.grade:
        out.append(f"grade {card.grade.code!r}, expected {expect.grade!r}")
    if expect.base_grade is not None and card.grade.base != expect.base_grade:
        out.append(f"grade before vetoes {card.grade.base!r}, expected {expect.base_grade!r}")
    if expect.total is not None and card.total != expect.total:
        out.append(f"total {card.total}, expected {expect.total}")
    if expect.verdict is not None or expect.failed_gates is not None:
        verdict = card.verdict
        if verdict is None:
            out.append("no verdict (the rubric has no verdict section)")
        else:
            if expect.verdict is not None and verdict.code != expect.verdict:
                out.append(f"verdict {verdict.code!r}, expected {expect.verdict!r}")
            failed = [g.rule or g.code for g in verdict.failed]
            if expect.failed_gates is not None and failed != list(expect.failed_gates):
                out.append(f"failed gates {failed}, expected {list(expect.failed_gates)}")
    return out, list(dict.fromkeys(nodes))


def _declare(coverage: OutcomeCoverage, engine: Engine, compiled: CompiledRubric) -> None:
    """Declare ``compiled`` to ``coverage``; a rubric that extends an installed one is
    counted by the rules it adds or changes."""
    from evalrules.testing._coverage import inherited_rules

    base_ref = compiled.rubric.extends
    if base_ref is None:
        coverage.declare(compiled)
        return
    try:
        base = engine.load_rubric(base_ref)
    except EvalrulesError:
        coverage.declare(compiled)  # a base given as a file beside it: every rule counts
        return
    coverage.declare(compiled, inherited=inherited_rules(base, compiled.rubric), base=base.ref)


def run_case(
    case: Case,
    engine: Engine,
    *,
    coverage: OutcomeCoverage | None = None,
) -> Scorecard | None:
    """Run one case with ``engine``; record its rule outcomes in ``coverage``.

    Returns:
        The scorecard, or ``None`` when the case expects an error.

    Raises:
        CaseFailure: listing every difference from the expectations (and every broken stock
            invariant), with the relevant part of the scorecard.
    """
    compiled = engine.compile(engine.load_rubric(case.rubric))
    if coverage is not None:
        _declare(coverage, engine, compiled)
    head = f"case {case.id} failed / 用例未通过:"
    try:
        card = compiled.evaluate(case.facts(), partial=case.partial)
    except EvalrulesError as exc:
        if case.expect.error is None:
            raise CaseFailure(f"{head}\n  evaluation raised {type(exc).__name__}:\n{exc}") from exc
        problems = _check_error(case.expect.error, exc)
        if problems:
            raise CaseFailure("\n".join([head, *(f"  - {p}" for p in problems)])) from exc
        return None
    if coverage is not None:
        coverage.record(compiled, card)
    if case.expect.error is not None:
        problems = _check_error(case.expect.error, None)
        raise CaseFailure("\n".join([head, *(f"  - {p}" for p in problems)]))
    differences, nodes = _compare(compiled, case.expect, card)
    try:
        check_scorecard(compiled, card)
    except InvariantError as exc:
        differences.extend(str(v) for v in exc.violations)
        nodes.extend(v.where for v in exc.violations if v.where)
    if differences:
        lines = [head, *(f"  - {d}" for d in differences)]
        shown = [n for n in dict.fromkeys(nodes) if n]
        if shown:
            lines.append("relevant part of the scorecard / 记分卡相关部分:")
            lines.extend(describe_node(card, n) for n in shown)
        raise CaseFailure("\n".join(lines))
    return card
