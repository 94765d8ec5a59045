"""``evalrules claims``: claimed scores read from a self-assessment report."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from _reports import docx_report, pdf_report

import evalrules

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
SEED_REPORT = REPO / "tests" / "data" / "seed" / "shuangtaizi-2023-self-evaluation.txt"
PANJIN = "panjin-county/2023"


def _claimed(yaml_text: str) -> dict[str, Decimal]:
    data = yaml.safe_load(yaml_text)["claimed"]
    out = {str(code): Decimal(str(v)) for code, v in data["indicators"].items()}
    out["total"] = Decimal(str(data["total"]))
    return out


def test_claims_of_the_seed_report_are_the_example_facts_claims(run):
    result = run("claims", SEED_REPORT, "--rubric", PANJIN, "--format", "facts")
    assert result.exit_code == 0, result.stderr
    assert _claimed(result.stdout) == dict(evalrules.load_facts(EXAMPLE).claimed)
    assert result.stdout.rstrip().endswith("# 一致性检查:未发现问题")


def test_claims_output_merges_into_a_facts_file(run, tmp_path):
    """The printed fragment, appended to facts without claims, gives an evaluable file."""
    result = run("claims", SEED_REPORT, "--rubric", PANJIN, "--format", "facts")
    facts = EXAMPLE.read_text(encoding="utf-8")
    facts = facts[: facts.index("claimed:")] + result.stdout
    path = tmp_path / "facts.yaml"
    path.write_text(facts, encoding="utf-8")
    assert run("evaluate", path).exit_code == 0


def test_claims_lists_inconsistencies_as_comments(run, tmp_path):
    text = SEED_REPORT.read_text(encoding="utf-8")
    old = "(1)体质健康指标评分情况。(5分,自评分4.8分)"
    assert old in text
    report = tmp_path / "report.txt"
    report.write_text(text.replace(old, old.replace("4.8分", "4.6分")), encoding="utf-8")
    result = run("claims", report, "--rubric", PANJIN, "--lang", "en")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    # the table ends with every inconsistency found, one a line, after a count
    assert lines[lines.index("consistency checks: 1") :] == [
        "consistency checks: 1",
        "  [sum-mismatch] 3 claims 14 but its children's claims add up to 13.8 (4.6+4.7+4.5)",
    ]
    facts = run("claims", report, "--rubric", PANJIN, "--format", "facts")
    assert _claimed(facts.stdout)["3.1"] == Decimal("4.6")


def test_claims_reads_a_gb18030_report(run, tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes(SEED_REPORT.read_text(encoding="utf-8").encode("gb18030"))
    result = run("claims", report, "--rubric", PANJIN, "--format", "facts")
    assert result.exit_code == 0
    assert (
        result.stdout == run("claims", SEED_REPORT, "--rubric", PANJIN, "--format", "facts").stdout
    )


def test_claims_to_a_file(run, tmp_path):
    target = tmp_path / "claimed.yaml"
    result = run("claims", SEED_REPORT, "--rubric", PANJIN, "--format", "facts", "-o", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert _claimed(target.read_text(encoding="utf-8"))["total"] == Decimal("98.6")


def test_claims_of_a_missing_report(run, tmp_path):
    result = run("claims", tmp_path / "absent.txt", "--rubric", PANJIN)
    assert result.exit_code == 2
    assert "absent.txt" in result.stderr
    assert "Traceback" not in result.stderr


def test_claims_of_a_report_without_scores(run, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("双台子区工作总结\n今年工作顺利。\n", encoding="utf-8")
    result = run("claims", report, "--rubric", PANJIN)
    assert result.exit_code == 2
    assert "no claimed score found" in result.stderr
    assert result.stdout == ""


def test_claims_of_undecodable_bytes(run, tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes(b"\xff\xfe\x00\x81\x30\x81\x30\xff" * 4)
    result = run("claims", report, "--rubric", PANJIN)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_claims_without_a_rubric_as_json(run):
    result = run("claims", SEED_REPORT, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout, parse_float=Decimal)
    assert len(data["claims"]) == 42
    assert data["total"]["claimed"] == Decimal("98.6")
    assert data["total"]["masked"] is False
    assert data["problems"] == []
    first = data["claims"][0]
    assert {k: first[k] for k in ("number", "title", "level", "max", "claimed", "line")} == {
        "number": "(一)", "title": "党的领导与依法治教", "level": 1, "max": 63,
        "claimed": Decimal("61.6"), "line": 9,
    }  # fmt: skip
    assert (first["code"], first["confidence"]) == (None, None)


def test_claims_with_a_rubric_as_yaml_shows_codes_and_confidence(run):
    result = run("claims", SEED_REPORT, "--rubric", PANJIN, "--format", "yaml")
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    assert [c["code"] for c in data["claims"]][:3] == ["A", "1", "1.1"]
    assert {c["confidence"] for c in data["claims"]} == {1.0}
    assert data["unmapped"] == []


def test_claims_table_is_the_default(run):
    result = run("claims", SEED_REPORT)
    assert result.exit_code == 0
    assert "自评总分: 98.6" in result.stdout
    assert result.stdout.rstrip().endswith("一致性检查:未发现问题")


def test_claims_facts_format_needs_a_rubric(run):
    result = run("claims", SEED_REPORT, "--format", "facts")
    assert result.exit_code == 2
    assert "--rubric" in result.stderr


def test_claims_reads_docx_and_pdf(run, tmp_path):
    for name, data in (("r.docx", docx_report()), ("r.pdf", pdf_report())):
        path = tmp_path / name
        path.write_bytes(data)
        result = run("claims", path, "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["total"]["claimed"] == 18.5


def test_claims_bad_input_is_exit_2_without_a_traceback(run, tmp_path):
    cases = {
        "junk.txt": bytes(range(256)) * 16,
        "report.docx": b"not a zip at all",
        "locked.pdf": pdf_report(password="secret"),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = run("claims", path)
        assert result.exit_code == 2, (name, result.output)
        assert "Traceback" not in result.stderr
        assert "cannot read the report" in result.stderr


#: A constructed next-year rubric, written as changes to 2023: item 9.2 is dropped and a
#: school-bullying item added under 9 (``{code}``: a new code, or 9.2 reused).
NEXT_YEAR = """\
evalrules: rubric/1
extends: panjin-county/2023
year: 2024
data_year: 2023
version: "1.0.0"
title: {{zh: 构造的下一年度评价方案(测试用), en: A constructed next-year rubric (test data)}}
source: {{number: null, title: 构造数据, url: null}}
facts:
  bullying.cases: {{type: count, description: {{zh: 校园欺凌事件数, en: Bullying cases}}}}
  petitions.to_province_or_beijing:
    type: count
    required: false
    description: {{zh: 来省进京上访数, en: Petitions to the province or Beijing}}
