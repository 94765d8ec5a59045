"""Certification rubrics: the verdict (达标 / 未达标) from gates and vetoes, its JSON form,
every renderer in both languages, the loader's checks, the diff, and pickling."""

from __future__ import annotations

import io
import json
import pickle
from decimal import Decimal
from pathlib import Path

import attrs
import jsonschema
import pytest
from click.testing import CliRunner

import evalrules
from evalrules import GateResult, Scorecard, Text, Verdict
from evalrules._cli import main
from evalrules._diff._compare import diff_rubrics
from evalrules.errors import RubricError

CERTIFICATION = Path(__file__).resolve().parents[1] / "data" / "certification"
RUBRIC = CERTIFICATION / "gates-2024.yaml"
TEXT = RUBRIC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(evalrules.scorecard_schema())


def _card(compiled, facts, changes=None, **kw) -> Scorecard:
    return compiled.evaluate(facts.with_facts(changes or {}), **kw)


# --------------------------------------------------------------------------- deciding


def test_every_gate_met_passes(certification, certified):
    card = _card(certification, certified)
    assert card.verdict == Verdict("passed", Text("达标", "Meets the standard"))
    assert card.verdict.passed


def test_a_gate_that_loses_points_fails_and_is_named(certification, certified):
    # B2: one meeting of the two required (shortfall), A1 (under the gate A): 80% < 85%.
    card = _card(certification, certified, {"g.meetings": 1, "g.class_size_share": 80})
    verdict = card.verdict
    assert verdict.code == "failed"
    assert verdict.label == Text("未达标", "Does not meet the standard")
    assert [(g.code, g.rule) for g in verdict.failed] == [("A", None), ("B2", None)]
    a, b2 = verdict.failed
    assert (a.score, a.max) == (Decimal("1.0"), Decimal("2"))
    assert b2.title == Text("研究教育工作", "Meetings on education")
    assert b2.reason.zh == "2023年研究教育工作1次,少于规定的2次,少1次,扣0.5分。"
    assert b2.reason.en.startswith("Meetings of the county government on education in 2023: 1")
    assert "班额不超过45人的班级占比为80%,低于85%的标准" in a.reason.zh


def test_an_item_that_is_no_gate_does_not_decide(certification, certified):
    card = _card(certification, certified, {"g.satisfaction": 70, "g.training_share": 5})
    assert card.total < card.max
    assert card.verdict.code == "passed"


def test_a_veto_fails_every_gate_met(certification, certified):
    card = _card(certification, certified, {"g.exam_admission": True})
    assert card.total == card.max
    (veto,) = card.verdict.failed
    assert card.verdict.code == "failed"
    assert (veto.code, veto.rule) == ("C1", "T-C1-veto")
    assert veto.reason == card.vetoes[0].message


def test_a_veto_on_a_certification_card_withholds_certification(engine, certification, certified):
    # A certification rubric has no grades: its veto is worded as the 办法 words it.
    card = _card(certification, certified, {"g.exam_admission": True})
    (veto,) = card.vetoes
    assert veto.message_id == "veto.not_certified"
    assert veto.message == Text(
        "存在以考试方式招生,实行一票否决,不予认定(认定结论为未达标)。",
        "Pupils admitted by examination: a veto: not certified (verdict: does not meet the "
        "standard).",
    )
    for lang, head, summary in (
        ("zh", "一票否决:不予认定", "一票否决"),
        ("en", "Veto: not certified", "Vetoes"),
    ):
        text = engine.render(card, "table", lang=lang, rubric=certification.rubric, width=200)
        assert head in text
        assert any(line.startswith(summary) for line in text.splitlines())
        for wrong in ("不合格", "最低等次", "lowest grade"):
            assert wrong not in text
    rule = next(r for _, r in certification.rubric.rules() if r.code == "T-C1-veto")
    assert certification.describe(rule) == Text(
        "存在以考试方式招生的,实行一票否决,不予认定(认定结论为未达标)。",
        "If pupils admitted by examination, a veto: not certified (verdict: does not meet "
        "the standard).",
    )


