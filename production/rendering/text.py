"""Text stage: logo, title, call-to-action end card and burned-in captions."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from typing import Any

import pysubs2

from .captions import (
    CaptionLine,
    CaptionWord,
    group_lines,
    group_words,
    groups_to_srt,
    karaoke_events,
    parse_ass_events,
    parse_srt,
    pop_events,
    timings_problem,
    to_ass,
    to_srt,
)
from .context import BuildContext
from .errors import SpecError
from .fonts import font_file, fonts_dir
from .graph import even, quote_value, seconds
from .spec import CaptionsSpec, CaptionStyle

# Roboto's average glyph is about 0.55 em wide; used to wrap lines before drawtext,
# which cannot wrap by itself.
AVERAGE_GLYPH_WIDTH = 0.55
# Wider estimates for bold (and capital) caption words, used only to shrink a single word
# that would not fit between the safe margins.
BOLD_GLYPH_WIDTH = 0.6
UPPERCASE_GLYPH_WIDTH = 0.7
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
    """The cues of an srt, ass or lines source."""
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


CARD_LINE_SPACING = 0.15  # of the font size
CARD_MAX_LINES = 4


def card_text(
    ctx: BuildContext, name: str, text: str, *, size: int, colour: str, width: int, height: int, position: str
) -> str:
    """Drawtext for a card's phrase: big, bold, centred across the safe area of a width x height
    picture, at its top, middle or bottom.

    The font shrinks until the longest word fits a line and the wrapped lines fit the safe
    height (drawtext cannot wrap or shrink by itself); the text is read from a file.
    """
    safe = ctx.spec.output.safe_area
    left, usable_w = round(width * safe.left), width * (1 - safe.left - safe.right)
    top, usable_h = round(height * safe.top), height * (1 - safe.top - safe.bottom)
    longest = max((len(word) for word in text.split()), default=1)
    font_size = min(max(8, round(size * ctx.scale)), int(usable_w / (longest * BOLD_GLYPH_WIDTH)))
    while True:
        columns = max(longest, int(usable_w / (font_size * BOLD_GLYPH_WIDTH)))
        lines = textwrap.wrap(text, columns, break_long_words=False) or [""]
        block = len(lines) * font_size * (1 + CARD_LINE_SPACING)
        if font_size <= 8 or (block <= usable_h and len(lines) <= CARD_MAX_LINES):
            break
        font_size = max(8, int(font_size * 0.9))
    text_path = ctx.workdir / f"{name}.txt"
    ctx.files[text_path] = "\n".join(lines)
    shadow = max(1, round(font_size / 20))
    return (
        f"drawtext=fontfile={quote_value(font_file(bold=True))}"
        f":textfile={quote_value(text_path)}:expansion=none:text_align=center"
        f":fontsize={font_size}:fontcolor={colour.replace('#', '0x')}"
        f":shadowx={shadow}:shadowy={shadow}:shadowcolor=0x000000@0.35"
        f":line_spacing={round(font_size * CARD_LINE_SPACING)}"
        f":x={left}+({usable_w:.0f}-text_w)/2:y={_card_y(top, usable_h, position)}"
    )


def _card_y(top: int, usable_h: float, position: str) -> str:
    if position == "top":
        return str(top)
    if position == "bottom":
        return f"{top}+{usable_h:.0f}-text_h"
    return f"{top}+({usable_h:.0f}-text_h)/2"


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
    path = ctx.workdir / "captions.ass"
    if captions.ass is not None:
        # An ASS script carries its own styles and positions; respect them.
        ctx.files[path] = captions.ass
        return f"subtitles=filename={quote_value(path)}{fonts}"
    if captions.has_word_timings and captions.style.mode != "classic":
        ctx.files[path] = _word_script(ctx, captions)
        return f"subtitles=filename={quote_value(path)}{fonts}"
    path = ctx.workdir / "captions.srt"
    ctx.files[path] = to_srt(_classic_lines(ctx, captions))
    return f"subtitles=filename={quote_value(path)}{fonts}:force_style={quote_value(_caption_style(ctx, captions))}"


def caption_sidecar(ctx: BuildContext) -> str | None:
    """Text of the <output>.srt: the cues, or for word sources one cue per group of words."""
    captions = ctx.spec.text.captions
    if captions is None or not captions.sidecar:
        return None
    if captions.has_word_timings:
        return groups_to_srt(_word_groups(caption_words(ctx, captions), captions.style))
    return to_srt(caption_lines(captions))


def caption_words(ctx: BuildContext, captions: CaptionsSpec) -> list[CaptionWord]:
    """The words of a word source on the video's clock.

    A voice-over's timings count from the start of its audio, so when the spec also plays
    that voice-over they move by its delay and stay on the spoken words.
    """
    if captions.words is not None:
        return captions.words
    assert captions.voice_over is not None
    where = "text.captions.voice_over.asset"
    asset = ctx.asset(captions.voice_over.asset, where)
    if asset.kind != "voice_over":
        raise SpecError({where: [f"asset {asset.id} is {asset.kind}, expected a voice-over with word timings"]})
    problem = timings_problem(asset.words)
    if problem is not None:
        raise SpecError({where: [f"asset {asset.id} {problem}"]})
    voice = ctx.spec.audio.voice_over
    delay = voice.delay if voice is not None and voice.asset == asset.id else 0.0
    return [CaptionWord(text, start + delay, end + delay) for text, start, end in asset.words]


def _word_groups(words: list[CaptionWord], style: CaptionStyle) -> list[list[CaptionWord]]:
    if style.mode == "classic":
        return group_words(words, max_words=len(words), max_chars=style.line_chars)
    return group_words(words, max_words=style.words_per_group, max_chars=style.line_chars)


def _displayed_groups(ctx: BuildContext, captions: CaptionsSpec) -> list[list[CaptionWord]]:
    """The groups on screen: the same groups as the sidecar's cues, in capitals if asked."""
    groups = _word_groups(caption_words(ctx, captions), captions.style)
    if not captions.style.uppercase:
        return groups
    return [[replace(word, text=word.text.upper()) for word in group] for group in groups]


