"""``evalrules new-year``: next year's rubric plugin, a working distribution from day one.

The distribution extends the installed base year and changes nothing yet, so it installs and
its tests pass before the author writes the year's first change. Its fixture cases record the
base year's scores of the example districts found beside the base rubric (an ``examples``
folder of ``*.facts.yaml`` files) or given with ``--facts``; each change the author writes
then shows up as the cases it breaks.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from string import Template

import attrs

from evalrules._plugins._engine import Engine
from evalrules._points import plain
from evalrules._rubric._model import Rubric
from evalrules._rubric._source import parse_ref
from evalrules._scorecard._model import NodeResult, Scorecard
from evalrules._version import __version__
from evalrules.errors import EvalrulesError

__all__ = ["NewYearError", "Plan", "plan_new_year", "write_plan"]


class NewYearError(EvalrulesError):
    """The next year's plugin cannot be written: every reason, at once."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@attrs.frozen
class Plan:
    """The files of the new distribution, relative to its folder, with their text.

    Attributes:
        ref: The new rubric's reference (``family/year``).
        base: The rubric it extends.
        distribution: The new distribution's name.
        module: Its import name.
        files: ``(relative path, text)`` in the order they are written.
    """

    ref: str
    base: str
    distribution: str
    module: str
    files: tuple[tuple[str, str], ...]


def _base_plugin(engine: Engine, ref: str) -> tuple[str, str, str]:
    """``(distribution, version, module)`` of the installed plugin registering ``ref``."""
    origin = engine.rubric_sources.origin(ref)
    info = next((p for p in engine.plugins() if p.name == origin), None)
    if info is None or info.distribution is None:
        raise NewYearError(
            [
                f"{ref} 不是由已安装的发行包注册的 / {ref} is not registered by an installed "
                f"distribution (registered by {origin})"
            ]
        )
    entry = origin.partition("[")[2].rstrip("]")
    points = metadata.distribution(info.distribution).entry_points
    module = next((e.value for e in points if e.group == "evalrules" and e.name == entry), None)
    if module is None:
        raise NewYearError([f"{origin}: 找不到入口点 / no entry point {entry!r}"])
    return info.distribution, info.version or "0", module.partition(":")[0]


def _compatible(version: str) -> str:
    """``>=X.Y,<X.(Y+1)`` for an evalrules version ``0.Y.Z`` (0.x minors may break),
    ``>=X.Y,<X+1`` from 1.0 on."""
    parts = [int(p) for p in re.findall(r"\d+", version)[:2]] + [0, 0]
    major, minor = parts[0], parts[1]
    if major == 0:
        return f">={major}.{minor},<{major}.{minor + 1}"
    return f">={major}.{minor},<{major + 1}"


def _yaml(value: object) -> str:
    """A YAML scalar written as JSON (JSON is YAML), so any text is quoted safely."""
    return json.dumps(value, ensure_ascii=False)


def _leaves(nodes: Sequence[NodeResult]) -> Iterator[NodeResult]:
    for node in nodes:
        if node.children:
            yield from _leaves(node.children)
        else:
            yield node


_CLAIMED = re.compile(r"^claimed:.*?(?=^\S|\Z)", re.M | re.S)
_RUBRIC_LINE = re.compile(r"^rubric:.*$", re.M)


def _facts_copy(text: str, ref: str) -> str:
    """An example facts file for ``ref``: its ``rubric:`` line changed, claimed scores left
    out (they are last year's claims against last year's tree)."""
    text = _CLAIMED.sub("", text)
    if _RUBRIC_LINE.search(text):
        return _RUBRIC_LINE.sub(f"rubric: {ref}", text, count=1)
    return f"rubric: {ref}\n{text}"


def plan_new_year(engine: Engine, base_ref: str, year: int, *, facts: Sequence[Path] = ()) -> Plan:
    """Plan the distribution of ``family/year`` extending the installed ``base_ref``.

    Raises:
        NewYearError: when the base is not a distribution's, or the year is not after it.
        RubricError: when the base rubric cannot be loaded (RubricNotFoundError when it is
            not installed).
        FactsError: when an example facts file is invalid under the base rubric.
    """
    source = engine.resolve(base_ref)
    base = engine.load_rubric(source.ref)
    family, base_year = parse_ref(source.ref)
    if base_year is not None and year <= base_year:
        raise NewYearError(
            [f"--year {year} 须晚于 {base_year} / --year {year} must come after {base_year}"]
        )
    dist, dist_version, base_module = _base_plugin(engine, source.ref)
    ref = f"{family}/{year}"
    distribution = f"evalrules-{family}-{year}"
    module = distribution.replace("-", "_")
    examples = list(facts) or sorted((source.path.parent / "examples").glob("*.facts.yaml"))
    files: list[tuple[str, str]] = [
        ("pyproject.toml", _pyproject(distribution, module, ref, source.ref, dist, dist_version)),
        ("README.md", _readme(distribution, module, ref, source.ref, base)),
        (f"src/{module}/__init__.py", _init(ref, base, year)),
        (f"src/{module}/py.typed", ""),
        (f"src/{module}/{year}.yaml", _rubric_yaml(base, source.ref, year)),
    ]
    compiled = engine.compile(base)
    cases: list[tuple[str, str]] = []
    for path in examples:
        name = Path(path).name
        doc = attrs.evolve(engine.load_facts(path), claimed={})
        card = compiled.evaluate(doc)
        files.append(
            (f"tests/facts/{name}", _facts_copy(Path(path).read_text(encoding="utf-8"), ref))
        )
        stem = name.removesuffix(".yaml").removesuffix(".facts")
        cases.append((f"tests/cases/{stem}.yaml", _case_yaml(ref, source.ref, name, card)))
    files.extend(cases)
    test_name = f"tests/test_{family.replace('-', '_')}_{year}.py"
    files.append((test_name, _tests(ref, source.ref, module, base_module, cases=bool(cases))))
    return Plan(ref, source.ref, distribution, module, tuple(files))


