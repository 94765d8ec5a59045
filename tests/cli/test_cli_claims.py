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
