"""A rubric compiled once, for many evaluations, in one process or carried to another.

:meth:`evalrules.Engine.compile` checks a rubric against the registered rule kinds, fact types
and cross checks, then :func:`build` binds it to them: a :class:`Bindings` value (what was
compiled with what) and the :class:`EvaluationPlan` built from it (what evaluating reads).

A compiled rubric pickles as its bindings. Rule kinds, fact types and cross checks travel by
reference (pickle names their functions by module and name, so a plugin's functions must be
importable module-level functions); the cerberus validator and the plan are rebuilt from the
bindings when the compiled rubric is unpickled, and a process keeps the last few it rebuilt,
so a worker that receives the same compiled rubric with every task builds it once.
"""

from __future__ import annotations

import itertools
import os
import pickle
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NoReturn

import attrs

from evalrules._facts._aggregations import BUILTIN_BY_NAME, Aggregation
from evalrules._facts._crosschecks import CrossCheckKind
from evalrules._facts._document import FactsDocument, claim_limits
from evalrules._facts._types import FactType
from evalrules._facts._validator import FactsValidator
from evalrules._frozen import FrozenDict
from evalrules._rubric._digest import rubric_digest
from evalrules._rubric._model import Indicator, Rubric, Rule
from evalrules._rules._context import describe_context, rule_share
from evalrules._rules._kind import CohortStatistics, Explainer, RuleKind, Scorer, explainer
from evalrules._rules._messages import CORE_MESSAGES
from evalrules._scorecard._model import Entity, RubricInfo, Scorecard
from evalrules._text import Text
from evalrules.errors import FactsError

if TYPE_CHECKING:  # concurrent.futures is imported by the executors that batches are given
    from concurrent.futures import Executor, Future

    from evalrules._cohort._model import Cohort
    from evalrules._scoring._explain import ExplainProgram
    from evalrules._scoring._fast import ScoresProgram
    from evalrules._scoring._scores import ScoresCard

#: ``modify(scorecard, rubric) -> scorecard``: the engine's ``evalrules_modify_scorecard``.
Modify = Callable[[Scorecard, Rubric], Scorecard]

#: ``run(compiled, documents, executor=, sources=, partial=) -> Cohort``: the cohort stage's
#: evaluation, which comes after this one in the import order and is bound by the engine.
CohortRun = Callable[..., "Cohort"]


@attrs.frozen
class Bindings:
    """What a rubric was compiled with; all a compiled rubric needs to be rebuilt.

    Attributes:
        rubric: The (checked) rubric.
        digest: Its digest, taken once.
        kinds: Rule kind name → ``(kind, plugin that registered it)``.
        types: Fact type name → ``(type, plugin)``.
        cross_checks: Cross check name → ``(kind, plugin)``.
        modify: The scorecard hook, or ``None``.
        aggregations: Aggregation name → ``(aggregation, plugin)``.
        cohort: The cohort stage's evaluation (``evaluate_cohort``), or ``None``.
    """

    rubric: Rubric
    digest: str
    kinds: FrozenDict[str, tuple[RuleKind, str]]
    types: FrozenDict[str, tuple[FactType, str]]
    cross_checks: FrozenDict[str, tuple[CrossCheckKind, str]]
    modify: Modify | None = None
    aggregations: FrozenDict[str, tuple[Aggregation, str]] = attrs.field(factory=FrozenDict)
    cohort: CohortRun | None = None

    def registered(self) -> Iterator[tuple[str, str, object, str]]:
        """``(what, name, item, plugin)`` of every registered item the bindings hold."""
        for what, table in (
            ("rule kind", self.kinds),
            ("fact type", self.types),
            ("cross check", self.cross_checks),
            ("aggregation", self.aggregations),
        ):
            for name, (item, origin) in table.items():
                yield what, name, item, origin


@attrs.frozen
class CompiledRule:
    """A rule bound to its item and its kind.

    Attributes:
        item: The item the rule scores.
        rule: The rule.
        kind: Its rule kind.
        origin: The plugin that registered the kind.
        score: The rule compiled by its kind's ``scorer`` (``None`` for a kind without one),
            what an evaluation without explanations runs.
        explain: The rule compiled with its explanations (``None`` for a kind without an
            explainer, see ``RuleKind.explainer``), what an explained
            evaluation runs.
    """

    item: Indicator
    rule: Rule
    kind: RuleKind
    origin: str
    score: Scorer | None = attrs.field(default=None, eq=False, repr=False)
    explain: Explainer | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(eq=False)
