"""Documents drawn from a JSON Schema, for the property test that the facts schema is the
contract.

``hypothesis-jsonschema`` would be the natural tool, but its latest release (0.23.1) fails on
the hypothesis this project tests with (``'many' object has no attribute 'more'``), so this
module draws from the subset of JSON Schema the facts schema uses: ``type`` (one or a list),
``const``, ``enum``, ``minimum``, ``maximum``, ``exclusiveMinimum``, ``minLength``, ``not``
(of a ``const``, of ``{"type": "null"}`` or of a ``pattern``), ``anyOf``, ``properties``,
``required``, ``additionalProperties`` (``false`` or a schema), ``propertyNames`` (a
``pattern`` or an ``enum``) and ``allOf`` of ``if``/``then``. Anything else is an error, so
the generator can never silently draw from a looser schema than the one given.

Every document is drawn from the properties, then each ``if``/``then`` whose ``if`` holds is
made to hold by drawing the values its ``then`` requires; the result is checked against the
schema with ``jsonschema`` before it is returned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import jsonschema
from hypothesis import strategies as st

_ANNOTATIONS = frozenset(
    {"$schema", "$id", "title", "description", "examples"}
)  # keywords that do not constrain


def _check_keywords(schema: Mapping[str, Any]) -> None:
    known = {
        "type",
        "const",
        "enum",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "minLength",
        "not",
        "anyOf",
        "properties",
        "required",
        "additionalProperties",
        "propertyNames",
        "allOf",
    }
    unknown = {k for k in schema if k not in known and k not in _ANNOTATIONS}
    unknown = {k for k in unknown if not k.startswith("x-")}
    if unknown:
        raise NotImplementedError(f"the test generator cannot draw {sorted(unknown)}")


def _number(schema: Mapping[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low = schema.get("minimum")
    high = schema.get("maximum")
    exclusive = schema.get("exclusiveMinimum")
    if integer:
        lo = None if low is None else math.ceil(low)
        if exclusive is not None:
            above = math.floor(exclusive) + 1
            lo = above if lo is None else max(lo, above)
        hi = None if high is None else math.floor(high)
        return st.integers(min_value=lo, max_value=hi)
    lo_d = None if low is None else Decimal(str(low))
    if exclusive is not None:
        bound = Decimal(str(exclusive))
        lo_d = bound if lo_d is None else max(lo_d, bound)
    hi_d = None if high is None else Decimal(str(high))
    places = st.integers(0, 4)
    values = places.flatmap(
        lambda p: st.decimals(
            min_value=lo_d, max_value=hi_d, places=p, allow_nan=False, allow_infinity=False
        )
    )
    ints = st.integers(
        min_value=None if lo_d is None else math.ceil(lo_d),
        max_value=None if hi_d is None else math.floor(hi_d),
    )
    drawn = st.one_of(values, ints)
    if exclusive is not None:
        drawn = drawn.filter(lambda v: Decimal(v) > Decimal(str(exclusive)))
    return drawn


def _keys(schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    names = schema.get("propertyNames")
    if names is None:
        return st.text(min_size=1, max_size=8)
    if "pattern" in names:
        return st.from_regex(names["pattern"], fullmatch=True)
    if "enum" in names:
        return st.sampled_from(names["enum"])
    raise NotImplementedError(f"the test generator cannot draw property names {names}")


def strategy(schema: Mapping[str, Any] | bool) -> st.SearchStrategy[Any]:
    """Values that ``schema`` accepts (``if``/``then`` clauses aside: see :func:`documents`)."""
    if schema is True:
        return st.none() | st.booleans() | st.integers() | st.text()
    if schema is False:
        raise ValueError("nothing matches the schema false")
    _check_keywords(schema)
    if "anyOf" in schema:
        return st.one_of([strategy(s) for s in schema["anyOf"]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kinds = schema.get("type")
    if kinds is None:
        raise NotImplementedError(f"the test generator needs a type: {schema}")
    options = [_typed(schema, kind) for kind in ([kinds] if isinstance(kinds, str) else kinds)]
    drawn = st.one_of(options)
    refused = schema.get("not")
    if refused is not None:
        if "const" in refused:
            value = refused["const"]
            drawn = drawn.filter(lambda v: not (type(v) is not bool and v == value))
        elif refused == {"type": "null"}:
            drawn = drawn.filter(lambda v: v is not None)
        elif set(refused) == {"pattern"}:
            refused_pattern = re.compile(refused["pattern"])
            drawn = drawn.filter(lambda v: not refused_pattern.search(v))
        else:
            raise NotImplementedError(f"the test generator cannot draw not: {refused}")
    return drawn


def _typed(schema: Mapping[str, Any], kind: str) -> st.SearchStrategy[Any]:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        return st.text(min_size=schema.get("minLength", 0), max_size=20)
    if kind == "integer":
        return _number(schema, integer=True)
    if kind == "number":
        return _number(schema, integer=False)
    if kind == "object":
        return _object(schema)
    raise NotImplementedError(f"the test generator cannot draw type {kind!r}")


def _object(schema: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    props: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))

    @st.composite
    def draw_object(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {}
        extra = schema.get("additionalProperties", True)
        if extra is not False and extra is not True:
            for key in draw(st.lists(_keys(schema), max_size=4, unique=True)):
                if key not in props:
                    out[key] = draw(strategy(extra))
        for key, sub in props.items():
            if key in required or draw(st.booleans()):
                out[key] = draw(strategy(sub))
        return out

    return draw_object()


def _lookup(schema: Mapping[str, Any], path: list[str]) -> Mapping[str, Any]:
    for part in path:
        schema = schema["properties"][part]
    return schema


def _conditions(schema: Mapping[str, Any], where: list[str]) -> list[tuple[list[str], Any, Any]]:
    """Every ``if``/``then`` in the schema's object tree, with where it applies."""
    found = [(where, c["if"], c["then"]) for c in schema.get("allOf", ())]
    for key, sub in schema.get("properties", {}).items():
        if isinstance(sub, Mapping):
            found.extend(_conditions(sub, [*where, key]))
    return found


def _holds(schema: Any, value: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(value)


def _required_path(then: Mapping[str, Any]) -> list[str]:
    """The path a ``then`` of the facts schema requires (nested ``required`` of one key)."""
    path: list[str] = []
    node = then
    while "required" in node:
        (key,) = node["required"]
        path.append(key)
        node = node["properties"][key]
    return path


def _without_null(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    if "anyOf" in schema:
        return {"anyOf": [s for s in schema["anyOf"] if s != {"type": "null"}]}
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return {**schema, "type": [k for k in kinds if k != "null"]}
    return schema


@st.composite
def documents(draw: st.DrawFn, schema: Mapping[str, Any]) -> dict[str, Any]:
    """Documents the schema accepts, its ``if``/``then`` clauses included."""
    document = draw(strategy(schema))
    for where, condition, then in _conditions(schema, []):
        container: Any = document
        for key in where:
            container = container.get(key) if isinstance(container, dict) else None
        if not isinstance(container, dict) or not _holds(condition, container):
            continue
        path = _required_path(then)
        node: Any = container
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        leaf = _lookup(_lookup(schema, where), path)
        node[path[-1]] = draw(strategy(_without_null(leaf)))
    return document
