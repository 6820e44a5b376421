"""Pictures that do not come from a video: still images held on screen, generated cards, and
Ken Burns motion over either (or over a clip).

A still is decoded and fitted once, then repeated with `loop`: a large photo costs one
decode and one scale however long it shows, not one per frame.

Ken Burns uses `perspective` with per-frame corner expressions: the view is a rectangle
of the fitted frame whose corners move linearly, sampled with bilinear interpolation, so
it moves by fractions of a pixel. `zoompan` crops at whole (and, in YUV 4:2:0, even)
pixels, which shows as a shake on slow moves. Measured on a 1080x1920, 30 fps, five-second
zoom to 1.15 of a photo (frame-to-frame jitter of a tracked marker, RMS of its second
difference; CPU seconds including the x264 veryfast encode, 2-core machine):

    perspective (this)          0.13 px   7.0 s
    zoompan                     1.7 px    5.5 s
    zoompan, picture 3x first   0.55 px   6.6 s
    zoompan, picture 4x first   0.36 px   7.4 s
    plain still, no motion      -         1.8 s   (a moving video clip: 6.5 s)

Most of the cost is encoding a picture that moves; a still that does not move encodes
almost for free.
"""

from __future__ import annotations

import math

from .context import BuildContext
from .graph import quote_value
from .spec_visuals import CardSpec, MotionSpec
from .text import card_text

# The direction the view travels for each pan, as (x, y) in frame fractions.
PAN_VECTORS = {"none": (0, 0), "left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}
# 4:2:0 halves the pixels perspective interpolates (measured 1.6x faster than RGB).
MOTION_FORMAT = "yuv420p"


def frame_count(ctx: BuildContext, seconds_shown: float) -> int:
    """Frames an input shows for `seconds_shown` at the output rate (the last may be partial)."""
    return max(1, math.ceil(seconds_shown * ctx.fps - 1e-6))


def hold(ctx: BuildContext, picture: str, frames: int) -> str:
    """One fitted picture repeated for `frames` frames at the output rate.

    `fps` changes no timestamp here but sets the stream's frame rate, which xfade requires
    to match between neighbours (an image input reports 25).
    """
    return ctx.graph.chain(
        [picture],
        [f"loop=loop={frames - 1}:size=1", f"settb=1/{ctx.fps}", "setpts=N", f"fps={ctx.fps}", "setsar=1"],
        "h",
    )


def card(ctx: BuildContext, index: int, spec: CardSpec, width: int, height: int, frames: int) -> str:
    """The gradient and the key phrase, drawn once and held for `frames` frames."""
    colours = [colour.replace("#", "0x") for colour in spec.colors]
    if len(colours) == 1:
        colours *= 2
    end_x, end_y = {"diagonal": (width, height), "vertical": (0, height), "horizontal": (width, 0)}[spec.gradient]
    gradient = ":".join(
        [
            f"gradients=s={width}x{height}:r={ctx.fps}",
            *(f"c{number}={colour}" for number, colour in enumerate(colours)),
            f"nb_colors={len(colours)}:x0=0:y0=0:x1={end_x}:y1={end_y}:speed=0:seed=0",
        ]
    )
    text = card_text(
        ctx,
        f"card_{index}",
        spec.text,
        size=spec.size,
        colour=spec.text_color,
        width=width,
        height=height,
        position=spec.position,
    )
    drawn = ctx.graph.chain([], [gradient, "trim=end_frame=1", text], "k")
    return hold(ctx, drawn, frames)


def ken_burns(ctx: BuildContext, picture: str, motion: MotionSpec, frames: int, width: int, height: int) -> str:
    """Move the view over `picture` (width x height) from the first frame to frame `frames`."""
    close = 1 / motion.zoom
    size_from, size_to = {"in": (1.0, close), "out": (close, 1.0), "none": (close, close)}[motion.direction]
    room = (1 - close) / 2  # how far the close view's centre may sit from the frame's centre
    centres = {
        "in": (0.0, 1.0),  # from the middle to the side the view travels to
        "out": (-1.0, 0.0),  # from the opposite side back to the middle
        "none": (-1.0, 1.0),  # from one side across to the other
    }[motion.direction]
    travel_x, travel_y = PAN_VECTORS[motion.pan]
    # `in` counts frames from 1.
    progress = f"min((in-1)/{frames - 1},1)" if frames > 1 else "0"

    def edge(axis_travel: int, pixels: int, side: float) -> str:
        """`A+B*progress` for one edge of the view; side -1 for left/top, +1 for right/bottom."""
        start = 0.5 + axis_travel * room * centres[0] + side * size_from / 2
        end = 0.5 + axis_travel * room * centres[1] + side * size_to / 2
        return f"{start * pixels:.4f}{(end - start) * pixels:+.4f}*{progress}"

    left, right = edge(travel_x, width, -1), edge(travel_x, width, 1)
    top, bottom = edge(travel_y, height, -1), edge(travel_y, height, 1)
    corners = {"x0": left, "y0": top, "x1": right, "y1": top, "x2": left, "y2": bottom, "x3": right, "y3": bottom}
    options = ":".join(f"{name}={quote_value(value)}" for name, value in corners.items())
    return ctx.graph.chain(
        [picture], [f"format={MOTION_FORMAT}", f"perspective={options}:interpolation=linear:eval=frame"], "m"
    )