class EvaluationPlan:
    """What evaluating a document reads, built once from the bindings.

    Attributes:
        bindings: What it was built from.
        validator: The rubric's facts validator.
        info: The rubric as a scorecard names it.
        items: Every scored item in rubric order, with its applicability rules (run first)
            and its other rules.
        kinds: Rule kind name → kind.
        codes: Every indicator code.
        bonus_codes: The codes of the bonus items.
        labels: Fact or derived fact path → its description.
        evidence: Rule code → the scalar parameters shown as evidence.
        claim_limits: The most a district may claim, by indicator code and for ``"total"``.
        scores: Every item's compiled scorers as one program, what an evaluation without
            explanations runs first (``None`` when a rule's kind has no scorer).
        explained: Every item's explainers as one program, what an explained evaluation
            runs first (``None`` when a rule's kind has no explainer).
        scores_card: What a scores-only scorecard needs of the rubric, taken once.
        over_rows: The derived facts computed over a table's rows, and those computed from
            them (a rate over the kindergartens' sum), in rubric order: the values an
            explained scorecard lists as its :attr:`~evalrules.Scorecard.aggregates`.
    """

    bindings: Bindings
    validator: FactsValidator
    info: RubricInfo
    items: tuple[tuple[Indicator, tuple[CompiledRule, ...], tuple[CompiledRule, ...]], ...]
    kinds: FrozenDict[str, RuleKind]
    codes: frozenset[str]
    bonus_codes: frozenset[str]
    labels: FrozenDict[str, Text]
    evidence: FrozenDict[str, tuple[tuple[str, Any], ...]]
    claim_limits: FrozenDict[str, Decimal]
    scores: ScoresProgram | None = attrs.field(default=None, repr=False)
    explained: ExplainProgram | None = attrs.field(default=None, repr=False)
    scores_card: ScoresCard | None = attrs.field(default=None, repr=False)
    over_rows: tuple[str, ...] = ()

    @property
    def rubric(self) -> Rubric:
        """The rubric."""
        return self.bindings.rubric

    @property
    def modify(self) -> Modify | None:
        """The scorecard hook, or ``None``."""
        return self.bindings.modify


def _compiled_rule(
    item: Indicator,
    rule: Rule,
    kind: RuleKind,
    origin: str,
    rubric: Rubric | None = None,
    types: Mapping[str, FactType] | None = None,
) -> CompiledRule:
    score = None
    if kind.scorer is not None:
        score = kind.scorer(rule.params, rule_share(rule, item), item.max)
    explain = None
    if rubric is not None:
        explain = explainer(
            kind, describe_context(rule, item, rubric, types), _template(rule, kind)
        )
    return CompiledRule(item, rule, kind, origin, score, explain)


def _template(rule: Rule, kind: RuleKind) -> Callable[[str], Text]:
    """The template a finding of ``rule`` is worded with, by message id: the rule's own
    ``message``, else its kind's (as :meth:`CompiledRubric.message` and
    ``_scoring._items._finding`` choose it)."""

    def template(message_id: str) -> Text:
        if rule.message is not None:
            return rule.message
        if message_id in kind.messages:
            return kind.messages[message_id]
        return CORE_MESSAGES.get(message_id, Text(message_id, message_id))

    return template