def test_a_points_rubric_veto_keeps_its_wording(engine, tmp_path, certified):
    # The same force_fail veto on a rubric without a verdict: the lowest grade, as before.
    start = TEXT.index("verdict:\n")
    end = TEXT.index("facts:\n", start)
    path = tmp_path / "points.yaml"
    path.write_text(
        TEXT[:start].replace("family: test-certification", "family: test-points") + TEXT[end:],
        encoding="utf-8",
    )
    points = engine.compile(engine.load_rubric(path))
    assert points.rubric.verdict is None
    card = points.evaluate(certified.with_facts({"g.exam_admission": True}).facts)
    (veto,) = card.vetoes
    assert veto.message_id == "veto.triggered"
    assert veto.message.zh == "存在以考试方式招生,实行一票否决,评为不合格(不影响得分)。"
    text = engine.render(card, "table", lang="zh", rubric=points.rubric, width=200)
    assert "等次调整:一票否决,定为最低等次" in text


def test_an_incomplete_card_is_undecided(certification, certified):
    card = _card(certification, certified, {"g.retention_rate": None}, partial=True)
    assert not card.complete
    verdict = card.verdict
    assert verdict.code == "undecided"
    assert verdict.label == Text("暂无法认定(数据不全)", "Undecided (facts incomplete)")
    assert verdict.failed == ()
    (item,) = verdict.undecided
    assert item.code == "B1"
    assert "g.retention_rate" in item.reason.zh


def test_a_failed_gate_decides_an_incomplete_card(certification, certified):
    changes = {"g.retention_rate": None, "g.meetings": 0}
    card = _card(certification, certified, changes, partial=True)
    assert not card.complete
    assert card.verdict.code == "failed"
    assert [g.code for g in card.verdict.failed] == ["B2"]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"g.meetings": 1},
        {"g.meetings": 0, "g.class_size_share": 10},
        {"g.exam_admission": True},
        {"g.retention_rate": None},
    ],
)
def test_scores_only_decides_as_the_explained_card(certification, certified, changes):
    full = _card(certification, certified, changes, partial=True)
    quick = _card(certification, certified, changes, partial=True, explain=False)
    assert quick.verdict.code == full.verdict.code

    def decided(verdict):
        return [(g.code, g.rule, g.score, g.max) for g in verdict.failed]

    assert decided(quick.verdict) == decided(full.verdict)
    assert [g.code for g in quick.verdict.undecided] == [g.code for g in full.verdict.undecided]


def test_a_points_rubric_has_no_verdict(compiled, example):
    card = compiled.evaluate(example)
    assert card.verdict is None
    assert "verdict" not in card.to_dict()
    assert compiled.rubric.verdict is None


# ------------------------------------------------------------------------ the JSON form

