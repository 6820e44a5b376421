"""The spec that puts a studio video together: one scene visual after another, cut where the
narration moves on, with the hook as a title, the call to action as an end card, word-timed
captions, the voice-over and music ducked under it.

Scene timing comes from the voice-over's word timings. The timings hold one word per display
token of the spoken text (hook, scenes, call to action, voiced chunk by chunk: see
services/voice_overs.py and engines/normalize.py), so counting each part's display tokens the
same way says which word opens each scene. A scene starts at its first word and runs to the
next scene's first word; the first also covers the hook, the last runs to the end of the audio
(and a short tail) under the call to action. When the counts do not add up (the script was
edited after voicing), the parts' tokens are matched to the words by text, and a part that
cannot be placed is put in proportion.

Transitions overlap neighbouring clips; each is centred on its boundary, so the picture has
changed by half exactly on the first word of the scene. Boundaries sit on whole frames; a
scene shorter than MIN_SCENE_SECONDS (or beyond the sequence's 20 inputs) is merged into its
shorter neighbour, and the transition shortens (or becomes a cut) so that none overlap.

Images get a gentle Ken Burns move (alternating in and out, varying the pan), clips loop or are
cut to their scene and stay silent under the voice, cards show the scene's key phrase. When
the platform asks for a minimum share of original material (YouTube: two thirds), the weakest
reused clips (hot videos) become cards until the share is met, so the spec passes the policy.

Avatars are not composed yet: the renderer's picture-in-picture layout takes two inputs, not
an inset over a sequence, so `avatar` is refused with a readable error.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from django.conf import settings

from common.errors import ApplicationError
from library.models import MediaAsset, MediaKind
from production.rendering import PRESETS
from production.rendering.spec import LAYOUT_INPUTS, TRANSITIONS
from production.studio.engines.normalize import spoken_tokens
from production.studio.services.voice_overs import chunks_of
from production.studio.visuals import OWN_KINDS, SceneVisual, key_phrase

TAIL_SECONDS = 0.5  # after the last word, before the video ends
TRANSITION_SECONDS = 0.4
MIN_TRANSITION_SECONDS = 0.1  # shorter than this and scenes simply cut
MIN_SCENE_SECONDS = 0.6  # a shorter scene is merged into a neighbour
MAX_SCENES = LAYOUT_INPUTS["sequence"][1]
TITLE_MIN_SECONDS, TITLE_MAX_SECONDS = 1.5, 5.0
END_CARD_MIN_SECONDS, END_CARD_MAX_SECONDS = 1.5, 60.0
MUSIC_VOLUME = 0.25
KEN_BURNS_ZOOM = 1.12
KEN_BURNS_PANS = ("none", "right", "left", "down", "up")
CARD_COLOURS = (
    ("#1E3C72", "#2A5298"),
    ("#42275A", "#734B6D"),
    ("#134E5E", "#3B8D74"),
    ("#3A1C71", "#B2456E"),
)
# Big, bold and low in the safe area, as short-video captions are read on a phone.
DEFAULT_CAPTION_STYLE = {"mode": "karaoke", "words_per_group": 3, "position": "bottom", "size": 84, "outline": 5}
_PUNCTUATION = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Segment:
    """One scene on the video's clock: from `start` to `end` seconds, showing `visual`."""

    start: float
    end: float
    visual: SceneVisual
    scene: dict

    @property
    def seconds(self) -> float:
        return self.end - self.start


