"""``evalrules check`` for editors and CI: every problem at ``file:line:column``.

A rubric is loaded as for scoring, so the problems are exactly those a load reports; each is
then located where its author wrote it (the extending file for what ``extends`` merged in,
see :mod:`evalrules._rubric._positions`). Warnings add what loads but is likely a slip: a
required fact that nothing reads any more (after a ``remove``, say). Three output formats,
as ruff's: ``text`` (``file:line:col: error: message [code]``), ``json`` and ``github``
(workflow annotations).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence

import attrs

from evalrules._escape import escape_line, escape_text
from evalrules._plugins._engine import Engine
from evalrules._rubric._extends import read_with_extends
from evalrules._rubric._model import Rubric, Rule
from evalrules._rubric._positions import Locator, Origins
from evalrules.errors import RubricError, RubricNotFoundError, RubricProblem

__all__ = [
    "CHECK_SCHEMA",
    "Diagnostic",
    "check_rubric",
    "optional_reads",
    "render_diagnostics",
    "unread_facts",
]

CHECK_SCHEMA = "evalrules.check/1"
OUTPUT_FORMATS = ("text", "json", "github")


@attrs.frozen
class Diagnostic:
    """One problem or warning, located in a file.

    Attributes:
        severity: ``error`` (the rubric cannot be used) or ``warning``.
        code: The problem code, e.g. ``unknown-key``.
        message: What is wrong.
        file: The file it is written in (the extending file for what it wrote).
        line: 1-based line.
        column: 1-based column.
        path: The path in that file, e.g. ``replace.9.1.mxa``.
        indicator: The indicator, if any.
        rule: The rule, if any.
    """

    severity: str
    code: str
    message: str
    file: str
    line: int
    column: int
    path: str = ""
    indicator: str | None = None
    rule: str | None = None


def unread_facts(rubric: Rubric, reads: Callable[[Rule], Sequence[str]]) -> list[str]:
    """Required facts that no rule, derived fact, cross check or condition reads."""
    used: set[str] = set()
    for _, rule in rubric.rules():
        used.update(reads(rule))
        used.update(m.fact for m in rule.monotonic)
    for d in rubric.derived:
        used.update(d.inputs)
    for c in rubric.cross_checks:
        used.update(c.facts)
    used.update(f.required_if for f in rubric.facts if f.required_if)
    return [
        f.path for f in rubric.facts if f.required and f.required_if is None and f.path not in used
    ]


def optional_reads(rubric: Rubric, reads: Callable[[Rule], Sequence[str]]) -> list[tuple[str, str]]:
    """``(rule, fact)`` for each optional fact (``required: false``, no ``required_if``) a
    rule reads, directly or through derived facts."""
    inputs = {d.path: d.inputs for d in rubric.derived}
    optional = {f.path for f in rubric.facts if not f.required and f.required_if is None}
    out: list[tuple[str, str]] = []
    for _, rule in rubric.rules():
        todo, seen = list(reads(rule)), set()
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            todo.extend(inputs.get(path, ()))
        out.extend((rule.code, path) for path in sorted(seen & optional))
    return out


_LINE = re.compile(r"^line (\d+)")
_ONE_UNKNOWN = re.compile(r"unknown key\(s\) \['([\w-]+)'\]")
_PARAM = re.compile(r"^(params(?:\.[\w-]+|\[\d+\])*):")


def check_rubric(engine: Engine, ref_or_path: str) -> tuple[Rubric | None, list[Diagnostic]]:
    """Load a rubric as for scoring; its problems and warnings, each located in its file.

    Raises:
        RubricNotFoundError: when no such rubric is installed.
    """
    path, _plugin, ref = engine._locate(ref_or_path)
    rubric: Rubric | None = None
    problems: tuple[RubricProblem, ...] = ()
    try:
        rubric = engine.load_rubric(ref_or_path)
    except RubricNotFoundError:
        raise
    except RubricError as exc:
        problems = exc.problems
    origins = Origins()
    try:
        raw = read_with_extends(
            path,
            engine._base_path,
            () if ref is None else (ref,),
            origins=origins,
            problems=[],  # already among the load's problems
        )
    except RubricError:
        raw = None
    locator = Locator(raw, origins, str(path))
    out: list[Diagnostic] = []
    for p in problems:
        where = _LINE.match(p.path or "") if p.code == "unreadable" else None
        if where:
            out.append(
                Diagnostic("error", p.code, p.message, p.file or str(path), int(where[1]), 1)
            )
            continue
        path_of = p.path
        if path_of is None and p.rule is not None:
            # A rule kind's own check names the parameter at the start of its message.
            named = _PARAM.match(p.message)
            path_of = named[1] if named else None
        one = _ONE_UNKNOWN.search(p.message)
        if path_of and one:
            path_of = f"{path_of}.{one[1]}"  # at the unknown key itself, not its mapping
        loc = locator.locate(path_of, indicator=p.indicator, rule=p.rule, file=p.file)
        message = p.message
        mine = locator.in_author_file(
            loc, p.indicator, sums=p.code in ("max-not-sum", "total-mismatch")
        )
        if mine is not None:
            message += f" (in the base rubric: {_shown(loc.file)}:{loc.line}:{loc.column})"
            loc = mine
        out.append(
            Diagnostic(
                "error",
                p.code,
                message,
                loc.file,
                loc.line,
                loc.column,
                loc.path,
                p.indicator,
                p.rule,
            )
        )
    if rubric is not None:
        kinds = {r.name: r.item for r in engine.rule_kinds}

        def reads(rule: Rule) -> Sequence[str]:
            kind = kinds.get(rule.kind)
            return () if kind is None else kind.reads(rule.params)

        for rule_code, fact in optional_reads(rubric, reads):
            loc = locator.locate(f"facts.{fact}")
            note = ""
            mine = locator.in_author_file(loc, None)
            if mine is not None:
                note = f" (declared in the base rubric: {_shown(loc.file)}:{loc.line}:{loc.column})"
                loc = mine
            out.append(
                Diagnostic(
                    "warning",
                    "optional-fact-read",
                    f"rule {rule_code} reads fact {fact!r}, which is declared `required: false`: "
                    "a document without it validates but cannot be scored (in partial mode the "
                    "item is not assessable); declare it required, or required_if the yes/no "
                    f"fact that makes it needed{note}",
                    loc.file,
                    loc.line,
                    loc.column,
                    loc.path,
                    rule=rule_code,
                )
            )
        for fact in unread_facts(rubric, reads):
            loc = locator.locate(f"facts.{fact}")
            note = ""
            mine = locator.in_author_file(loc, None)
            if mine is not None:
                note = f" (declared in the base rubric: {_shown(loc.file)}:{loc.line}:{loc.column})"
                loc = mine
            out.append(
                Diagnostic(
                    "warning",
                    "unread-fact",
                    f"fact {fact!r} is required but nothing reads it: declare it "
                    f"`required: false`, or remove its declaration (remove_facts){note}",
                    loc.file,
                    loc.line,
                    loc.column,
                    loc.path,
                )
            )
    out.sort(key=lambda d: (d.severity != "error", d.file, d.line, d.column, d.code))
    return rubric, out


def _shown(file: str) -> str:
    """A file as editors resolve it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(file)
    except ValueError:
        return file
    return file if relative.startswith("..") else relative


