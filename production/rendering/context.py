"""State shared by the compile stages of one render."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .assets import AssetInfo
from .graph import FilterGraph, InputList
from .spec import CompositionSpec
from .timeline import Timeline, lookup


@dataclass
class BuildContext:
    spec: CompositionSpec
    assets: Mapping[int, AssetInfo]
    timeline: Timeline
    workdir: Path
    width: int
    height: int
    fps: int
    inputs: InputList = field(default_factory=InputList)
    graph: FilterGraph = field(default_factory=FilterGraph)
    # Files the command reads (captions, text) that render() writes before starting ffmpeg.
    files: dict[Path, str] = field(default_factory=dict)
    # ffmpeg input index of each spec input (None for a card), filled by the layout stage.
    input_index: list[int | None] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.timeline.duration

    @property
    def scale(self) -> float:
        """Pixel sizes in the spec are for a 1080-wide portrait frame; scale to ours."""
        return min(self.width, self.height) / 1080

    def asset(self, asset_id: int, path: str, needs: str = "") -> AssetInfo:
        return lookup(self.assets, asset_id, path, needs)