def compose_spec(
    *,
    script_scenes: list[dict],
    hook: str,
    call_to_action: str,
    words: list[dict],
    voice_over_asset_id: int,
    voice_over_duration: float,
    visuals: list[SceneVisual],
    platform: str = "tiktok",
    caption_style: dict | None = None,
    music_asset_id: int | None = None,
    transition: str = "fade",
    avatar: dict | None = None,
) -> dict:
    """A CompositionSpec dict for a voiced script; ApplicationError when it cannot be made."""
    _check_request(script_scenes, words, voice_over_duration, visuals, platform, transition, avatar)
    preset = PRESETS[platform]
    total = _frames(voice_over_duration + TAIL_SECONDS, preset.fps)
    if total > preset.max_duration:
        message = (
            f"The voice-over lasts {voice_over_duration:.0f} s; {platform} takes at most {preset.max_duration:g} s."
        )
        raise _bad("voice_over", message + " Shorten the script.")
    parts = [hook, *(str(scene.get("text") or "") for scene in script_scenes), call_to_action]
    firsts = first_words([part_tokens(part) for part in parts], words)
    by_scene = {visual.scene_index: visual for visual in visuals}
    segments = _segments(
        script_scenes, [by_scene[i] for i in range(len(script_scenes))], _starts(firsts, words), total, preset.fps
    )
    shown_ids = [segment.visual.asset_id for segment in segments if segment.visual.asset_id is not None]
    kinds = dict(MediaAsset.objects.filter(pk__in=shown_ids).values_list("pk", "kind"))
    overlap = _transition_seconds(segments, preset.fps) if transition != "none" else 0.0
    segments = _keep_original_share(segments, kinds, overlap, settings.RENDER_MIN_ORIGINAL_SHARE.get(platform, 0.0))
    return {
        "inputs": _inputs(segments, kinds, overlap, end_card=bool(call_to_action.strip())),
        "layout": _layout(len(segments), transition, overlap),
        "output": {"platform": platform, "resolution": "1080p"},
        "duration": round(total, 3),
        "audio": _audio(voice_over_asset_id, music_asset_id),
        "text": {
            "captions": {
                "voice_over": {"asset": voice_over_asset_id},
                "style": dict(caption_style) if caption_style is not None else dict(DEFAULT_CAPTION_STYLE),
            },
            **_title(hook, words, firsts[1], total),
            **_end_card(call_to_action, words, firsts[-1], total),
        },
    }


def _check_request(
    scenes: list[dict],
    words: list[dict],
    voice_over_duration: float,
    visuals: list[SceneVisual],
    platform: str,
    transition: str,
    avatar: dict | None,
) -> None:
    if platform not in PRESETS:
        raise _bad("platform", f"Choose one of: {', '.join(PRESETS)}.")
    if transition not in (*TRANSITIONS, "none"):
        raise _bad("transition", f"Choose one of: {', '.join(TRANSITIONS)}, or none.")
    if avatar is not None:
        raise ApplicationError(
            "Avatars cannot be placed over a scene sequence yet; make the video without one.",
            code="not_supported",
            fields={"avatar": ["Not supported over scene sequences yet."]},
        )
    if not scenes:
        raise _bad("scenes", "The script has no scenes.")
    if sorted(visual.scene_index for visual in visuals) != list(range(len(scenes))):
        raise _bad("visuals", "Give one visual per scene.")
    if not words or voice_over_duration <= 0:
        raise _bad("voice_over", "The voice-over has no word timings yet.")


# --- timing ----------------------------------------------------------------------------------


def part_tokens(text: str) -> list[str]:
    """The display tokens the word timings hold for one spoken part, voiced chunk by chunk."""
    if not text or not text.strip():
        return []
    return [token.display for chunk in chunks_of(text) for token in spoken_tokens(chunk)]


def scene_starts(*, script_scenes: list[dict], hook: str, call_to_action: str, words: list[dict]) -> list[float]:
    """When each scene's first word is spoken, in seconds (the first scene: 0, it covers the hook)."""
    parts = [hook, *(str(scene.get("text") or "") for scene in script_scenes), call_to_action]
    return _starts(first_words([part_tokens(part) for part in parts], words), words)


def _starts(firsts: list[int], words: list[dict]) -> list[float]:
    # firsts: hook, scenes..., call to action; a scene with no word of its own starts at the end.
    later = [float(words[index]["start"]) if index < len(words) else float("inf") for index in firsts[2:-1]]
    return [0.0, *later]


