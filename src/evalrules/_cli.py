"""The ``evalrules`` command: list, explain, check and evaluate rubrics from a terminal.

Results go to standard output (or to ``-o FILE``, written atomically); errors go to standard
error, in Chinese and English, listing every problem with its location. A binary format (a
renderer declared ``binary=True``) goes into a file or a pipe, never onto a terminal.

Exit codes:

* ``0`` — done;
* ``1`` — the total is below ``--fail-under``;
* ``2`` — invalid input or usage: facts, rubric, scorecard or report file, options, a
  missing file;
* ``3`` — a plugin is broken (it failed to load, or a rule raised while evaluating), or
  evalrules itself failed: nothing the user's input can fix.

A user's mistake never prints a Python traceback; ``--debug`` (before or after the command
name) prints one with the message.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import importlib
import json
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

import attrs
import click
from click.core import ParameterSource

from evalrules._compiler._compiled import CompiledRubric
from evalrules._escape import escape_line, escape_text
from evalrules._facts._document import FactsDocument
from evalrules._plugins._cache import RubricCache
from evalrules._plugins._engine import Engine
from evalrules._points import plain
from evalrules._renderers import MIN_WIDTH
from evalrules._renderers._labels import LANGS, Lang, label, method_name
from evalrules._renderers._texttable import Cell, char_width, display_width, grid, paragraph, wrap
from evalrules._renderers._view import formula_words, paren, points, source_text
from evalrules._rubric._model import DerivedFact, FactSpec, Indicator, Rubric, Rule
from evalrules._scorecard._model import Scorecard
from evalrules._units import unit_name
from evalrules._version import __version__
from evalrules.errors import (
    EvalrulesError,
    FactsError,
    PluginError,
    RubricError,
    RubricNotFoundError,
    RubricProblem,
)

__all__ = ["EXIT_BELOW", "EXIT_INVALID", "EXIT_OK", "EXIT_PLUGIN", "main"]

EXIT_OK = 0
EXIT_BELOW = 1
EXIT_INVALID = 2
EXIT_PLUGIN = 3

#: Columns free text wraps at in ``show`` and ``explain``.
WIDTH = 100

_F = TypeVar("_F", bound=Callable[..., Any])


# ------------------------------------------------------------------------------ errors


class CommandError(click.ClickException):
    """A failure to report without a traceback: a message, then every problem on its line."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)

    def show(self, file: Any = None) -> None:
        """Print the message and its problems to standard error."""
        err = sys.stderr if file is None else file
        click.echo(f"evalrules: {escape_line(self.message)}", file=err)
        for problem in self.problems:
            click.echo(f"  - {escape_line(problem)}", file=err)


class PluginFailure(CommandError):
    """A broken plugin (or an error inside evalrules itself): not the user's input."""

    exit_code = EXIT_PLUGIN


def _record_lang(ctx: click.Context, param: click.Parameter, value: Lang) -> Lang:
    """Remember a ``--lang`` given on the command line: errors then speak only that language."""
    if param.name and ctx.get_parameter_source(param.name) is ParameterSource.COMMANDLINE:
        ctx.meta["evalrules.lang"] = value
    return value


def _t(zh: str, en: str) -> str:
    """An error message in the language chosen with ``--lang``; in both (``zh / en``) when
    none was given, as the command cannot know its reader's language then."""
    ctx = click.get_current_context(silent=True)
    lang = ctx.meta.get("evalrules.lang") if ctx is not None else None
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh} / {en}"


def _facts_error(exc: FactsError) -> CommandError:
    n = len(exc.problems)
    where = f"{exc.source}: " if exc.source else ""
    return CommandError(
        where + _t(f"事实数据有 {n} 个问题", f"the facts have {n} problem{'s' if n != 1 else ''}"),
        [f"{p.where()}: {_t(p.message_zh, p.message_en)} [{p.code}]" for p in exc.problems],
    )


def _rubric_error(exc: RubricError) -> CommandError:
    if isinstance(exc, RubricNotFoundError):
        requested = repr(exc.requested)
        installed = ", ".join(exc.available)
        return CommandError(
            _t(
                f"未安装评价方案 {requested}(已安装:{installed or '无'})",
                f"no rubric {requested} is installed (installed: {installed or 'none'})",
            )
        )
    n = len(exc.problems)
    where = exc.rubric or "rubric"
    return CommandError(
        f"{where}: "
        + _t(f"评价方案有 {n} 个问题", f"the rubric has {n} problem{'s' if n != 1 else ''}"),
        [_rubric_problem(p) for p in exc.problems],
    )


def _rubric_problem(p: RubricProblem) -> str:
    """A rubric problem as a line: in Chinese, then English, when its wording is known."""
    from evalrules._diagnostics import _message

    zh = _message(p.message, "zh")
    if zh == p.message:
        return str(p)
    where = p.location()
    return f"{where + ': ' if where else ''}{zh} / {p.message} [{p.code}]"


def _translate(exc: BaseException) -> CommandError:
    """Turn an exception into the message the user sees."""
    if isinstance(exc, FactsError):
        return _facts_error(exc)
    if isinstance(exc, RubricError):
        return _rubric_error(exc)
    if isinstance(exc, PluginError):
        return PluginFailure(f"{_t('插件出错', 'a plugin is broken')}: {exc}")
    if isinstance(exc, EvalrulesError):
        return CommandError(str(exc))
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else ""
        return CommandError(f"{name}: {exc.strerror or exc}" if name else str(exc))
    return PluginFailure(f"{_t('内部错误', 'internal error')}: {type(exc).__name__}: {exc}")


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["evalrules.debug"] = True


def _debug_option(func: _F) -> _F:
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="出错时显示 Python 调用栈。/ Show the Python traceback of an error.",
    )(func)


def _reflow(text: str) -> list[str]:
    """Help text as paragraphs, each one line: lines of a paragraph joined with a space,
    or with nothing between two Chinese characters."""
    paragraphs: list[str] = []
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.strip("\n").splitlines()]
        joined = ""
        for line in lines:
            if joined and not (char_width(joined[-1]) == 2 and char_width(line[:1] or " ") == 2):
                joined += " "
            joined += line
        paragraphs.append(joined)
    return paragraphs