CASES = {
    "passed": ({}, False),
    "failed": ({"g.meetings": 1, "g.exam_admission": True}, False),
    "undecided": ({"g.retention_rate": None}, True),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_the_card_validates_and_round_trips(certification, certified, validator, code):
    changes, partial = CASES[code]
    card = _card(certification, certified, changes, partial=partial)
    assert card.verdict.code == code
    data = json.loads(card.to_json())
    assert list(validator.iter_errors(data)) == []
    assert data["verdict"]["code"] == code
    assert list(data)[list(data).index("grade") + 1] == "verdict"
    back = Scorecard.from_json(card.to_json())
    assert back.verdict == card.verdict
    assert back.to_json() == card.to_json()


def test_the_schema_refuses_an_unknown_verdict(certification, certified, validator):
    data = json.loads(_card(certification, certified).to_json())
    data["verdict"]["code"] = "maybe"
    assert list(validator.iter_errors(data))
    data["verdict"] = None  # what a points rubric's card may say
    assert list(validator.iter_errors(data)) == []
    assert Scorecard.from_dict(data).verdict is None


def test_values_pickle(certification, certified):
    card = _card(certification, certified, {"g.meetings": 1})
    assert pickle.loads(pickle.dumps(card)) == card
    assert hash(card.verdict) == hash(pickle.loads(pickle.dumps(card.verdict)))
    restored = pickle.loads(pickle.dumps(certification))
    again = _card(restored, certified, {"g.meetings": 1})
    assert again.verdict == card.verdict
    assert restored.rubric.verdict == certification.rubric.verdict


def test_a_plain_verdict_value_is_frozen():
    gate = GateResult("A", Text("甲", "A"), Decimal(0), Decimal(1), Text("原因", "why"))
    verdict = Verdict("failed", Text("未达标", "failed"), (gate,))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        verdict.code = "passed"  # type: ignore[misc]


# --------------------------------------------------------------------------- renderers

WORDS = {
    "zh": ("认定结论", "达标", "未达标", "未达到要求:B2 研究教育工作;存在以考试方式招生(一票否决)"),
    "en": (
        "Verdict",
        "Meets the standard",
        "Does not meet the standard",
        "not met: B2 Meetings on education; Pupils admitted by examination (a veto)",
    ),
}


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_renderer_shows_the_verdict(engine, certification, certified, fmt, lang):
    heading, passed, failed, gates = WORDS[lang]
    rubric = certification.rubric
    ok = engine.render(_card(certification, certified), fmt, lang=lang, rubric=rubric)
    bad_card = _card(certification, certified, {"g.meetings": 1, "g.exam_admission": True})
    bad = engine.render(bad_card, fmt, lang=lang, rubric=rubric, width=200)
    assert heading in ok
    assert passed in ok
    assert failed in bad
    if fmt == "markdown":
        bad = bad.replace("\\[", "[").replace("\\]", "]")
    assert gates in bad


def test_the_points_rubrics_renderers_show_no_verdict(engine, compiled, example):
    card = compiled.evaluate(example)
    for fmt in ("table", "markdown", "html"):
        for lang in ("zh", "en"):
            text = engine.render(card, fmt, lang=lang, rubric=compiled.rubric)
            assert WORDS[lang][0] not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_score_sheet_shows_the_verdict(engine, certification, certified, lang):
    openpyxl = pytest.importorskip("openpyxl")
    card = _card(certification, certified, {"g.meetings": 1})
    data = engine.render(card, "xlsx", lang=lang, rubric=certification.rubric)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    heading, _, failed, _ = WORDS[lang]
    assert heading in cells
    assert any(c.startswith(failed) and "B2" in c for c in cells)


# ---------------------------------------------------------------------- the command line


def test_the_batch_summary_has_a_verdict_column(tmp_path):
    ok = tmp_path / "ok.facts.yaml"
    bad = tmp_path / "bad.facts.yaml"
    facts = (CERTIFICATION / "example.facts.yaml").read_text(encoding="utf-8")
    facts = facts.replace("rubric: test-certification/2024\n", "")
    ok.write_text(facts, encoding="utf-8")
    bad.write_text(facts.replace("meetings: 3", "meetings: 1"), encoding="utf-8")
    for lang, heading, passed, failed in (
        ("zh", "认定结论", "达标", "未达标"),
        ("en", "Verdict", "Meets the standard", "Does not meet the standard"),
    ):
        result = CliRunner().invoke(
            main, ["evaluate", str(ok), str(bad), "--rubric", str(RUBRIC), "--lang", lang]
        )
        assert result.exit_code == 0, result.output
        header, _, first, second = result.stdout.splitlines()[:4]
        assert header.rstrip().endswith(heading)
        assert first.rstrip().endswith(passed)
        assert second.rstrip().endswith(failed)


def test_show_lists_the_gates():
    result = CliRunner().invoke(main, ["show", str(RUBRIC), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (
        "Verdict: Meets the standard / Does not meet the standard: every one must be met: "
        "A School conditions, B1 Retention, B2 Meetings on education"
    ) in result.stdout


# ------------------------------------------------------------------------- the loader


def _problems(tmp_path: Path, text: str):
    path = tmp_path / "gates.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        evalrules.Engine(autoload=False).load_rubric(path)
    return path, caught.value.problems


def test_every_problem_of_the_verdict_is_reported_at_once(tmp_path):
    text = TEXT.replace("gates: [A, B1, B2]", "gates: [A, B9, B2, A, true]").replace(
        "  fail_label: {zh: 未达标, en: Does not meet the standard}\n", "  fial_label: x\n"
    )
    _, problems = _problems(tmp_path, text)
    found = sorted((p.path, p.code) for p in problems)
    assert found == [
        ("verdict.fail_label", "missing"),
        ("verdict.fial_label", "unknown-key"),
        ("verdict.gates[1]", "unknown-code"),
        ("verdict.gates[3]", "duplicate-code"),
        ("verdict.gates[4]", "wrong-type"),
    ]
    unknown = next(p for p in problems if p.code == "unknown-code")
    assert unknown.message == "gate 'B9' is not an indicator code; did you mean 'B'?"


def test_a_verdict_needs_gates_and_a_source(tmp_path):
    text = TEXT.replace("gates: [A, B1, B2]", "gates: []").replace(
        '  source: {inferred: true, why: "Constructed for the tests: every listed indicator '
        'must be met and the veto applies."}\n',
        "",
    )
    _, problems = _problems(tmp_path, text)
    assert sorted((p.path, p.code) for p in problems) == [
        ("verdict.gates", "wrong-type"),
        ("verdict.source", "no-source"),
    ]


def test_check_locates_an_unknown_gate(tmp_path):
    path = tmp_path / "gates.yaml"
    path.write_text(TEXT.replace("gates: [A, B1, B2]", "gates: [A, B1, Z2]"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--lang", "en"])
    assert result.exit_code == 2, result.output
    before = path.read_text(encoding="utf-8").split("Z2")[0]
    line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
    (entry, *_) = [e for e in result.stdout.splitlines() if "Z2" in e]
    assert entry.startswith(f"{path}:{line}:{column}: error: ")
    assert "gate 'Z2' is not an indicator code" in entry


def test_a_bonus_item_cannot_be_a_gate(tmp_path):
    text = TEXT.replace("gates: [A, B1, B2]", "gates: [A, B1, B2, X1]") + (
        "bonus:\n"
        "  - code: X1\n"
        "    title: {zh: 加分, en: Bonus}\n"
        "    max: 1\n"
        "    rules:\n"
        "      - code: T-X1\n"
        "        kind: bonus\n"
        "        name: {zh: 加分, en: Bonus}\n"
        "        params: {when: {fact: g.exam_admission, value: false}, points: 1}\n"
        "        source: {inferred: true, why: Constructed for the tests.}\n"
    )
    _, problems = _problems(tmp_path, text)
    assert [(p.path, p.code) for p in problems] == [("verdict.gates[3]", "unknown-code")]
    assert "bonus item" in problems[0].message


# --------------------------------------------------------------------------- the diff


def test_a_change_to_the_gates_is_a_change(tmp_path, certification):
    path = tmp_path / "gates.yaml"
    path.write_text(TEXT.replace("gates: [A, B1, B2]", "gates: [A, B1]"), encoding="utf-8")
    new = evalrules.Engine(autoload=False).load_rubric(path)
    diff = diff_rubrics(certification.rubric, new)
    changes = [(c.kind, c.field, c.before, c.after) for c in diff.changes]
    assert changes == [("verdict-changed", "verdict.gates", ("A", "B1", "B2"), ("A", "B1"))]


def test_the_verdict_is_part_of_the_digest(tmp_path, certification):
    path = tmp_path / "gates.yaml"
    path.write_text(TEXT.replace("gates: [A, B1, B2]", "gates: [A, B1]"), encoding="utf-8")
    engine = evalrules.Engine(autoload=False)
    changed = engine.compile(engine.load_rubric(path))
    assert changed.info.digest != certification.info.digest


def test_the_html_class_is_a_known_code_only(engine, certification, certified):
    card = _card(certification, certified)
    odd = attrs.evolve(card, verdict=attrs.evolve(card.verdict, code='x" onload="y'))
    page = engine.render(odd, "html", rubric=certification.rubric)
    assert 'onload="y' not in page
    assert 'class="grade verdict "' in page
    assert 'class="grade verdict passed"' in engine.render(card, "html")


def test_evalrules_diff_reports_the_change(tmp_path):
    path = tmp_path / "gates.yaml"
    path.write_text(TEXT.replace("gates: [A, B1, B2]", "gates: [A, B1]"), encoding="utf-8")
    for lang, word in (("zh", "达标认定规则变化"), ("en", "verdict changed")):
        result = CliRunner().invoke(main, ["diff", str(RUBRIC), str(path), "--lang", lang])
        assert result.exit_code == 1, result.output
        assert word in result.stdout
    as_json = CliRunner().invoke(main, ["diff", str(RUBRIC), str(path), "--format", "json"])
    data = json.loads(as_json.stdout)
    schema = json.loads(
        (Path(evalrules.__file__).parent / "diff.schema.json").read_text(encoding="utf-8")
    )
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    assert [c["kind"] for c in data["changes"]] == ["verdict-changed"]


def test_gates_that_are_no_list_are_a_problem_not_a_crash(tmp_path):
    _, problems = _problems(tmp_path, TEXT.replace("gates: [A, B1, B2]", "gates: 1"))
    assert ("verdict.gates", "wrong-type") in {(p.path, p.code) for p in problems}
