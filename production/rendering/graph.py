"""Building blocks for ffmpeg command lines: input list, filter graph, value escaping."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_OPTION_SPECIALS = re.compile(r"([\\':])")
_GRAPH_SPECIALS = re.compile(r"([\\'\[\],;])")


def quote_value(value: str | Path) -> str:
    """Escape a filter option value so it survives both of ffmpeg's parsing levels.

    The filter's option parser treats `\\ ' :` specially, the graph parser `\\ ' [ ] , ;`
    (ffmpeg-filters(1), "Notes on filtergraph escaping"); each level gets a backslash in
    front of its specials, so ordinary paths stay readable in `explain()`.
    """
    level1 = _OPTION_SPECIALS.sub(r"\\\1", str(value))
    return _GRAPH_SPECIALS.sub(r"\\\1", level1)


def seconds(value: float) -> str:
    """A duration as ffmpeg reads it: plain decimal, no exponent, no trailing noise."""
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def even(value: float) -> int:
    """Round to the nearest even pixel count (yuv420p needs even frame sizes)."""
    return max(2, int(round(value / 2)) * 2)


@dataclass
class InputList:
    """The `-i` part of the command; each input gets its index in order of addition."""

    args: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, path: str | Path, options: list[str] | None = None) -> int:
        # Absolute, so a name with a colon is never taken for a protocol ("a:b.mp4").
        self.args += [*(options or []), "-i", str(Path(path).absolute())]
        self.count += 1
        return self.count - 1


@dataclass
class FilterGraph:
    """A filter_complex script built chain by chain with unique pad labels."""

    chains: list[str] = field(default_factory=list)
    _next_label: int = 0

    def label(self, prefix: str) -> str:
        self._next_label += 1
        return f"[{prefix}{self._next_label}]"

    def chain(self, inputs: list[str], filters: list[str], prefix: str = "s") -> str:
        """Append `[in...]f1,f2[out]` and return the new output label."""
        output = self.label(prefix)
        self.chains.append("".join(inputs) + ",".join(filters) + output)
        return output

    def split(self, source: str, count: int, *, audio: bool = False) -> list[str]:
        outputs = [self.label("a" if audio else "v") for _ in range(count)]
        name = "asplit" if audio else "split"
        self.chains.append(f"{source}{name}={count}{''.join(outputs)}")
        return outputs

    def script(self) -> str:
        return ";".join(self.chains)
