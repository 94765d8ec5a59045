"""Checked rubrics kept between command-line runs: used only when nothing changed, never
trusted beyond the rubric's own values, and never in the way."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import shutil
import stat

import attrs
import pytest

import evalrules
import evalrules_panjin
from evalrules._cli import main
from evalrules._plugins import _cache
from evalrules._plugins._cache import RubricCache
from evalrules._rubric import _extends
from evalrules.errors import RubricError

REF = "panjin-county/2023"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.delenv("EVALRULES_NO_CACHE", raising=False)
    monkeypatch.setenv("EVALRULES_CACHE_DIR", str(directory))
    return directory


def _engine_with_cache() -> evalrules.Engine:
    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    cache = RubricCache.default()
    assert cache is not None
    engine._rubric_cache = cache
    return engine


def _no_reading(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the rubric file was read")

    # the engine imports it when it reads a rubric file
    monkeypatch.setattr(_extends, "read_with_extends", refuse)


def test_a_kept_rubric_is_the_rubric_and_compiles_to_the_same_cards(
    cache_dir, monkeypatch, example
):
    first = _engine_with_cache()
    rubric = first.load_rubric(REF)
    assert len(list(cache_dir.glob("*.rubric"))) == 1
    card = first.compile(rubric).evaluate(example)
    _no_reading(monkeypatch)
    again = _engine_with_cache()
    kept = again.load_rubric(REF)
    assert kept == rubric
    compiled = again.compile(kept)
    assert compiled.digest == first.compile(rubric).digest
    assert compiled.evaluate(example).to_json() == card.to_json()


def test_the_command_gives_the_same_output_with_the_cache(cache_dir, example):
    path = str(example.source)

    def run() -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main(["evaluate", path])
        return out.getvalue()

    first = run()
    assert list(cache_dir.glob("*.rubric"))
    assert run() == first
    os.environ["EVALRULES_NO_CACHE"] = "1"
    try:
        assert run() == first
    finally:
        del os.environ["EVALRULES_NO_CACHE"]


def test_a_changed_file_is_read_and_checked_again(cache_dir, tmp_path):
    source = evalrules.Engine(plugins=[evalrules_panjin], autoload=False).resolve(REF).path
    copy = tmp_path / "rubric.yaml"
    shutil.copy(source, copy)
    assert _engine_with_cache().load_rubric(copy).title.zh
    text = copy.read_text(encoding="utf-8")
    # the same rubric with its first threshold rule of a kind no plugin registers
    broken = text.replace("kind: threshold", "kind: no_such_kind", 1)
    assert broken != text
    copy.write_text(broken, encoding="utf-8")
    with pytest.raises(RubricError) as info:
        _engine_with_cache().load_rubric(copy)
    assert "unknown-kind" in {p.code for p in info.value.problems}


def test_a_damaged_entry_is_ignored(cache_dir, monkeypatch):
    rubric = _engine_with_cache().load_rubric(REF)
    (entry,) = cache_dir.glob("*.rubric")
    entry.write_bytes(entry.read_bytes()[:1000])
    assert _engine_with_cache().load_rubric(REF) == rubric
    entry.write_bytes(b"not a pickle")
    assert _engine_with_cache().load_rubric(REF) == rubric


class _Planted:
    def __reduce__(self):
        return (os.system, ("echo planted > planted.txt",))


def test_a_planted_entry_runs_nothing(cache_dir, monkeypatch, tmp_path):
    rubric = _engine_with_cache().load_rubric(REF)
    (entry,) = cache_dir.glob("*.rubric")
    key = entry.stem
    monkeypatch.chdir(tmp_path)
    entry.write_bytes(pickle.dumps((1, key, "sha256:x", (), _Planted())))
    assert _engine_with_cache().load_rubric(REF) == rubric
    assert not (tmp_path / "planted.txt").exists()


def _entry(cache_dir):
    (entry,) = cache_dir.glob("*.rubric")
    form, key, files, _sha, kept = pickle.loads(entry.read_bytes())
    digest, rubric = pickle.loads(kept)
    return entry, (form, key, files), digest, rubric


def _write(entry, head, digest, rubric, *, sha=None):
    form, key, files = head
    kept = pickle.dumps((digest, rubric), protocol=4)
    sha = hashlib.sha256(kept).hexdigest() if sha is None else sha
    entry.write_bytes(pickle.dumps((form, key, files, sha, kept)))


def test_a_rubric_whose_bytes_do_not_match_their_hash_is_refused(cache_dir):
    rubric = _engine_with_cache().load_rubric(REF)
    entry, head, digest, kept = _entry(cache_dir)
    changed = attrs.evolve(kept, title=evalrules.Text("改过的", "changed"))
    written_sha = pickle.loads(entry.read_bytes())[3]  # the hash of the rubric as kept
    _write(entry, head, digest, changed, sha=written_sha)
    loaded = _engine_with_cache().load_rubric(REF)
    assert loaded == rubric
    assert loaded.title != changed.title


def test_a_changed_digest_is_refused_and_the_entry_written_anew(cache_dir):
    engine = _engine_with_cache()
    rubric = engine.load_rubric(REF)
    right = engine.compile(rubric).digest
    entry, head, digest, kept = _entry(cache_dir)
    assert digest == right
    (form, key, files), wrong = head, "sha256:" + "0" * 64
    kept_bytes = pickle.dumps((digest, kept), protocol=4)
    sha = hashlib.sha256(kept_bytes).hexdigest()
    damaged = pickle.dumps((wrong, kept), protocol=4)
    entry.write_bytes(pickle.dumps((form, key, files, sha, damaged)))
    again = _engine_with_cache()
    assert again.compile(again.load_rubric(REF)).digest == right
    assert _entry(cache_dir)[2] == right  # read afresh and kept again


def test_a_kept_entry_is_what_the_next_process_loads(cache_dir):
    rubric = _engine_with_cache().load_rubric(REF)
    entry, head, digest, kept = _entry(cache_dir)
    changed = attrs.evolve(kept, title=evalrules.Text("改过的", "changed"))
    _write(entry, head, digest, changed)
    # An entry whose hash matches is taken as kept: the cache, not the file, answered.
    assert _engine_with_cache().load_rubric(REF).title == changed.title != rubric.title


def test_other_plugins_are_another_entry(cache_dir):
    _engine_with_cache().load_rubric(REF)

    class Extra:
        @staticmethod
        @evalrules.hookimpl
        def evalrules_register_cross_checks():
            return []

    engine = evalrules.Engine(plugins=[evalrules_panjin, Extra()], autoload=False)
    engine._rubric_cache = RubricCache.default()
    engine.load_rubric(REF)
    assert len(list(cache_dir.glob("*.rubric"))) == 2


def test_the_cache_can_be_turned_off(cache_dir, monkeypatch):
    monkeypatch.setenv("EVALRULES_NO_CACHE", "1")
    assert RubricCache.default() is None
    monkeypatch.delenv("EVALRULES_NO_CACHE")
    monkeypatch.delenv("EVALRULES_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_dir.parent / "xdg"))
    assert _cache.cache_dir() == cache_dir.parent / "xdg" / "evalrules"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_can_write_is_not_used(cache_dir):
    cache_dir.mkdir(mode=0o700)
    cache_dir.chmod(0o777)
    _engine_with_cache().load_rubric(REF)
    assert not list(cache_dir.glob("*.rubric"))
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o777
