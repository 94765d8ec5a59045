"""Fixtures for the command-line tests: an in-process runner, the example, a small rubric.

The commands build their own engine with autoloading on, so these tests see the installed
``evalrules-panjin`` plugin exactly as a user's terminal does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from evalrules._cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
SEED_REPORT = REPO / "tests" / "data" / "seed" / "shuangtaizi-2023-self-evaluation.txt"
GOLDEN = REPO / "tests" / "golden"

#: A small rubric with one rule of each effect a renderer shows: a threshold deduction, a
#: veto that lowers the grade, an assessor's judgement (whose reason is free text from the
#: facts) and a bonus item. One rule has a former code (alias).
TINY_RUBRIC = """\
evalrules: rubric/1
family: tiny-county
year: 2024
version: "1.0.0"
title: {zh: 测试评价方案, en: Test rubric}
source: {number: 测试〔2024〕1号, title: 测试方案}
total: 10
precision: "0.1"
rounding: ROUND_HALF_UP
not_applicable: full
grades:
  - {code: excellent, label: {zh: 优秀, en: Excellent}, min: 9}
  - {code: good, label: {zh: 良好, en: Good}, min: 8}
  - {code: pass, label: {zh: 合格, en: Pass}, min: 6}
  - {code: fail, label: {zh: 不合格, en: Fail}}
facts:
  x.rate: {type: percent, unit: "%", description: {zh: 达标率, en: Compliance rate}}
  x.accident: {type: boolean, description: {zh: 发生重大事故, en: A major accident occurred}}
  x.judgement: {type: judgement, description: {zh: 评估人员判断, en: Assessor's judgement}}
  x.award: {type: boolean, description: {zh: 获得国家表彰, en: National award}}
indicators:
  - code: A
    title: {zh: 基本指标, en: Basics}
    max: 10
    children:
      - code: "1"
        title: {zh: 达标情况, en: Compliance}
        max: 6
        rules:
          - code: T-1-a
            kind: threshold
            name: {zh: 达标率不足, en: Rate below standard}
            params: {fact: x.rate, op: ">=", value: 90, deduct: 2}
            source: {document: 测试〔2024〕1号, clause: "1"}
            aliases: [T-1-old]
          - code: T-1-veto
            kind: veto
            name: {zh: 重大事故, en: Major accident}
            params: {when: {fact: x.accident}, effect: lower_one}
            source: {inferred: true, why: 测试用的推定规则}
      - code: "2"
        title: {zh: 酌情评价, en: Judged}
        max: 4
        rules:
          - code: T-2-a
            kind: manual
            name: {zh: 酌情扣分, en: Judgement}
            params: {fact: x.judgement}
            source: {inferred: true, why: 测试}
bonus:
  - code: B+1
    title: {zh: 加分项, en: Bonus}
    max: 1
    rules:
      - code: T-B-1
        kind: bonus
        name: {zh: 表彰, en: Award}
        params: {when: {fact: x.award}, points: 1}
        source: {inferred: true, why: 测试}
"""

#: Facts for TINY_RUBRIC: 80% (−2), an accident (veto), a judgement of −1, an award (+1).
TINY_FACTS = """\
evalrules: facts/1
entity: {id: "000001", name: 测试区}
facts:
  x: {rate: 80, accident: true, judgement: {deduct: 1, reason: 资料不全}, award: true}
claimed: {total: 10, indicators: {A: 10}}
"""

Invoke = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run ``evalrules ARGS`` in-process through click's runner; returns the result.

    Standard output and standard error are kept apart (``result.stdout``,
    ``result.stderr``). Colour, width (``COLUMNS``) and autoload settings of the calling
    shell are cleared.
    """
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("EVALRULES_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    runner = CliRunner()

    def invoke(*args: object, env: dict[str, str | None] | None = None) -> Result:
        return runner.invoke(main, [str(a) for a in args], env=env)

    return invoke


@pytest.fixture
def tiny_rubric_text() -> str:
    """The small test rubric's YAML text."""
    return TINY_RUBRIC


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    """``(rubric file, facts file)`` of the small test rubric."""
    rubric = tmp_path / "tiny.yaml"
    rubric.write_text(TINY_RUBRIC, encoding="utf-8")
    facts = tmp_path / "tiny.facts.yaml"
    facts.write_text(TINY_FACTS, encoding="utf-8")
    return rubric, facts


@pytest.fixture
def edit_example(tmp_path: Path) -> Callable[..., Path]:
    """``edit_example(old, new)``: a copy of the example facts with ``old`` replaced by ``new``.

    ``old`` must occur in the example, so an edit never silently tests the unchanged file.
    """

    def edit(old: str, new: str, name: str = "facts.yaml") -> Path:
        text = EXAMPLE.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in the example"
        path = tmp_path / name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return edit