def write_plan(plan: Plan, folder: Path) -> None:
    """Write the planned files under ``folder``, which must not exist or be empty.

    Every file is written into a temporary folder beside it first, which then takes its
    place, so a failure leaves nothing half-written.

    Raises:
        NewYearError: when ``folder`` exists and is not an empty folder, or its parent
            folder does not exist.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise NewYearError([f"{folder}: 已存在且非空 / already exists and is not an empty folder"])
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise NewYearError([f"{parent}: 目录不存在 / no such folder"])
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    try:
        for relative, text in plan.files:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        staging.chmod(0o755)
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# ------------------------------------------------------------------------------ files

_PYPROJECT = Template("""\
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "$distribution"
version = "$year.0.1"  # rubric plugins are versioned per year: $year.<data revision>.<fix>
description = "The $ref rubric for evalrules, written as its changes to $base."
readme = "README.md"
requires-python = ">=3.10"
dependencies = [
    "evalrules$evalrules",
    "$base_dist>=$base_version",  # ships $base, which this rubric extends
]

[project.optional-dependencies]
# The test kit's own needs (pytest, hypothesis, jsonschema) come with evalrules[test].
test = ["evalrules[test]$evalrules"]

# The one entry-point group evalrules reads; the value is the module with the hooks.
[project.entry-points.evalrules]
$entry = "$module"

# Everything in the package folder goes into the wheel, the rubric file included.
[tool.hatch.build.targets.wheel]
packages = ["src/$module"]

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = ["--strict-markers"]
filterwarnings = ["error"]
""")


def _pyproject(
    distribution: str, module: str, ref: str, base: str, base_dist: str, base_version: str
) -> str:
    family, year = ref.split("/")
    return _PYPROJECT.substitute(
        distribution=distribution,
        module=module,
        ref=ref,
        base=base,
        base_dist=base_dist,
        base_version=base_version,
        year=year,
        entry=f"{family}-{year}",
        evalrules=_compatible(__version__),
    )


_README = Template("""\
# $distribution

评价方案 `$ref`:在 `$base`($base_title)基础上只写本年度的变化。未写任何变化之前,
它对每个区县的评分与 `$base` 完全相同;`tests/cases/` 中的用例记录了这些得分。

编写本年度变化:

1. 编辑 `src/$module/$year.yaml`:`replace`、`remove`、`add` 按指标编码替换、删除、新增
   指标;`change` 修改节点自身字段(如上级指标的 `max`)而保留其下级;`facts` 新增或重新
   声明事实数据,`remove_facts` 删除声明;`cross_checks` 追加到基础方案的交叉校验之后。
   含义改变的细则使用新编码(若只是同一细则改名,在 `aliases` 中列出原编码)。每条新细则
   注明依据,或写明 `inferred: true` 及推定理由。
2. `evalrules check src/$module/$year.yaml` 列出所有问题。
3. `evalrules diff $base src/$module/$year.yaml` 显示变化;加 `--facts tests/facts/文件`
   可看到示例区县在两个年度方案下的得分及每项差异的原因。
4. 更新被变化影响的 `tests/cases/` 预期结果,并为每条新细则增加用例。

测试:`pip install -e '.[test]'`,然后运行 `pytest`。

---

The `$ref` rubric for evalrules, written as its changes to `$base`
($base_title).

Until a change is written it scores every district exactly as `$base` does; the fixture
cases under `tests/cases/` record those scores.

## Writing the year's changes

