"""Assertion helpers for scorecards, whose failure messages show the scorecard's relevant part.

Each helper takes a scorecard and a code: an indicator code (``"8.2"``) or, where it says so,
a rule code (``"PJ-8.2-a"``). On failure it raises :class:`AssertionError` whose message
shows the node (score, max, status) and every finding on it, in Chinese and English, so the
test report explains itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from evalrules._points import ZERO, to_decimal
from evalrules._scorecard._model import Finding, NodeResult, Scorecard
from evalrules.errors import FactsError

__all__ = [
    "assert_bonus",
    "assert_deducts",
    "assert_facts_error",
    "assert_full_marks",
    "assert_grade",
    "assert_no_findings",
    "assert_not_applicable",
    "assert_outcome",
    "assert_score",
    "assert_total",
    "assert_vetoed",
    "assert_zero",
    "describe_finding",
    "describe_node",
]


def describe_finding(finding: Finding) -> str:
    """One finding on one line: rule, kind, points, outcome, message (Chinese / English)."""
    effect = f", {finding.effect}" if finding.effect else ""
    return (
        f"[{finding.rule}] {finding.kind} {_signed(finding.points)} "
        f"({finding.outcome or '-'}{effect}): {finding.message.zh} / {finding.message.en}"
    )


def describe_node(scorecard: Scorecard, code: str) -> str:
    """A node as text: its score, max and status, its children, and every finding on it."""
    try:
        node = scorecard.node(code)
    except KeyError:
        codes = ", ".join(n.code for n in scorecard.walk())
        return f"  (the scorecard has no node {code}; nodes: {codes})"
    lines = [f"  {_node_line(node)}"]
    lines.extend(f"    {_node_line(c)}" for c in node.children)
    below = {n.code for n in node.walk()}
    findings = [f for f in scorecard.findings if f.indicator in below]
    if findings:
        lines.extend(f"    {describe_finding(f)}" for f in findings)
    else:
        lines.append("    (no findings / 无扣分记录)")
    return "\n".join(lines)


def _node_line(node: NodeResult) -> str:
    return f"{node.code} {node.title.zh}: {node.score}/{node.max} ({node.status})"


def _signed(points: Decimal) -> str:
    return f"+{points}" if points > 0 else str(points)


def _fail(headline: str, scorecard: Scorecard, code: str | None) -> AssertionError:
    lines = [headline]
    if code is not None:
        node_code = _node_code(scorecard, code)
        if node_code is None:
            outcomes = [o for r, o in scorecard.outcomes if r == code]
            shown = ", ".join(outcomes) if outcomes else "did not run / 未运行"
            lines.append(f"rule {code} in the scorecard / 记分卡中的规则 {code}: {shown}")
            lines.extend(f"  {describe_finding(f)}" for f in scorecard.findings_for(code))
        else:
            lines.append(f"{node_code} in the scorecard / 记分卡中的 {node_code}:")
            lines.append(describe_node(scorecard, node_code))
    return AssertionError("\n".join(lines))


def _node_code(scorecard: Scorecard, code: str) -> str | None:
    """The node a code names: the code itself, or the item of a rule that has findings."""
    try:
        scorecard.node(code)
    except KeyError:
        return next((f.indicator for f in scorecard.findings if f.rule == code), None)
    return code


def _findings(scorecard: Scorecard, code: str) -> list[Finding]:
    """The findings of a node and the nodes below it, or of a rule."""
    try:
        below = {n.code for n in scorecard.node(code).walk()}
    except KeyError:
        return list(scorecard.findings_for(code))
    return [f for f in scorecard.findings if f.indicator in below]


def _node(scorecard: Scorecard, code: str) -> NodeResult:
    __tracebackhide__ = True
    try:
        return scorecard.node(code)
    except KeyError:
        raise _fail(
            f"no node {code} in the scorecard / 记分卡中没有指标 {code}", scorecard, None
        ) from None


def _points(value: Any) -> Decimal:
    return to_decimal(value)


def _matching(
    findings: Iterable[Finding], kinds: tuple[str, ...], reason_contains: str | None
) -> list[Finding]:
    out = [f for f in findings if f.kind in kinds]
    if reason_contains is not None:
        out = [f for f in out if reason_contains in f.message.zh or reason_contains in f.message.en]
    return out


def assert_deducts(
    scorecard: Scorecard,
    code: str,
    *,
    points: Any = None,
    reason_contains: str | None = None,
    outcome: str | None = None,
) -> list[Finding]:
    """Assert that a node or a rule loses points (deduction or manual judgement).

    Args:
        scorecard: The scorecard.
        code: An indicator code (its findings and those of the nodes below it) or a rule
            code.
        points: The points lost in total by the matching findings, written either way
            (``1.5`` or ``-1.5``).
        reason_contains: Text the finding's message contains (Chinese or English).
        outcome: The rule outcome the findings report (``missed``, ``partial`` ...).

    Returns:
        The matching findings.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    found = _matching(_findings(scorecard, code), ("deduction", "manual"), reason_contains)
    if outcome is not None:
        found = [f for f in found if f.outcome == outcome]
    what = f"{code} to lose points"
    if reason_contains is not None:
        what += f" for a reason containing {reason_contains!r}"
    if outcome is not None:
        what += f" with outcome {outcome!r}"
    found = [f for f in found if f.points != 0]
    if not found:
        raise _fail(f"expected {what}, but no such deduction / 未找到相应扣分", scorecard, code)
    if points is not None:
        lost = -sum((f.points for f in found), ZERO)
        want = abs(_points(points))
        if lost != want:
            raise _fail(
                f"expected {what}: {want} points, but it loses {lost} / 应扣{want}分,实扣{lost}分",
                scorecard,
                code,
            )
    return found


