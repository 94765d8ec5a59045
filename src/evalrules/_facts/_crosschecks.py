"""Cross checks: relations between facts that a rubric declares (``part_of``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from evalrules._points import plain, to_decimal
from evalrules._rubric._model import CrossCheck
from evalrules._text import Text

# ------------------------------------------------------------------------- cross checks


@attrs.frozen
class CrossCheckKind:
    """A relation between facts. Build with :func:`cross_check_kind`.

    Attributes:
        name: The name rubrics write under ``cross_checks`` (``part_of``).
        description: What it checks.
        arity: How many facts it takes.
        check: ``check(values) -> (zh, en) or None``: the problem, if the relation fails.
        at_most: The relation is "the first number is at most the second" (a part and its
            whole). The test kit draws the second first and the first no larger, and breaks
            the relation by making the first larger; a check without this trait is met by
            filtering and not broken on purpose.
    """

    name: str
    description: Text
    arity: int
    check: Callable[[tuple[Any, ...]], tuple[str, str] | None]
    at_most: bool = False


def cross_check_kind(
    name: str,
    *,
    description: Text,
    arity: int,
    check: Callable[[tuple[Any, ...]], tuple[str, str] | None],
    at_most: bool = False,
) -> CrossCheckKind:
    """Build a :class:`CrossCheckKind` for ``evalrules_register_cross_checks``.

    Args:
        name: The name rubrics write under ``cross_checks``.
        description: What it checks.
        arity: How many facts it takes.
        check: ``check(values) -> (zh, en) or None``, given the facts' values in the
            rubric's order: the problem, if the relation fails.
        at_most: Declare that the relation is "the first number is at most the second"
            (see :class:`CrossCheckKind`); it takes two facts.

    Raises:
        ValueError: if ``at_most`` is declared for a relation of other than two facts.
    """
    if at_most and arity != 2:
        raise ValueError(f"cross check {name!r}: at_most relates two facts, not {arity}")
    return CrossCheckKind(
        name=name, description=description, arity=arity, check=check, at_most=at_most
    )


def _part_of(values: tuple[Any, ...]) -> tuple[str, str] | None:
    part, whole = to_decimal(values[0]), to_decimal(values[1])
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
    at_most=True,
)


def check_cross_check(check: CrossCheck, kinds: Mapping[str, CrossCheckKind]) -> str | None:
    """Return a problem message if a rubric's cross check names an unknown kind or arity."""
    if check.kind not in kinds:
        return f"unknown cross check {check.kind!r} (installed: {', '.join(sorted(kinds))})"
    arity = kinds[check.kind].arity
    if len(check.facts) != arity:
        return f"cross check {check.kind!r} takes {arity} facts, got {len(check.facts)}"
    return None