def _plan(bindings: Bindings) -> EvaluationPlan:
    from evalrules._scoring._explain import ExplainProgram
    from evalrules._scoring._fast import ScoresProgram
    from evalrules._scoring._items import evidence_params
    from evalrules._scoring._scores import ScoresCard

    rubric = bindings.rubric
    kinds = FrozenDict({name: kind for name, (kind, _) in bindings.kinds.items()})
    types = {name: t for name, (t, _) in bindings.types.items()}
    items = []
    for node in rubric.walk():
        if not node.is_leaf:
            continue
        rules = [
            _compiled_rule(node, r, *bindings.kinds[r.kind], rubric, types) for r in node.rules
        ]
        first = tuple(r for r in rules if r.kind.phase == "applicability")
        rest = tuple(r for r in rules if r.kind.phase != "applicability")
        items.append((node, first, rest))
    labels = {s.path: s.description for s in rubric.facts}
    labels.update({d.path: d.description for d in rubric.derived})
    evidence = FrozenDict({r.code: evidence_params(r) for _, r in rubric.rules()})
    over_rows = {d.path for d in rubric.derived if d.aggregate is not None}
    grown = True
    while grown:  # what reads one of them, in whatever order the rubric declares them
        more = {d.path for d in rubric.derived if over_rows.intersection(d.inputs)}
        grown = not more <= over_rows
        over_rows |= more
    return EvaluationPlan(
        over_rows=tuple(d.path for d in rubric.derived if d.path in over_rows),
        bindings=bindings,
        validator=FactsValidator(
            rubric,
            {name: t for name, (t, _) in bindings.types.items()},
            {name: c for name, (c, _) in bindings.cross_checks.items()},
            {name: a for name, (a, _) in bindings.aggregations.items()},
        ),
        info=RubricInfo(
            ref=rubric.ref,
            family=rubric.family,
            year=rubric.year,
            version=rubric.version,
            digest=bindings.digest,
            title=rubric.title,
            precision=rubric.precision,
        ),
        items=tuple(items),
        kinds=kinds,
        codes=frozenset(n.code for n in rubric.walk()),
        bonus_codes=frozenset(i.code for i in rubric.bonus),
        claim_limits=FrozenDict(claim_limits(rubric)),
        labels=FrozenDict(labels),
        evidence=evidence,
        scores=ScoresProgram.build(
            items,
            frozenset(i.code for i in rubric.bonus),
            rubric.precision,
            rubric.rounding,
            rubric.not_applicable,
        ),
        explained=ExplainProgram.build(
            items,
            frozenset(i.code for i in rubric.bonus),
            rubric.precision,
            rubric.rounding,
            rubric.not_applicable,
            evidence,
            rubric.derived,
        ),
        scores_card=ScoresCard(rubric),
    )


def build(
    rubric: Rubric,
    *,
    kinds: Mapping[str, tuple[RuleKind, str]],
    types: Mapping[str, FactType],
    cross_checks: Mapping[str, CrossCheckKind],
    modify: Modify | None = None,
    origins: Mapping[tuple[str, str], str] | None = None,
    aggregations: Mapping[str, Aggregation] | None = None,
    cohort: CohortRun | None = None,
    digest: str | None = None,
) -> CompiledRubric:
    """Bind a checked rubric to its kinds and types (the last step of ``Engine.compile``).

    Args:
        rubric: A rubric the compiler has checked against ``kinds``, ``types`` and
            ``cross_checks``.
        kinds: Rule kind name → ``(kind, plugin)``.
        types: Fact type name → type.
        cross_checks: Cross check name → kind.
        modify: The scorecard hook.
        origins: ``("fact type" or "cross check", name)`` → the plugin that registered it,
            for error messages.
        aggregations: Aggregation name → aggregation (the builtins when not given).
        cohort: The cohort stage's evaluation.
        digest: The rubric's digest, when it has just been taken.
    """
    origins = origins or {}
    bindings = Bindings(
        rubric=rubric,
        digest=digest or rubric_digest(rubric),
        kinds=FrozenDict(kinds),
        types=FrozenDict({n: (t, origins.get(("fact type", n), "")) for n, t in types.items()}),
        cross_checks=FrozenDict(
            {n: (c, origins.get(("cross check", n), "")) for n, c in cross_checks.items()}
        ),
        modify=modify,
        aggregations=FrozenDict(
            {
                n: (a, origins.get(("aggregation", n), ""))
                for n, a in (BUILTIN_BY_NAME if aggregations is None else aggregations).items()
            }
        ),
        cohort=cohort,
    )
    return CompiledRubric._from_plan(_plan(bindings))


def compile_like(compiled: CompiledRubric, rubric: Rubric) -> CompiledRubric:
    """``rubric`` bound to the kinds, types and cross checks ``compiled`` was bound to,
    without the scorecard hook and without checks (for invariants that vary a rubric)."""
    bindings = attrs.evolve(
        compiled._plan.bindings, rubric=rubric, digest=rubric_digest(rubric), modify=None
    )
    return CompiledRubric._from_plan(_plan(bindings))


# ----------------------------------------------------------------------------- pickling

#: Compiled rubrics this process rebuilt from a pickle, by the pickled bindings, newest last.
_RESTORED: OrderedDict[bytes, CompiledRubric] = OrderedDict()
_RESTORED_MAX = 8


