"""Evaluate the bundled 双台子区 2023 example: its claims, and what rests on inference."""

from pathlib import Path

import evalrules

engine = evalrules.Engine()  # finds the installed rubric plugins
rubric = engine.load_rubric("panjin-county/2023")
compiled = engine.compile(rubric)  # once; then evaluate as many fact sets as you like

facts = engine.load_facts(Path("rubrics/panjin-county/examples/shuangtaizi-2023.facts.yaml"))
card = compiled.evaluate(facts)  # raises FactsError listing every problem, if there are any

print(card.entity.name, card.total, card.grade.label.zh)
for finding in card.findings_for("11"):
    print(finding.rule, finding.points, finding.message.zh)
    for derived in finding.evidence.derived:
        print("   ", derived.path, "=", derived.value, "from", dict(derived.inputs))
for claim in card.claimed or ():
    if not claim.agrees:
        print(claim.code, "claimed", claim.claimed, "computed", claim.computed)
for case in compiled.sensitivity(facts, card).sensitivity or ():
    print(case.indicator, case.rule, "would score", case.alternative_score, "total", case.total)

Path("card.html").write_text(engine.render(card, "html"), encoding="utf-8")
Path("card.json").write_text(card.to_json(), encoding="utf-8")
