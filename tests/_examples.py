"""How many examples a narrow property draws: a share of the hypothesis profile's.

The profiles (``tests/conftest.py``) say how many examples a property gets: ``default`` for a
developer's run, ``ci`` for CI. A property whose input is narrow (one fact fixed, one rule's
declaration, the shape of what a strategy draws) learns little from the hundredth example
that it did not from the tenth, and it costs as much; such a property takes a share of the
profile's examples, as ``evalrules.testing.run_monotonic`` gives each declaration a quarter.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings


def share(divisor: int, **overrides: Any) -> settings:
    """The current profile's settings with a ``1/divisor`` share of its examples.

    Never fewer than 10 examples, unless the profile itself asks for fewer. ``overrides``
    are other settings (``suppress_health_check=...``), since a test takes one ``settings``.
    """
    n = settings().max_examples
    return settings(max_examples=max(n // divisor, min(n, 10)), **overrides)