class _HelpFormatter(click.HelpFormatter):
    """Click's help layout, with lines wrapped by display width: a Chinese character takes
    two columns, so the Chinese half of a help text stays within the terminal too."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        out: list[str] = []
        for block in text.split("\n\n"):
            if block.lstrip("\n").startswith("\b"):
                # click's mark for a paragraph not to rewrap
                out.extend(
                    indent + line for line in block.lstrip("\n")[1:].strip("\n").splitlines()
                )
            else:
                for para in _reflow(block):
                    width = max(self.width - self.current_indent, 20)
                    out.extend(indent + line for line in wrap(para, width))
            out.append("")
        self.write("\n".join(out[:-1]) + "\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_width = min(max((display_width(a) for a, _ in rows), default=0), col_max)
        first_col = first_width + col_spacing
        pad = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_width:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + pad)
            lines = [
                line
                for para in _reflow(second)
                for line in wrap(para, max(self.width - first_col - self.current_indent, 10))
            ]
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(f"{pad}{line}\n" if line else "\n")


def _print_traceback(exc: BaseException) -> None:
    import traceback

    traceback.print_exception(exc, file=sys.stderr)


class _Context(click.Context):
    formatter_class = _HelpFormatter


class _Command(click.Command):
    context_class = _Context


#: Commands kept in modules of their own (name → module, function), imported when named,
#: or listed for help: a run of another command does not build them.
_LAZY_COMMANDS = {
    "cohort": ("evalrules._cli_cohort", "cohort"),
    "diff": ("evalrules._cli_years", "diff"),
    "new-year": ("evalrules._cli_years", "new_year"),
}


class _Group(click.Group):
    """Runs a command and turns every expected failure into a message and an exit code."""

    context_class = _Context
    command_class = _Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            # The command named; for a name no command has, every one, so that the error's
            # suggestions (click's "did you mean") know them all.
            names = [cmd_name] if cmd_name in _LAZY_COMMANDS else list(_LAZY_COMMANDS)
            for name in names:
                if name not in self.commands:
                    module, function = _LAZY_COMMANDS[name]
                    self.add_command(getattr(importlib.import_module(module), function), name)
        return super().get_command(ctx, cmd_name)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Add a command; one built elsewhere gets the same help layout."""
        if cmd.context_class is click.Context:
            cmd.context_class = _Context
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            raise  # `evalrules evaluate … | head`: click ends quietly
        except SystemExit as exc:
            # The command itself never calls sys.exit: a plugin did, inside a hook or a
            # rule. That is a broken plugin, not a result.
            if ctx.meta.get("evalrules.debug"):
                _print_traceback(exc)
            raise PluginFailure(
                f"内部错误 / internal error: sys.exit({exc.code!r}) was called during the command"
            ) from exc
        except Exception as exc:
            if ctx.meta.get("evalrules.debug"):
                _print_traceback(exc)
            raise _translate(exc) from exc


# ----------------------------------------------------------------------------- helpers


def _engine(ctx: click.Context) -> Engine:
    """The command's engine: builtins plus installed plugins, built once per run."""
    engine = ctx.meta.get("evalrules.engine")
    if engine is None:
        engine = ctx.meta["evalrules.engine"] = Engine()
    return cast(Engine, engine)


