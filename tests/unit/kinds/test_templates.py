"""Message templates are checked when they are met: a rubric's ``message:`` when the rubric
loads, a kind's own templates when the engine registers it, the fields a kind passes when it
reports. Templates name fields, nothing more, so no card ever shows a bare ``{field}``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from _rubrics import engine, fact, minimal, nest, problems, rule, single, write
from click.testing import CliRunner

from evalrules import RuleContext, Text, hookimpl, rule_kind
from evalrules._cli import main
from evalrules.errors import PluginLoadError, RubricError, RuleEvaluationError


def _reworded(zh: str, en: str = "−{points}", **params: Any) -> dict[str, Any]:
    """The minimal rubric (threshold on ``x.value``), its rule reworded by ``message:``."""
    doc = minimal()
    r = doc["indicators"][0]["children"][0]["rules"][0]
    r["params"].update({"deduct": Decimal("0.4"), **params})
    r["message"] = {"zh": zh, "en": en}
    return doc


def _message_problems(tmp_path, doc):
    found = problems(tmp_path, doc)
    assert {p.code for p in found} == {"bad-message"}, found
    for p in found:
        assert (p.indicator, p.rule) == ("1", "R-1"), p
    return found


# ----------------------------------------------------------- a rubric's message override


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("扣{points:d}分", "has a format spec (:d)"),  # passed check, then exit 3
        ("扣{points:%}分", "has a format spec (:%)"),
        ("扣{points!r}分", "has a conversion (!r)"),  # printed 扣'0.4'分
        ("扣{points:>3000000}分", "has a format spec (:>3000000)"),  # a 30 MB scorecard
        ("扣{分", "unbalanced braces"),  # an internal error
        ("扣}分", "unbalanced braces"),
        ("{fact_label.zh}不足", "reaches into a field; name the field itself, as {fact_label}"),
        ("{points[0]}", "reaches into a field"),
        ("扣{}分", "is a positional field"),
        ("扣{0}分", "is a positional field"),
    ],
)
def test_a_template_names_fields_and_nothing_more(tmp_path, template, says):
    (p,) = _message_problems(tmp_path, _reworded(template))
    assert p.path == "message.zh"
    assert repr(template) in p.message  # the template, escaped
    assert says in p.message, p.message


def test_every_bad_template_is_listed_with_the_rubrics_other_problems(tmp_path):
    doc = _reworded("扣{分", "{points!r} {nope}")
    doc["indicators"][0]["children"][0]["rules"].append(
        rule("R-2", "threshold", {"fact": "x.value", "op": "=>", "value": 50})
    )
    found = problems(tmp_path, doc)
    assert sorted((p.rule, p.code, p.path) for p in found) == [
        ("R-1", "bad-message", "message.en"),  # the conversion
        ("R-1", "bad-message", "message.en"),  # {nope}
        ("R-1", "bad-message", "message.zh"),
        ("R-2", "bad-params", "params.op"),
    ]


def test_a_template_is_quoted_escaped_and_cut(tmp_path):
    template = "扣{points:d}分\n" + "很长" * 50
    (p,) = _message_problems(tmp_path, _reworded(template))
    assert "\n" not in p.message
    assert "\\n" in p.message
    assert "…" in p.message
    assert len(p.message) < 300


def test_a_field_no_message_of_the_kind_has(tmp_path):
    # zero_out's message has no fact: {fact_label} would print as it is on the card
    doc = single([rule("R-1", "zero_out", {"when": {"fact": "x.bad"}})], {"x.bad": fact("boolean")})
    doc["indicators"][0]["children"][0]["rules"][0]["message"] = {
        "zh": "{fact_label}不合格",
        "en": "{fact_label} failed",
    }
    found = problems(tmp_path, doc)
    assert [(p.rule, p.path) for p in found] == [("R-1", "message.zh"), ("R-1", "message.en")]
    assert "names {fact_label}, a field no message of rule kind 'zero_out' has" in found[0].message
    assert "fields every message has: condition, points" in found[0].message


def test_the_override_words_every_message_so_it_names_fields_they_all_have(tmp_path):
    series = {"f.s": fact("series", items="money")}
    doc = single([rule("R-1", "non_decrease", {"fact": "f.s"})], series)
    doc["indicators"][0]["children"][0]["rules"][0]["message"] = {
        "zh": "{fact_label}{year}年为{value}",
        "en": "{fact_label} in {year}",
    }
    (p,) = problems(tmp_path, doc)
    assert p.path == "message.zh"
    assert "names {value}, a field message non_decrease.no_data, non_decrease.slower" in p.message


def test_a_sound_override_renders_whole(tmp_path):
    doc = _reworded("{fact_label}为{value}{unit},扣{points}分{{重点}}", "{fact_label}: −{points}")
    e = engine()
    card = e.compile(e.load_rubric(write(tmp_path, doc))).evaluate(nest({"x.value": 10}))
    (finding,) = card.findings
    assert finding.message == Text("percent事实为10%,扣0.4分{重点}", "a percent fact: −0.4")


def test_the_override_does_not_word_missing_facts(tmp_path):
    # a not-assessable finding has the scorer's fields, not the kind's: it keeps its message
    doc = _reworded("{fact_label}不足,扣{points}分")
    doc["facts"]["x.value"]["required"] = False
    e = engine()
    card = e.compile(e.load_rubric(write(tmp_path, doc))).evaluate({}, partial=True)
    (finding,) = card.findings
    assert finding.kind == "not_assessable"
    assert finding.message.zh.startswith("缺少数据:x.value")
    assert "{" not in finding.message.zh + finding.message.en


def test_evalrules_check_lists_the_problems_instead_of_failing(tmp_path):
    path = write(tmp_path, _reworded("扣{分", "{points:d}"))
    done = CliRunner().invoke(main, ["check", str(path)], env={"NO_COLOR": "1"})
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert "message.zh '扣{分': unbalanced braces" in done.output
    assert "message.en '{points:d}': '{points:d}' has a format spec (:d)" in done.output


# ------------------------------------------------------------------ a kind's templates


def _evaluate(ctx: RuleContext) -> None:
    ctx.deduct(1, "demo.short", outcome="short", fact=ctx.params["fact"], gap=Decimal(2))


def _kind(**changes: Any):
    options: dict[str, Any] = {
        "summary": Text("演示", "demo"),
        "description": "A demo kind.",
        "params": {"fact": {"type": "string", "required": True}},
        "evaluate": _evaluate,
        "describe": lambda ctx: Text("演示", "demo"),
        "outcomes": ("short",),
        "messages": {"demo.short": Text("{fact_label}差{gap},扣{points}分", "{gap} short")},
        "fields": {"demo.short": ("fact", "gap")},
    }
    options.update(changes)
    return rule_kind("demo", **options)


class _Plugin:
    def __init__(self, kind):
        self.kind = kind
        self.__name__ = "demo_plugin"

    @hookimpl
    def evalrules_register_rule_kinds(self):
        return [self.kind]


def _refused(kind) -> str:
    with pytest.raises(PluginLoadError) as caught:
        engine(_Plugin(kind))
    assert caught.value.plugin == "demo_plugin"
    assert "rule kind 'demo' cannot be registered" in str(caught.value)
    return str(caught.value)


def test_a_sound_kind_registers():
    assert engine(_Plugin(_kind())).rule_kinds.get("demo").fields == {
        "demo.short": frozenset({"fact", "gap"})
    }


@pytest.mark.parametrize(
    ("messages", "says"),
    [
        ({"demo.short": Text("差{gapp}", "short")}, "names {gapp}, a field not declared"),
        ({"demo.short": Text("差{gap!r}", "short")}, "has a conversion (!r)"),
        ({"demo.short": Text("差{gap:>9}", "short")}, "has a format spec (:>9)"),
        ({"demo.short": Text("差{gap", "short")}, "unbalanced braces"),
        ({"demo.short": Text("差", "{other_label}")}, "names {other_label}"),
    ],
)
def test_a_kind_whose_templates_name_undeclared_fields_is_refused(messages, says):
    message = _refused(_kind(messages=messages))
    assert "message demo.short" in message
    assert says in message


def test_fields_and_messages_must_match():
    message = _refused(_kind(fields={"demo.shortt": ("fact", "gap")}))
    assert "message demo.short: its fields are not declared" in message
    assert "fields declared for 'demo.shortt'" in message


def test_a_kind_built_without_the_factory_is_checked_too():
    message = _refused(attrs.evolve(_kind(), fields={}))
    assert "message demo.short: its fields are not declared" in message


def test_without_fields_a_message_has_those_its_templates_name():
    kind = _kind(fields=None)
    assert kind.fields == {"demo.short": frozenset({"fact", "gap"})}
    assert kind.message_fields("demo.short") == {"fact", "fact_label", "gap", "points"}


# ------------------------------------------------------------------ what a kind reports


def _demo_card(tmp_path, evaluate):
    kind = _kind(evaluate=evaluate)
    doc = single([rule("R-1", "demo", {"fact": "x.value"})], {"x.value": fact("percent")})
    e = engine(_Plugin(kind))
    return e.compile(e.load_rubric(write(tmp_path, doc))).evaluate(nest({"x.value": 1}))


def test_a_message_reported_without_a_declared_field_is_the_kinds_error(tmp_path):
    def forgetful(ctx):
        ctx.deduct(1, "demo.short", outcome="short", fact="x.value")  # no gap

    with pytest.raises(RuleEvaluationError) as caught:
        _demo_card(tmp_path, forgetful)
    assert caught.value.plugin == "demo_plugin"
    assert "without its declared fields ['gap']" in str(caught.value.__cause__)


def test_a_message_the_kind_does_not_have_is_the_kinds_error(tmp_path):
    def stray(ctx):
        ctx.deduct(1, "demo.other", outcome="short")

    with pytest.raises(RuleEvaluationError) as caught:
        _demo_card(tmp_path, stray)
    assert "'demo.other', which is not one of its messages (demo.short)" in str(
        caught.value.__cause__
    )


def test_what_a_kind_reports_renders_whole(tmp_path):
    (finding,) = _demo_card(tmp_path, _evaluate).findings
    assert finding.message == Text("percent事实差2,扣1分", "2 short")


def test_a_rubric_cannot_use_a_kind_with_a_broken_template_it_registered_elsewhere(tmp_path):
    # registration is the only door: an engine never holds a kind it refused
    with pytest.raises(PluginLoadError):
        engine(_Plugin(_kind(messages={"demo.short": Text("{x}", "")})))
    with pytest.raises(RubricError):
        engine().load_rubric(
            write(tmp_path, single([rule("R-1", "demo", {"fact": "x"})], {"x": fact("count")}))
        )