_RESTORED_LOCK = threading.Lock()


def _restore(pickled: bytes) -> CompiledRubric:
    """Rebuild a compiled rubric from its pickled bindings (or reuse one rebuilt before)."""
    with _RESTORED_LOCK:
        compiled = _RESTORED.get(pickled)
        if compiled is not None:
            _RESTORED.move_to_end(pickled)
            return compiled
    # Built outside the lock: two threads may both build it; either result is the same.
    compiled = CompiledRubric._from_plan(_plan(pickle.loads(pickled)), pickled)
    with _RESTORED_LOCK:
        compiled = _RESTORED.setdefault(pickled, compiled)
        _RESTORED.move_to_end(pickled)
        while len(_RESTORED) > _RESTORED_MAX:
            _RESTORED.popitem(last=False)
    return compiled


def _pickle_bindings(bindings: Bindings) -> bytes:
    try:
        return pickle.dumps(bindings, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        culprits = []
        for what, name, item, origin in bindings.registered():
            try:
                pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
            except Exception as item_exc:
                plugin = f"plugin {origin}" if origin else "an unnamed plugin"
                culprits.append(f"{what} {name!r} of {plugin}: {item_exc}")
        found = "; ".join(culprits) or f"{type(exc).__name__}: {exc}"
        raise pickle.PicklingError(
            f"编译后的评价方案 {bindings.rubric.ref} 无法序列化 / the compiled rubric "
            f"{bindings.rubric.ref} cannot be pickled: {found}. A plugin's functions "
            "(evaluate, describe, accepts, convert, check, ...) must be importable "
            "module-level functions, not lambdas, closures or methods of local objects."
        ) from exc


# ------------------------------------------------------------------------------ batches

#: Documents per task that :meth:`CompiledRubric.evaluate_many` sends to an executor: for
#: explained evaluations, and for scores only (a task's fixed costs — sending it, the
#: compiled rubric's pickle, the worker's collector — are then a larger share of a document's).
DEFAULT_CHUNKSIZE = 64
SCORES_CHUNKSIZE = 1024
#: Documents per task of an explained batch once its first tasks are sent (one for each task
#: kept in flight, of ``DEFAULT_CHUNKSIZE``, so that a small batch still runs on every
#: worker and the first results come back soon): the titles, templates and texts a chunk's
#: cards share are written once a chunk, so that larger chunks cost less a card to send
#: back (about 93 µs a card both ways in chunks of 64, 65 in chunks of 256).
LONG_CHUNKSIZE = 256

#: One document's result in a batch.
Result = Scorecard | FactsError


def _evaluate_one(
    compiled: CompiledRubric,
    document: FactsDocument | Mapping[str, Any],
    explain: bool,
    partial: bool,
    cohort: CohortStatistics | None = None,
) -> Result:
    try:
        return compiled.evaluate(document, explain=explain, partial=partial, cohort=cohort)
    except FactsError as exc:
        return exc


def _evaluate_here(
    compiled: CompiledRubric,
    documents: Iterable[FactsDocument | Mapping[str, Any]],
    explain: bool,
    partial: bool,
    cohort: CohortStatistics | None = None,
) -> Iterator[Result]:
    for document in documents:
        yield _evaluate_one(compiled, document, explain, partial, cohort)


def evaluate_chunk(
    pickled: bytes,
    documents: list[FactsDocument | Mapping[str, Any]],
    explain: bool,
    partial: bool,
    cohort: CohortStatistics | None = None,
) -> list[Result]:
    """A batch's task in a worker: the compiled rubric from its pickle (rebuilt once per
    process, see :func:`_restore`), then each document's scorecard or refusal."""
    compiled = pickle.loads(pickled)
    return [_evaluate_one(compiled, document, explain, partial, cohort) for document in documents]


def evaluate_packed(
    pickled: bytes,
    documents: bytes,
    explain: bool,
    partial: bool,
    cohort: CohortStatistics | None = None,
) -> bytes:
    """:func:`evaluate_chunk` for another process: the chunk's documents as one pickle, and
    its results as one compact pickle (:func:`evalrules._compiler._wire.pack`), evaluated
    with a worker process's cyclic garbage collector held off."""
    from evalrules._compiler._wire import no_collection, pack

    with no_collection():
        compiled = pickle.loads(pickled)
        results = [
            _evaluate_one(compiled, document, explain, partial, cohort)
            for document in pickle.loads(documents)
        ]
        return pack(results)


def _chunks(items: Iterable[Any], sizes: Iterable[int]) -> Iterator[list[Any]]:
    """``items`` in lists of the given sizes, one after another, the last one shorter."""
    it = iter(items)
    for size in sizes:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def _chunk_sizes(chunksize: int | None, explain: bool, in_flight: int) -> Iterator[int]:
    """The sizes of a batch's chunks: ``chunksize`` each when given; by default, for scores
    only :data:`SCORES_CHUNKSIZE`, and for explained evaluations :data:`DEFAULT_CHUNKSIZE`
    for the first ``in_flight`` chunks, then :data:`LONG_CHUNKSIZE`."""
    if chunksize is not None:
        return itertools.repeat(chunksize)
    if not explain:
        return itertools.repeat(SCORES_CHUNKSIZE)
    return itertools.chain(
        itertools.repeat(DEFAULT_CHUNKSIZE, in_flight), itertools.repeat(LONG_CHUNKSIZE)
    )


def _in_flight(executor: Executor) -> int:
    """How many chunks to keep submitted: enough to keep every worker busy."""
    workers = getattr(executor, "_max_workers", None)
    if not isinstance(workers, int) or workers < 1:
        workers = os.cpu_count() or 1
    return 2 * workers + 1


def _evaluate_on(
    compiled: CompiledRubric,
    documents: Iterable[FactsDocument | Mapping[str, Any]],
    explain: bool,
    partial: bool,
    executor: Executor,
    chunksize: int | None,
    cohort: CohortStatistics | None = None,
) -> Iterator[Result]:
    from concurrent.futures import ThreadPoolExecutor

    from evalrules._compiler._wire import unpack

    pickled = pickle.dumps(compiled, pickle.HIGHEST_PROTOCOL)
    pending: deque[Future[Any]] = deque()
    limit = _in_flight(executor)
    # Threads share this process: their documents and results need not travel. Any other
    # executor is given each chunk's documents as one pickle (an executor that hashes its
    # tasks' arguments, as Dask's does, hashes bytes, not every value of every document)
    # and its results back as one compact pickle.
    travels = not isinstance(executor, ThreadPoolExecutor)
    task: Callable[..., Any] = evaluate_packed if travels else evaluate_chunk
    take: Callable[[Any], list[Result]] = unpack if travels else list
    try:
        for chunk in _chunks(documents, _chunk_sizes(chunksize, explain, limit)):
            sent: Any = pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL) if travels else chunk
            pending.append(executor.submit(task, pickled, sent, explain, partial, cohort))
            if len(pending) >= limit:
                yield from take(pending.popleft().result())
        while pending:
            yield from take(pending.popleft().result())
    finally:
        for future in pending:  # the consumer stopped early, or a chunk failed
            future.cancel()