def _context(d: Diagnostic, lang: str = "en") -> str:
    zh = lang == "zh"
    parts = [
        (f"指标 {d.indicator}" if zh else f"indicator {d.indicator}") if d.indicator else "",
        (f"细则 {d.rule}" if zh else f"rule {d.rule}") if d.rule else "",
        (f"位置 {d.path}" if zh else f"at {d.path}") if d.path else "",
    ]
    where = (",".join if zh else ", ".join)(p for p in parts if p)
    return f"{where}:" if where and zh else f"{where}: " if where else ""


#: The wording of the problems an author meets most, in Chinese: (pattern, replacement),
#: applied in order to the English message; what no pattern matches is shown as written.
_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^unknown key (.+?) \(use zh, en\)", r"未知的键 \1(文本只写 zh、en)"),
        (
            r"^unknown key\(s\) (\[.*?\]) \(use fact, op, value\)",
            r"未知的键 \1(应为 fact、op、value)",
        ),
        (r"^unknown key (.+?)(?=;|$)", r"未知的键 \1"),
        (r"^(params\S*): unknown field", r"\1:未知字段"),
        (r"^(params\S*): required field", r"\1:缺少必填字段"),
        (r"^unknown field", "未知字段"),
        (r"^required field", "缺少必填字段"),
        (
            r"^max is (\S+) but the children's maxes add up to (\S+)",
            r"满分为 \1,但下级指标满分之和为 \2",
        ),
        (
            r"^fact (\S+) is required but nothing reads it: declare it `required: false`, or "
            r"remove its declaration \(remove_facts\)",
            r"事实 \1 声明为必填,但没有任何细则读取:请改为 `required: false`,"
            r"或以 remove_facts 删除该声明",
        ),
        (
            r"^rule (\S+) reads fact (\S+), which is declared `required: false`: a document "
            r"without it validates but cannot be scored \(in partial mode the item is not "
            r"assessable\); declare it required, or required_if the yes/no fact that makes it "
            r"needed",
            r"细则 \1 读取事实 \2,但该事实声明为 `required: false`:缺少它的数据能通过校验却"
            r"无法计分(部分模式下该项记为无法评估);请声明为必填,或以决定其是否需要的"
            r"是/否事实设置 required_if",
        ),
        (r"^invalid YAML: ", "YAML 格式错误:"),
        (r"^no such file$", "文件不存在"),
        (r"; did you mean '([^']+)' → '([^']+)'\?", r";'\1' 是否应为 '\2'?"),
        (r"; did you mean (.+)\?", r";是否应为 \1?"),
        (r" \(in the base rubric: ([^()]+)\)", r"(见基础方案 \1)"),
        (r" \(declared in the base rubric: ([^()]+)\)", r"(声明于基础方案 \1)"),
    )
)


