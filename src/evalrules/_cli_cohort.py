"""The cohort command of ``evalrules``: many districts evaluated together, ranked, compared.

Kept apart from :mod:`evalrules._cli`, which adds it to its group; it uses its engine, error
handling and atomic writing.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import click

from evalrules._cli import (
    _LANG,
    _OUTPUT,
    EXIT_BELOW,
    EXIT_INVALID,
    CommandError,
    _debug_option,
    _emit,
    _engine,
    _facts_error,
    _score,
    _t,
    _width,
)
from evalrules._cohort._model import CohortRefusal
from evalrules._facts._document import FactsDocument
from evalrules._points import plain
from evalrules.errors import FactsError

__all__ = ["cohort", "facts_files"]

#: The suffixes of the facts files a folder given to ``cohort`` contributes.
FACTS_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")

#: Above this many documents, a terminal gets a progress bar on standard error.
PROGRESS_ABOVE = 50

FORMATS = ("table", "json", "markdown", "html")


def facts_files(paths: Sequence[Path]) -> list[Path]:
    """The files to read: each file as given; for a folder, its facts files (by suffix, not
    hidden), sorted by name. Folders are not searched below their own files."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    (
                        p
                        for p in path.iterdir()
                        if p.is_file()
                        and not p.name.startswith(".")
                        and p.suffix.lower() in FACTS_SUFFIXES
                    ),
                    key=lambda p: p.name,
                )
            )
        else:
            out.append(path)
    return out


def _progress(total: int) -> Callable[[int, int], None] | None:
    """A progress bar on standard error when it is a terminal and the run is long."""
    try:
        terminal = sys.stderr.isatty()
    except ValueError:
        terminal = False
    if not terminal or total <= PROGRESS_ABOVE:
        return None

    def show(done: int, of: int) -> None:
        filled = 30 * done // of if of else 30
        bar = "#" * filled + "." * (30 - filled)
        end = "\n" if done == of else ""
        sys.stderr.write(f"\revalrules cohort [{bar}] {done}/{of}{end}")
        sys.stderr.flush()

    return show


@click.command()
@click.argument(
    "paths", metavar="FILE|DIR...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option(
    "--rubric",
    "rubric_ref",
    metavar="REF",
    required=True,
    help="评价方案(已安装的引用或文件)。/ Rubric reference or file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help=(
        "输出格式(表格按 COLUMNS 或终端宽度换行)。/ Output format (the table fits COLUMNS "
        "columns when set, else the terminal's width, else 80)."
    ),
)
@_LANG
@_OUTPUT
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="并行评价的进程数。/ Processes that evaluate the documents side by side.",
)
@click.option(
    "--fail-under",
    metavar="SCORE",
    callback=_score,
    default=None,
    help="任一县区总分低于该值时以 1 退出。/ Exit with 1 when any total is below SCORE.",
)
@click.option(
    "--partial",
    is_flag=True,
    help=(
        "缺少数据的评分项记为无法评价,而不是拒绝该文件。/ Score items with missing facts as "
        "not assessable instead of refusing the file."
    ),
)
@_debug_option
@click.pass_context
def cohort(
    ctx: click.Context,
    paths: tuple[Path, ...],
    rubric_ref: str,
    fmt: str,
    lang: str,
    output: Path | None,
    jobs: int,
    fail_under: Decimal | None,
    partial: bool,
) -> None:
    """多个县区一并评价、排名、分项对比。/ Evaluate many districts together: rank and compare.

    Each FILE is a facts file; a DIR stands for its facts files (*.yaml, *.yml, *.json,
    *.csv, *.xlsx), sorted by name. The table and Markdown show the ranking (rank, entity,
    total, grade, vetoes, claimed against computed), then per indicator the districts side
    by side with the lowest, mean and highest score; json writes evalrules.cohort/1 with
    each district's scorecard inside; html a report with a chart per indicator. Equal
    totals share a rank and the next rank skips as many places (1, 2, 2, 4). Rules that
    score by place among the districts are scored against the districts of this run.

    A file that is refused does not stop the others: it is named on standard error with
    every problem, the others are still ranked and written, and the command exits with 2.
    Otherwise it exits with 1 when any total is below --fail-under, else 0. With more than
    50 documents, a terminal shows a progress bar on standard error.
    """
    engine = _engine(ctx)
    files = facts_files(paths)
    if not files:
        raise CommandError(
            _t("没有找到事实数据文件", "no facts files found") + ": " + ", ".join(map(str, paths))
        )
    rubric = engine.load_rubric(rubric_ref)
    compiled = engine.compile(rubric)
    order: dict[str, int] = {}
    documents: list[FactsDocument] = []
    sources: list[str] = []
    unread: list[CohortRefusal] = []
    for index, path in enumerate(files):
        order.setdefault(str(path), index)
        try:
            doc = engine.load_facts(path)
        except FactsError as exc:  # missing, a folder, unreadable, or not facts
            unread.append(CohortRefusal(str(path), None, exc.problems))
            continue
        documents.append(doc)
        sources.append(str(path))

    with contextlib.ExitStack() as stack:
        executor = None
        if jobs > 1 and len(documents) > 1:
            from concurrent.futures import ProcessPoolExecutor

            executor = stack.enter_context(ProcessPoolExecutor(jobs))
        result = compiled.evaluate_cohort(
            documents,
            executor=executor,
            sources=sources,
            partial=partial,
            progress=_progress(len(documents)),
        )
    refused = sorted([*unread, *result.refused], key=lambda r: order.get(r.source, 0))
    result = attrs.evolve(result, refused=tuple(refused))

    # Each format's renderer is imported when asked for: the others stay unloaded.
    content: Any
    if fmt == "json":
        content = result.to_json()
    elif fmt == "markdown":
        from evalrules._cohort._render import render_markdown

        content = render_markdown(result, lang=lang)
    elif fmt == "html":
        from evalrules._cohort._html import render_html

        content = render_html(result, lang=lang, rubric=rubric)
    else:
        from evalrules._cohort._render import render_table

        content = render_table(result, lang=lang, width=_width(output))
    _emit(content, output)

    for refusal in result.refused:
        _facts_error(refusal.error).show()
    if result.refused:
        ctx.exit(EXIT_INVALID)
    if fail_under is not None:
        below = [m for m in result.members if m.card.total < fail_under]
        for member in below:
            click.echo(
                f"evalrules: {member.source}: 总分 {plain(member.card.total)} 低于 --fail-under "
                f"{plain(fail_under)} / the total {plain(member.card.total)} is below "
                f"--fail-under {plain(fail_under)}",
                err=True,
            )
        if below:
            ctx.exit(EXIT_BELOW)
