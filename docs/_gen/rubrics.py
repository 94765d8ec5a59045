"""Generate one reference page per bundled rubric: its 评分细则 table in Chinese and English.

The tables are built from the compiled rubric: the indicator tree with every max, each rule
put into words by its own kind (``CompiledRubric.describe``), and where each rule comes from —
an official document, or an inference, marked as such with its reasoning. A reviewer checks
the rubric against the scheme here without reading YAML.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import evalrules
import evalrules_national
import evalrules_panjin

#: The bundled rubric plugins whose rubrics get a page.
PLUGINS = (evalrules_panjin, evalrules_national)

_FORMULAS = {
    "ratio": ("a ÷ b", "a ÷ b"),
    "share": ("部分 ÷ 整体 × 100", "part ÷ whole × 100"),
    "per_capita": ("总量 ÷ 人数", "amount ÷ count"),
    "difference": ("a − b", "a − b"),
    "growth": ("(当年 − 上年) ÷ 上年 × 100", "(this year − last year) ÷ last year × 100"),
    "sum": ("a + b + …", "a + b + …"),
    "per_hundred": ("a ÷ b × 100", "a ÷ b × 100"),
}
#: What each builtin aggregation computes over a table's rows.
_AGGREGATES = {
    "sum": ("各行之和", "sum over the rows"),
    "count": ("行数", "number of rows"),
    "share_where": ("符合条件的行所占比例 × 100", "share of rows meeting the condition × 100"),
    "weighted_mean": ("加权平均 ΣPᵢXᵢ ÷ P", "weighted mean ΣPᵢXᵢ ÷ P"),
    "cv": (
        "差异系数 CV = S ÷ X̄,X̄ = ΣPᵢXᵢ ÷ P,S = √(Σ(Pᵢ ÷ P)(Xᵢ − X̄)²)",
        "coefficient of variation CV = S ÷ X̄, X̄ = ΣPᵢXᵢ ÷ P, S = √(Σ(Pᵢ ÷ P)(Xᵢ − X̄)²)",
    ),
    "min": ("最小值", "smallest value"),
    "max": ("最大值", "largest value"),
}
_POLICY = {
    "full": ("按满分计", "full marks"),
    "zero": ("按0分计", "zero points"),
    "exclude": ("不计分,总分按适用项折算", "excluded; the total is rescaled"),
}


def page_path(ref: str) -> str:
    """Where a rubric's page goes: ``reference/rubrics/panjin-county-2023.md``."""
    return f"reference/rubrics/{ref.replace('/', '-')}.md"


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _num(value: object) -> str:
    text = f"{value:f}" if hasattr(value, "is_finite") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _nodes(
    nodes: tuple[evalrules.Indicator, ...], depth: int = 0
) -> Iterator[tuple[evalrules.Indicator, int]]:
    for node in nodes:
        yield node, depth
        yield from _nodes(node.children, depth + 1)


def _source(rule: evalrules.Rule, lang: str) -> str:
    src = rule.source
    if src.inferred:
        if lang == "zh":
            return "**推定**"
        return f"**inferred:** {_cell(src.why.en if src.why else '')}"
    where = " ".join(p for p in (src.document, src.clause) if p)
    if src.url:
        where = f"[{_cell(where)}]({src.url})"
    if lang == "en" and src.why:
        where += f" — {_cell(src.why.get('en'))}"
    return _cell(where)


def _table(compiled: evalrules.CompiledRubric, lang: str) -> str:
    rubric = compiled.rubric
    head = (
        "| 代码 | 指标 | 分值 | 评分细则 | 依据 |"
        if lang == "zh"
        else "| code | indicator | max | rule | source |"
    )
    rows = [head, "|---|---|---:|---|---|"]
    trees = [(rubric.indicators, "")]
    if rubric.bonus:
        trees.append((rubric.bonus, "加分项" if lang == "zh" else "bonus"))
    for nodes, label in trees:
        if label:
            rows.append(f"| | **{label}** | | | |")
        for node, depth in _nodes(nodes):
            title = _cell(node.title.get(lang))
            title = f"**{title}**" if depth == 0 else ("　" * depth) + title
            if not node.rules:
                rows.append(f"| **{node.code}** | {title} | **{_num(node.max)}** | | |")
                continue
            words = "<br>".join(
                f"`{r.code}` {_cell(compiled.describe(r).get(lang))}" for r in node.rules
            )
            sources = "<br>".join(f"`{r.code}` {_source(r, lang)}" for r in node.rules)
            rows.append(f"| {node.code} | {title} | {_num(node.max)} | {words} | {sources} |")
    total = "合计" if lang == "zh" else "total"
    rows.append(f"| | **{total}** | **{_num(rubric.max)}** | | |")
    return "\n".join(rows)