def _classic_lines(ctx: BuildContext, captions: CaptionsSpec) -> list[CaptionLine]:
    style = captions.style
    if captions.has_word_timings:
        return group_lines(_displayed_groups(ctx, captions))
    lines = caption_lines(captions)
    if style.uppercase:
        lines = [replace(line, text=line.text.upper()) for line in lines]
    if style.max_chars_per_line is not None:
        lines = [replace(line, text=_wrap_at(line.text, style.max_chars_per_line)) for line in lines]
    return lines


def _wrap_at(text: str, columns: int) -> str:
    return "\n".join(textwrap.fill(part, columns, break_long_words=False) for part in text.splitlines())


def _word_script(ctx: BuildContext, captions: CaptionsSpec) -> str:
    """Karaoke or pop captions as an ASS script sized to the frame."""
    style = captions.style
    groups = _displayed_groups(ctx, captions)
    font_size = _caption_font_size(ctx, style)
    safe = ctx.spec.output.safe_area
    glyph = UPPERCASE_GLYPH_WIDTH if style.uppercase else BOLD_GLYPH_WIDTH
    fit_chars = int(ctx.width * (1 - safe.left - safe.right) / (font_size * glyph))
    if style.mode == "karaoke":
        events = karaoke_events(groups, colour=style.color, highlight=style.highlight_color, fit_chars=fit_chars)
    else:
        events = pop_events(groups, fit_chars=fit_chars)
    return to_ass(events, _ssa_style(ctx, style), width=ctx.width, height=ctx.height)


def _caption_font_size(ctx: BuildContext, style: CaptionStyle) -> int:
    return max(8, round(style.size * ctx.scale))


def _style_values(ctx: BuildContext, style: CaptionStyle) -> dict[str, Any]:
    """Font, colours and position of captions, in pixels of the output frame."""
    safe = ctx.spec.output.safe_area
    alignment = {"bottom": 2, "middle": 5, "top": 8}[style.position]
    margin_v = safe.top if style.position == "top" else safe.bottom
    return {
        "FontName": style.font,
        "FontSize": _caption_font_size(ctx, style),
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


def _caption_style(ctx: BuildContext, captions: CaptionsSpec) -> str:
    """force_style for libass over an .srt; PlayRes = the frame size makes every number a pixel."""
    fields = {"PlayResX": ctx.width, "PlayResY": ctx.height, **_style_values(ctx, captions.style)}
    return ",".join(f"{key}={value}" for key, value in fields.items())


def _ssa_style(ctx: BuildContext, style: CaptionStyle) -> pysubs2.SSAStyle:
    """The same style as `_caption_style`, for a generated ASS script."""
    values = _style_values(ctx, style)
    return pysubs2.SSAStyle(
        fontname=style.font,
        fontsize=values["FontSize"],
        bold=style.bold,
        primarycolor=_ssa_colour(style.color),
        outlinecolor=_ssa_colour(style.outline_color),
        borderstyle=1,
        outline=values["Outline"],
        shadow=0,
        alignment=pysubs2.Alignment(values["Alignment"]),
        marginv=values["MarginV"],
        marginl=values["MarginL"],
        marginr=values["MarginR"],
    )


def _ssa_colour(colour: str) -> pysubs2.Color:
    return pysubs2.Color(int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