def first_words(parts: list[list[str]], words: list[dict]) -> list[int]:
    """Index into `words` of each part's first token; a part without tokens gets where the next
    begins, a part past the last word len(words)."""
    offsets, position = [], 0
    for tokens in parts:
        offsets.append(position)
        position += len(tokens)
    if position == len(words):
        return offsets
    expected = [_plain(token) for tokens in parts for token in tokens]
    spoken = [_plain(str(word.get("text", ""))) for word in words]
    placed: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, expected, spoken, autojunk=False).get_matching_blocks():
        for step in range(block.size):
            placed[block.a + step] = block.b + step
    firsts, floor = [], 0
    for offset, tokens in zip(offsets, parts, strict=True):
        matched = next((k for k in range(offset, offset + len(tokens)) if k in placed), None)
        if matched is not None:
            index = placed[matched] - (matched - offset)
        else:  # nothing of this part was said as written: put it in proportion
            index = round(offset / max(1, len(expected)) * len(words))
        floor = max(floor, min(index, len(words)))
        firsts.append(floor)
    return firsts


def _plain(token: str) -> str:
    return _PUNCTUATION.sub("", token.lower())


def _frames(seconds: float, fps: int) -> float:
    return round(seconds * fps) / fps


def _segments(scenes: list[dict], visuals: list[SceneVisual], starts: list[float], total: float, fps: int):
    """Scenes on the clock, boundaries on whole frames; scenes too short to see are merged."""
    bounds = [_frames(min(start, total), fps) for start in starts] + [total]
    segments = [Segment(bounds[i], bounds[i + 1], visuals[i], scenes[i]) for i in range(len(scenes))]
    segments = [segment for segment in segments if segment.seconds > 0] or [Segment(0.0, total, visuals[0], scenes[0])]
    while len(segments) > 1 and (len(segments) > MAX_SCENES or min(s.seconds for s in segments) < MIN_SCENE_SECONDS):
        segments = _merge_shortest(segments)
    return segments


def _merge_shortest(segments: list[Segment]) -> list[Segment]:
    """Join the shortest scene to its shorter neighbour; the better visual of the two stays."""
    index = min(range(len(segments)), key=lambda i: segments[i].seconds)
    if index == 0:
        other = 1
    elif index == len(segments) - 1:
        other = index - 1
    else:
        other = min(index - 1, index + 1, key=lambda i: segments[i].seconds)
    first, second = sorted((index, other))
    keep = max(segments[first], segments[second], key=lambda s: (s.visual.kind == "asset", s.visual.score, s.seconds))
    merged = Segment(segments[first].start, segments[second].end, keep.visual, keep.scene)
    return [*segments[:first], merged, *segments[second + 1 :]]


def _transition_seconds(segments: list[Segment], fps: int) -> float:
    """The default overlap, shortened so that no two transitions touch; 0 when too short to see."""
    if len(segments) < 2:
        return 0.0
    longest = min(TRANSITION_SECONDS, min(s.seconds for s in segments) / 2.5)
    frames = int(longest * fps) // 2 * 2  # even: half of it either side of the boundary
    seconds = frames / fps
    return seconds if seconds >= MIN_TRANSITION_SECONDS else 0.0


def input_lengths(segments: list[Segment], overlap: float) -> list[float]:
    """Each clip's length with the transitions' overlap, centred on the boundaries."""
    if len(segments) == 1:
        return [segments[0].seconds]
    lengths = [segment.seconds + overlap for segment in segments]
    lengths[0] -= overlap / 2
    lengths[-1] -= overlap / 2
    return lengths