def _write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` through a temporary file in
    the same folder.

    A reader never sees a half-written file, and a failure leaves no file behind: the
    content is complete before :func:`os.replace` moves it into place.
    """
    directory = path.parent
    if not directory.is_dir():
        raise CommandError(
            f"{path}: " + _t(f"目录 {directory} 不存在", f"folder {directory} does not exist")
        )
    import tempfile

    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private (0600); a report should get the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_output(path: Path, content: str | bytes) -> None:
    """Write ``-o``'s file. A symbolic link is written through, on purpose: its target gets
    the content (atomically, when it is a regular file or does not exist yet) and the link
    stays a link. A target that is no regular file (``/dev/stdout``, ``/proc/self/fd/1``, a
    pipe, a terminal) is written to as a stream: there is nothing to replace atomically."""
    try:
        mode = os.stat(path).st_mode  # through links
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        data = content.encode("utf-8") if isinstance(content, str) else content
        with open(path, "wb") as handle:
            handle.write(data)
        return
    _write_atomic(Path(os.path.realpath(path)), content)


def _emit(content: str | bytes, output: Path | None, *, color: bool = False) -> None:
    if output is None:
        # click writes bytes to the binary buffer of standard output, untouched. Text was
        # escaped where it entered the scorecard, before any colour was added.
        click.echo(content if color else _escaped(content), nl=False, color=color)
    else:
        _write_output(output, _escaped(content))


def _escaped(content: str | bytes) -> str | bytes:
    """Text output with every control character (but line feeds and tabs), bidirectional
    mark and lone surrogate escaped; bytes (a workbook) as they are."""
    return escape_text(content) if isinstance(content, str) else content


def _echo(text: str, *, err: bool = False) -> None:
    """Print a command's own output (``show``, ``explain``, ``check``, ...) or a note on
    standard error, escaped."""
    click.echo(escape_line(text) if err else escape_text(text), err=err)


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except ValueError:  # closed
        return False


def _use_color(choice: bool | None, output: Path | None) -> bool:
    """Colour for a terminal only: never into a file or a pipe, never with ``NO_COLOR``."""
    if output is not None:
        return False
    if choice is not None:
        return choice
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _width(output: Path | None) -> int:
    """Columns for the text renderers. A file given with ``-o`` gets 80, so that the same
    input writes the same bytes wherever the command runs; standard output gets ``COLUMNS``
    when it is set to a number, else the terminal's width when it is one, else 80; never
    below the narrowest width the renderers take."""
    if output is not None:
        return 80
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit():
        width = int(columns)
    elif output is None and _stdout_is_terminal():
        width = shutil.get_terminal_size((80, 24)).columns
    else:
        width = 80
    return max(MIN_WIDTH, width)


def _load_rubric(ctx: click.Context, ref: str) -> Rubric:
    return _engine(ctx).load_rubric(ref)


def _check_format(engine: Engine, fmt: str, output: Path | None) -> None:
    """The format exists, and binary output has somewhere to go: checked before any work."""
    if fmt not in engine.renderers:
        names = ", ".join(engine.renderers.names())
        raise click.BadParameter(
            _t(
                f"没有输出格式 {fmt!r}(已安装:{names})", f"no renderer {fmt!r} (installed: {names})"
            ),
            param_hint="'--format'",
        )
    renderer = engine.renderers.get(fmt)
    if renderer.binary and output is None and _stdout_is_terminal():
        raise CommandError(
            _t(
                f"输出格式 {fmt} 是二进制数据({renderer.media_type}),不能显示在终端上:请用 "
                f"-o FILE{renderer.suffix} 写入文件,或重定向到文件或管道",
                f"the {fmt} format is binary ({renderer.media_type}) and is not written to a "
                f"terminal: pass -o FILE{renderer.suffix}, or redirect standard output into a "
                "file or a pipe",
            )
        )


def _rubric_for_card(engine: Engine, card: Scorecard) -> Rubric | None:
    """The installed rubric that computed ``card``, if it is here with the same content."""
    try:
        rubric = engine.load_rubric(card.rubric.ref)
    except EvalrulesError:
        return None
    return rubric if engine.compile(rubric).digest == card.rubric.digest else None


def _score(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    """Read a score given on the command line as an exact decimal."""
    if value is None:
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a number / 不是数字", ctx, param) from None
    if not number.is_finite():
        raise click.BadParameter(f"{value!r} is not a finite number / 不是有限数字", ctx, param)
    return number


_FORMAT = click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    metavar="FORMAT",
    help=(
        "输出格式(表格按 COLUMNS 或终端宽度换行,默认 80 列,至少 60 列)。/ Output format: "
        "table, json, markdown, html (or a plugin's). The table fits COLUMNS columns when set, "
        "else the terminal's width, else 80 (at least 60)."
    ),
)
_LANG = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="zh",
    show_default=True,
    callback=_record_lang,
    help=(
        "输出语言;明确指定时,错误信息也只用该语言(否则中英文并列)。/ Language of the labels "
        "and messages; when given, errors are in that language only (else in both)."
    ),
)
_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=False, path_type=Path),
    default=None,
    help="写入文件(原子写入)。/ Write to FILE (atomically) instead of standard output.",
)
_COLOR = click.option(
    "--color/--no-color",
    default=None,
    help=(
        "表格是否着色(默认仅在终端且未设置 NO_COLOR 时)。/ Colour the table (default: only "
        "on a terminal, and never with NO_COLOR set)."
    ),
)


# ----------------------------------------------------------------------------- the group


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=(
        "退出码 / exit codes: 0 done; 1 the total is below --fail-under; 2 invalid input or "
        "usage; 3 a broken plugin or an internal error. Set EVALRULES_DISABLE_PLUGIN_AUTOLOAD=1 "
        "to load no installed plugins."
    ),
)
@click.version_option(__version__, "--version", prog_name="evalrules")
@_debug_option
def main() -> None:
    """履行教育职责评价的可执行、可解释评分。/ Explainable scoring of education-duty evaluations.

    Evaluate a district's facts against a rubric into a scorecard in which every point lost
    is explained; show and explain a rubric's rules; check a rubric file.
    """


def run() -> None:
    """The ``evalrules`` console script: :func:`main`, in a process that ends with it.

    When the command is done, the objects the cyclic garbage collector tracks (every
    module's, class's and value's the command made) are frozen before the interpreter
    exits, so that its final collection does not walk them all: the process is ending,
    and freeing them one by one would only delay the exit (about a tenth of a short
    command's time). Everything the command writes is closed before then.
    """
    try:
        main()
    finally:
        gc.freeze()


# ----------------------------------------------------------------------- rubrics, plugins


@main.command()
@_LANG
@_debug_option
@click.pass_context
def rubrics(ctx: click.Context, lang: str) -> None:
    """列出已安装的评价方案。/ List the installed rubrics: reference, title, plugin, version."""
    engine = _engine(ctx)
    rows = []
    for source in engine.rubrics():
        plugin = engine.rubric_sources.origin(source.ref)
        try:
            rubric = engine.load_rubric(source.ref)
            title, version = rubric.title.get(lang), rubric.version
        except RubricError as exc:
            title = source.title.get(lang) if source.title else ""
            version = f"({len(exc.problems)} problems: evalrules check {source.ref})"
        rows.append([source.ref, title, plugin, version])
    if not rows:
        _echo(label("none", lang))
        return
    headers = [label(k, lang) for k in ("reference", "title", "plugin", "version")]
    _echo("\n".join(grid(headers, rows, widths=(None, 50, None, None))))


@main.command()
@_LANG
@_debug_option
@click.pass_context
def plugins(ctx: click.Context, lang: str) -> None:
    """列出插件。/ List the plugins: distribution, version, hooks."""
    rows = []
    for info in _engine(ctx).plugins():
        name = info.name + (f" ({label('builtin', lang)})" if info.builtin else "")
        rows.append([name, info.distribution or "-", info.version or "-", "\n".join(info.hooks)])
    headers = [label(k, lang) for k in ("plugin", "distribution", "version", "hooks")]
    _echo("\n".join(grid(headers, rows)))


# -------------------------------------------------------------------------------- show


def _rubric_header(rubric: Rubric, lang: str) -> list[str]:
    colon = label("punct.colon", lang)
    doc = " ".join(p for p in (rubric.source.number, rubric.source.title) if p)
    grades = label("punct.comma", lang).join(
        f"{g.label.get(lang)} ≥ {plain(g.lower)}" if g.lower is not None else g.label.get(lang)
        for g in rubric.grades
    )
    version = f"{label('version_inline', lang)} {rubric.version}"
    lines = [f"{rubric.title.get(lang)} ({rubric.ref}, {version})"]
    if doc:
        lines.append(f"{label('source', lang)}{colon}{doc}")
    lines.append(f"{label('total', lang)}{colon}{plain(rubric.max)}")
    if grades:
        lines.append(f"{label('grade', lang)}{colon}{grades}")
    if rubric.verdict is not None:
        verdict = rubric.verdict
        gates = label("punct.comma", lang).join(
            f"{code} {rubric.indicator(code).title.get(lang)}" for code in verdict.gates
        )
        lines.append(
            f"{label('verdict', lang)}{colon}{verdict.pass_label.get(lang)} / "
            f"{verdict.fail_label.get(lang)}{colon}{label('verdict.gates', lang)}{colon}{gates}"
        )
    return lines


def _walk_depth(rubric: Rubric) -> Iterator[tuple[int, Indicator]]:
    def walk(node: Indicator, depth: int) -> Iterator[tuple[int, Indicator]]:
        yield depth, node
        for child in node.children:
            yield from walk(child, depth + 1)

    for top in (*rubric.indicators, *rubric.bonus):
        yield from walk(top, 0)


@main.command()
@click.argument("rubric_ref", metavar="REF")
@_LANG
@_debug_option
@click.pass_context
def show(ctx: click.Context, rubric_ref: str, lang: str) -> None:
    """以表格显示评分细则。/ Show a rubric's rules as a table.

    Code, title, points, the rule in words and its source for every node. REF is an
    installed rubric (panjin-county/2023) or a rubric file.
    """
    rubric = _load_rubric(ctx, rubric_ref)
    compiled = _engine(ctx).compile(rubric)
    rows: list[list[Cell | str]] = []
    for depth, node in _walk_depth(rubric):
        style = "bold" if depth == 0 else None
        code = Cell("  " * depth + node.code, style)
        title = Cell(node.title.get(lang), style)
        if not node.rules:
            rows.append([code, title, plain(node.max), "", ""])
        for i, rule in enumerate(node.rules):
            words = f"[{rule.code}] {compiled.describe(rule).get(lang)}"
            cells: list[Cell | str] = [code, title, plain(node.max)] if i == 0 else ["", "", ""]
            rows.append([*cells, words, source_text(rule.source, lang)])
    headers = [label(k, lang) for k in ("code", "indicator", "points", "rule", "source")]
    table = grid(
        headers,
        rows,
        aligns=("left", "left", "right", "left", "left"),
        widths=(None, 26, None, 46, 34),
    )
    _echo("\n".join([*_rubric_header(rubric, lang), "", *table]))


# ----------------------------------------------------------------------------- explain


def _fact_lines(rubric: Rubric, path: str, lang: str) -> list[str]:
    specs: tuple[FactSpec | DerivedFact, ...] = (*rubric.facts, *rubric.derived)
    spec = next((s for s in specs if s.path == path), None)
    if spec is None:
        return [f"{path}"]
    colon = label("punct.colon", lang)
    unit = (
        paren(f"{label('unit', lang)}{colon}{unit_name(spec.unit, lang)}", lang)
        if spec.unit
        else ""
    )
    lines = [f"{path}  {spec.description.get(lang)}{unit}"]
    if isinstance(spec, DerivedFact) and spec.aggregate is not None:
        # a value over a table's rows: the aggregation in words, then the column, stage,
        # weight by name; and a row-derived column's own formula in words
        agg = spec.aggregate
        words = formula_words(rubric, spec, lang)
        parts = [agg.table, *(p for p in (agg.column, agg.stage) if p)]
        if agg.weight:
            parts.append(f"{label('aggregate.weight', lang)}{colon}{agg.weight}")
        lines.append(f"  {label('derived', lang)}{colon}{words}")
        lines.append(f"  {label('derived_inputs', lang)}{colon}{', '.join(parts)}")
        table = next((f for f in rubric.facts if f.path == agg.table), None)
        column = table.table.column(agg.column) if table and table.table and agg.column else None
        if isinstance(column, DerivedFact):
            row = formula_words(rubric, column, lang, table)
            lines.append(f"  {label('row_derived', lang)}{colon}{row}")
    elif isinstance(spec, DerivedFact):
        words = formula_words(rubric, spec, lang)
        lines.append(f"  {label('derived', lang)}{colon}{words}")
        lines.append(f"  {label('derived_inputs', lang)}{colon}{', '.join(spec.inputs)}")
        # the derived values it is computed from, each in words, down to the facts
        seen, todo = {spec.path}, list(spec.inputs)
        while todo:
            wanted = todo.pop(0)
            inner = next((d for d in rubric.derived if d.path == wanted), None)
            if inner is None or inner.path in seen:
                continue
            seen.add(inner.path)
            lines.append(
                f"  {label('derived_of', lang)}{colon}{formula_words(rubric, inner, lang)}"
            )
            if inner.aggregate is None:
                todo.extend(inner.inputs)
    else:
        # items are declared only for a type that holds a value per year (checked on load)
        kind = f"{spec.type} of {spec.items}" if spec.items else spec.type
        extra = [f"{label('type', lang)}{colon}{kind}"]
        if spec.required_if:
            extra.append(label("required_if", lang, fact=spec.required_if))
        elif not spec.required:
            extra.append(label("optional", lang))
        lines.append("  " + label("punct.comma", lang).join(extra))
    return lines


def _explain_rule(compiled: CompiledRubric, rule: Rule, lang: str) -> list[str]:
    colon = label("punct.colon", lang)
    kind = compiled.kind(rule)
    name = rule.name.get(lang)
    lines = [f"  {rule.code}" + (f"  {name}" if name else "")]
    lines.append(f"    {label('kind', lang)}{colon}{kind.name} — {kind.summary.get(lang)}")
    lines.extend(
        paragraph(
            compiled.describe(rule).get(lang), f"    {label('rule', lang)}{colon}", "      ", WIDTH
        )
    )
    reads = kind.reads(rule.params)
    if reads:
        lines.append(f"    {label('reads', lang)}{colon}".rstrip())
        for path in reads:
            for i, line in enumerate(_fact_lines(compiled.rubric, path, lang)):
                lines.extend(paragraph(line, "      " + ("  " if i else ""), "          ", WIDTH))
    lines.extend(
        paragraph(
            source_text(rule.source, lang), f"    {label('source', lang)}{colon}", "      ", WIDTH
        )
    )
    if rule.aliases:
        lines.append(f"    {label('aliases', lang)}{colon}{', '.join(rule.aliases)}")
    return lines


def _parents(rubric: Rubric, code: str) -> list[Indicator]:
    def find(nodes: Sequence[Indicator], trail: list[Indicator]) -> list[Indicator] | None:
        for node in nodes:
            if node.code == code:
                return trail
            found = find(node.children, [*trail, node])
            if found is not None:
                return found
        return None

    return find((*rubric.indicators, *rubric.bonus), []) or []


def _explain_node(
    compiled: CompiledRubric, node: Indicator, rules: Sequence[Rule], lang: str
) -> list[str]:
    rubric = compiled.rubric
    colon = label("punct.colon", lang)
    sep = label("punct.comma", lang)
    lines = [f"{node.code} {node.title.get(lang)}"]
    lines.append(f"  {label('max', lang)}{colon}{plain(node.max)}")
    trail = _parents(rubric, node.code)
    if trail:
        path = " > ".join(f"{p.code} {p.title.get(lang)}" for p in trail)
        lines.append(f"  {label('parent', lang)}{colon}{path}")
    if node.methods:
        methods = (method_name(m, lang) for m in node.methods)
        lines.append(f"  {label('methods', lang)}{colon}{sep.join(methods)}")
    if node.evidence:
        lines.append(f"  {label('evidence_needed', lang)}{colon}{sep.join(node.evidence)}")
    if node.children:
        lines.append(f"  {label('children', lang)}{colon}".rstrip())
        lines.extend(f"    {c.code} {c.title.get(lang)} ({plain(c.max)})" for c in node.children)
    if rules:
        lines.append("")
        lines.append(label("rules", lang))
        for rule in rules:
            lines.extend(_explain_rule(compiled, rule, lang))
    return lines


@main.command()
@click.argument("rubric_ref", metavar="REF")
@click.argument("code")
@_LANG
@_debug_option
@click.pass_context
def explain(ctx: click.Context, rubric_ref: str, code: str, lang: str) -> None:
    """解释一个指标或一条细则。/ Explain an indicator ("8.2") or a rule ("PJ-8.2-a").

    Prints what it scores, each rule in words, the facts it reads (with their descriptions
    and units) and its source.
    """
    rubric = _load_rubric(ctx, rubric_ref)
    compiled = _engine(ctx).compile(rubric)
    nodes = {n.code: n for n in rubric.walk()}
    if code in nodes:
        node = nodes[code]
        _echo("\n".join(_explain_node(compiled, node, node.rules, lang)))
        return
    for item, rule in rubric.rules():
        if code == rule.code or code in rule.aliases:
            _echo("\n".join(_explain_node(compiled, item, [rule], lang)))
            return
    known = [*nodes, *(r.code for _, r in rubric.rules())]
    import difflib

    near = difflib.get_close_matches(code, known, n=5, cutoff=0.5)
    close = ", ".join(near)
    raise CommandError(
        _t(
            f"评价方案 {rubric.ref} 中没有指标或细则 {code!r}" + (f";相近:{close}" if near else ""),
            f"rubric {rubric.ref} has no indicator or rule {code!r}"
            + (f"; close matches: {close}" if near else ""),
        )
    )


# ------------------------------------------------------------------------------- check


@main.command()
@click.argument("rubric_ref", metavar="RUBRIC")
@_LANG
@click.option(
    "--output-format",
    type=click.Choice(("text", "json", "github")),
    default="text",
    show_default=True,
    help=(
        "问题的输出格式。/ How problems are written: text (file:line:col: error: message), "
        "json, or github (workflow annotations)."
    ),
)
@_debug_option
@click.pass_context
def check(ctx: click.Context, rubric_ref: str, lang: str, output_format: str) -> None:
    """检查评价方案,列出所有问题。/ Check a rubric and list every problem.

    RUBRIC is a rubric file or an installed rubric. Every problem is shown at the file, line
    and column where it is written (for a rubric that extends another, in the extending
    file), with "did you mean" for a misspelt key; warnings name what loads but looks like
    a slip, such as a required fact that nothing reads. Exits with 2 when there is any
    problem; warnings alone exit with 0.
    """
    from evalrules._cli_years import check_located

    rubric, warnings = check_located(ctx, rubric_ref, output_format, lang)
    if rubric is None or output_format != "text":
        return
    nodes = list(rubric.walk())
    rules = [r for _, r in rubric.rules()]
    inferred = sum(1 for r in rules if r.source.inferred)
    items = sum(1 for n in nodes if n.is_leaf)
    if lang == "zh":
        found = f"未发现错误,{warnings} 条警告" if warnings else "未发现问题"
        _echo(
            f"{rubric.ref}:{found}。{len(nodes)} 个指标节点(其中 {items} 个评分项),"
            f"{len(rules)} 条评分细则(其中 {inferred} 条为推定)。"
        )
    else:
        plural = "s" if warnings != 1 else ""
        found = f"no errors, {warnings} warning{plural}" if warnings else "no problems"
        _echo(
            f"{rubric.ref}: {found}. {len(nodes)} indicator nodes ({items} scored items), "
            f"{len(rules)} rules ({inferred} inferred)."
        )


# ----------------------------------------------------------------------- schema, template


@main.command()
@click.argument("rubric_ref", metavar="REF")
@_OUTPUT
@_debug_option
@click.pass_context
def schema(ctx: click.Context, rubric_ref: str, output: Path | None) -> None:
    """输出事实数据的 JSON Schema。/ Print the JSON Schema of a rubric's facts.

    The schema (draft 2020-12) describes a facts document for the rubric REF; host
    applications build data-entry forms from it.
    """
    engine = _engine(ctx)
    data = engine.facts_schema(_load_rubric(ctx, rubric_ref))
    _emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)


@main.command()
@click.argument("rubric_ref", metavar="REF")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "xlsx"]),
    default="yaml",
    show_default=True,
    help=(
        "yaml:带注释的事实数据文件;xlsx:Excel 填报表。/ yaml: a commented facts file; "
        "xlsx: an Excel fact-collection workbook."
    ),
)
@click.option(
    "--from",
    "from_facts",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FACTS",
    help=(
        "用事实数据文件(任一已安装格式,也可以是旧填报表)填好工作簿(需 --format xlsx)。/ Fill "
        "the workbook from a facts file in any installed format, an older workbook too "
        "(needs --format xlsx)."
    ),
)
@_OUTPUT
@_debug_option
@click.pass_context
def template(
    ctx: click.Context, rubric_ref: str, fmt: str, from_facts: Path | None, output: Path | None
) -> None:
    """输出空白事实数据模板或 Excel 填报表。/ Print a blank facts file or write a workbook.

    With --format yaml (the default), a blank facts file for the rubric REF, every fact
    commented. With --format xlsx, a fact-collection workbook (填报表): facts grouped by the
    indicators that read them, each with its unit, kind, range and whether it is required,
    value cells with data validation, a 自评分 sheet and a 说明 sheet; the rubric is stamped
    in it, so that `evalrules evaluate` reads it back and refuses it for another rubric.
    Needs `pip install 'evalrules[excel]'`.
    """
    engine = _engine(ctx)
    if fmt == "yaml":
        if from_facts is not None:
            raise click.UsageError(
                _t("--from 需要 --format xlsx", "--from needs --format xlsx"), ctx=ctx
            )
        _emit(engine.facts_template(_load_rubric(ctx, rubric_ref)), output)
        return
    if output is None and _stdout_is_terminal():
        raise CommandError(
            _t(
                "Excel 填报表是二进制数据,不能显示在终端上:请用 -o FILE.xlsx 写入文件",
                "the workbook is binary and is not written to a terminal: pass -o FILE.xlsx",
            )
        )
    from evalrules._excel._dependency import require_openpyxl

    require_openpyxl(reading=False)
    from evalrules._excel._form import facts_workbook

    rubric = _load_rubric(ctx, rubric_ref)
    doc = engine.load_facts(from_facts) if from_facts is not None else None
    if doc is not None and doc.rubric and doc.rubric != rubric.ref:
        _echo(
            f"evalrules: {from_facts} 写的是 {doc.rubric},按 {rubric.ref} 生成填报表 / "
            f"{from_facts} names {doc.rubric}; the workbook is for {rubric.ref}",
            err=True,
        )
    types = {r.name: r.item for r in engine.fact_types}
    _emit(facts_workbook(engine.compile(rubric), types, doc), output)


# ---------------------------------------------------------------------------- evaluate


def _relative_to(facts: Path, ref: str) -> str:
    """A rubric file named in a facts file is found beside that file, like an include."""
    if ref.endswith((".yaml", ".yml", ".json")) and not Path(ref).is_absolute():
        return str(facts.parent / ref)
    return ref


def _fail(message: str) -> NoReturn:
    raise CommandError(message)


@main.command()
@click.argument(
    "files", metavar="FACTS...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option(
    "--rubric",
    "rubric_ref",
    metavar="REF",
    default=None,
    help=(
        "评价方案(默认取事实数据文件的 rubric:)。/ Rubric reference or file (default: the "
        "facts file's `rubric:`)."
    ),
)
@_FORMAT
@_LANG
@click.option(
    "--partial",
    is_flag=True,
    help=(
        "缺少数据的评分项记为无法评价,而不是报错。/ Score items with missing facts as not "
        "assessable instead of failing."
    ),
)
@click.option(
    "--fail-under",
    metavar="SCORE",
    callback=_score,
    default=None,
    help="总分低于该值时以 1 退出。/ Exit with 1 when the total is below SCORE.",
)
@click.option(
    "--sensitivity",
    is_flag=True,
    help=(
        "列出依推定规则得出的结论,及按备选依据计算的得分、总分和等次。/ Also score every "
        "documented alternative of an inferred rule, and show what it would change."
    ),
)
@click.option(
    "--timestamp",
    is_flag=True,
    help=(
        "在评分结果中记录评价时间(默认不记录,以便相同输入得到相同输出)。/ Record when the "
        "scorecard was made (left out by default, so the same input gives the same bytes)."
    ),
)
@_OUTPUT
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=(
        "多个文件时:每份评分结果按 --format 写入该目录。/ With several files: write each "
        "scorecard, in --format, into DIR."
    ),
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="多个文件时并行评价的进程数。/ Processes that evaluate several files side by side.",
)
@_COLOR
@_debug_option
@click.pass_context
def evaluate(
    ctx: click.Context,
    files: tuple[Path, ...],
    rubric_ref: str | None,
    fmt: str,
    lang: Lang,
    partial: bool,
    fail_under: Decimal | None,
    sensitivity: bool,
    timestamp: bool,
    output: Path | None,
    output_dir: Path | None,
    jobs: int,
    color: bool | None,
) -> None:
    """评价事实数据,生成评分结果。/ Evaluate a facts file into a scorecard.

    FACTS is read by the installed reader its suffix names (YAML: .yaml/.yml, JSON: .json,
    or a plugin's format), or, with another suffix or none (``-`` for standard input), by
    the one reader that recognises its content. The default table shows the indicator tree
    with max, score and claimed, the total and grade, then every finding with its evidence
    and the claims that differ.

    With several FACTS files (or --output-dir), standard output is a summary table, one
    row per file in the order given (file, entity, total, grade, and a certification
    rubric's verdict), and --output-dir DIR
    receives each file's scorecard in --format, named after the facts file (x.yaml →
    DIR/x.json for --format json). --jobs N evaluates them in N processes. A file that is
    refused does not stop the others: its row says so, its problems go to standard error
    under its name, and the command exits with 2.
    """
    if len(files) > 1 or output_dir is not None:
        _evaluate_batch(
            ctx, files, rubric_ref, fmt, lang, partial, fail_under, output, output_dir, jobs
        )
        return
    (facts,) = files
    engine = _engine(ctx)
    # A command run once per district keeps the rubrics it checked (EVALRULES_NO_CACHE=1
    # turns that off); see evalrules._plugins._cache.
    engine._rubric_cache = RubricCache.default()
    _check_format(engine, fmt, output)
    if str(facts) == "-":
        facts = Path("/dev/stdin")  # read by the reader that recognises the content
    doc: FactsDocument = engine.load_facts(facts)
    ref = rubric_ref or doc.rubric
    if not ref:
        _fail(
            f"{facts}: "
            + _t(
                "未指定评价方案:请使用 --rubric,或在事实数据文件中写 rubric:",
                "no rubric: pass --rubric REF or set `rubric:` in the facts file",
            )
        )
    rubric = engine.load_rubric(_relative_to(facts, ref) if not rubric_ref else ref)
    compiled = engine.compile(rubric)
    card = compiled.evaluate(doc, partial=partial)
    if sensitivity:
        card = compiled.sensitivity(doc, card, partial=partial)
    if timestamp:
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        card = attrs.evolve(card, evaluated_at=now.isoformat().replace("+00:00", "Z"))
    use_color = _use_color(color, output)
    content = engine.render(
        card, fmt, lang=lang, color=use_color, rubric=rubric, width=_width(output)
    )
    _emit(content, output, color=use_color)
    if fail_under is not None and card.total < fail_under:
        _echo(
            f"evalrules: 总分 {plain(card.total)} 低于 --fail-under {plain(fail_under)} / "
            f"the total {plain(card.total)} is below --fail-under {plain(fail_under)}",
            err=True,
        )
        ctx.exit(EXIT_BELOW)


def _card_name(path: Path, suffix: str) -> str:
    """The file name a batch gives a facts file's scorecard: its suffix replaced."""
    name = path.name if path.suffix == "" else path.stem
    return (name or "facts") + suffix


def _summary(rows: Sequence[tuple[Path, Scorecard | CommandError]], lang: str) -> str:
    """The batch summary: one row per file, in the order given."""
    zh = lang == "zh"
    headers = ["文件", "评价对象", "总分", "等次"] if zh else ["file", "entity", "total", "grade"]
    # A certification rubric's verdict gets a column; a points rubric's summary is as it was.
    verdicts = any(isinstance(r, Scorecard) and r.verdict is not None for _, r in rows)
    if verdicts:
        headers.append(label("verdict", lang))
    cells: list[list[Cell | str]] = []
    for path, result in rows:
        if isinstance(result, Scorecard):
            entity = result.entity.name or result.entity.id
            # the total as the card writes it, with the rubric's decimal places (21.50)
            total = points(result, result.total)
            cells.append([str(path), entity, total, result.grade.label.get(lang)])
            if verdicts:
                verdict = result.verdict
                cells[-1].append(verdict.label.get(lang) if verdict is not None else "")
        else:
            n = len(result.problems) or 1
            refused = f"拒绝({n} 个问题)" if zh else f"refused ({n} problem{'s' * (n != 1)})"
            cells.append([str(path), "", "", refused, *([""] if verdicts else [])])
    aligns = ("left", "left", "right", "left", *(("left",) if verdicts else ()))
    lines = grid(headers, cells, aligns=aligns)
    return "\n".join(lines) + "\n"


def _evaluate_batch(
    ctx: click.Context,
    files: Sequence[Path],
    rubric_ref: str | None,
    fmt: str,
    lang: Lang,
    partial: bool,
    fail_under: Decimal | None,
    output: Path | None,
    output_dir: Path | None,
    jobs: int,
) -> None:
    """``evalrules evaluate FACTS... [--output-dir DIR] [--jobs N]``: see :func:`evaluate`."""
    engine = _engine(ctx)
    if output is not None:
        raise click.UsageError(
            _t(
                "多个文件时请用 --output-dir DIR,而不是 -o",
                "with several files, pass --output-dir DIR instead of -o",
            ),
            ctx=ctx,
        )
    explicit_format = ctx.get_parameter_source("fmt") is not click.core.ParameterSource.DEFAULT
    if output_dir is None and explicit_format:
        raise click.UsageError(
            _t(
                "多个文件时 --format 需要 --output-dir(标准输出显示汇总表)",
                "with several files, --format needs --output-dir (standard output shows the "
                "summary)",
            ),
            ctx=ctx,
        )
    if output_dir is not None:
        _check_format(engine, fmt, output_dir)
        if not output_dir.is_dir():
            _fail(f"{output_dir}: " + _t("目录不存在", "no such folder"))
        suffix = engine.renderers.get(fmt).suffix
        targets: dict[str, list[Path]] = {}
        for path in files:
            targets.setdefault(_card_name(path, suffix), []).append(path)
        clashes = [
            f"{output_dir / name}: {', '.join(map(str, paths))}"
            for name, paths in targets.items()
            if len(paths) > 1
        ]
        if clashes:
            raise CommandError(
                _t(
                    "多个事实数据文件会写入同一个评分结果文件",
                    "several facts files would be written to the same scorecard file",
                ),
                clashes,
            )

    results: dict[int, Scorecard | CommandError] = {}
    groups: dict[str, list[tuple[int, FactsDocument]]] = {}
    keys: dict[int, str] = {}
    for index, path in enumerate(files):
        try:
            doc = engine.load_facts(path)
        except (FactsError, OSError) as exc:
            results[index] = _translate(exc)
            continue
        ref = rubric_ref or doc.rubric
        if not ref:
            results[index] = CommandError(
                f"{path}: "
                + _t(
                    "未指定评价方案:请使用 --rubric,或在事实数据文件中写 rubric:",
                    "no rubric: pass --rubric REF or set `rubric:` in the facts file",
                )
            )
            continue
        if rubric_ref and doc.rubric and rubric_ref != doc.rubric:
            click.echo(
                f"evalrules: {path}: 事实数据文件写的是 {doc.rubric},按 --rubric 使用 "
                f"{rubric_ref} / the facts file names {doc.rubric}; evaluating with "
                f"{rubric_ref} as --rubric asks",
                err=True,
            )
        key = ref if rubric_ref else _relative_to(path, ref)
        keys[index] = key
        groups.setdefault(key, []).append((index, doc))

    compiled_for: dict[str, tuple[Rubric, CompiledRubric]] = {}
    for key, members in list(groups.items()):
        try:
            rubric = engine.load_rubric(key)
        except RubricError as exc:
            for index, _ in members:
                results[index] = _rubric_error(exc)
            del groups[key]
            continue
        compiled_for[key] = (rubric, engine.compile(rubric))

    with contextlib.ExitStack() as stack:
        executor = None
        if jobs > 1 and groups:
            from concurrent.futures import ProcessPoolExecutor

            executor = stack.enter_context(ProcessPoolExecutor(jobs))
        for key, members in groups.items():
            compiled = compiled_for[key][1]
            batch = compiled.evaluate_many(
                [doc for _, doc in members], partial=partial, executor=executor
            )
            for (index, _), result in zip(members, batch, strict=True):
                results[index] = _facts_error(result) if isinstance(result, FactsError) else result

    rows = [(path, results[index]) for index, path in enumerate(files)]
    if output_dir is not None:
        for index, (path, outcome) in enumerate(rows):
            if isinstance(outcome, Scorecard):
                rubric = compiled_for[keys[index]][0]
                content = engine.render(outcome, fmt, lang=lang, color=False, rubric=rubric)
                _write_atomic(output_dir / _card_name(path, suffix), content)
    _emit(_summary(rows, lang), None)
    refused = [(path, r) for path, r in rows if isinstance(r, CommandError)]
    for path, error in refused:
        message = (
            error.message if error.message.startswith(str(path)) else f"{path}: {error.message}"
        )
        CommandError(message, error.problems).show()
    if refused:
        ctx.exit(EXIT_INVALID)
    below = [
        (path, r)
        for path, r in rows
        if isinstance(r, Scorecard) and fail_under is not None and r.total < fail_under
    ]
    if below and fail_under is not None:
        for path, card in below:
            click.echo(
                f"evalrules: {path}: 总分 {plain(card.total)} 低于 --fail-under "
                f"{plain(fail_under)} / the total {plain(card.total)} is below --fail-under "
                f"{plain(fail_under)}",
                err=True,
            )
        ctx.exit(EXIT_BELOW)


# ------------------------------------------------------------------------------ render


def _read_scorecard(path: Path) -> Scorecard:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"{path}: " + _t("文件不存在", "no such file"))
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{path}: {_t('无法读取', 'cannot be read')}: {exc}")
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        _fail(
            f"{path}: "
            + _t(
                f"不是有效的 JSON:第 {exc.lineno} 行第 {exc.colno} 列:{exc.msg}",
                f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}",
            )
        )
    if not isinstance(data, dict):
        _fail(
            f"{path}: "
            + _t(
                "不是评分结果:文档必须是 JSON 对象",
                "not a scorecard: the document must be a JSON object",
            )
        )
    try:
        return Scorecard.from_dict(data)
    except KeyError as exc:
        _fail(
            f"{path}: "
            + _t(
                f"不是完整的评分结果:缺少字段 {exc}",
                f"not a complete scorecard: missing field {exc}",
            )
        )
    except (ValueError, TypeError, AttributeError, InvalidOperation) as exc:
        _fail(f"{path}: {_t('不是评分结果', 'not a scorecard')}: {exc}")


@main.command()
@click.argument("scorecard", type=click.Path(dir_okay=False, path_type=Path))
@_FORMAT
@_LANG
@_OUTPUT
@_COLOR
@_debug_option
@click.pass_context
def render(
    ctx: click.Context,
    scorecard: Path,
    fmt: str,
    lang: Lang,
    output: Path | None,
    color: bool | None,
) -> None:
    """重新呈现已保存的评分结果。/ Render a stored scorecard (its JSON) without evaluating again.

    When the rubric that computed it is installed with the same content, its fact
    descriptions appear in the evidence, as in `evaluate`.
    """
    engine = _engine(ctx)
    _check_format(engine, fmt, output)
    card = _read_scorecard(scorecard)
    use_color = _use_color(color, output)
    rubric = _rubric_for_card(engine, card)
    content = engine.render(
        card, fmt, lang=lang, color=use_color, rubric=rubric, width=_width(output)
    )
    _emit(content, output, color=use_color)


# ------------------------------------------------------------------------------ claims


@main.command()
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--rubric",
    "rubric_ref",
    metavar="REF",
    default=None,
    help=(
        "评价方案:把各标题对应到其指标代码(可不给)。/ The rubric whose codes the headings are "
        "mapped onto (optional)."
    ),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "yaml", "facts"]),
    default="table",
    show_default=True,
    help=(
        "输出格式:table、json、yaml,或 facts(事实数据片段,需 --rubric)。/ Output format: "
        "table, json, yaml, or facts (a facts-file fragment; needs --rubric)."
    ),
)
@_LANG
@_OUTPUT
@_debug_option
@click.pass_context
def claims(
    ctx: click.Context,
    report: Path,
    rubric_ref: str | None,
    fmt: str,
    lang: Lang,
    output: Path | None,
) -> None:
    """从自评报告中读取自评分。/ Read the claimed scores out of a self-assessment report.

    REPORT is the report (自评报告): text (UTF-8, GBK or GB18030), .docx, PDF (with a text
    layer) or HTML; .docx and PDF need `pip install 'evalrules[reports]'`. Without --rubric
    it prints the report's own tree of scored headings (numbering, title, level, max, claimed
    score, explanation, line), its stated total, and the problems of its own arithmetic.
    With --rubric each heading is mapped onto a code with its confidence; uncertain mappings,
    unmapped headings and claims that disagree with the rubric are listed. Exits with 2 when
    the report cannot be read or holds no claimed score at all.
    """
    from evalrules._claims import ReportReadError, map_report, read_report, read_report_file
    from evalrules._claims._render import render

    if fmt == "facts" and rubric_ref is None:
        raise click.UsageError(
            _t("--format facts 需要 --rubric", "--format facts needs --rubric"), ctx=ctx
        )
    rubric = _load_rubric(ctx, rubric_ref) if rubric_ref is not None else None
    try:
        document = read_report_file(report)
    except ReportReadError as exc:
        raise CommandError(
            f"{report}: " + _t("无法读取自评报告", "cannot read the report"), exc.problems
        ) from None
    reading = read_report(document)
    if not any(h.claimed_reading is not None for h in reading.headings) and reading.total is None:
        _fail(
            f"{report}: 未找到任何自评分 / no claimed score found "
            f"(headings such as “(一)…(63分,自评得分61.6分)”)"
        )
    result = map_report(reading, rubric) if rubric is not None else None
    _emit(render(reading, result, fmt, lang=lang), output)
