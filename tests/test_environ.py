"""Processes the tests start do not inherit the outer run's pytest or evalrules settings."""

from __future__ import annotations

from _environ import clean_env


def test_pytest_and_evalrules_settings_are_scrubbed(monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", "-m slow")
    monkeypatch.setenv("PYTEST_PLUGINS", "nowhere")
    monkeypatch.setenv("EVALRULES_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("HOME_OF_THIS_TEST", "kept")
    env = clean_env({"PYTHONPATH": "src"})
    assert not {"PYTEST_ADDOPTS", "PYTEST_PLUGINS", "EVALRULES_DISABLE_PLUGIN_AUTOLOAD"} & set(env)
    assert (env["HOME_OF_THIS_TEST"], env["PYTHONPATH"]) == ("kept", "src")
