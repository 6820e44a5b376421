"""Text stage: logo, title, call-to-action end card and burned-in captions."""

from __future__ import annotations

import textwrap

from .captions import CaptionLine, parse_ass_events, parse_srt, to_srt
from .context import BuildContext
from .fonts import font_file, fonts_dir
from .graph import even, quote_value, seconds
from .spec import CaptionsSpec

# Roboto's average glyph is about 0.55 em wide; used to wrap lines before drawtext,
# which cannot wrap by itself.
AVERAGE_GLYPH_WIDTH = 0.55
TEXT_BOX_OPACITY = 0.55
END_CARD_DIMMING = 0.6


def build_text(ctx: BuildContext, video: str) -> str:
    """Draw the text parts over the composed video, captions last so they stay on top."""
    text = ctx.spec.text
    filters: list[str] = []
    if text.logo is not None:
        video = _logo(ctx, video)
    if text.title is not None:
        filters.append(_title(ctx))
    if text.call_to_action is not None:
        filters += _call_to_action(ctx)
    if text.captions is not None:
        filters.append(_captions(ctx, text.captions))
    if not filters:
        return video
    return ctx.graph.chain([video], filters, "t")


def caption_lines(captions: CaptionsSpec) -> list[CaptionLine]:
    if captions.lines is not None:
        return captions.lines
    if captions.srt is not None:
        return parse_srt(captions.srt)
    return parse_ass_events(captions.ass or "")


def _logo(ctx: BuildContext, video: str) -> str:
    logo = ctx.spec.text.logo
    assert logo is not None
    asset = ctx.asset(logo.asset, "text.logo.asset", "video")
    # A single picture: overlay repeats its last frame for the whole video.
    index = ctx.inputs.add(asset.path)
    width = even(ctx.width * logo.size)
    prepared = ctx.graph.chain(
        [f"[{index}:v]"],
        [f"scale={width}:-2", "format=rgba", f"colorchannelmixer=aa={logo.opacity:g}"],
        "l",
    )
    margin = round(ctx.width * logo.margin)
    x = f"{margin}" if logo.corner.endswith("left") else f"W-w-{margin}"
    y = f"{margin}" if logo.corner.startswith("top") else f"H-h-{margin}"
    return ctx.graph.chain([video, prepared], [f"overlay={x}:{y}:format=auto"], "v")


def _wrap(ctx: BuildContext, text: str, font_size: int) -> str:
    safe = ctx.spec.output.safe_area
    usable = ctx.width * (1 - safe.left - safe.right)
    columns = max(8, int(usable / (font_size * AVERAGE_GLYPH_WIDTH)))
    return "\n".join(textwrap.fill(part, columns) for part in text.splitlines() or [""])


def _drawtext(ctx: BuildContext, name: str, text: str, size: int, colour: str, y: str) -> str:
    """A centred drawtext reading its text from a file, so no text needs escaping."""
    font_size = max(8, round(size * ctx.scale))
    text_path = ctx.workdir / f"{name}.txt"
    ctx.files[text_path] = _wrap(ctx, text, font_size)
    return (
        f"drawtext=fontfile={quote_value(font_file(bold=True))}"
        f":textfile={quote_value(text_path)}:expansion=none:text_align=center"
        f":fontsize={font_size}:fontcolor={colour.replace('#', '0x')}"
        f":borderw={max(1, round(font_size / 16))}:bordercolor=0x000000"
        f":line_spacing={round(font_size * 0.2)}:x=(w-text_w)/2:y={y}"
    )


def _vertical(ctx: BuildContext, position: str) -> str:
    safe = ctx.spec.output.safe_area
    if position == "top":
        return str(round(ctx.height * safe.top))
    if position == "middle":
        return "(h-text_h)/2"
    return f"h-text_h-{round(ctx.height * safe.bottom)}"


def _title(ctx: BuildContext) -> str:
    title = ctx.spec.text.title
    assert title is not None
    drawn = _drawtext(ctx, "title", title.text, title.size, title.color, _vertical(ctx, title.position))
    if title.box:
        pad = round(title.size * ctx.scale * 0.3)
        drawn += f":box=1:boxcolor=0x000000@{TEXT_BOX_OPACITY}:boxborderw={pad}"
    end = ctx.duration if title.end is None else title.end
    return drawn + f":enable={quote_value(f'between(t,{seconds(title.start)},{seconds(end)})')}"


def _call_to_action(ctx: BuildContext) -> list[str]:
    card = ctx.spec.text.call_to_action
    assert card is not None
    start = max(0.0, ctx.duration - card.duration)
    enable = f":enable={quote_value(f'gte(t,{seconds(start)})')}"
    dim = f"drawbox=x=0:y=0:w=iw:h=ih:t=fill:color={card.box_color.replace('#', '0x')}@{END_CARD_DIMMING}"
    text = _drawtext(ctx, "call_to_action", card.text, card.size, card.color, "(h-text_h)/2")
    return [dim + enable, text + enable]


def _ass_colour(colour: str) -> str:
    """#RRGGBB -> ASS &H00BBGGRR (alpha first, then blue, green, red)."""
    red, green, blue = colour[1:3], colour[3:5], colour[5:7]
    return f"&H00{blue}{green}{red}".upper()


def _captions(ctx: BuildContext, captions: CaptionsSpec) -> str:
    """Burn captions with libass, fonts only from the package folder."""
    fonts = f":fontsdir={quote_value(fonts_dir())}"
    if captions.ass is not None:
        # An ASS script carries its own styles and positions; respect them.
        path = ctx.workdir / "captions.ass"
        ctx.files[path] = captions.ass
        return f"subtitles=filename={quote_value(path)}{fonts}"
    path = ctx.workdir / "captions.srt"
    ctx.files[path] = to_srt(caption_lines(captions))
    return f"subtitles=filename={quote_value(path)}{fonts}:force_style={quote_value(_caption_style(ctx, captions))}"


def _caption_style(ctx: BuildContext, captions: CaptionsSpec) -> str:
    style = captions.style
    safe = ctx.spec.output.safe_area
    alignment = {"bottom": 2, "middle": 5, "top": 8}[style.position]
    margin_v = safe.top if style.position == "top" else safe.bottom
    # PlayRes = the frame size makes every number below a pixel of the output.
    fields = {
        "PlayResX": ctx.width,
        "PlayResY": ctx.height,
        "FontName": style.font,
        "FontSize": max(8, round(style.size * ctx.scale)),
        "Bold": 1 if style.bold else 0,
        "PrimaryColour": _ass_colour(style.color),
        "OutlineColour": _ass_colour(style.outline_color),
        "BorderStyle": 1,
        "Outline": round(style.outline * ctx.scale, 1),
        "Shadow": 0,
        "Alignment": alignment,
        "MarginV": round(ctx.height * margin_v) if style.position != "middle" else 0,
        "MarginL": round(ctx.width * safe.left),
        "MarginR": round(ctx.width * safe.right),
    }
    return ",".join(f"{key}={value}" for key, value in fields.items())
