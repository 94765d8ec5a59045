"""Hostile rubric files: every refusal a RubricError listing every problem, never an
internal error, and nothing a template or a number can make expensive."""

from __future__ import annotations

from decimal import Decimal

import _rubrics as R
import pytest

from evalrules.errors import RubricError


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("total", "1.0e+99999999"),
        ("precision", "1.0e-999999"),
        ("precision", '"1e-999999"'),
        ("total", "1" * 5000),
        ("total", '"' + "1" * 5000 + '"'),
    ],
    ids=["total-exponent", "precision-exponent", "precision-text", "total-digits", "total-text"],
)
def test_numbers_beyond_the_limits_in_a_rubric_are_problems(tmp_path, key, value):
    doc = R.minimal()
    doc[key] = "PLACEHOLDER"
    text = R.dump(doc).replace("PLACEHOLDER", value)
    found = R.problems(tmp_path, text)
    assert any(p.code == "number-limit" for p in found), found


@pytest.mark.parametrize(
    "template",
    ["扣{分", "扣}分", "{points:d}", "{points:%}", "{points!r}", "{points:>3000000}", "{}", "{0}"],
)
def test_a_bad_message_template_is_listed_with_the_rubric_s_other_problems(tmp_path, template):
    doc = R.minimal()
    doc["indicators"][0]["children"][0]["rules"][0]["message"] = R.text(template, "lost {points}")
    doc["rounding"] = "ROUND_SIDEWAYS"  # another problem, which must be listed as well
    found = R.problems(tmp_path, doc)
    codes = {p.code for p in found}
    assert {"bad-message", "bad-rounding"} <= codes, found


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # 28 digits: within the limit, and not a multiple of 0.1 however closely it looks
        ("10.00000000000000000000000001", "max-precision"),
        # 30 digits (was rounded to 5 at 28 digits and passed): beyond the digit limit
        ("5.00000000000000000000000000001", "number-limit"),
    ],
)
def test_precision_is_checked_exactly(tmp_path, value, code):
    doc = R.minimal()
    doc["indicators"][0]["max"] = Decimal(value)
    doc["indicators"][0]["children"][0]["max"] = Decimal(value)
    doc["total"] = Decimal(value)
    found = R.problems(tmp_path, doc)
    assert code in {p.code for p in found}


def test_the_minimal_rubric_still_loads(tmp_path):
    R.load(tmp_path, R.minimal())
    with pytest.raises(RubricError):
        R.load(tmp_path, {**R.minimal(), "total": 11})
