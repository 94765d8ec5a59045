"""The digest of a rubric's canonical content."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._rubric._model import Rubric


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)  # NaN and sNaN compare with nothing (sNaN raises)
        return str(value.normalize()) if value == value.to_integral_value() else str(value)
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if attrs.has(type(value)):
        return _canonical(
            {
                f.name: getattr(value, f.name)
                for f in attrs.fields(type(value))
                if f.eq
                and not (
                    f.metadata.get("digest") == "when-set" and getattr(value, f.name) == f.default
                )
                and not (f.metadata.get("digest_omit_none") and getattr(value, f.name) is None)
            }
        )
    return value


def rubric_digest(rubric: Rubric) -> str:
    """SHA-256 of the rubric's canonical content (independent of file, plugin, key order)."""
    text = json.dumps(_canonical(rubric), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