# ------------------------------------------------------------------------ compiled rubric


class CompiledRubric:
    """A rubric bound to its rule kinds and a compiled facts validator.

    Made only by :meth:`evalrules.Engine.compile` (calling the class raises
    :class:`TypeError`); then call :meth:`evaluate` for each facts document. Nothing is
    parsed or built per evaluation, and nothing about it can be changed: setting or
    deleting an attribute raises :class:`AttributeError`.

    A compiled rubric pickles, so a process pool or a distributed engine can carry it to its
    workers. Its rule kinds, fact types and cross checks travel by reference, so the
    receiving process needs the same plugins installed, and every function a plugin gives
    them must be an importable module-level function; pickling one that is not raises
    :class:`pickle.PicklingError` naming the kind and its plugin. The validator is rebuilt
    when it is unpickled (once per process for the same compiled rubric). An unpickled
    compiled rubric evaluates to the same scorecards, byte for byte. It compares and hashes
    by identity.

    Attributes:
        rubric: The rubric.
        digest: SHA-256 of its canonical content.
        info: The rubric as a scorecard names it.
        validator: The rubric's facts validator.
        bonus_codes: The codes of the bonus items.
    """

    __slots__ = ("__weakref__", "_pickled", "_plan")

    _plan: EvaluationPlan
    _pickled: bytes | None

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError(
            "CompiledRubric is made by Engine.compile(rubric); it cannot be built directly "
            "(engine = evalrules.Engine(); compiled = engine.compile(rubric))"
        )

    @classmethod
    def _from_plan(cls, plan: EvaluationPlan, pickled: bytes | None = None) -> CompiledRubric:
        self = object.__new__(cls)
        object.__setattr__(self, "_plan", plan)
        object.__setattr__(self, "_pickled", pickled)
        return self

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(
            f"a compiled rubric cannot be changed (setting {name!r}); compile another rubric"
        )

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(
            f"a compiled rubric cannot be changed (deleting {name!r}); compile another rubric"
        )

    def __reduce__(self) -> tuple[Callable[[bytes], CompiledRubric], tuple[bytes]]:
        pickled = self._pickled
        if pickled is None:
            pickled = _pickle_bindings(self._plan.bindings)
            # A memo of the (immutable) bindings, not a change: pickling again is free.
            object.__setattr__(self, "_pickled", pickled)
        return (_restore, (pickled,))

    def __copy__(self) -> CompiledRubric:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> CompiledRubric:
        return self

    def __repr__(self) -> str:
        return f"<CompiledRubric {self.rubric.ref} {self.digest[:15]}>"

    @property
    def rubric(self) -> Rubric:
        """The rubric."""
        return self._plan.bindings.rubric

    @property
    def digest(self) -> str:
        """SHA-256 of the rubric's canonical content."""
        return self._plan.bindings.digest

    @property
    def info(self) -> RubricInfo:
        """The rubric as a scorecard names it (reference, family, version, digest)."""
        return self._plan.info

    @property
    def _validator(self) -> FactsValidator:
        """The rubric's facts validator (for the scorer and the test kit; not public API)."""
        return self._plan.validator

    @property
    def bonus_codes(self) -> frozenset[str]:
        """The codes of the bonus items."""
        return self._plan.bonus_codes

    def evidence_params(self, rule: Rule) -> tuple[tuple[str, Any], ...]:
        """The rule's scalar parameters shown as evidence (computed when compiled)."""
        cached = self._plan.evidence.get(rule.code)
        if cached is None:
            from evalrules._scoring._items import evidence_params

            return evidence_params(rule)
        return cached

    def label(self, path: str) -> Text:
        """The description of a fact or derived fact."""
        return self._plan.labels.get(path, Text(path, path))

    def message(self, rule: Rule, message_id: str) -> Text:
        """The template for a message id (the rule kind's, or the core's)."""
        kind = self._plan.kinds.get(rule.kind)
        if kind is not None and message_id in kind.messages:
            return kind.messages[message_id]
        return CORE_MESSAGES.get(message_id, Text(message_id, message_id))

    # ------------------------------------------------------------------------ evaluation

    def validate(
        self, facts: Mapping[str, Any], *, partial: bool = False, source: str | None = None
    ) -> dict[str, Any]:
        """Validate facts (nested mappings); return them flat, converted.

        Checks everything :meth:`evaluate` checks of the facts (types, ranges, unknown keys,
        conditional requirements, cross checks, derived facts that cannot be computed)
        except which facts the rules find missing, which takes running them.

        Raises:
            FactsError: listing every problem.
        """
        from evalrules._facts._derived import compute_derived
        from evalrules._facts._validator import ordered

        flat, problems = self._plan.validator.check(facts, partial=partial)
        data_year = self.rubric.data_year or self.rubric.year - 1
        aggregations = self._plan.validator.aggregations
        labels = self._plan.labels
        problems.extend(
            compute_derived(self.rubric.derived, flat, data_year, aggregations, labels)[1]
        )
        if problems:
            raise FactsError(ordered(problems), source=source)
        return flat

    def evaluate(
        self,
        facts: FactsDocument | Mapping[str, Any],
        *,
        entity: Entity | None = None,
        claimed: Mapping[str, Any] | None = None,
        partial: bool = False,
        explain: bool = True,
        cohort: CohortStatistics | None = None,
    ) -> Scorecard:
        """Evaluate one facts document (or a bare mapping of facts) into a scorecard.

        Args:
            facts: A :class:`FactsDocument`, or the facts as nested mappings.
            entity: What is evaluated (overrides the document's).
            claimed: Claimed scores by code plus ``"total"`` (override the document's).
            partial: Items whose facts are missing become ``not_assessable`` instead of an
                error; the scorecard is then marked incomplete. Type errors still fail.
            explain: ``False`` for scores only: the scorecard has the same total, base
                total, bonus, grade, vetoes, completeness, node tree (every item's score
                and status) and rule outcomes as the explained one, but no other findings
                (``findings`` is empty; each veto stays in ``vetoes``, since it decides
                the grade) and no claim comparisons (``claimed`` is ``None``; claimed
                scores are still checked). A document is refused exactly as when
                explained, and the ``evalrules_modify_scorecard`` hook runs on the card.
            cohort: The statistics of the cohort the entity is evaluated among, for
                cohort-relative rules (``by_place`` and the like). Without them such a
                rule's item is ``not_assessable``, saying it is scored by place among the
                cohort and cannot be scored alone. :meth:`evaluate_cohort` supplies them.

        A document that records the rubric it was made for (a fact-collection workbook
        does) is refused against any other rubric, or another version of this one. A
        document that records where each value was read (a workbook's cells) has its
        problems located there.

        Raises:
            FactsError: if the facts (or claimed scores) are invalid, or the document was
                made for another rubric.
            RuleEvaluationError: if a rule kind raised.
        """
        from evalrules._scoring._evaluate import evaluate

        if not explain and cohort is None:
            from evalrules._scoring._scores import evaluate_scores

            if not isinstance(facts, FactsDocument) or (
                facts.rubric_problem(
                    self.rubric.ref, self.rubric.version, self.digest, extends=self.rubric.extends
                )
                is None
            ):
                card = evaluate_scores(
                    self, self._plan, facts, entity=entity, claimed=claimed, partial=partial
                )
                if card is not None:
                    return card
        if not isinstance(facts, FactsDocument):
            return evaluate(
                self,
                self._plan,
                facts,
                entity=entity,
                claimed=claimed,
                partial=partial,
                explain=explain,
                cohort=cohort,
            )
        mismatch = facts.rubric_problem(
            self.rubric.ref, self.rubric.version, self.digest, extends=self.rubric.extends
        )
        if mismatch is not None:
            # Read against another rubric, every other problem would only be noise.
            raise FactsError([mismatch], source=facts.source)
        try:
            return evaluate(
                self,
                self._plan,
                facts,
                entity=entity,
                claimed=claimed,
                partial=partial,
                explain=explain,
                cohort=cohort,
            )
        except FactsError as exc:
            if not facts.locations:
                raise
            raise FactsError(facts.locate(exc.problems), source=exc.source) from None

    def sensitivity(
        self,
        facts: FactsDocument | Mapping[str, Any],
        card: Scorecard | None = None,
        *,
        partial: bool = False,
    ) -> Scorecard:
        """Evaluate ``facts`` (or take ``card``, their scorecard) and add what each
        documented alternative of an inferred rule would change
        (its ``sensitivity`` field).

        Each alternative is scored on the same facts with only its rule's parameters
        changed; the case records the item's score, the total and the grade under it.

        Raises:
            FactsError: as :meth:`evaluate` does.
        """
        from evalrules._compiler._sensitivity import sensitivity

        if card is None:
            card = self.evaluate(facts, partial=partial)
        return sensitivity(self, facts, card, partial=partial)

    def evaluate_many(
        self,
        documents: Iterable[FactsDocument | Mapping[str, Any]],
        *,
        explain: bool = True,
        partial: bool = False,
        executor: Executor | None = None,
        chunksize: int | None = None,
        cohort: CohortStatistics | None = None,
    ) -> Iterator[Scorecard | FactsError]:
        """Evaluate many documents; yield, in input order, each one's scorecard or refusal.

        A document that :meth:`evaluate` would refuse yields its :class:`FactsError` as a
        value (``isinstance(result, FactsError)``), and the batch goes on: one bad document
        never stops it. Anything else :meth:`evaluate` raises (a broken plugin:
        :class:`~evalrules.errors.PluginError`) stops the batch and is raised here.

        Without ``executor`` the documents are evaluated here, one after another, as they
        are drawn from ``documents``. With one — any :class:`concurrent.futures.Executor`: a
        :class:`~concurrent.futures.ProcessPoolExecutor`, a thread pool, or Dask's
        ``Client.get_executor()`` — the documents are sent in chunks of ``chunksize``,
        each with this compiled rubric pickled once for the whole batch; a worker process
        rebuilds it from that pickle the first time and reuses it for every later chunk
        (see :func:`pickle` on compiled rubrics). Given any executor but a thread pool, a
        chunk's documents travel as one pickle and its results come back as one compact
        pickle. A few chunks are in flight at a time, so
        ``documents`` may be a stream far larger than memory: it is read as the results
        are consumed. The executor is used, not shut down.

        Args:
            documents: Facts documents, or facts as nested mappings (as :meth:`evaluate`
                takes them); with an executor they must pickle.
            explain: ``False`` for scores only (see :meth:`evaluate`).
            partial: As for :meth:`evaluate`.
            executor: Where to evaluate; ``None`` for here.
            chunksize: Documents per task sent to the executor (at least 1); by default
                1024 scores only, and explained 64 for the first tasks (as many as are
                kept in flight: a small batch still runs on every worker) and 256 after
                them (a larger chunk's cards cost less to send back).
            cohort: Cohort statistics every document is evaluated with (see
                :meth:`evaluate`).

        Raises:
            ValueError: if ``chunksize`` is below 1.
        """
        if chunksize is not None and chunksize < 1:
            raise ValueError(f"chunksize must be at least 1, not {chunksize}")
        if executor is None:
            return _evaluate_here(self, documents, explain, partial, cohort)
        return _evaluate_on(self, documents, explain, partial, executor, chunksize, cohort)

    def evaluate_cohort(
        self,
        documents: Iterable[FactsDocument | Mapping[str, Any]],
        *,
        executor: Executor | None = None,
        sources: Iterable[str] | None = None,
        partial: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Cohort:
        """Evaluate many entities together: rank them and compare them indicator by indicator.

        Two passes. First each document's facts are validated and, for every
        cohort-relative rule (``by_place``, ``threshold_else_place``, ``relative_to_mean``,
        ``relative_to_best``), the value of the fact it ranks is collected by entity
        (:class:`~evalrules.CohortStatistics`). Then every document is evaluated with those
        statistics through :meth:`evaluate_many` (on ``executor`` when given). A rubric
        without cohort-relative rules takes the second pass only.

        A refused document is kept with its problems (``Cohort.refused``) and never
        stops the run; it is not ranked, and takes no place in a cohort-relative rule.
        Neither does an entity whose ranked fact is missing (with ``partial``, its item is
        not assessable): the others are ranked among themselves. A second document for an
        entity already seen is refused. Members are ranked by total, highest first, with
        standard competition ranking (1, 2, 2, 4).

        Args:
            documents: Facts documents, or facts as nested mappings (each needs an entity
                to be told apart in the ranking).
            executor: Where to evaluate (see :meth:`evaluate_many`); ``None`` for here.
            sources: A label per document (a file name) for the cohort to name it by;
                default ``"#1"``, ``"#2"``, ... in input order.
            partial: As for :meth:`evaluate`.
            progress: ``progress(done, total)``, called as each result of the scoring pass
                arrives (a progress bar).

        Raises:
            ValueError: if ``sources`` does not give one label per document.
            RuntimeError: if this rubric was compiled without the cohort stage (only
                ``Engine.compile`` binds it).
        """
        run = self._plan.bindings.cohort
        if run is None:
            raise RuntimeError("this compiled rubric was not bound to the cohort stage")
        return run(
            self,
            documents,
            executor=executor,
            sources=sources,
            partial=partial,
            progress=progress,
        )

    def describe(self, rule: Rule) -> Text:
        """The rule in words (Chinese and English): the rubric's own ``description`` of the
        rule when it gives one, else its kind's ``describe``."""
        if rule.description is not None:
            return rule.description
        item = next(i for i, r in self.rubric.rules() if r is rule or r.code == rule.code)
        return self._plan.kinds[rule.kind].describe(
            describe_context(rule, item, self.rubric, self._plan.validator.types)
        )

    def kind(self, rule: Rule) -> RuleKind:
        """The rule kind of a rule."""
        return self._plan.kinds[rule.kind]

    def outcomes(self) -> dict[str, tuple[str, ...]]:
        """Every rule code → the outcomes it can reach (for rule-outcome coverage), as its
        kind says for its parameters and its item's max (:meth:`RuleKind.outcomes_for`)."""
        return {
            r.code: self._plan.kinds[r.kind].outcomes_for(r.params, item.max)
            for item, r in self.rubric.rules()
        }
