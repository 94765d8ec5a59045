"""Broken plugins, each with the exact error it must produce, in-process and through entry
points; and the engine's checks on what register hooks return."""

from __future__ import annotations

import attrs
import pluggy
import pytest

import evalrules
import evalrules_panjin
from evalrules import hookimpl
from evalrules.errors import (
    PluginError,
    PluginLoadError,
    RegistryConflictError,
    RuleEvaluationError,
)

# ----------------------------------------------------------------------------- import error


def test_import_error_names_distribution_and_entry_and_chains_the_cause(fake_dist, installed):
    installed([fake_dist("evalrules-broken-import"), fake_dist("evalrules-sample")])

    with pytest.raises(PluginLoadError) as caught:
        evalrules.Engine()

    error = caught.value
    assert "evalrules-broken-import[broken]" in str(error)
    assert "evalrules_no_such_dependency" in str(error)
    assert error.plugin == "evalrules-broken-import[broken]"
    assert isinstance(error.__cause__, ImportError)
    assert error.__cause__.name == "evalrules_no_such_dependency"
    # PluginLoadError is an ImportError too, so plain `except ImportError` still works.
    assert isinstance(error, ImportError)


# --------------------------------------------------------------------------- bad signature


def test_bad_hook_signature_in_process(load_plugin):
    plugin = load_plugin("evalrules-broken-signature")

    with pytest.raises(PluginLoadError) as caught:
        evalrules.Engine(plugins=[plugin], autoload=False)

    assert caught.value.plugin == "evalrules_broken_signature"
    assert "evalrules_broken_signature" in str(caught.value)
    assert "engine" in str(caught.value)
    assert isinstance(caught.value.__cause__, pluggy.PluginValidationError)


def test_bad_hook_signature_through_entry_points(fake_dist, installed):
    installed([fake_dist("evalrules-broken-signature")])

    with pytest.raises(PluginLoadError, match=r"evalrules-broken-signature\[broken\]") as caught:
        evalrules.Engine()

    assert caught.value.plugin == "evalrules-broken-signature[broken]"
    assert isinstance(caught.value.__cause__, pluggy.PluginValidationError)


# ---------------------------------------------------------------------------- unknown hook


def test_unknown_hook_name_fails_check_pending(fake_dist, installed):
    installed([fake_dist("evalrules-broken-hookname"), fake_dist("panjin")])

    with pytest.raises(PluginLoadError) as caught:
        evalrules.Engine()

    error = caught.value
    assert error.plugin == "evalrules-broken-hookname[broken]"
    assert "evalrules-broken-hookname[broken]: evalrules_register_rubric " in str(error)
    assert "did you mean evalrules_register_rubrics?" in str(error)
    assert isinstance(error.__cause__, pluggy.PluginValidationError)


def test_unknown_hook_without_the_marker_is_still_an_error():
    class Forgetful:
        """A plugin that forgot @hookimpl and misspelled the hook."""

        @staticmethod
        def evalrules_register_rendrers() -> list[evalrules.Renderer]:
            return []

    with pytest.raises(PluginLoadError, match="evalrules_register_rendrers") as caught:
        evalrules.Engine(plugins=[Forgetful], autoload=False)
    assert caught.value.plugin == "Forgetful"
    assert "did you mean evalrules_register_renderers?" in str(caught.value)


def test_unmarked_hook_with_a_right_name_is_called():
    source = evalrules.rubric_source(
        "panjin-county/2023", evalrules_panjin.data_dir() / "2023.yaml"
    )

    class Unmarked:
        @staticmethod
        def evalrules_register_rubrics() -> list[evalrules.RubricSource]:
            return [source]

    engine = evalrules.Engine(plugins=[Unmarked], autoload=False)
    assert engine.rubrics() == [source]


def test_optional_hook_for_a_newer_evalrules_is_not_an_error():
    class Ahead:
        @staticmethod
        @hookimpl(optionalhook=True)
        def evalrules_register_things_from_the_future() -> list[object]:
            return []

    engine = evalrules.Engine(plugins=[Ahead], autoload=False)
    assert "Ahead" in {p.name for p in engine.plugins()}