def _grades(rubric: evalrules.Rubric) -> str:
    if not rubric.grades:  # a certification rubric: its verdict is the result
        return (
            "本方案不分等次,结论为认定结论(见下)。/ The scheme sets no grades: its result "
            "is the verdict below."
        )
    rows = ["| 等次 grade | code | 总分 total |", "|---|---|---|"]
    for i, band in enumerate(rubric.grades):
        upper = rubric.grades[i - 1].lower if i else None
        if band.lower is not None and upper is not None:
            span = f"{_num(band.lower)} ≤ total < {_num(upper)}"
        elif band.lower is not None:
            span = f"total ≥ {_num(band.lower)}"
        else:
            span = f"total < {_num(upper)}" if upper is not None else "any"
        rows.append(f"| {band.label.zh} / {band.label.en} | `{band.code}` | {span} |")
    return "\n".join(rows)


def _verdict(rubric: evalrules.Rubric) -> list[str]:
    """A certification rubric's verdict section: its gates; nothing for a points rubric."""
    verdict = rubric.verdict
    if verdict is None:
        return []
    rows = ["| gate 须达到的指标 | 指标 | indicator |", "|---|---|---|"]
    for code in verdict.gates:
        node = rubric.indicator(code)
        rows.append(f"| `{code}` | {_cell(node.title.zh)} | {_cell(node.title.en)} |")
    source = verdict.source.describe("en").rstrip(".")
    return [
        "## 认定结论 Verdict",
        "",
        f"{verdict.pass_label.zh} / {verdict.pass_label.en} when every gate below keeps its",
        f"full marks and no veto fires; otherwise {verdict.fail_label.zh} /",
        f"{verdict.fail_label.en}. A card with items not assessable and nothing failed is",
        f"{verdict.undecided_label.zh} / {verdict.undecided_label.en}. Source: {_cell(source)}.",
        "",
        *rows,
        "",
    ]


def _facts(rubric: evalrules.Rubric) -> str:
    rows = [
        "| fact | type | unit | 说明 | description | required |",
        "|---|---|---|---|---|---|",
    ]
    for spec in rubric.facts:
        kind = f"series of {spec.items}" if spec.type == "series" else spec.type
        if spec.table is not None:
            kind = f"table ({len(spec.table.columns)} columns, see below)"
        if spec.required_if:
            required = f"when `{spec.required_if}`"
        else:
            required = "yes" if spec.required else "no"
        rows.append(
            f"| `{spec.path}` | {kind} | {_cell(spec.unit or '')} | {_cell(spec.description.zh)} "
            f"| {_cell(spec.description.en)} | {required} |"
        )
    return "\n".join(rows)


def _condition(cond: object) -> str:
    """A row condition in the rubric's own words: ``category == teaching_point``."""
    if not isinstance(cond, Mapping):
        return _cell(cond)
    for joint in ("all", "any"):
        if joint in cond:
            word = " and " if joint == "all" else " or "
            return word.join(f"({_condition(c)})" for c in cond[joint])
    value = cond.get("value")
    shown = ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else value
    return _cell(f"{cond.get('column')} {cond.get('op', '==')} {shown}")


def _derived(rubric: evalrules.Rubric) -> str:
    rows = ["| derived fact | formula | inputs | 说明 | description |", "|---|---|---|---|---|"]
    for d in rubric.derived:
        agg = d.aggregate
        if agg is not None:
            zh, en = _AGGREGATES.get(agg.name, (agg.name, agg.name))
            scope = [f"`{agg.table}`" + (f".`{agg.column}`" if agg.column else "")]
            if agg.stage:
                scope.append(f"stage `{agg.stage}`")
            if agg.weight:
                scope.append(f"weight `{agg.weight}`")
            if agg.where:
                scope.append(f"where {_condition(agg.where)}")
            inputs = ", ".join(scope)
            formula = f"`{agg.name}`: {zh} ({en})"
        else:
            zh, en = _FORMULAS.get(d.formula, (d.formula, d.formula))
            inputs = ", ".join(f"`{i}`" for i in d.inputs)
            formula = f"`{d.formula}`: {zh} ({en})"
        rows.append(
            f"| `{d.path}` | {formula} | {inputs} | {_cell(d.description.zh)} "
            f"| {_cell(d.description.en)} |"
        )
    return "\n".join(rows)


