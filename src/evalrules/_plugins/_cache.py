"""Checked rubrics kept between processes, for the command line.

Reading the Panjin rubric's YAML, building its values and checking every rule against its
kind takes tens of milliseconds, which a command run once per district pays every time. The
command line (not the library: a host keeps its engine) therefore keeps each rubric it has
loaded and checked in a file under the user's cache directory, and the next process that
loads the same rubric with the same plugins takes it from there and only binds it to the
kinds, as compiling does after its checks.

An entry is used only when everything the check depended on is as it was: the bytes of the
rubric file and of every file it extends, the reference it was loaded under, the versions of
Python and evalrules, and every registered rule kind, fact type, cross check and rubric
source — each as it pickles (its parameters schema, messages, traits, and its functions by
name) with its plugin, and the size and modification time of every source file of
evalrules and of every plugin module. Anything else is a miss: the rubric is read
and checked as without a cache, and the entry written anew.

The file holds only the rubric's values, read back by an unpickler that accepts the rubric's
own classes and nothing else, so a damaged or planted file can at worst be refused; it is
also refused unless the rubric and its digest, pickled together, have the SHA-256 they
were written with. The directory is made private to the user (and not used when it is
anyone else's, or writable by others); entries are written atomically.
``EVALRULES_NO_CACHE=1`` turns the cache off, ``EVALRULES_CACHE_DIR`` moves it; otherwise
it is ``$XDG_CACHE_HOME/evalrules`` or ``~/.cache/evalrules``. Any failure to read or write
it is silent: the rubric is loaded as without it.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import stat
import sys
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from evalrules._rubric._digest import rubric_digest
from evalrules._rubric._model import Rubric
from evalrules._version import __version__

if TYPE_CHECKING:
    from evalrules._plugins._engine import Engine

#: Changes whenever what an entry holds, or how it is keyed, changes.
CACHE_FORMAT = 2
#: Set to a value other than empty, ``0``, ``false``, ``no`` or ``off`` to turn the cache off.
DISABLE_ENV = "EVALRULES_NO_CACHE"
#: A directory to keep the cache in instead of the user's cache directory.
DIR_ENV = "EVALRULES_CACHE_DIR"

_FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})

#: The only globals an entry may name: the rubric's values and what they hold.
_ALLOWED = {
    "decimal": frozenset({"Decimal"}),
    "evalrules._frozen": frozenset({"FrozenDict"}),
    "evalrules._text": frozenset({"Text"}),
    "builtins": frozenset({"frozenset", "set", "tuple", "list", "dict"}),
}
_MODEL = "evalrules._rubric._model"


class _RubricUnpickler(pickle.Unpickler):
    """Refuses every global but the rubric model's classes and the values they hold."""

    def find_class(self, module: str, name: str) -> Any:
        if module == _MODEL:
            found = getattr(sys.modules[_MODEL], name, None)
            if isinstance(found, type) and found.__module__ == _MODEL:
                return found
        elif name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a rubric")


def cache_dir() -> Path | None:
    """Where checked rubrics are kept, or ``None`` when the cache is turned off."""
    if os.environ.get(DISABLE_ENV, "").strip().lower() not in _FALSE_WORDS:
        return None
    chosen = os.environ.get(DIR_ENV)
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "evalrules"


def _private(directory: Path) -> bool:
    """Make ``directory`` if needed; whether only this user can write in it."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return None


def _plugin_modules(engine: Engine) -> Iterable[str]:
    """The modules of every plugin and of every function a registered item names."""
    names: set[str] = set()
    for registry in (engine.rule_kinds, engine.fact_types, engine.cross_checks):
        for entry in registry:
            for field in attrs.fields(type(entry.item)):
                member = getattr(entry.item, field.name, None)
                module = getattr(member, "__module__", None)
                if callable(member) and isinstance(module, str):
                    names.add(module)
    for plugin in engine.plugin_manager.get_plugins():
        module = getattr(plugin, "__name__", None) or getattr(type(plugin), "__module__", None)
        if isinstance(module, str):
            names.add(module)
    return sorted(names)


def _sources() -> Iterable[str]:
    """Every Python file of evalrules itself."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found.extend(os.path.join(folder, f) for f in files if f.endswith(".py"))
    return sorted(found)


