"""Fixture-case files: reading them, running them, and how a failing case explains itself."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from evalrules.testing import (
    CaseFailure,
    CaseFormatError,
    OutcomeCoverage,
    collect_cases,
    load_cases,
    run_case,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    body = textwrap.dedent(text).replace("BASE", str(EXAMPLE))
    path.write_text(body, encoding="utf-8")
    return path


def one(tmp_path, cases, name="8.2.yaml"):
    """A case file on the Panjin rubric with the example as base; its only case."""
    path = write(
        tmp_path,
        name,
        "rubric: panjin-county/2023\nbase: BASE\ncases:\n"
        + textwrap.indent(textwrap.dedent(cases), "  "),
    )
    [case] = load_cases(path)
    return case


def failure(case, engine):
    with pytest.raises(CaseFailure) as info:
        run_case(case, engine)
    return str(info.value)


# ----------------------------------------------------------------------------- reading


def test_a_case_reads_base_changes_and_expectations(tmp_path, kit_engine):
    case = one(
        tmp_path,
        """\
        - name: below 850
          set: {funding.primary.public_funds: 8000000, kindergarten.count: null}
          expect:
            scores: {"8.2": 1.5}
            findings: [{rule: PJ-8.2-a, points: -1.5}]
        """,
    )
    assert case.id == "panjin-county/2023/8.2.yaml::below 850"
    assert str(case) == case.id
    assert case.base == EXAMPLE
    assert case.expect.scores == {"8.2": Decimal("1.5")}
    facts = case.facts()
    assert facts.facts["funding"]["primary"]["public_funds"] == 8000000
    assert "count" not in facts.facts["kindergarten"]
    assert facts.entity.id == "211102"
    card = run_case(case, kit_engine)
    assert card.node("8.2").score == Decimal("1.5")


def test_changes_reach_into_year_series_and_create_groups(tmp_path):
    case = one(
        tmp_path,
        """\
        - name: series
          set:
            fitness.good_rate.2022: 41.5
            fitness.good_rate.2020: 20
            new_group.value: 1
            missing_group.value: null
          expect: {total: 1}
        """,
    )
    facts = case.facts().facts
    assert facts["fitness"]["good_rate"] == {
        2021: Decimal("28.67"),
        2022: Decimal("41.5"),
        2020: 20,
    }
    assert facts["new_group"] == {"value": 1}
    assert "missing_group" not in facts


NATIONAL = REPO / "rubrics" / "national-balance" / "examples" / "yi-county.facts.yaml"


def test_changes_reach_into_a_table_row(tmp_path):
    path = write(
        tmp_path,
        "B1.yaml",
        f"""\
        rubric: national-balance/2017
        base: {NATIONAL}
        cases:
          - name: cells
            set: {{"schools[1].pupils": 2001, "schools[18].school_pupils": null}}
            expect: {{total: 1}}
          - name: no such row
            set: {{"schools[99].pupils": 1}}
            expect: {{total: 1}}
        """,
    )
    cells, missing = load_cases(path)
    rows = cells.facts().facts["schools"]
    assert rows[1]["pupils"] == 2001
    assert rows[1]["name"] == "城关第二小学"
    assert "school_pupils" not in rows[18]
    assert rows[19]["school_pupils"] == 2400
    with pytest.raises(CaseFormatError, match=r"schools\[99\]: there is no such row"):
        missing.facts()


def test_a_case_without_base_starts_from_nothing(tmp_path, kit_engine):
    path = write(
        tmp_path,
        "none.yaml",
        """\
        rubric: panjin-county/2023
        cases:
          - name: empty
            expect:
              error: {type: FactsError, codes: [missing]}
        """,
    )
    [case] = load_cases(path)
    assert case.facts().facts == {}
    with pytest.raises(CaseFailure, match="problem codes"):
        run_case(case, kit_engine)


def test_every_format_problem_is_reported_at_once(tmp_path):
    write(
        tmp_path,
        "a/bad.yaml",
        """\
        rubric: panjin
        base: nowhere.yaml
        colour: blue
        cases:
          - name: twice
            expect: {scores: {"1.1": one}, grades: good}
          - name: twice
            partial: maybe
            expect:
              findings: [{rul: PJ-1.1-a, points: "1"}, 3]
              outcomes: [[PJ-1.1-a]]
              error: {paths: [x]}
          - expect: {}
        """,
    )
    write(tmp_path, "b/empty.yaml", "rubric: panjin-county/2023\ncases: []\n")
    write(tmp_path, "c/broken.yaml", "rubric: [\n")
    with pytest.raises(CaseFormatError) as info:
        collect_cases(tmp_path)
    problems = info.value.problems
    text = "\n".join(problems)
    for expected in (
        "bad.yaml: rubric: a rubric reference such as panjin-county/2023 is required",
        "bad.yaml: base: no such file:",
        "bad.yaml: unknown key 'colour'",
        "case 'twice'.expect.scores.1.1: must be a number, got 'one'",
        "case 'twice'.expect: unknown key 'grades'",
        "case 'twice': the name is used twice in this file",
        "case 'twice'.partial: must be true or false",
        "case 'twice'.expect.findings[0]: unknown key 'rul'",
        "case 'twice'.expect.findings[0]: a finding needs a rule or an indicator",
        "case 'twice'.expect.findings[0].points: must be a number, got '1'",
        "case 'twice'.expect.findings[1]: a finding must be a mapping",
        "case 'twice'.expect.outcomes: must be a list of [rule, outcome] pairs",
        "case 'twice'.expect.error.type: an exception class name is required",
        "cases[2]: a case needs a name",
        "empty.yaml: cases: a non-empty list of cases is required",
        "broken.yaml: cannot be read",
    ):
        assert expected in text, expected
    assert "case files have" in str(info.value)


def test_error_excludes_other_expectations(tmp_path):
    path = write(
        tmp_path,
        "x.yaml",
        """\
        rubric: panjin-county/2023
        cases:
          - name: both
            expect: {error: {type: FactsError}, total: 1}
        """,
    )
    with pytest.raises(CaseFormatError, match="error replaces every other expectation"):
        load_cases(path)


def test_cases_are_collected_in_natural_order(tmp_path):
    for name in ("10.1.yaml", "2.1.yaml", "1.2.yaml"):
        write(
            tmp_path,
            f"panjin-county/2023/{name}",
            "rubric: panjin-county/2023\ncases:\n  - {name: x, expect: {total: 1}}\n",
        )
    assert [c.file.name for c in collect_cases(tmp_path)] == ["1.2.yaml", "2.1.yaml", "10.1.yaml"]


# ----------------------------------------------------------------------------- running


def test_a_wrong_score_and_finding_are_explained(tmp_path, kit_engine):
    case = one(
        tmp_path,
        """\
        - name: wrong
          set: {funding.primary.public_funds: 8000000}
          expect:
            scores: {"8.2": 2}
            findings: [{rule: PJ-8.2-a, points: -1, outcome: missed}]
            total: 95
            grade: good
            base_grade: good
        """,
    )
    message = failure(case, kit_engine)
    assert "case panjin-county/2023/8.2.yaml::wrong failed / 用例未通过:" in message
    assert "  - 8.2 scores 1.5, expected 2" in message
    assert "  - expected finding {rule: PJ-8.2-a, points: -1, outcome: missed} not found" in message
    assert "  - unexpected finding [PJ-8.2-a] deduction -1.5 (missed)" in message
    assert "  - total 97.1, expected 95" in message
    assert "  - grade 'excellent', expected 'good'" in message
    assert "  - grade before vetoes 'excellent', expected 'good'" in message
    assert "8.2 义务教育生均公用经费补助达标情况: 1.5/3 (scored)" in message


def test_the_findings_of_an_item_are_exact(tmp_path, kit_engine):
    case = one(
        tmp_path,
        """\
        - name: one of two
          set: {funding.primary.public_funds: 8000000, pupils.junior: 6000}
          expect:
            findings: [{rule: PJ-8.2-a, points: -1.5}]
        """,
    )
    assert "unexpected finding [PJ-8.2-b] deduction -1.5 (missed)" in failure(case, kit_engine)


def test_outcomes_no_findings_and_unknown_codes(tmp_path, kit_engine):
    case = one(
        tmp_path,
        """\
        - name: outcomes
          expect:
            scores: {"99": 1}
            outcomes: [[PJ-8.2-a, missed], [PJ-4.1-a, full]]
            no_findings_for: ["3.1", "PJ-3.1-a"]
            findings: [{rule: PJ-99, points: 0}]
        """,
    )
    message = failure(case, kit_engine)
    assert "no node 99 in the scorecard" in message
    assert "rule PJ-8.2-a reported ['met'], expected ['missed']" in message
    assert "rule PJ-4.1-a reported nothing (the rule did not run), expected ['full']" in message
    assert "3.1 has 1 finding(s), expected none" in message
    assert "PJ-3.1-a has 1 finding(s), expected none" in message
    assert "names rule PJ-99, not in the rubric" in message


def test_expected_errors(tmp_path, kit_engine):
    good = one(
        tmp_path,
        """\
        - name: no pupils
          set: {pupils.primary: null}
          expect: {error: {type: FactsError, paths: [pupils.primary], codes: [missing]}}
        """,
    )
    assert run_case(good, kit_engine) is None
    base_class = one(
        tmp_path,
        """\
        - name: any evalrules error
          set: {pupils.primary: null}
          expect: {error: {type: ValueError}}
        """,
        name="b.yaml",
    )
    assert run_case(base_class, kit_engine) is None
    wrong_paths = one(
        tmp_path,
        """\
        - name: wrong path
          set: {pupils.primary: null}
          expect: {error: {type: FactsError, paths: [pupils.junior]}}
        """,
        name="c.yaml",
    )
    message = failure(wrong_paths, kit_engine)
    assert "problems at ['pupils.primary'], expected at ['pupils.junior']" in message
    assert "the error was / 实际错误:" in message
    wrong_type = one(
        tmp_path,
        """\
        - name: wrong type
          set: {pupils.primary: null}
          expect: {error: {type: RubricError}}
        """,
        name="d.yaml",
    )
    assert "expected RubricError, got FactsError" in failure(wrong_type, kit_engine)
    no_error = one(
        tmp_path,
        """\
        - name: no error
          expect: {error: {type: FactsError}}
        """,
        name="e.yaml",
    )
    assert "expected FactsError, but the facts evaluated" in failure(no_error, kit_engine)
    unexpected = one(
        tmp_path,
        """\
        - name: unexpected error
          set: {pupils.primary: null}
          expect: {total: 1}
        """,
        name="f.yaml",
    )
    assert "evaluation raised FactsError" in failure(unexpected, kit_engine)


def test_partial_cases_and_coverage(tmp_path, kit_engine):
    case = one(
        tmp_path,
        """\
        - name: partial
          set: {ratings.fitness: null}
          partial: true
          expect:
            scores: {"3.1": 0}
            findings: [{indicator: "3.1", kind: not_assessable, points: -5}]
        """,
    )
    coverage = OutcomeCoverage()
    card = run_case(case, kit_engine, coverage=coverage)
    assert card.complete is False
    panjin = coverage.rubric("panjin-county/2023")
    assert panjin.scorecards == 1
    assert ("PJ-11-b", "met") in panjin.fired
    assert ("PJ-3.1-a", "full") in panjin.missing


def test_a_scorecard_breaking_an_invariant_fails_its_case(tmp_path):
    import attrs

    import evalrules
    import evalrules_panjin

    class Inflate:
        @staticmethod
        @evalrules.hookimpl(wrapper=True)
        def evalrules_modify_scorecard(scorecard, rubric):
            card = yield
            return attrs.evolve(card, total=card.total + 1)

    engine = evalrules.Engine(plugins=[evalrules_panjin, Inflate()], autoload=False)
    case = one(tmp_path, '- name: plain\n  expect: {scores: {"8.2": 3}}\n')
    assert "[totals]: total 99.6 is not base total 98.6 + bonus 0" in failure(case, engine)


def test_the_repository_cases_load(kit_engine):
    cases = collect_cases(REPO / "tests" / "rubrics")
    files = {c.file: c.rubric for c in cases}
    per_rubric = {ref: list(files.values()).count(ref) for ref in set(files.values())}
    assert per_rubric == {
        "panjin-county/2023": 31,
        "national-balance/2017": 15,
        "national-preschool/2020": 12,
    }
    assert len({c.id for c in cases}) == len(cases)


# ----------------------------------------------------------------- certification rubrics

CERTIFICATION = REPO / "tests" / "data" / "certification"


def test_a_case_expects_a_verdict_and_its_failed_gates(tmp_path, kit_engine):
    path = write(
        tmp_path,
        "B2.yaml",
        f"""\
        rubric: {CERTIFICATION / "gates-2024.yaml"}
        base: {CERTIFICATION / "example.facts.yaml"}
        cases:
          - name: one meeting and a pupil admitted by examination
            set: {{g.meetings: 1, g.exam_admission: true}}
            expect: {{verdict: failed, failed_gates: [B2, T-C1-veto]}}
          - name: every gate met
            expect: {{verdict: passed, failed_gates: []}}
          - name: wrongly expected
            set: {{g.meetings: 0}}
            expect: {{verdict: passed, failed_gates: [B1]}}
        """,
    )
    failing, passing, wrong = load_cases(path)
    assert failing.expect.verdict == "failed"
    assert failing.expect.failed_gates == ("B2", "T-C1-veto")
    assert run_case(failing, kit_engine).verdict.code == "failed"
    assert run_case(passing, kit_engine).verdict.code == "passed"
    text = failure(wrong, kit_engine)
    assert "verdict 'failed', expected 'passed'" in text
    assert "failed gates ['B2'], expected ['B1']" in text


def test_a_verdict_expectation_is_checked_when_read(tmp_path):
    path = write(
        tmp_path,
        "x.yaml",
        """\
        rubric: panjin-county/2023
        cases:
          - name: bad
            expect: {verdict: maybe, failed_gates: B2}
        """,
    )
    with pytest.raises(CaseFormatError) as info:
        load_cases(path)
    text = str(info.value)
    assert "verdict: must be one of passed, failed, undecided, got 'maybe'" in text
    assert "failed_gates: must be a list of gate (or veto rule) codes" in text


def test_a_points_rubric_has_no_verdict_to_expect(tmp_path, kit_engine):
    case = one(tmp_path, "- name: no verdict\n  expect: {verdict: passed}\n")
    assert "no verdict (the rubric has no verdict section)" in failure(case, kit_engine)
