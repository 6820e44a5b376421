"""Video stage: open the inputs, fit each clip into its slot and arrange the slots."""

from __future__ import annotations

from . import stills
from .context import BuildContext
from .graph import even, seconds
from .spec import InputSpec

XFADE_NAMES = {
    "fade": "fade",
    "zoom": "zoomin",
    "blur": "hblur",
    "slide": "slide{direction}",
    "wipe": "wipe{direction}",
}


def build_video(ctx: BuildContext) -> str:
    """Add the layout's filters to the graph; return the label of the composed video."""
    for index, clip in enumerate(ctx.spec.inputs):
        ctx.input_index.append(_open_input(ctx, index, clip))
    kind = ctx.spec.layout.kind
    if kind == "single":
        return _clip(ctx, 0, ctx.width, ctx.height)
    if kind == "side_by_side":
        left = even(ctx.width / 2)
        slots = [_clip(ctx, 0, left, ctx.height), _clip(ctx, 1, ctx.width - left, ctx.height)]
        return ctx.graph.chain(slots, ["hstack=inputs=2"], "v")
    if kind == "stacked":
        top = even(ctx.height / 2)
        slots = [_clip(ctx, 0, ctx.width, top), _clip(ctx, 1, ctx.width, ctx.height - top)]
        return ctx.graph.chain(slots, ["vstack=inputs=2"], "v")
    if kind == "picture_in_picture":
        return _picture_in_picture(ctx)
    return _sequence(ctx)


def _open_input(ctx: BuildContext, index: int, clip: InputSpec) -> int | None:
    if clip.asset is None:
        return None  # a card is drawn in the filter graph
    asset = ctx.asset(clip.asset, f"inputs.{index}.asset")
    if asset.is_still:
        # Decoded once; `stills.hold` repeats the fitted picture for as long as it shows.
        return ctx.inputs.add(asset.path)
    options: list[str] = []
    if clip.loop:
        options += ["-stream_loop", "-1"]
    if clip.trim_in:
        options += ["-ss", seconds(clip.trim_in)]
    read = None if clip.trim_out is None else clip.trim_out - clip.trim_in
    if clip.duration is not None:  # source seconds for that much screen time
        wanted = clip.duration * clip.speed
        read = wanted if read is None else min(read, wanted)
    if read is not None:
        options += ["-t", seconds(read)]
    return ctx.inputs.add(asset.path, options)


def _clip(ctx: BuildContext, index: int, width: int, height: int) -> str:
    """One input, retimed and fitted to a width x height slot, held to the right length."""
    clip = ctx.spec.inputs[index]
    length = ctx.timeline.clip_lengths[index]
    shown = length if length is not None else ctx.duration
    if ctx.spec.layout.kind != "sequence":
        shown = min(shown, ctx.duration)
    frames = stills.frame_count(ctx, shown)
    source = f"[{ctx.input_index[index]}:v]"
    asset = None if clip.asset is None else ctx.asset(clip.asset, f"inputs.{index}.asset")
    if clip.card is not None:
        picture = stills.card(ctx, index, clip.card, width, height, frames)
    elif asset is not None and asset.is_still:
        first = ctx.graph.chain([source], ["trim=end_frame=1"], "c")
        picture = stills.hold(ctx, _fit(ctx, first, width, height), frames)
    else:
        pts = "PTS-STARTPTS" if clip.speed == 1 else f"(PTS-STARTPTS)/{clip.speed:g}"
        timed = ctx.graph.chain([source], [f"setpts={pts}", f"fps={ctx.fps}"], "c")
        picture = _fit(ctx, timed, width, height)
    if clip.motion is not None:
        picture = stills.ken_burns(ctx, picture, clip.motion, frames, width, height)
    return _hold_length(ctx, picture, length, explicit=clip.duration is not None)