def _tables(rubric: evalrules.Rubric) -> list[str]:
    """One section per table fact: its columns, per-row values and the rows left out."""
    out: list[str] = []
    for spec in rubric.facts:
        table = spec.table
        if table is None:
            continue
        out += [
            f"### `{spec.path}`: {_cell(spec.description.zh)} / {_cell(spec.description.en)}",
            "",
            f"One row per unit, named by `{table.label}`, identified by `{table.key}`"
            + (
                f" within its stage (`{table.stage}`: "
                + ", ".join(f"`{c}` {t.zh} / {t.en}" for c, t in table.stages.items())
                + ")."
                if table.stage
                else "."
            ),
            "",
            "| column | type | unit | 说明 | description | required |",
            "|---|---|---|---|---|---|",
        ]
        for col in table.columns:
            kind = col.type
            if col.values:
                kind += ": " + ", ".join(f"`{v}`" for v in col.values)
            out.append(
                f"| `{col.path}` | {kind} | {_cell(col.unit or '')} | {_cell(col.description.zh)} "
                f"| {_cell(col.description.en)} | {'yes' if col.required else 'no'} |"
            )
        if table.row_derived:
            out += ["", "Per-row values 每行派生指标:", ""]
            out += ["| value | formula | inputs | 说明 | description |", "|---|---|---|---|---|"]
            for d in table.row_derived:
                zh, en = _FORMULAS.get(d.formula, (d.formula, d.formula))
                out.append(
                    f"| `{d.path}` | `{d.formula}`: {zh} ({en}) | "
                    + ", ".join(f"`{i}`" for i in d.inputs)
                    + f" | {_cell(d.description.zh)} | {_cell(d.description.en)} |"
                )
        if table.exclude:
            out += ["", "Rows left out of aggregations and row rules 不纳入计算的行:", ""]
            out += ["| when | left out | 理由 | why | source |", "|---|---|---|---|---|"]
            for ex in table.exclude:
                scope = (
                    ", ".join(f"`{c}`" for c in ex.columns) if ex.columns else "the whole row 整行"
                )
                out.append(
                    f"| {_condition(ex.when)} | {scope} | {_cell(ex.why.zh)} "
                    f"| {_cell(ex.why.en)} | {_cell(ex.source or '')} |"
                )
        out.append("")
    return out


def render(compiled: evalrules.CompiledRubric) -> str:
    """The page of one compiled rubric."""
    rubric = compiled.rubric
    rules = [r for _, r in rubric.rules()]
    inferred = sum(1 for r in rules if r.source.inferred)
    items = sum(1 for top in rubric.indicators for n in top.walk() if n.is_leaf)
    bonus = f", {len(rubric.bonus)} bonus items" if rubric.bonus else ""
    policy_zh, policy_en = _POLICY[rubric.not_applicable]
    doc = rubric.source
    document = " ".join(p for p in (doc.number, doc.title) if p) or "—"
    return "\n".join(
        [
            f"# {rubric.ref}: {rubric.title.zh}",
            "",
            "!!! note",
            f"    This page is generated from the rubric file `{_relative(rubric.file)}`.",
            "",
            f"*{rubric.title.en}.*",
            "",
            "| | |",
            "|---|---|",
            f"| reference | `{rubric.ref}` (version {rubric.version}) |",
            f"| official document 文件 | {_cell(document)} |",
            f"| evaluation year / data year | {rubric.year} / "
            f"{rubric.data_year or rubric.year - 1} |",
            f"| total 总分 | {_num(rubric.max)} ({len(rubric.indicators)} first-level "
            f"indicators, {items} scored items{bonus}, {len(rules)} rules) |",
            f"| precision | item scores rounded once to {_num(rubric.precision)} "
            f"({rubric.rounding}) |",
            f"| not applicable 不适用 | {policy_zh} / {policy_en} "
            "(unless an item says otherwise) |",
            f"| digest | `{compiled.digest}` |",
            "",
            f"Of the {len(rules)} rules, **{inferred} are inferred** (推定): each applies",
            "something no official text read confirms (the rule itself, a figure, a clause or",
            "a reading of one), and says what it was reconstructed from in the English table's",
            "*source* column. The others cite their document.",
            "",
            "## 评分细则",
            "",
            _table(compiled, "zh"),
            "",
            "## Scoring rules",
            "",
            _table(compiled, "en"),
            "",
            "## 等次 Grades",
            "",
            _grades(rubric),
            "",
            (
                "A veto (一票否决) changes the grade, never the score."
                if rubric.verdict is None
                else f"A veto (一票否决) withholds certification: the verdict is "
                f"{rubric.verdict.fail_label.zh} / {rubric.verdict.fail_label.en}, and no "
                "score changes."
            ),
            "",
            *_verdict(rubric),
            "## 数据项 Facts",
            "",
            "What a facts document for this rubric contains (`evalrules template "
            f"{rubric.ref}` writes a blank one).",
            "",
            _facts(rubric),
            "",
            *(["## 表 Tables", "", *_tables(rubric)] if any(f.table for f in rubric.facts) else []),
            "## 派生指标 Derived facts",
            "",
            _derived(rubric),
            "",
        ]
    )


def _relative(path: str | None) -> str:
    if path is None:
        return "?"
    marker = "rubrics/"
    return path[path.index(marker) :] if marker in path else path


def main() -> None:
    """Write one page per rubric of the bundled plugins into the site being built."""
    import mkdocs_gen_files

    engine = evalrules.Engine(plugins=list(PLUGINS), autoload=False)
    for ref in sorted(ref for plugin in PLUGINS for ref in plugin.RUBRICS):
        compiled = engine.compile(engine.load_rubric(ref))
        page = page_path(ref)
        with mkdocs_gen_files.open(page, "w") as fh:
            fh.write(render(compiled))
        mkdocs_gen_files.set_edit_path(page, _relative(compiled.rubric.file))


if __name__ in ("__main__", "<run_path>"):
    main()
