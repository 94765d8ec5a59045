"""Exceptions raised by evalrules.

Exceptions mean something is broken: a rubric, a facts document or a plugin. A point lost
is never an exception; it is a :class:`~evalrules.Finding` in the scorecard.

Every error reports *all* the problems found at once. Each class also subclasses the builtin
exception it resembles, so ordinary ``except ValueError`` / ``except LookupError`` clauses
still work in host applications.

Hierarchy::

    EvalrulesError
    ├── RubricError (ValueError)          a rubric file or rubric object is invalid
    │   └── RubricNotFoundError (LookupError)
    ├── FactsError (ValueError)           a facts document is invalid
    └── PluginError                       a plugin is broken
        ├── PluginLoadError (ImportError) importing or registering a plugin failed
        ├── RegistryConflictError (ValueError) two plugins registered the same name
        └── RuleEvaluationError (RuntimeError) a rule raised while evaluating
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

__all__ = [
    "EvalrulesError",
    "FactsError",
    "FactsProblem",
    "PluginError",
    "PluginLoadError",
    "RegistryConflictError",
    "RubricError",
    "RubricNotFoundError",
    "RubricProblem",
    "RuleEvaluationError",
]


class EvalrulesError(Exception):
    """Root of every exception evalrules raises on purpose."""


@attrs.frozen
class RubricProblem:
    """One problem found in a rubric.

    Attributes:
        message: What is wrong, in English, naming the culprit.
        code: A stable machine-readable problem code, e.g. ``"max-not-sum"``.
        file: The rubric file, when the rubric came from a file.
        indicator: The indicator code the problem is in, if any.
        rule: The rule code the problem is in, if any.
        path: Where inside the rubric document, e.g. ``"indicators[0].children[2].max"``.
    """

    message: str
    code: str
    file: str | None = None
    indicator: str | None = None
    rule: str | None = None
    path: str | None = None

    def location(self) -> str:
        """Return ``file: indicator 1.1, rule R011, at path`` with the known parts only."""
        parts = []
        if self.indicator is not None:
            parts.append(f"indicator {self.indicator}")
        if self.rule is not None:
            parts.append(f"rule {self.rule}")
        if self.path:
            parts.append(f"at {self.path}")
        where = ", ".join(parts)
        if self.file:
            return f"{self.file}: {where}" if where else self.file
        return where

    def __str__(self) -> str:
        where = self.location()
        return (
            f"{where}: {self.message} [{self.code}]" if where else f"{self.message} [{self.code}]"
        )


class RubricError(EvalrulesError, ValueError):
    """A rubric is invalid. ``problems`` lists every problem found, with its location.

    Attributes:
        problems: All problems, in document order.
        rubric: The rubric reference or file being loaded, when known.
    """

    def __init__(self, problems: Iterable[RubricProblem], *, rubric: str | None = None) -> None:
        self.problems: tuple[RubricProblem, ...] = tuple(problems)
        self.rubric = rubric
        super().__init__(self._summary())

    def _summary(self) -> str:
        head = f"rubric {self.rubric}" if self.rubric else "rubric"
        n = len(self.problems)
        lines = [f"{head} has {n} problem{'s' if n != 1 else ''}:"]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)


class RubricNotFoundError(RubricError, LookupError):
    """No installed rubric matches the requested reference.

    Attributes:
        requested: The reference that was asked for.
        available: The references that are installed, sorted.
    """

    def __init__(self, requested: str, available: Iterable[str]) -> None:
        self.requested = requested
        self.available: tuple[str, ...] = tuple(sorted(available))
        listing = ", ".join(self.available) if self.available else "none"
        super().__init__(
            [
                RubricProblem(
                    message=f"no rubric {requested!r} is installed (installed: {listing})",
                    code="rubric-not-found",
                )
            ],
            rubric=requested,
        )


@attrs.frozen
class FactsProblem:
    """One problem in a facts document.

    Attributes:
        path: Dotted path in the user's own terms, e.g. ``"funding.primary.pupils"``.
        code: Stable problem code, e.g. ``"wrong-type"``, ``"missing"``, ``"unknown"``.
        message_zh: The problem in simplified Chinese.
        message_en: The problem in English.
        value: The offending value, when there is one.
        location: Where in the file the value is, when the format knows: a cell such as
            ``填报!C12`` for a workbook. ``None`` for a problem the path alone locates.
    """

    path: str
    code: str
    message_zh: str
    message_en: str
    value: object = None
    location: str | None = None

    def where(self) -> str:
        """The cell and the path (``填报!C12 funding.primary.public_funds``), or the path."""
        return f"{self.location} {self.path}" if self.location else self.path

    def __str__(self) -> str:
        return f"{self.where()}: {self.message_en} / {self.message_zh} [{self.code}]"


class FactsError(EvalrulesError, ValueError):
    """A facts document is invalid. ``problems`` lists every problem found.

    Attributes:
        problems: Every problem, sorted by path.
        source: The file the facts came from, when known.
    """

    def __init__(self, problems: Iterable[FactsProblem], *, source: str | None = None) -> None:
        self.problems: tuple[FactsProblem, ...] = tuple(problems)
        self.source = source
        n = len(self.problems)
        head = f"facts {source}" if source else "facts"
        lines = [f"{head} have {n} problem{'s' if n != 1 else ''}:"]
        lines.extend(f"  - {p}" for p in self.problems)
        super().__init__("\n".join(lines))


class PluginError(EvalrulesError):
    """A plugin is broken.

    Attributes:
        plugin: The plugin's name as registered (``distribution[entry]`` for installed ones).
    """

    def __init__(self, message: str, *, plugin: str | None = None) -> None:
        self.plugin = plugin
        super().__init__(message)


class PluginLoadError(PluginError, ImportError):
    """Importing or registering a plugin failed; the original exception is chained."""


class RegistryConflictError(PluginError, ValueError):
    """Two plugins registered an item under the same name.

    Attributes:
        registry: The registry both registered into, named by what it holds
            (``"rule kind"``, ``"rubric"``, ...).
        name: The contested name.
        first: The plugin that registered it first.
        second: The plugin that tried to register it again.
    """

    def __init__(self, registry: str, name: str, first: str, second: str) -> None:
        self.registry = registry
        self.name = name
        self.first = first
        self.second = second
        super().__init__(
            f"{registry} {name!r} is registered by both {first} and {second}; "
            "rename one, or block one of the plugins",
            plugin=second,
        )


class RuleEvaluationError(PluginError, RuntimeError):
    """A rule raised while evaluating; no scorecard is returned.

    Attributes:
        rubric: The rubric reference.
        indicator: The indicator code.
        rule: The rule code.
        kind: The rule kind's name.
    """

    def __init__(
        self,
        *,
        plugin: str,
        rubric: str,
        indicator: str,
        rule: str,
        kind: str,
        error: BaseException,
    ) -> None:
        self.rubric = rubric
        self.indicator = indicator
        self.rule = rule
        self.kind = kind
        super().__init__(
            f"rule {rule} (kind {kind!r} from plugin {plugin}) of indicator {indicator} "
            f"in rubric {rubric} raised {type(error).__name__}: {error}",
            plugin=plugin,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Its constructor takes keywords only; a batch worker sends it back pickled.
        return (_rebuilt, (type(self), self.args), dict(self.__dict__))


def _rebuilt(cls: type[BaseException], args: tuple[Any, ...]) -> BaseException:
    """An exception with ``args`` whose attributes pickle restores (see ``__reduce__``)."""
    exc = cls.__new__(cls)
    exc.args = args
    return exc