def _message(message: str, lang: str) -> str:
    """``message`` in ``lang``: in Chinese the known wordings, others as written."""
    if lang != "zh":
        return message
    for pattern, replacement in _ZH:
        message = pattern.sub(replacement, message)
    return message


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_diagnostics(
    diagnostics: Sequence[Diagnostic], fmt: str, *, rubric: str, lang: str = "en"
) -> str:
    """The diagnostics as ``text``, ``json`` or ``github`` annotations.

    Text and annotations are worded in ``lang`` (``zh`` or ``en``); JSON keeps the English
    message, with the code, for programs.
    """
    if fmt == "json":
        data = {
            "schema": CHECK_SCHEMA,
            "rubric": rubric,
            "errors": sum(1 for d in diagnostics if d.severity == "error"),
            "warnings": sum(1 for d in diagnostics if d.severity == "warning"),
            "problems": [
                {
                    "severity": d.severity,
                    "code": d.code,
                    "message": d.message,
                    "file": _shown(d.file),
                    "line": d.line,
                    "column": d.column,
                    "path": d.path,
                    "indicator": d.indicator,
                    "rule": d.rule,
                }
                for d in diagnostics
            ],
        }
        # The encoder escapes C0 controls only: DEL, C1 and bidirectional marks are escaped
        # here, as \uXXXX, which in a JSON string is the same character.
        return escape_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
    lines = []
    for d in diagnostics:
        if fmt == "github":
            props = ",".join(
                f"{k}={_escape_property(v)}"
                for k, v in (
                    ("file", _shown(d.file)),
                    ("line", str(d.line)),
                    ("col", str(d.column)),
                    ("title", f"evalrules {d.code}"),
                )
            )
            message = _context(d, lang) + _message(d.message, lang)
            lines.append(f"::{d.severity} {props}::{_escape_data(message)}")
        else:
            lines.append(
                f"{_shown(d.file)}:{d.line}:{d.column}: {d.severity}: {_context(d, lang)}"
                f"{' '.join(_message(d.message, lang).splitlines())} [{d.code}]"
            )
    # A key or a file name from the rubric may hold terminal escapes: shown as \uXXXX, each
    # problem on its one line (the JSON output is escaped by its encoder).
    return "".join(f"{escape_line(line)}\n" for line in lines)
