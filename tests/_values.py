"""Two values the same all the way down, for tests of values that travel (a pickle, a chunk
of results coming back from a worker)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from evalrules._rules._messages import Rendered


def same_values(back: Any, here: Any, where: str = "card") -> None:
    """``back`` is ``here`` value for value, all the way down: the same types (a frozen
    mapping, a lazily rendered message), equal, decimals written the same."""
    assert type(back) is type(here), where
    if isinstance(here, Rendered):
        assert (back.zh, back.en) == (here.zh, here.en), where
        same_values(back._template, here._template, f"{where}._template")
        same_values(back._params, here._params, f"{where}._params")
    elif attrs.has(type(here)):
        for field in attrs.fields(type(here)):
            name = field.name
            same_values(getattr(back, name), getattr(here, name), f"{where}.{name}")
    elif isinstance(here, tuple):
        assert len(back) == len(here), where
        for i, (b, h) in enumerate(zip(back, here, strict=True)):
            same_values(b, h, f"{where}[{i}]")
    elif isinstance(here, dict):
        assert list(back) == list(here), where
        for key in here:
            same_values(back[key], here[key], f"{where}[{key!r}]")
    elif isinstance(here, Decimal):
        assert str(back) == str(here), where
    else:
        assert back == here, where