def _keep_original_share(
    segments: list[Segment], kinds: dict[int, str], overlap: float, minimum: float
) -> list[Segment]:
    """Swap the weakest reused clips (hot videos) for cards until the platform's minimum share
    of original material is met; a card is the creator's own material."""
    if not minimum:
        return segments
    segments = list(segments)
    lengths = input_lengths(segments, overlap)
    whole = sum(lengths)

    def reused(index: int) -> bool:
        visual = segments[index].visual
        return visual.asset_id is not None and kinds.get(visual.asset_id) not in OWN_KINDS

    while True:
        reused_seconds = sum(length for i, length in enumerate(lengths) if reused(i))
        if (whole - reused_seconds) / whole >= minimum - 1e-9:
            return segments
        weakest = min((i for i in range(len(segments)) if reused(i)), key=lambda i: segments[i].visual.score)
        phrase = key_phrase(segments[weakest].scene).lower()
        card = replace(segments[weakest].visual, asset_id=None, score=0.0, kind="card")
        card = replace(card, reason=f"a card for '{phrase}' keeps the original-material share up")
        segments[weakest] = replace(segments[weakest], visual=card)


# --- spec parts -------------------------------------------------------------------------------


def _inputs(segments: list[Segment], kinds: dict[int, str], overlap: float, *, end_card: bool) -> list[dict]:
    inputs = []
    images = cards = 0
    for number, (segment, length) in enumerate(zip(segments, input_lengths(segments, overlap), strict=True)):
        length = round(length, 3)
        visual = segment.visual
        if visual.asset_id is None:
            card = {"text": key_phrase(segment.scene), "colors": list(CARD_COLOURS[cards % len(CARD_COLOURS)])}
            if end_card and number == len(segments) - 1:
                card["position"] = "top"  # the call to action takes the middle at the end
            cards += 1
            inputs.append({"card": card, "duration": length})
        elif kinds.get(visual.asset_id) == MediaKind.IMAGE:
            motion = {
                "kind": "ken_burns",
                "zoom": KEN_BURNS_ZOOM,
                "direction": "in" if images % 2 == 0 else "out",
                "pan": KEN_BURNS_PANS[images % len(KEN_BURNS_PANS)],
            }
            images += 1
            inputs.append({"asset": visual.asset_id, "duration": length, "motion": motion})
        else:  # a clip: repeats when shorter than its scene, is cut when longer; the voice is the sound
            inputs.append({"asset": visual.asset_id, "loop": True, "mute": True, "duration": length})
    return inputs


def _layout(count: int, transition: str, overlap: float) -> dict:
    if count == 1:
        return {"kind": "single", "fit": "cover"}
    layout: dict = {"kind": "sequence", "fit": "cover"}
    if overlap and transition != "none":
        layout["transition"] = {"kind": transition, "duration": overlap}
    return layout


def _audio(voice_over_asset_id: int, music_asset_id: int | None) -> dict:
    audio: dict = {"voice_over": {"asset": voice_over_asset_id}, "duck_music": True}
    if music_asset_id is not None:
        audio["music"] = {"asset": music_asset_id, "volume": MUSIC_VOLUME, "loop": True, "fade_out": 1.5}
    return audio


def _title(hook: str, words: list[dict], first_scene_word: int, total: float) -> dict:
    """The hook on screen from the start until just after it is said (within 1.5 to 5 s)."""
    if not hook.strip():
        return {}
    said_until = float(words[first_scene_word - 1]["end"]) if 0 < first_scene_word <= len(words) else 0.0
    end = min(max(said_until + 0.4, TITLE_MIN_SECONDS), TITLE_MAX_SECONDS, total)
    return {"title": {"text": " ".join(hook.split()), "start": 0.0, "end": round(end, 3), "position": "top"}}


def _end_card(call_to_action: str, words: list[dict], first_word: int, total: float) -> dict:
    """The call to action over the last seconds: from when it is said to the end (at least 1.5 s)."""
    if not call_to_action.strip():
        return {}
    said_from = float(words[first_word]["start"]) if first_word < len(words) else total
    seconds = min(max(total - said_from, END_CARD_MIN_SECONDS), END_CARD_MAX_SECONDS, total)
    return {"call_to_action": {"text": " ".join(call_to_action.split()), "duration": round(seconds, 3)}}


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, fields={field: [message]})
