"""``evalrules claims``: claimed scores read from a self-assessment report, as YAML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

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
    result = run("claims", SEED_REPORT, "--rubric", PANJIN)
    assert result.exit_code == 0, result.stderr
    assert _claimed(result.stdout) == dict(evalrules.load_facts(EXAMPLE).claimed)
    assert result.stdout.rstrip().endswith("# 一致性检查:未发现问题")


def test_claims_output_merges_into_a_facts_file(run, tmp_path):
    """The printed fragment, appended to facts without claims, gives an evaluable file."""
    result = run("claims", SEED_REPORT, "--rubric", PANJIN)
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
    comments = [line for line in result.stdout.splitlines() if line.startswith("#   ")]
    assert any("[sum-mismatch] 3 " in line for line in comments), comments
    assert _claimed(result.stdout)["3.1"] == Decimal("4.6")


def test_claims_reads_a_gb18030_report(run, tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes(SEED_REPORT.read_text(encoding="utf-8").encode("gb18030"))
    result = run("claims", report, "--rubric", PANJIN)
    assert result.exit_code == 0
    assert result.stdout == run("claims", SEED_REPORT, "--rubric", PANJIN).stdout


def test_claims_to_a_file(run, tmp_path):
    target = tmp_path / "claimed.yaml"
    result = run("claims", SEED_REPORT, "--rubric", PANJIN, "-o", target)
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
    assert "GB18030" in result.stderr


def test_claims_needs_a_rubric(run):
    result = run("claims", SEED_REPORT)
    assert result.exit_code == 2
    assert "--rubric" in result.stderr
