"""The sample plugin through fake entry points: two-phase discovery, its order, and the
environment variables that turn it off or block plugins."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys

import pytest

import evalrules
import evalrules_panjin
from _environ import clean_env
from evalrules._plugins._discovery import (
    BLOCK_ENV,
    DISABLE_ENV,
    PluginEntry,
    autoload_disabled,
    blocked_from_env,
    list_entries,
    load_entries,
)
from evalrules.errors import PluginLoadError

SAMPLE = "evalrules-sample[sample]"
PANJIN = "evalrules-panjin[panjin]"


def _names(engine: evalrules.Engine) -> list[str]:
    """Names of the non-builtin plugins, in registration order."""
    builtin = {p.name for p in engine.plugins() if p.builtin}
    return [name for name, _ in engine.plugin_manager.list_name_plugin() if name not in builtin]


def test_list_entries_reads_metadata_without_importing(fake_dist, monkeypatch):
    dist = fake_dist("evalrules-sample")
    monkeypatch.delitem(sys.modules, "evalrules_sample", raising=False)

    (entry,) = list_entries(distributions=[dist])

    assert entry == PluginEntry("evalrules-sample", "2024.1.0", "sample", "evalrules_sample")
    assert entry.name == SAMPLE
    assert "evalrules_sample" not in sys.modules


def test_list_entries_ignores_other_groups_nameless_and_repeated_distributions(fake_dist):
    other = fake_dist(name="some-tool", entry_points={"console_scripts": {"t": "x:main"}})
    nameless = fake_dist(name="", entry_points={"evalrules": {"x": "nowhere"}})
    first = fake_dist(name="Evalrules_Twice", version="2", entry_points={"evalrules": {"a": "m1"}})
    again = fake_dist(name="evalrules-twice", version="1", entry_points={"evalrules": {"a": "m2"}})

    entries = list_entries(distributions=[other, nameless, first, again])

    assert entries == [PluginEntry("Evalrules_Twice", "2", "a", "m1")]


def test_list_entries_order_does_not_depend_on_the_order_found(fake_dist):
    dists = [
        fake_dist(name="evalrules-zeta", entry_points={"evalrules": {"b": "z", "a": "z"}}),
        fake_dist(name="Evalrules_Alpha", entry_points={"evalrules": {"x": "a"}}),
        fake_dist(name="evalrules-mid", entry_points={"evalrules": {"only": "m"}}),
        fake_dist("evalrules-sample"),
        fake_dist("panjin"),
    ]
    expected = [
        "Evalrules_Alpha[x]",
        "evalrules-mid[only]",
        PANJIN,
        SAMPLE,
        "evalrules-zeta[a]",
        "evalrules-zeta[b]",
    ]
    shuffler = random.Random(20240601)
    for _ in range(12):
        shuffled = dists[:]
        shuffler.shuffle(shuffled)
        assert [e.name for e in list_entries(distributions=shuffled)] == expected


def test_engine_registers_installed_plugins_in_sorted_order(fake_dist, installed):
    dists = [fake_dist("evalrules-sample"), fake_dist("panjin")]
    orders = set()
    for permutation in itertools.permutations(dists):
        installed(permutation)
        engine = evalrules.Engine()
        orders.add(tuple(_names(engine)))
        assert engine.rubric_sources.origin("sample-county/2024") == SAMPLE
        assert engine.rubric_sources.origin("panjin-county/2023") == PANJIN
        assert engine.rule_kinds.origin("ratio_band") == SAMPLE
    assert orders == {(PANJIN, SAMPLE)}


def test_engine_evaluates_with_plugins_found_through_entry_points(
    fake_dist, installed, sample_facts, sample
):
    installed([fake_dist("evalrules-sample"), fake_dist("panjin")])
    card = evalrules.Engine().evaluate("sample-county", evalrules.load_facts(sample_facts))

    in_process = evalrules.Engine(plugins=[evalrules_panjin, sample], autoload=False)
    expected = in_process.evaluate("sample-county/2024", evalrules.load_facts(sample_facts))
    assert card == expected
    assert card.entity.name == sample.ENTITY_NAMES["990101"]


def test_autoload_false_and_the_disable_variable_load_nothing_installed(
    fake_dist, installed, monkeypatch
):
    installed([fake_dist("evalrules-broken-import"), fake_dist("evalrules-sample")])
    with pytest.raises(PluginLoadError):
        evalrules.Engine()

    assert "sample-county/2024" not in evalrules.Engine(autoload=False).rubric_sources

    for value in ("1", "yes", "true"):
        monkeypatch.setenv(DISABLE_ENV, value)
        assert autoload_disabled()
        engine = evalrules.Engine()
        assert [p.name for p in engine.plugins() if not p.builtin] == []
    for value in ("", "0", "false", "off"):
        monkeypatch.setenv(DISABLE_ENV, value)
        assert not autoload_disabled()
        with pytest.raises(PluginLoadError):
            evalrules.Engine()


@pytest.mark.parametrize(
    "blocked",
    [
        "evalrules-broken-import",
        "evalrules_broken_import",
        "Evalrules.Broken-Import",
        "evalrules-broken-import[broken]",
        " other , evalrules-broken-import ",
    ],
)
def test_block_variable_skips_named_plugins(fake_dist, installed, monkeypatch, blocked):
    installed([fake_dist("evalrules-broken-import"), fake_dist("evalrules-sample")])
    monkeypatch.setenv(BLOCK_ENV, blocked)

    engine = evalrules.Engine(plugins=[evalrules_panjin])

    assert {p.name for p in engine.plugins() if not p.builtin} == {"evalrules_panjin", SAMPLE}
    assert "evalrules-broken-import" not in {p.distribution for p in engine.plugins()}


def test_block_by_entry_name_and_block_argument(fake_dist, installed, monkeypatch):
    installed([fake_dist("evalrules-broken-import"), fake_dist("evalrules-sample")])
    monkeypatch.setenv(BLOCK_ENV, "sample")
    assert blocked_from_env() == ("sample",)
    # "sample" names the sample's entry point; the broken plugin is still loaded and fails.
    with pytest.raises(PluginLoadError, match=r"evalrules-broken-import\[broken\]"):
        evalrules.Engine()

    engine = evalrules.Engine(block=["evalrules-broken-import[broken]"])
    assert [p.name for p in engine.plugins() if not p.builtin] == []


def test_a_plugin_passed_in_process_and_installed_is_registered_once(fake_dist, installed, sample):
    installed([fake_dist("evalrules-sample")])
    engine = evalrules.Engine(plugins=[evalrules_panjin, sample])

    (info,) = [p for p in engine.plugins() if p.name == "evalrules_sample"]
    assert (info.distribution, info.version) == ("evalrules-sample", "2024.1.0")
    assert SAMPLE not in {p.name for p in engine.plugins()}
    assert engine.rubric_sources.origin("sample-county/2024") == "evalrules_sample"


def test_load_entries_imports_in_the_order_given(fake_dist):
    entries = list_entries(distributions=[fake_dist("evalrules-sample"), fake_dist("panjin")])
    loaded = list(load_entries(entries))
    assert [(e.name, p.__name__) for e, p in loaded] == [
        (PANJIN, "evalrules_panjin"),
        (SAMPLE, "evalrules_sample"),
    ]


def test_importing_evalrules_imports_no_plugin():
    code = (
        "import sys, evalrules, evalrules.hookspecs;"
        "print(sorted(m for m in sys.modules if m.startswith('evalrules_')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=clean_env(), capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
