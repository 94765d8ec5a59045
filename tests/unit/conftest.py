"""Unit-test configuration: makes ``_rubrics`` (the test-rubric builders) importable.

Test modules in subfolders (``kinds/``) and in ``tests/property`` import it by name.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