def assert_full_marks(scorecard: Scorecard, code: str) -> None:
    """Assert that a node scores its max and carries no deduction."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    node = _node(scorecard, code)
    losses = _matching(_findings(scorecard, code), ("deduction", "manual"), None)
    if node.score != node.max or any(f.points != 0 for f in losses):
        raise _fail(
            f"expected full marks ({node.max}) at {code}, got {node.score} / "
            f"应得满分{node.max},实得{node.score}",
            scorecard,
            code,
        )


def assert_score(scorecard: Scorecard, code: str, points: Any) -> None:
    """Assert a node's score (``points`` as an exact decimal: ``"4.8"``, ``4``)."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    node = _node(scorecard, code)
    want = _points(points)
    if node.score != want:
        raise _fail(
            f"expected {code} to score {want}, got {node.score} / 应得{want}分,实得{node.score}分",
            scorecard,
            code,
        )


def assert_zero(scorecard: Scorecard, code: str) -> None:
    """Assert that a node scores zero."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    node = _node(scorecard, code)
    if node.score != 0:
        raise _fail(
            f"expected {code} to score 0, got {node.score} / 应得0分,实得{node.score}分",
            scorecard,
            code,
        )


def assert_total(scorecard: Scorecard, points: Any, *, base: Any = None) -> None:
    """Assert the total (and, when given, the base total before bonus)."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    want = _points(points)
    problems = []
    if scorecard.total != want:
        problems.append(f"total {scorecard.total}, expected {want}")
    if base is not None and scorecard.base_total != _points(base):
        problems.append(f"base total {scorecard.base_total}, expected {_points(base)}")
    if problems:
        tops = "\n".join(f"  {_node_line(t)}" for t in scorecard.indicators)
        raise AssertionError(
            "; ".join(problems)
            + f" / 总分不符\n  bonus {scorecard.bonus}, grade {scorecard.grade.code}\n{tops}"
        )


def assert_grade(scorecard: Scorecard, grade: str, *, base: str | None = None) -> None:
    """Assert the grade after vetoes (and, when given, the grade before them)."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    problems = []
    if scorecard.grade.code != grade:
        problems.append(f"grade {scorecard.grade.code!r}, expected {grade!r}")
    if base is not None and scorecard.grade.base != base:
        problems.append(f"grade before vetoes {scorecard.grade.base!r}, expected {base!r}")
    if problems:
        vetoes = "\n".join(f"  {describe_finding(v)}" for v in scorecard.vetoes) or "  (no vetoes)"
        raise AssertionError(
            "; ".join(problems) + f" / 等次不符\n  total {scorecard.total} (before vetoes: "
            f"{scorecard.grade.base})\n{vetoes}"
        )


def assert_not_applicable(scorecard: Scorecard, code: str, *, policy: str | None = None) -> None:
    """Assert that an item is not applicable (under ``policy``, when given)."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    node = _node(scorecard, code)
    found = _matching(scorecard.findings_for(code), ("not_applicable",), None)
    if node.status != "not_applicable" or not found:
        raise _fail(
            f"expected {code} to be not applicable, its status is {node.status!r} / 应为不适用",
            scorecard,
            code,
        )
    if policy is not None and found[0].effect != policy:
        raise _fail(
            f"expected {code} not applicable under policy {policy!r}, got "
            f"{found[0].effect!r} / 不适用处理方式不符",
            scorecard,
            code,
        )