def _fit(ctx: BuildContext, source: str, width: int, height: int) -> str:
    cover = [
        f"scale={width}:{height}:force_original_aspect_ratio=increase",
        f"crop={width}:{height}",
    ]
    if ctx.spec.layout.fit == "cover":
        return ctx.graph.chain([source], [*cover, "setsar=1"], "f")
    # contain: the whole clip over a blurred, enlarged copy of itself. The copy is blurred
    # at an eighth of the size, which looks the same and costs a fraction of a full blur.
    back, front = ctx.graph.split(source, 2)
    small_w, small_h = even(width / 8), even(height / 8)
    blurred = ctx.graph.chain(
        [back],
        [
            f"scale={small_w}:{small_h}:force_original_aspect_ratio=increase",
            f"crop={small_w}:{small_h}",
            "boxblur=4:2",
            f"scale={width}:{height}",
        ],
        "b",
    )
    inner = ctx.graph.chain([front], [f"scale={width}:{height}:force_original_aspect_ratio=decrease"], "f")
    return ctx.graph.chain([blurred, inner], ["overlay=(W-w)/2:(H-h)/2:shortest=1", "setsar=1"], "f")


def _hold_length(ctx: BuildContext, source: str, length: float | None, *, explicit: bool) -> str:
    """Freeze a clip's last frame when it ends before the video does.

    In a sequence each clip must last exactly its planned length, or the transitions
    start at the wrong moment; elsewhere the output's `-t` cuts the rest. An `explicit`
    length (the input's `duration`) may be longer than the clip, or shorter than a loop.
    """
    if ctx.spec.layout.kind == "sequence":
        assert length is not None, "validated by the timeline"
        pad = seconds(length) if explicit else "1"
        return ctx.graph.chain(
            [source], [f"tpad=stop_mode=clone:stop_duration={pad}", f"trim=duration={seconds(length)}"]
        )
    if length is not None and length < ctx.duration:
        cut = [f"trim=duration={seconds(length)}"] if explicit else []
        return ctx.graph.chain([source], [*cut, "tpad=stop_mode=clone:stop=-1"])
    return source


def _picture_in_picture(ctx: BuildContext) -> str:
    layout = ctx.spec.layout
    base = _clip(ctx, 0, ctx.width, ctx.height)
    inset_w = even(ctx.width * layout.inset_size)
    inset_h = even(inset_w * ctx.height / ctx.width)
    inset = _clip(ctx, 1, inset_w, inset_h)
    border = even(layout.border_width * ctx.scale) if layout.border_width else 0
    if border:
        colour = layout.border_color.replace("#", "0x")
        inset = ctx.graph.chain(
            [inset], [f"pad={inset_w + 2 * border}:{inset_h + 2 * border}:{border}:{border}:{colour}"]
        )
    margin = round(ctx.width * layout.margin)
    x = f"{margin}" if layout.corner.endswith("left") else f"W-w-{margin}"
    y = f"{margin}" if layout.corner.startswith("top") else f"H-h-{margin}"
    return ctx.graph.chain([base, inset], [f"overlay={x}:{y}"], "v")


def _sequence(ctx: BuildContext) -> str:
    clips = [_clip(ctx, i, ctx.width, ctx.height) for i in range(len(ctx.spec.inputs))]
    joined = _join_clips(ctx, clips)
    if ctx.duration > (ctx.timeline.content or 0):
        # A duration longer than the clips: hold the last picture to the end.
        return ctx.graph.chain([joined], ["tpad=stop_mode=clone:stop=-1"])
    return joined


def _join_clips(ctx: BuildContext, clips: list[str]) -> str:
    transition = ctx.spec.layout.transition
    if transition is None:
        return ctx.graph.chain(clips, [f"concat=n={len(clips)}:v=1:a=0"], "v")
    name = XFADE_NAMES[transition.kind].format(direction=transition.direction)
    current, offset = clips[0], 0.0
    for index, following in enumerate(clips[1:], start=1):
        # Each transition starts `duration` seconds before the previous clip ends.
        offset += ctx.timeline.clip_lengths[index - 1] - transition.duration  # type: ignore[operator]
        current = ctx.graph.chain(
            [current, following],
            [f"xfade=transition={name}:duration={seconds(transition.duration)}:offset={seconds(offset)}"],
            "x",
        )
    return current
