"""A small reader that pulls typed fields out of untrusted JSON and collects every error.

Spec parsing must report all bad fields at once (the API answers with one 400 listing
them), so readers never raise: they record `{"dotted.path": [messages]}` and return a
default, and the caller raises `SpecError` at the end.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

NAMED_COLOURS = {
    "white": "#FFFFFF",
    "black": "#000000",
    "yellow": "#FFE000",
    "red": "#FF0000",
    "green": "#00C000",
    "blue": "#0050FF",
    "orange": "#FF8000",
    "pink": "#FF4090",
    "grey": "#808080",
}
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_MISSING = object()


def join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


@functools.cache
def field_names(cls: type) -> frozenset[str]:
    """The field names of a spec dataclass (looked up once per class: specs come in thousands)."""
    return frozenset(f.name for f in dataclasses.fields(cls))


class FieldReader:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = defaultdict(list)

    def add(self, path: str, message: str) -> None:
        self.errors[path].append(message)

    def mapping(self, value: Any, path: str, known: Iterable[str]) -> Mapping[str, Any]:
        """Check `value` is an object and has no fields we do not understand (typos)."""
        if not isinstance(value, Mapping):
            self.add(path or "spec", "must be an object")
            return {}
        for key in value:
            if key not in known:
                self.add(join(path, key), "unknown field")
        return value

    def fields_of(self, cls: type, value: Any, path: str) -> Mapping[str, Any]:
        """`mapping()` for the fields of a spec dataclass."""
        return self.mapping(value, path, field_names(cls))

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        default: Any,
        *,
        minimum: float,
        maximum: float,
        integer: bool = False,
        exclusive_minimum: bool = False,
    ) -> Any:
        value = data.get(key, default)
        if value is None:
            return None
        where = join(path, key)
        # bool is an int subclass; `"loop": true` as a volume is a mistake, not 1.0.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(where, "must be a whole number" if integer else "must be a number")
            return default
        if integer and not float(value).is_integer():
            self.add(where, "must be a whole number")
            return default
        if not math.isfinite(value):
            self.add(where, "must be a finite number")
            return default
        too_small = value <= minimum if exclusive_minimum else value < minimum
        if too_small or value > maximum:
            low = f"more than {minimum:g}" if exclusive_minimum else f"at least {minimum:g}"
            self.add(where, f"must be {low} and at most {maximum:g}")
            return default
        return int(value) if integer else float(value)

    def required_number(self, data: Mapping[str, Any], key: str, path: str, **limits: Any) -> Any:
        if data.get(key) is None:
            self.add(join(path, key), "is required")
            return None
        return self.number(data, key, path, None, **limits)

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        default: Any,
        options: Iterable[str],
        *,
        nullable: bool = False,
    ) -> Any:
        value = data.get(key, default)
        options = tuple(options)
        if value is None and (nullable or default is None):
            return None
        if value not in options:
            self.add(join(path, key), f"must be one of: {', '.join(options)} (got {value!r})")
            return default
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add(join(path, key), "must be true or false")
            return default
        return value

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        default: str | None,
        *,
        max_length: int,
        required: bool = False,
    ) -> str | None:
        value = data.get(key, default)
        where = join(path, key)
        if value is None:
            if required:
                self.add(where, "is required")
            return None
        if not isinstance(value, str):
            self.add(where, "must be a string")
            return default
        if required and not value.strip():
            self.add(where, "must not be empty")
        if len(value) > max_length:
            self.add(where, f"must be at most {max_length} characters")
        return value

    def colour(self, data: Mapping[str, Any], key: str, path: str, default: str) -> str:
        value = data.get(key, default)
        if isinstance(value, str) and value.lower() in NAMED_COLOURS:
            return NAMED_COLOURS[value.lower()]
        if isinstance(value, str) and _HEX_COLOUR.match(value):
            return value.upper()
        names = ", ".join(NAMED_COLOURS)
        self.add(join(path, key), f"must be #RRGGBB or one of: {names} (got {value!r})")
        return default

    def asset_id(self, data: Mapping[str, Any], key: str, path: str) -> int:
        value = data.get(key, _MISSING)
        where = join(path, key)
        if value is _MISSING or value is None:
            self.add(where, "is required")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.add(where, "must be a positive integer asset id")
        else:
            return value
        return 0

    def items(self, data: Mapping[str, Any], key: str, path: str, *, max_items: int) -> list[Any]:
        value = data.get(key)
        where = join(path, key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(where, "must be a list")
            return []
        if len(value) > max_items:
            self.add(where, f"must have at most {max_items} items")
            return value[:max_items]
        return value