def assert_vetoed(
    scorecard: Scorecard,
    code: str | None = None,
    *,
    effect: str | None = None,
    grade: str | None = None,
) -> list[Finding]:
    """Assert that a veto fired (on ``code``, a node or rule code, when given).

    Args:
        scorecard: The scorecard.
        code: The item or rule that vetoes; any veto when omitted.
        effect: ``force_fail``, ``lower_one`` or ``cap_below_top``.
        grade: The grade after the vetoes.

    Returns:
        The matching veto findings.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    found = list(scorecard.vetoes)
    if code is not None:
        found = [v for v in found if code in (v.indicator, v.rule)]
    if effect is not None:
        found = [v for v in found if v.effect == effect]
    if not found:
        what = " ".join(x for x in (code, effect) if x) or "any"
        vetoes = "\n".join(f"  {describe_finding(v)}" for v in scorecard.vetoes) or "  (none)"
        raise AssertionError(f"expected a veto ({what}), vetoes / 一票否决:\n{vetoes}")
    if grade is not None:
        assert_grade(scorecard, grade)
    return found


def assert_bonus(scorecard: Scorecard, code: str, *, points: Any = None) -> list[Finding]:
    """Assert that a bonus item (or bonus rule) awards points (``points`` in total)."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    found = [f for f in _findings(scorecard, code) if f.kind == "bonus"]
    if not found:
        raise _fail(f"expected a bonus at {code}, none awarded / 未加分", scorecard, code)
    if points is not None:
        got = sum((f.points for f in found), ZERO)
        if got != _points(points):
            raise _fail(
                f"expected a bonus of {_points(points)} at {code}, got {got} / 加分不符",
                scorecard,
                code,
            )
    return found


def assert_no_findings(scorecard: Scorecard, code: str) -> None:
    """Assert that a node (and the nodes below it) or a rule has no finding at all."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    found = _findings(scorecard, code)
    if found:
        raise _fail(
            f"expected no findings for {code}, found {len(found)} / 不应有扣分记录",
            scorecard,
            code,
        )


def assert_outcome(scorecard: Scorecard, rule: str, outcome: str) -> None:
    """Assert that a rule ran and reported ``outcome`` (``met``, ``partial``, ``vetoed`` ...)."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    got = [o for r, o in scorecard.outcomes if r == rule]
    if outcome not in got:
        shown = ", ".join(got) if got else "the rule did not run"
        raise _fail(
            f"expected rule {rule} to report {outcome!r}, it reported: {shown} / 规则结果不符",
            scorecard,
            rule,
        )


def assert_facts_error(
    error: BaseException,
    *,
    paths: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
) -> FactsError:
    """Assert that ``error`` is a :class:`~evalrules.errors.FactsError` with these problems.

    Args:
        error: The exception caught (e.g. ``excinfo.value`` from ``pytest.raises``).
        paths: The problems' paths, exactly (in any order).
        codes: The problems' codes, exactly (in any order; repeated codes count).

    Returns:
        The error.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    if not isinstance(error, FactsError):
        raise AssertionError(f"expected a FactsError, got {type(error).__name__}: {error}")
    problems = "\n".join(f"  - {p}" for p in error.problems)
    if paths is not None:
        want = sorted(set(paths))
        got = sorted({p.path for p in error.problems})
        if want != got:
            raise AssertionError(
                f"expected problems at {want}, got them at {got} / 问题位置不符\n{problems}"
            )
    if codes is not None:
        want_codes = sorted(codes)
        got_codes = sorted(p.code for p in error.problems)
        if want_codes != got_codes:
            raise AssertionError(
                f"expected problem codes {want_codes}, got {got_codes} / 问题类型不符\n{problems}"
            )
    return error