# ------------------------------------------------------------------------ duplicate names


def test_duplicate_rule_kind_names_both_plugins_in_process(load_plugin):
    plugin = load_plugin("evalrules-broken-duplicate")

    with pytest.raises(RegistryConflictError) as caught:
        evalrules.Engine(plugins=[plugin], autoload=False)

    error = caught.value
    assert (error.registry, error.name) == ("rule kind", "threshold")
    assert (error.first, error.second) == ("evalrules.kinds", "evalrules_broken_duplicate")
    assert "evalrules.kinds" in str(error)
    assert "evalrules_broken_duplicate" in str(error)


def test_duplicate_rule_kind_names_both_plugins_through_entry_points(fake_dist, installed):
    installed([fake_dist("evalrules-broken-duplicate")])

    with pytest.raises(RegistryConflictError) as caught:
        evalrules.Engine()

    assert (caught.value.first, caught.value.second) == (
        "evalrules.kinds",
        "evalrules-broken-duplicate[broken]",
    )
    assert "evalrules-broken-duplicate[broken]" in str(caught.value)


def test_duplicate_rubric_reference_names_both_plugins():
    class Copycat:
        @staticmethod
        @hookimpl
        def evalrules_register_rubrics() -> list[evalrules.RubricSource]:
            folder = evalrules_panjin.data_dir()
            return [evalrules.rubric_source("panjin-county/2023", folder / "2023.yaml")]

    with pytest.raises(RegistryConflictError) as caught:
        evalrules.Engine(plugins=[evalrules_panjin, Copycat], autoload=False)
    assert (caught.value.registry, caught.value.first, caught.value.second) == (
        "rubric",
        "evalrules_panjin",
        "Copycat",
    )


def test_duplicate_within_one_plugin_is_a_conflict_too(sample):
    class Twice:
        @staticmethod
        @hookimpl
        def evalrules_register_renderers() -> list[evalrules.Renderer]:
            return [sample.CSV, sample.CSV]

    with pytest.raises(RegistryConflictError, match="'csv' is registered by both Twice and Twice"):
        evalrules.Engine(plugins=[Twice], autoload=False)


# ---------------------------------------------------------------- a rule that raises


class Recorder:
    """A scorecard wrapper that records every scorecard it sees."""

    def __init__(self) -> None:
        self.seen: list[evalrules.Scorecard] = []

    @hookimpl(wrapper=True)
    def evalrules_modify_scorecard(self, scorecard, rubric):
        result = yield
        self.seen.append(result)
        return result


@pytest.mark.parametrize("through", ["in-process", "entry points"])
def test_raising_rule_names_plugin_rubric_and_rule_and_returns_nothing(
    through, load_plugin, fake_dist, installed
):
    recorder = Recorder()
    if through == "in-process":
        plugin = load_plugin("evalrules-broken-raise")
        engine = evalrules.Engine(plugins=[evalrules_panjin, plugin, recorder], autoload=False)
        name = "evalrules_broken_raise"
    else:
        installed([fake_dist("evalrules-broken-raise"), fake_dist("panjin")])
        engine = evalrules.Engine(plugins=[recorder])
        name = "evalrules-broken-raise[broken]"
    facts = evalrules.load_facts(
        evalrules_panjin.data_dir() / "examples/shuangtaizi-2023.facts.yaml"
    )
    facts = attrs.evolve(facts, rubric=None, claimed={})

    result = None
    with pytest.raises(RuleEvaluationError) as caught:
        result = engine.evaluate("broken-county/2024", facts)

    error = caught.value
    assert result is None
    assert recorder.seen == []  # scoring stopped before any scorecard existed
    assert (error.plugin, error.rubric, error.indicator, error.rule, error.kind) == (
        name,
        "broken-county/2024",
        "2.2",
        "BR-2.2-a",
        "exploding",
    )
    assert isinstance(error.__cause__, ZeroDivisionError)
    for part in (name, "broken-county/2024", "BR-2.2-a", type(error.__cause__).__name__):
        assert part in str(error)

    # The same engine still evaluates rubrics whose rules work.
    assert engine.evaluate("panjin-county/2023", facts).complete
    assert len(recorder.seen) == 1


