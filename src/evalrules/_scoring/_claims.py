"""Claimed scores set against computed ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from evalrules._points import ZERO, plain, to_decimal
from evalrules._rules._messages import CORE_MESSAGES, render
from evalrules._scorecard._model import ClaimComparison, Finding, NodeResult
from evalrules._text import Text

if TYPE_CHECKING:
    pass


def with_claims(node: NodeResult, claimed: Mapping[str, Decimal]) -> NodeResult:
    """Attach claimed scores to a result tree."""
    import attrs

    children = tuple(with_claims(c, claimed) for c in node.children)
    value = claimed.get(node.code)
    # A host may pass whole numbers; a scorecard holds only Decimal points.
    return attrs.evolve(
        node, children=children, claimed=None if value is None else to_decimal(value)
    )


def compare_claims(
    nodes: Sequence[NodeResult],
    findings: Sequence[Finding],
    claimed: Mapping[str, Decimal],
    total: Decimal,
) -> tuple[ClaimComparison, ...]:
    """Set every claimed score against the computed one, with the findings that explain it."""
    claimed = {code: to_decimal(value) for code, value in claimed.items()}
    comparisons: list[ClaimComparison] = []
    by_code = {n.code: n for top in nodes for n in top.walk()}
    subtree: dict[str, set[str]] = {}
    for top in nodes:
        for n in top.walk():
            subtree[n.code] = {d.code for d in n.walk()}
    # Items scored by place among a cohort but evaluated alone: their score is not known.
    alone = {f.indicator for f in findings if f.message_id == "cohort.alone"}
    for code in [n.code for top in nodes for n in top.walk()] + ["total"]:
        if code not in claimed:
            continue
        computed = total if code == "total" else by_code[code].score
        scope = set(by_code) if code == "total" else subtree[code]
        difference = claimed[code] - computed
        cohort = bool(alone & scope)
        if difference == 0 and not cohort:
            comparisons.append(ClaimComparison(code, claimed[code], computed, ZERO))
            continue
        explaining = [
            f
            for f in findings
            if f.indicator in scope
            and f.points != 0
            and claimed.get(f.indicator) != by_code[f.indicator].score
        ]
        if explaining:
            exp = Text(
                "依据:" + " ".join(f"[{f.rule}] {f.message.zh}" for f in explaining),
                "Because: " + " ".join(f"[{f.rule}] {f.message.en}" for f in explaining),
            )
        else:
            exp = CORE_MESSAGES["claim.unexplained"]
        if cohort:
            note = CORE_MESSAGES["claim.cohort"]
            exp = Text(f"{note.zh}{exp.zh}", f"{note.en} {exp.en}")
            if difference == 0:
                comparisons.append(
                    ClaimComparison(
                        code,
                        claimed[code],
                        computed,
                        ZERO,
                        tuple(dict.fromkeys(f.rule for f in explaining)),
                        note,
                        depends_on_cohort=True,
                    )
                )
                continue
        params = {
            "claimed": plain(claimed[code]),
            "computed": plain(computed),
            "difference": plain(abs(difference)),
            "explanation": exp,
        }
        # The direction in words: 核减 when the claim is higher, 核增 when it is lower.
        message = CORE_MESSAGES["claim.differs" if difference > 0 else "claim.below"]
        comparisons.append(
            ClaimComparison(
                code,
                claimed[code],
                computed,
                difference,
                tuple(dict.fromkeys(f.rule for f in explaining)),
                render(message, params),
                depends_on_cohort=cohort,
            )
        )
    return tuple(comparisons)
