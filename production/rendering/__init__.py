"""The renderer: composition specs compiled to one ffmpeg process.

spec = CompositionSpec.from_dict(data)            # SpecError on bad fields
report = check_policy(spec, assets=assets, owner_id=user.id)
result = render(spec, "out.mp4", assets=assets, on_progress=print)
"""

from .assets import AssetInfo
from .errors import InvalidOutput, RenderCancelled, RenderError, RenderTimeout, SpecError
from .policy import InputShare, PolicyReport, check_policy
from .presets import PLATFORMS, PRESETS, Preset
from .probe import MediaInfo, ProbeError, probe
from .renderer import RenderResult, explain, render
from .spec import CompositionSpec

__all__ = [
    "PLATFORMS",
    "PRESETS",
    "AssetInfo",
    "CompositionSpec",
    "InputShare",
    "InvalidOutput",
    "MediaInfo",
    "PolicyReport",
    "Preset",
    "ProbeError",
    "RenderCancelled",
    "RenderError",
    "RenderResult",
    "RenderTimeout",
    "SpecError",
    "check_policy",
    "explain",
    "probe",
    "render",
]