# ------------------------------------------------------------ scorecard wrappers that fail


def test_evalrules_modify_scorecard_that_raises_names_the_plugin(engine, example):
    class Faulty:
        @staticmethod
        @hookimpl(wrapper=True)
        def evalrules_modify_scorecard(scorecard, rubric):
            result = yield
            raise KeyError(result.entity.id)

    faulty = evalrules.Engine(plugins=[evalrules_panjin, Faulty], autoload=False)
    with pytest.raises(PluginError) as caught:
        faulty.evaluate("panjin-county/2023", example)
    assert caught.value.plugin == "Faulty"
    assert "panjin-county/2023" in str(caught.value)
    assert isinstance(caught.value.__cause__, KeyError)


def test_evalrules_modify_scorecard_returning_something_else_fails(example):
    class Sloppy:
        @staticmethod
        @hookimpl(wrapper=True)
        def evalrules_modify_scorecard(scorecard, rubric):
            result = yield
            return result.to_dict()

    sloppy = evalrules.Engine(plugins=[evalrules_panjin, Sloppy], autoload=False)
    with pytest.raises(PluginError, match="returned dict, not a Scorecard") as caught:
        sloppy.evaluate("panjin-county/2023", example)
    assert caught.value.plugin == "Sloppy"


def test_evalrules_modify_scorecard_plain_implementation_replaces_the_result(example):
    class Renamer:
        @staticmethod
        @hookimpl
        def evalrules_modify_scorecard(scorecard, rubric):
            return attrs.evolve(scorecard, entity=evalrules.Entity(scorecard.entity.id, "X"))

    class Abstainer:
        @staticmethod
        @hookimpl
        def evalrules_modify_scorecard(scorecard):
            return None

    engine = evalrules.Engine(plugins=[evalrules_panjin, Renamer, Abstainer], autoload=False)
    card = engine.evaluate("panjin-county/2023", example)
    assert card.entity == evalrules.Entity(example.entity.id, "X")


# ------------------------------------------------------- what register hooks must return


def _plugin_returning(value):
    class Odd:
        @staticmethod
        @hookimpl
        def evalrules_register_rule_kinds():
            return value

    return Odd


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"threshold": None}, "must return a list, got dict"),
        (None, "must return a list, got NoneType"),
        (["threshold"], "returned 'threshold', not a RuleKind built with evalrules.rule_kind()"),
    ],
)
def test_register_hook_returning_the_wrong_thing(value, message):
    with pytest.raises(PluginLoadError, match=message.replace("(", r"\(").replace(")", r"\)")):
        evalrules.Engine(plugins=[_plugin_returning(value)], autoload=False)


def test_register_hook_that_raises_is_a_load_error():
    class Failing:
        @staticmethod
        @hookimpl
        def evalrules_register_fact_types():
            raise OSError("data file missing")

    with pytest.raises(PluginLoadError, match="plugin Failing failed in") as caught:
        evalrules.Engine(plugins=[Failing], autoload=False)
    assert isinstance(caught.value.__cause__, OSError)


def test_register_hook_cannot_be_a_wrapper():
    class Wrapping:
        @staticmethod
        @hookimpl(wrapper=True)
        def evalrules_register_renderers():
            return (yield)

    with pytest.raises(PluginLoadError, match="cannot be a wrapper"):
        evalrules.Engine(plugins=[Wrapping], autoload=False)


def test_same_plugin_object_twice_is_a_load_error(sample):
    with pytest.raises(PluginLoadError, match="evalrules_sample") as caught:
        evalrules.Engine(plugins=[sample, sample], autoload=False)
    assert isinstance(caught.value.__cause__, ValueError)
