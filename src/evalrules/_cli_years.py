"""The year-to-year commands of ``evalrules``: ``diff`` (and re-scoring) and ``new-year``.

Kept apart from :mod:`evalrules._cli`, which adds them to its group; they use its engine,
error handling and atomic writing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from evalrules._cli import (
    _LANG,
    _OUTPUT,
    CommandError,
    _debug_option,
    _emit,
    _engine,
)
from evalrules._rubric._model import Rubric, Rule

__all__ = ["check_located", "diff", "new_year"]

#: Exit codes of ``diff``, as diff(1): 0 the same, 1 different (2 for bad input, as always).
EXIT_SAME = 0
EXIT_DIFFERENT = 1


@click.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--facts",
    "facts",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help=(
        "按两个方案分别评分的事实数据文件(可重复)。/ A facts file to score under both "
        "rubrics (repeatable)."
    ),
)
@click.option(
    "--facts-pair",
    "pairs",
    multiple=True,
    nargs=2,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="OLD_FACTS NEW_FACTS",
    help=(
        "同一地区两年的事实数据,分别按原方案和新方案评分,并列对比(可重复)。/ A district's "
        "facts of the two years: the first scored under OLD, the second under NEW, side by "
        "side with the facts that changed (repeatable)."
    ),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "markdown", "json", "html")),
    default="table",
    show_default=True,
    help="输出格式。/ Output format.",
)
@_LANG
@_OUTPUT
@_debug_option
@click.pass_context
def diff(
    ctx: click.Context,
    old: str,
    new: str,
    facts: tuple[Path, ...],
    pairs: tuple[tuple[Path, Path], ...],
    fmt: str,
    lang: str,
    output: Path | None,
) -> None:
    """比较两个评价方案。/ Show what changed from rubric OLD to rubric NEW.

    OLD and NEW are installed rubrics (panjin-county/2023) or rubric files. Lists nodes
    added, removed, moved and retitled, max changes, rules added, removed, renamed (through
    their aliases) and changed (every parameter before → after, source), facts declarations,
    grade bands, not-applicable and bonus policies, and which indicators' scores are no
    longer comparable. With --facts, each file is scored under both rubrics: the total and
    every item whose score differs, with the changes that explain it. With --facts-pair, a
    district's two years are scored each under its own year's rubric, with the facts that
    changed beside the rule changes.

    Exits with 0 when the rubrics are the same, 1 when they differ (as diff(1)), 2 for bad
    input.
    """
    from evalrules._diff import diff_rubrics, rescore
    from evalrules._diff._render import render

    engine = _engine(ctx)
    old_rubric = engine.load_rubric(old)
    new_rubric = engine.load_rubric(new)
    kinds = {r.name: r.item for r in engine.rule_kinds}

    def reads(rule: Rule) -> tuple[str, ...]:
        kind = kinds.get(rule.kind)
        return () if kind is None else tuple(kind.reads(rule.params))

    result = diff_rubrics(old_rubric, new_rubric, reads=reads)
    districts = None
    if facts or pairs:
        given = [*facts, *(f for pair in pairs for f in pair)]
        missing = [str(f) for f in given if not f.is_file()]
        if missing:
            raise CommandError("事实数据文件不存在 / no such facts file", missing)
        documents: list[Any] = [(str(f), engine.load_facts(f)) for f in facts]
        documents.extend(
            (f"{a} → {b}", engine.load_facts(a), engine.load_facts(b)) for a, b in pairs
        )
        districts = rescore(
            result, engine.compile(old_rubric), engine.compile(new_rubric), documents
        )
    _emit(render(result, districts, fmt, lang=lang), output)
    ctx.exit(EXIT_SAME if result.equal else EXIT_DIFFERENT)


@click.command("new-year")
@click.argument("base", metavar="BASE")
@click.option("--year", type=int, required=True, help="新的年度。/ The new year, e.g. 2024.")
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="写入的目录(须不存在或为空)。/ The folder to write (must not exist, or be empty).",
)
@click.option(
    "--facts",
    "facts",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help=(
        "作为测试用例的事实数据文件(默认:基准方案旁 examples 目录中的 *.facts.yaml)。/ "
        "Example facts for the fixture cases (default: the *.facts.yaml files in an examples "
        "folder beside the base rubric)."
    ),
)
@_debug_option
@click.pass_context
def new_year(
    ctx: click.Context, base: str, year: int, folder: Path, facts: tuple[Path, ...]
) -> None:
    """生成下一年度的评价方案插件。/ Write next year's rubric plugin, extending BASE.

    BASE is an installed rubric (panjin-county/2023). The folder gets a plugin distribution:
    pyproject.toml with the evalrules entry point, a rubric that extends BASE and changes
    nothing yet, fixture cases recording BASE's scores of the example districts, tests and a
    README. It installs and its tests pass before the first change is written.
    """
    from evalrules._newyear import NewYearError, plan_new_year, write_plan

    try:
        plan = plan_new_year(_engine(ctx), base, year, facts=facts)
        write_plan(plan, folder)
    except NewYearError as exc:
        raise CommandError(
            "无法生成下一年度插件 / cannot write next year's plugin", exc.problems
        ) from None
    click.echo(
        f"{folder}: {plan.distribution} ({plan.ref} extends {plan.base}), "
        f"{len(plan.files)} files / 个文件"
    )


def check_located(
    ctx: click.Context, ref: str, output_format: str, lang: str = "zh"
) -> tuple[Rubric | None, int]:
    """``check``'s work: print every problem and warning located in its file.

    Returns the rubric when it has no problem, with the number of warnings; raises the
    command's error (exit 2) when it has any problem.
    """
    from evalrules._diagnostics import check_rubric, render_diagnostics

    rubric, found = check_rubric(_engine(ctx), ref)
    shown = rubric.ref if rubric is not None else ref
    text = render_diagnostics(found, output_format, rubric=shown, lang=lang)
    if text:
        click.echo(text, nl=False)
    errors = sum(1 for d in found if d.severity == "error")
    if rubric is None or errors:
        n = errors
        raise CommandError(f"{ref}: {n} 个问题 / {n} problem{'s' if n != 1 else ''}")
    return rubric, len(found) - errors
