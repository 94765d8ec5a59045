"""``evalrules explain`` and ``show`` of the national rubrics read in words: a derived value
by its formula over named inputs (down to the facts), a rule by the rubric's own words where
the kind's generic wording would read badly."""

from __future__ import annotations

import re

import pytest


def _flat(text: str) -> str:
    """Text without its white space: the output's wrapping undone, compared as read."""
    return re.sub(r"\s+", "", text)


def test_a_difference_reads_as_its_inputs_by_name(run):
    out = run("explain", "national-preschool/2020", "B1", env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.stderr
    flat = _flat(out.stdout)
    assert (
        _flat(
            "公办园生均公用经费与省定标准之差 = 公办园生均公用经费(或生均财政拨款)实际水平 − "
            "省定公办园生均公用经费(或生均财政拨款)标准"
        )
        in flat
    )
    assert "a − b" not in out.stdout
    assert _flat("funding.public_per_child, funding.public_per_child_standard") in flat


def test_a_share_of_sums_reads_down_to_the_table(run):
    out = run("explain", "national-preschool/2020", "C2", "--lang", "en")
    assert out.exit_code == 0, out.stderr
    flat = _flat(out.stdout)
    assert _flat("classes within the size standard ÷ classes in all kindergartens × 100%") in flat
    assert (
        _flat("Classes in all kindergartens = sum of classes over the county's kindergartens")
        in flat
    )


def test_a_coefficient_of_variation_names_its_rows_column_and_weight(run):
    out = run("explain", "national-balance/2017", "A2.6")
    assert out.exit_code == 0, out.stderr
    flat = _flat(out.stdout)
    assert _flat("差异系数:县域义务教育学校(小学)的生均教学仪器设备值,按本学段在校生数加权") in flat
    assert _flat("每行计算:生均教学仪器设备值 = 教学仪器设备值 ÷ 本学段在校生数") in flat


@pytest.mark.parametrize(
    ("ref", "code", "words"),
    [
        (
            "national-balance/2017",
            "B3",
            "要求县级义务教育学校教师平均工资收入水平不低于当地公务员平均工资收入水平",
        ),
        (
            "national-preschool/2020",
            "B1",
            "要求公办园生均公用经费(或生均财政拨款)实际水平不低于省定标准",
        ),
        ("national-preschool/2020", "B2", "要求普惠性民办园生均补助实际水平不低于省定标准"),
    ],
)
def test_a_rule_reads_in_the_rubrics_own_words(run, ref, code, words):
    explained = _flat(run("explain", ref, code).stdout)
    assert _flat(words) in explained
    assert "之差不低于0元" not in explained
    shown = _flat(run("show", ref, env={"COLUMNS": "200"}).stdout)
    assert "之差不低于0元" not in shown


def test_a_rule_description_must_be_a_text(run, tmp_path):
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "rubrics" / "national-preschool" / "2020.yaml"
    text = source.read_text(encoding="utf-8")
    bad = re.sub(
        r"            description:\n              zh: 要求普惠性民办园.*\n              en: .*\n",
        "            description: 5\n",
        text,
    )
    assert bad != text
    path = tmp_path / "2020.yaml"
    path.write_text(bad, encoding="utf-8")
    out = run("check", str(path))
    assert out.exit_code != 0
    assert "rules[0].description" in out.stdout + out.stderr