remove: ["9.2"]
add:
  "9":
    - code: "{code}"
      title: {{zh: 预防中小学生欺凌工作情况, en: Preventing bullying}}
      max: 2
      rules:
        - code: PJ-X-a
          kind: per_incident
          name: {{zh: 发生校园欺凌, en: Bullying}}
          params: {{fact: bullying.cases, deduct_each: 1}}
          source: {{inferred: true, why: Constructed for a test.}}
"""


def _next_year(tmp_path, code):
    path = tmp_path / f"next-{code}.yaml"
    path.write_text(NEXT_YEAR.format(code=code), encoding="utf-8")
    return path


def test_a_dropped_item_is_unmapped_not_moved_onto_the_new_code(run, tmp_path):
    result = run("claims", SEED_REPORT, "--rubric", _next_year(tmp_path, "9.3"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    petition = next(c for c in data["claims"] if c["title"] == "来省进京上访情况")
    assert (petition["code"], petition["confidence"]) == (None, None)
    assert [(u["number"], u["title"], u["reason"]) for u in data["unmapped"]] == [
        ("(2)", "来省进京上访情况", "no-match")
    ]
    assert [(p["kind"], p["code"]) for p in data["problems"]] == [("missing", "9.3")]


def test_a_reused_code_mapped_by_position_alone_is_a_problem(run, tmp_path):
    result = run("claims", SEED_REPORT, "--rubric", _next_year(tmp_path, "9.2"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    petition = next(c for c in data["claims"] if c["title"] == "来省进京上访情况")
    assert (petition["code"], petition["confidence"]) == ("9.2", 0.5)
    assert [(p["kind"], p["code"], p["line"]) for p in data["problems"]] == [
        ("by-number-only", "9.2", petition["line"])
    ]
    table = run("claims", SEED_REPORT, "--rubric", _next_year(tmp_path, "9.2"))
    assert "[by-number-only]" in table.stdout
    assert "仅按编号位置对应到 9.2“预防中小学生欺凌工作情况”" in table.stdout


def test_a_text_pdf_wrapped_at_its_page_width_gives_the_seed_s_42_headings(run, tmp_path):
    import unicodedata

    lines = []
    for paragraph in SEED_REPORT.read_text(encoding="utf-8").split("\n"):
        current, used = "", 0
        for ch in paragraph:
            width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if used + width > 76:
                lines.append(current)
                current, used = "", 0
            current, used = current + ch, used + width
        lines.append(current)
    path = tmp_path / "seed.pdf"
    path.write_bytes(pdf_report(lines, per_page=40))
    result = run("claims", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["claims"]) == 42
    assert all(c["max"] is not None and c["claimed"] is not None for c in data["claims"])
    assert data["total"]["claimed"] == 98.6
    assert data["problems"] == []