1. Edit `src/$module/$year.yaml` (the rubric format reference describes every key):
   `replace`, `remove` and `add` change indicators by code, `change` sets a node's own
   fields (a parent's `max`) and keeps its subtree; `facts` adds or redeclares facts and
   `remove_facts` drops declarations; `cross_checks` are added to the base's. A rule whose
   meaning changes gets a new code (list the old one in `aliases` when it is the same rule
   renamed). Every new rule names its source, or says `inferred: true` with why.
2. `evalrules check src/$module/$year.yaml` lists every problem.
3. `evalrules diff $base src/$module/$year.yaml` shows what changed; with
   `--facts tests/facts/FILE` it shows an example district's score under both years and
   the changes behind each delta.
4. Update the expectations in `tests/cases/` that the change breaks, and add a case for
   each new rule.

## Testing

```sh
pip install -e '.[test]'
pytest
```
""")


def _readme(distribution: str, module: str, ref: str, base: str, rubric: Rubric) -> str:
    return _README.substitute(
        distribution=distribution,
        module=module,
        ref=ref,
        base=base,
        base_title=rubric.title.zh,
        year=ref.split("/")[1],
    )


_INIT = Template('''\
"""The $ref rubric for evalrules, written as its changes to $base."""

from __future__ import annotations

from pathlib import Path

from evalrules import RubricSource, Text, hookimpl, rubric_source

__all__ = ["evalrules_register_rubrics"]


@hookimpl
def evalrules_register_rubrics() -> list[RubricSource]:
    """Register ``$ref``; its file is read only when the rubric is asked for."""
    return [
        rubric_source(
            "$ref",
            Path(__file__).parent / "$year.yaml",
            title=Text($zh, $en),
        )
    ]
''')


def _init(ref: str, base: Rubric, year: int) -> str:
    zh, en = _next_title(base, year)
    return _INIT.substitute(ref=ref, base=base.ref, year=year, zh=_yaml(zh), en=_yaml(en))


def _next_title(base: Rubric, year: int) -> tuple[str, str]:
    old = str(base.year)
    return base.title.zh.replace(old, str(year)), base.title.en.replace(old, str(year))


_RUBRIC = Template("""\
# $zh, written as its changes to $base.
#
# Written by `evalrules new-year`: nothing is changed yet, so this rubric scores exactly as
# $base does. Write the year's changes below; the rubric format reference describes
# replace, remove and add (indicators by code), change (a node's own fields, such as a
# parent's max), facts (added or redeclared), remove_facts (declarations dropped) and
# cross_checks (added to the base's).

evalrules: rubric/1
extends: $base
year: $year
${data_year}version: "0.1.0"
title:
  zh: $zh_yaml
  en: $en_yaml
source:
  number: null
  title: null
  url: null
""")


def _rubric_yaml(base: Rubric, base_ref: str, year: int) -> str:
    zh, en = _next_title(base, year)
    data_year = (
        "" if base.data_year is None else f"data_year: {base.data_year + year - base.year}\n"
    )
    return _RUBRIC.substitute(
        zh=zh, base=base_ref, year=year, data_year=data_year, zh_yaml=_yaml(zh), en_yaml=_yaml(en)
    )


_CASE = Template("""\
# $name ($facts) under $ref, recorded by `evalrules new-year` from $base.
# $ref changes nothing yet, so these are $base's scores (claimed scores left out).
# When a change of the year moves a score, update it here: the cases a change breaks are
# what the change does.
rubric: $ref
base: ../facts/$facts
cases:
  - name: $case
    expect:
      total: $total
      scores: {$scores}
""")


def _case_yaml(ref: str, base_ref: str, facts_name: str, card: Scorecard) -> str:
    scores = ", ".join(
        f"{_yaml(n.code)}: {plain(n.score)}" for n in _leaves((*card.indicators, *card.bonus_items))
    )
    name = card.entity.name or card.entity.id
    return _CASE.substitute(
        name=name,
        facts=facts_name,
        ref=ref,
        base=base_ref,
        case=_yaml(f"{name} scores as under {base_ref}"),
        total=plain(card.total),
        scores=scores,
    )


_TESTS = Template('''\
"""$ref: it loads on top of $base, keeps the stock invariants, and its fixture cases
score as recorded."""

from __future__ import annotations

from pathlib import Path

import $base_module
import $module
import pytest
from hypothesis import HealthCheck, settings

import evalrules
from evalrules.testing import $names

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    # Isolated: exactly the base year's plugin and this one, whatever else is installed.
    return evalrules.Engine(plugins=[$base_module, $module], autoload=False)


def test_extends_the_base_year(engine: evalrules.Engine) -> None:
    rubric = engine.load_rubric("$ref")
    assert rubric.ref == "$ref"
    assert rubric.extends == "$base"


def test_stock_invariants(engine: evalrules.Engine) -> None:
    compiled = engine.compile(engine.load_rubric("$ref"))
    quick = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    run_invariants(compiled, settings=quick)
$cases''')

_CASE_TESTS = """

CASES = collect_cases(HERE / "cases")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(
    case: Case, engine: evalrules.Engine, evalrules_coverage: OutcomeCoverage
) -> None:
    # Recorded for `pytest --evalrules-coverage`: the rules this year adds or changes.
    run_case(case, engine, coverage=evalrules_coverage)
"""


def _tests(ref: str, base_ref: str, module: str, base_module: str, *, cases: bool) -> str:
    names = (
        "Case, OutcomeCoverage, collect_cases, run_case, run_invariants"
        if cases
        else "run_invariants"
    )
    return _TESTS.substitute(
        ref=ref,
        base=base_ref,
        module=module,
        base_module=base_module,
        names=names,
        cases=_CASE_TESTS if cases else "",
    )