def _describe(value: Any, depth: int = 0) -> str:
    """A registered item as text that is the same in every process for the same item: its
    data, its functions by module and name (sets sorted, as hashing orders them anew in
    each process)."""
    if depth > 32:
        raise ValueError("too deep to describe")
    if value is None or isinstance(value, bool | int | str | Decimal | float):
        return repr(value)
    if isinstance(value, Mapping):
        inner = sorted(
            f"{_describe(k, depth + 1)}:{_describe(v, depth + 1)}" for k, v in value.items()
        )
        return "{" + ",".join(inner) + "}"
    if isinstance(value, set | frozenset):
        return "set(" + ",".join(sorted(_describe(v, depth + 1) for v in value)) + ")"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_describe(v, depth + 1) for v in value) + "]"
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        inner = [f"{f.name}={_describe(getattr(value, f.name), depth + 1)}" for f in fields]
        return f"{type(value).__module__}.{type(value).__qualname__}(" + ",".join(inner) + ")"
    if isinstance(value, Path):
        return f"Path({str(value)!r})"
    module = getattr(value, "__module__", None)
    name = getattr(value, "__qualname__", None)
    if isinstance(module, str) and isinstance(name, str) and "<" not in name:
        return f"{module}:{name}"  # a function or class, by name (what pickling keeps)
    raise ValueError(f"cannot describe {type(value).__name__}")


def _fingerprint(engine: Engine) -> bytes | None:
    """What the check depends on besides the files, or ``None`` when it cannot be told
    (a registered item with a lambda or a local function)."""
    parts: list[bytes] = []
    try:
        for registry in (
            engine.rule_kinds,
            engine.fact_types,
            engine.cross_checks,
            engine.rubric_sources,
        ):
            for entry in registry:
                parts.append(f"{registry.name}\0{entry.name}\0{entry.origin}\0".encode())
                parts.append(_describe(entry.item).encode())
    except Exception:
        return None
    files = list(_sources())
    for name in _plugin_modules(engine):
        file = getattr(sys.modules.get(name), "__file__", None)
        if isinstance(file, str):
            files.append(file)
    for file in files:
        try:
            info = os.stat(file)
        except OSError:
            return None
        parts.append(f"{file}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return b"\0\0".join(parts)


class RubricCache:
    """Checked rubrics kept in ``directory`` (see the module's description)."""

    __slots__ = ("_directory", "_fingerprint")

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._fingerprint: bytes | None = None

    @classmethod
    def default(cls) -> RubricCache | None:
        """The user's cache, or ``None`` when it is turned off."""
        directory = cache_dir()
        return None if directory is None else cls(directory)

    def key(self, engine: Engine, path: Path, ref: str | None, plugin: str | None) -> str | None:
        """The entry's name for this rubric file under this engine, or ``None``."""
        if self._fingerprint is None:
            self._fingerprint = _fingerprint(engine)
            if self._fingerprint is None:
                return None
        source = _file_sha(path)
        if source is None:
            return None
        head = (
            f"{CACHE_FORMAT}\0{__version__}\0{sys.version}\0{sys.implementation.cache_tag}\0"
            f"{path}\0{ref}\0{plugin}\0{source}\0"
        )
        return _sha(head.encode() + self._fingerprint)

    def load(self, key: str) -> tuple[Rubric, str] | None:
        """The rubric kept under ``key`` and its digest, if every file it was read from is
        unchanged."""
        try:
            if not _private(self._directory):
                return None
            data = (self._directory / f"{key}.rubric").read_bytes()
            entry = _RubricUnpickler(io.BytesIO(data)).load()
            form, kept_key, files, kept_sha, kept = entry
            if form != CACHE_FORMAT or kept_key != key or not isinstance(kept, bytes):
                return None
            for file, sha in files:
                if _file_sha(Path(file)) != sha:
                    return None
            # The rubric and its digest as they were written: their bytes are hashed (a
            # fraction of a millisecond; working out the digest again took several).
            if hashlib.sha256(kept).hexdigest() != kept_sha:
                return None
            digest, rubric = _RubricUnpickler(io.BytesIO(kept)).load()
            if not isinstance(rubric, Rubric) or not isinstance(digest, str):
                return None
        except Exception:  # unreadable, damaged or planted: read the rubric instead
            return None
        return rubric, digest

    def store(self, key: str, rubric: Rubric, files: Iterable[Path]) -> None:
        """Keep a rubric that loaded and passed its checks, read from ``files``."""
        try:
            if not _private(self._directory):
                return
            hashed = []
            for file in files:
                sha = _file_sha(file)
                if sha is None:
                    return
                hashed.append((str(file), sha))
            kept = pickle.dumps((rubric_digest(rubric), rubric), protocol=4)
            entry = (CACHE_FORMAT, key, tuple(hashed), hashlib.sha256(kept).hexdigest(), kept)
            data = pickle.dumps(entry, protocol=4)
            import tempfile

            fd, temp = tempfile.mkstemp(dir=self._directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(temp, self._directory / f"{key}.rubric")
            except BaseException:
                os.unlink(temp)
                raise
        except Exception:  # a cache that cannot be written is no cache
            return
