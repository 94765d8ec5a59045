"""Every coefficient of variation of the example counties, recomputed by hand from the table.

The arithmetic here is the test's own (``decimal`` at 50 digits and, as a cross-check, plain
floats), straight from 教督〔2017〕6号: X̄ = Σ PᵢXᵢ / P, S = √(Σ (Pᵢ/P)(Xᵢ − X̄)²), CV = S / X̄,
with Pᵢ a school's pupils of the stage. The rows counted are chosen here too (teaching points
under 50 pupils and special-education schools left out), from the raw YAML of the example.
The card's evidence (value, X̄, S, n, P) must agree to the six decimal places the library keeps.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from pathlib import Path

import pytest
import yaml

import evalrules
import evalrules_national

REPO = Path(__file__).resolve().parents[4]
RUBRIC = REPO / "rubrics" / "national-balance" / "2017.yaml"
EXAMPLES = REPO / "rubrics" / "national-balance" / "examples"
COUNTIES = ["jia-county", "yi-county"]
LIMITS = {"primary": Decimal("0.50"), "junior": Decimal("0.45")}
PLACES = Decimal("0.000001")
WIDE = Context(prec=50)

#: Indicator → (numerator column, scale): value = numerator ÷ pupils × scale.
INDICATORS = {
    "qualified_per_100": ("qualified_teachers", 100),
    "backbone_per_100": ("backbone_teachers", 100),
    "pe_arts_per_100": ("pe_arts_teachers", 100),
    "space_per_pupil": ("teaching_space", 1),
    "sports_per_pupil": ("sports_area", 1),
    "equipment_per_pupil": ("equipment_value", 1),
    "multimedia_per_100": ("multimedia_classrooms", 100),
}
#: The CV items of the rubric: A2.1–A2.7 primary, A3.1–A3.7 junior, in this order.
ITEMS = {
    (stage, name): f"{'A2' if stage == 'primary' else 'A3'}.{i}"
    for stage in ("primary", "junior")
    for i, name in enumerate(INDICATORS, 1)
}


def _rows(county: str) -> list[dict]:
    data = yaml.safe_load((EXAMPLES / f"{county}.facts.yaml").read_text(encoding="utf-8"))
    return data["facts"]["schools"]


def _counted(rows: list[dict], stage: str) -> list[dict]:
    return [
        r
        for r in rows
        if r["stage"] == stage
        and r["category"] != "special"
        and not (r["category"] == "teaching_point" and r["pupils"] < 50)
    ]


def _by_hand(rows: list[dict], stage: str, name: str) -> dict[str, Decimal]:
    """X̄, S and CV in decimal arithmetic at 50 digits, every step written out."""
    column, scale = INDICATORS[name]
    with localcontext(WIDE):
        pairs = [
            (Decimal(r["pupils"]), Decimal(str(r[column])) * scale / Decimal(r["pupils"]))
            for r in _counted(rows, stage)
        ]
        total = sum(p for p, _ in pairs)
        mean = sum(p * x for p, x in pairs) / total
        sd = sum(p / total * (x - mean) * (x - mean) for p, x in pairs).sqrt()
        return {"mean": mean, "sd": sd, "cv": sd / mean, "n": len(pairs), "P": total}


def _in_floats(rows: list[dict], stage: str, name: str) -> float:
    column, scale = INDICATORS[name]
    pairs = [(r["pupils"], float(r[column]) * scale / r["pupils"]) for r in _counted(rows, stage)]
    total = math.fsum(p for p, _ in pairs)
    mean = math.fsum(p * x for p, x in pairs) / total
    sd = math.sqrt(math.fsum(p / total * (x - mean) ** 2 for p, x in pairs))
    return sd / mean


def _six(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_EVEN)


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_national], autoload=False)


@pytest.fixture(scope="module")
def every_cv_reported(engine, tmp_path_factory) -> evalrules.CompiledRubric:
    """The rubric with each CV limit at 0: every CV rule misses and shows its evidence."""
    text = RUBRIC.read_text(encoding="utf-8")
    text, count = re.subn(
        r'(params: \{fact: derived\.cv\.\w+\.\w+, op: "<=", value: )0\.\d+\}', r"\g<1>0}", text
    )
    assert count == 14
    path = tmp_path_factory.mktemp("cv") / "2017.yaml"
    path.write_text(text, encoding="utf-8")
    return engine.compile(engine.load_rubric(path))


def _evidence(card: evalrules.Scorecard, item: str) -> evalrules.DerivedValue:
    (finding,) = [f for f in card.findings if f.indicator == item]
    (derived,) = finding.evidence.derived
    return derived


@pytest.mark.parametrize("county", COUNTIES)
def test_every_cv_on_the_card_is_the_one_computed_by_hand(engine, every_cv_reported, county):
    rows = _rows(county)
    card = every_cv_reported.evaluate(engine.load_facts(EXAMPLES / f"{county}.facts.yaml"))
    compared = 0
    for (stage, name), item in ITEMS.items():
        hand = _by_hand(rows, stage, name)
        assert abs(float(hand["cv"]) - _in_floats(rows, stage, name)) < 1e-9
        derived = _evidence(card, item)
        assert derived.path == f"derived.cv.{stage}.{name}"
        breakdown = dict(derived.breakdown)
        assert derived.value == _six(hand["cv"]), (item, derived.value, hand["cv"])
        assert breakdown["mean"] == _six(hand["mean"]), item
        assert breakdown["sd"] == _six(hand["sd"]), item
        assert breakdown["n"] == hand["n"], item
        assert breakdown["weight_total"] == hand["P"], item
        compared += 1
    assert compared == 14


@pytest.mark.parametrize("county", COUNTIES)
def test_each_cv_item_passes_exactly_when_the_hand_cv_is_within_its_limit(engine, county):
    rows = _rows(county)
    compiled = engine.compile(engine.load_rubric("national-balance/2017"))
    card = compiled.evaluate(engine.load_facts(EXAMPLES / f"{county}.facts.yaml"))
    for (stage, name), item in ITEMS.items():
        hand = _six(_by_hand(rows, stage, name)["cv"])
        expected = Decimal(1) if hand <= LIMITS[stage] else Decimal(0)
        assert card.node(item).score == expected, (county, item, hand)


def test_the_example_has_a_cv_above_its_limit_and_the_rest_within():
    rows = _rows("jia-county")
    over = sorted(
        ITEMS[stage, name]
        for stage, name in ITEMS
        if _six(_by_hand(rows, stage, name)["cv"]) > LIMITS[stage]
    )
    assert over == ["A2.5"]
    assert _six(_by_hand(rows, "primary", "sports_per_pupil")["cv"]) == Decimal("0.597697")


def test_the_left_out_rows_would_change_the_cvs():
    # Counting the teaching point of 38 pupils and the special school moves every primary CV:
    # the exclusions are not a formality.
    rows = _rows("jia-county")
    for name in INDICATORS:
        kept = _by_hand(rows, "primary", name)
        everything = [dict(r, category="primary") for r in rows]
        assert _by_hand(everything, "primary", name)["cv"] != kept["cv"]
        assert _by_hand(everything, "primary", name)["n"] == kept["n"] + 2


@pytest.mark.parametrize("county", COUNTIES)
def test_the_card_lists_every_cv_with_its_mean_and_sd_whether_or_not_it_passes(engine, county):
    # The real rubric: 乙县 passes every CV, so no finding carries one; the card still shows
    # each, with what it rests on, in the rubric's order.
    rows = _rows(county)
    compiled = engine.compile(engine.load_rubric("national-balance/2017"))
    card = compiled.evaluate(engine.load_facts(EXAMPLES / f"{county}.facts.yaml"))
    cvs = [a for a in card.aggregates if a.formula == "cv"]
    assert [a.path for a in cvs] == [f"derived.cv.{stage}.{name}" for stage, name in ITEMS]
    for aggregate, (stage, name) in zip(cvs, ITEMS, strict=True):
        hand = _by_hand(rows, stage, name)
        breakdown = dict(aggregate.breakdown)
        assert aggregate.value == _six(hand["cv"])
        assert (breakdown["mean"], breakdown["sd"]) == (_six(hand["mean"]), _six(hand["sd"]))
        assert aggregate.description is not None
        assert aggregate.description.zh.endswith("差异系数")
    assert (
        compiled.evaluate(
            engine.load_facts(EXAMPLES / f"{county}.facts.yaml"), explain=False
        ).aggregates
        == ()
    )
    # through JSON and back, and in every text renderer, without the rubric at hand
    assert evalrules.Scorecard.from_json(card.to_json()) == card
    a25 = dict(cvs[4].breakdown)
    for name in ("table", "markdown", "html"):
        for lang in ("zh", "en"):
            out = engine.render(card, name, lang=lang)
            assert isinstance(out, str)
            heading = (
                "按学校数据计算的指标值"
                if lang == "zh"
                else "Values computed from the school records"
            )
            assert heading in out, (name, lang)
            # a card reads the CV with three decimals, X̄ and S rounded for reading (the
            # JSON keeps them exact, above)
            out = " ".join(out.split())  # a table wraps its lines
            assert f"CV ≈ {cvs[4].value.quantize(Decimal('0.001'))}" in out, (name, lang)
            for mark, value in (("X̄", a25["mean"]), ("S", a25["sd"])):
                shown = [Decimal(m) for m in re.findall(rf"{mark} [≈=] ([0-9.]+)", out)]
                assert any(abs(m - value) <= Decimal("0.005") for m in shown), (name, lang)


def test_a_rubric_without_tables_writes_no_aggregates(engine):
    panjin = evalrules.Engine()
    compiled = panjin.compile(panjin.load_rubric("panjin-county/2023"))
    example = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
    card = compiled.evaluate(panjin.load_facts(example))
    assert card.aggregates == ()
    assert "aggregates" not in card.to_dict()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_score_sheet_workbook_has_a_sheet_of_the_computed_values(engine, lang):
    import io

    openpyxl = pytest.importorskip("openpyxl")
    compiled = engine.compile(engine.load_rubric("national-balance/2017"))
    card = compiled.evaluate(engine.load_facts(EXAMPLES / "yi-county.facts.yaml"))
    workbook = openpyxl.load_workbook(io.BytesIO(engine.render(card, "xlsx", lang=lang)))
    assert len(workbook.worksheets) == 2
    rows = list(workbook.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert [r[3] for r in rows] == [a.path for a in card.aggregates]
    assert [Decimal(str(r[1])) for r in rows] == [a.value for a in card.aggregates]
    mean = dict(card.aggregates[0].breakdown)["mean"]
    assert f"X̄ ≈ {mean.quantize(Decimal('0.01'))}" in rows[0][2]
