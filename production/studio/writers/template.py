"""The offline template writer: a starter template's frames, filled in, sized to the target length.

Deterministic: the same template, inputs and seed always give the same script; another seed picks
other phrasings (the hook changes with every seed). No AI model, no network.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass

from num2words import num2words

from production.studio.types import WORDS_PER_SECOND, SceneDraft, ScriptDraft
from production.studio.writers import text
from production.studio.writers.errors import WriterError
from production.studio.writers.starters import STARTER_TEMPLATES

MIN_SCENE_WORDS = 10  # a scene shorter than this flashes by before it can be read (6 in a 15 s video)
MAX_SCENE_WORDS = 24
OPTIONAL_FIELDS = ("product", "audience")  # blank unless the creator gave them
_LABEL_WORDS = frozenset({"tip", "mistake", "step", "point", "myth", "fact", "last", "big"})  # not visuals
# A topic that starts with one of these reads mid-sentence in lower case: "tips about the history of …".
_LOWER_FIRST = frozenset({"a", "an", "the", "how", "why", "what", "my", "your", "our", "this", "these"})


@dataclass
class _Beat:
    sentences: list[str]
    look: str
    rank: int


def write(
    template: dict,
    *,
    topic: str,
    product: str = "",
    audience: str = "",
    tone: str = "",
    target_seconds: int = 30,
    platform: str = "",
    seed: int = 0,
) -> ScriptDraft:
    """A script for `topic` from `template` (a starter dict, or any dict with a category)."""
    topic = _clean(topic).rstrip(".!?;:")
    if not topic:
        raise WriterError("Give the script a topic: a few words about what the video is about.")
    frames, frames_name = _frames_for(template)
    product, audience, tone = _clean(product), _clean(audience), _clean(tone)
    inputs = [template.get("slug") or template.get("name"), template.get("version"), topic, product, audience]
    base = _stable_hash([*inputs, tone, target_seconds, platform])
    rng = random.Random(base + seed)

    values = _values(topic, product=product, audience=audience, target_seconds=target_seconds, platform=platform)
    if frames.get("variants"):
        values.update({key: text.fill(value, values) for key, value in rng.choice(frames["variants"]).items()})
    values = _with_capitals(values)
    names = frozenset(word.lower() for word in text.words(values.get("hero", "")))  # not something to film

    target_words = max(target_seconds, 5) * WORDS_PER_SECOND
    hooks = _fitting(_eligible(frames["hooks"], values), values, target_words)
    hook_pattern = hooks[(base + seed) % len(hooks)]  # rotates with the seed, so seeds always differ
    cta_pattern = rng.choice(_fitting(_eligible(frames["ctas"], values), values, target_words))
    title_pattern = rng.choice(_eligible(frames["titles"], values))

    body = _beats(frames.get("body", []), values, rng, shuffle=frames.get("order") == "shuffle")
    opening = _beats(frames.get("opening", []), values, rng)
    closing = _beats(frames.get("closing", []), values, rng)
    fixed_words = len(text.fill(hook_pattern, values).split()) + len(text.fill(cta_pattern, values).split())
    count, extra, scene_texts = _fit_length(body, (opening, closing), frames, target_words, fixed_words)
    looks = _looks(body, count, extra)

    values = _with_capitals({**values, "count": str(count), "count_word": num2words(count)})
    hook = text.fill(hook_pattern, values)
    call_to_action = text.fill(cta_pattern, values)
    title = text.shorten(text.capitalize_first(text.fill(title_pattern, values)), text.TITLE_LIMIT)
    scenes = [
        SceneDraft(text=scene, keywords=_visuals(scene, look, topic, names), seconds=text.spoken_seconds(scene))
        for scene, look in zip(scene_texts, looks, strict=True)
    ]
    question = rng.choice(frames["questions"]) if frames.get("questions") else ""
    draft = ScriptDraft(
        title=title,
        hook=hook,
        scenes=scenes,
        call_to_action=call_to_action,
        captions=text.platform_captions(
            title=title,
            hook=hook,
            lines=[beat.sentences[0] for beat in _chosen(body, count)],
            call_to_action=call_to_action,
            tags=_hashtags(topic, frames.get("tags", [])),
            question=question,
        ),
    )
    draft.notes = _notes(template, frames, frames_name, draft, target_seconds, tone)
    return draft


def _fit_length(body: list[_Beat], extras: tuple, frames: dict, target_words: float, fixed_words: int):
    """How many body beats, which extras, and the scenes' words that come closest to the target length."""
    low, high = frames.get("count", [1, len(body)])
    shortest = min(MIN_SCENE_WORDS, max(6, round(target_words / 6)))
    best = None
    for count in range(min(low, len(body)), min(high, len(body)) + 1):
        for extra in _extras(*extras):
            scenes = _scenes(body, count, extra, frames, target_words - fixed_words, shortest)
            sizes = [len(scene.split()) for scene in scenes]
            miss = abs(fixed_words + sum(sizes) - target_words) + sum(max(0, shortest - n) for n in sizes)
            if best is None or miss < best[0]:
                best = (miss, count, extra, scenes)
    return best[1:]


def _clean(value: str) -> str:
    return " ".join((value or "").split())


def _stable_hash(parts: list) -> int:
    """A hash that is the same in every process (Python's hash() of a str is salted per process)."""
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _frames_for(template: dict) -> tuple[dict, str]:
    """The template's frames; a creator's own template borrows the built-in frames of its category."""
    if template.get("frames"):
        return template["frames"], template.get("name", "")
    category = template.get("category")
    for starter in STARTER_TEMPLATES:
        if starter["category"] == category:
            return starter["frames"], starter["name"]
    return STARTER_TEMPLATES[0]["frames"], STARTER_TEMPLATES[0]["name"]


def _values(topic: str, *, product: str, audience: str, target_seconds: int, platform: str) -> dict[str, str]:
    first, _, rest = topic.partition(" ")
    mid_topic = f"{first.lower()} {rest}".strip() if first.lower() in _LOWER_FIRST else topic
    values = {
        "topic": mid_topic,
        "item": product or mid_topic,
        "follow": "subscribe" if platform == "youtube" else "follow",
        "duration": _duration(target_seconds),
        "count": "5",  # until the length decides how many scenes there are
        "count_word": "five",
    }
    if product:
        values["product"] = product
    if audience:
        values["audience"] = audience
    return values


def _with_capitals(values: dict[str, str]) -> dict[str, str]:
    """{Topic} for {topic} at the start of a sentence, and so on for every value."""
    capitals = {key.capitalize(): text.capitalize_first(value) for key, value in values.items() if key.islower()}
    return {**values, **capitals}


def _duration(seconds: int) -> str:
    if seconds % 60 == 0 and seconds >= 60:
        minutes = seconds // 60
        return "a minute" if minutes == 1 else f"{num2words(minutes)} minutes"
    return f"{num2words(seconds)} seconds"


def _eligible(patterns: list[str], values: dict[str, str]) -> list[str]:
    """The phrasings whose every variable has a value (so a blank {product} is never printed)."""
    return [pattern for pattern in patterns if text.fields(pattern) <= values.keys()]


def _fitting(patterns: list[str], values: dict[str, str], target_words: float) -> list[str]:
    """The hooks (or calls to action) short enough for the length: at most a fifth of a short video."""
    room = max(8, target_words * 0.2)
    fitting = [pattern for pattern in patterns if len(text.fill(pattern, values).split()) <= room]
    return fitting or [min(patterns, key=lambda pattern: len(text.fill(pattern, values).split()))]


def _choose(slot: str | list[str], values: dict[str, str], rng: random.Random) -> str | None:
    """One phrasing of a sentence; ones using the creator's product or audience come first."""
    options = _eligible([slot] if isinstance(slot, str) else slot, values)
    if not options:
        return None
    richest = max(len(text.fields(option) & set(OPTIONAL_FIELDS)) for option in options)
    options = [option for option in options if len(text.fields(option) & set(OPTIONAL_FIELDS)) == richest]
    return text.fill(rng.choice(options), values)


def _beats(raw: list[dict], values: dict[str, str], rng: random.Random, *, shuffle: bool = False) -> list[_Beat]:
    beats = []
    for position, beat in enumerate(raw):
        sentences = []
        for slot in beat["say"]:
            sentence = _choose(slot, values, rng)
            if sentence is None:
                break
            sentences.append(sentence)
        if sentences:
            beats.append(_Beat(sentences, beat.get("look", ""), beat.get("rank", position)))
    if shuffle:
        rng.shuffle(beats)
        for position, beat in enumerate(beats):
            beat.rank = position
    return beats


def _extras(opening: list[_Beat], closing: list[_Beat]) -> list[tuple[list[_Beat], list[_Beat]]]:
    options = [([], [])]
    if closing:
        options.append(([], closing))
    if opening:
        options.append((opening, closing))
    return options


def _chosen(body: list[_Beat], count: int) -> list[_Beat]:
    """The `count` most essential beats (lowest rank), in the template's order."""
    keep = sorted(body, key=lambda beat: beat.rank)[:count]
    return [beat for beat in body if any(beat is kept for kept in keep)]


def _scenes(body: list[_Beat], count: int, extra: tuple, frames: dict, budget_words: float, shortest: int) -> list[str]:
    opening, closing = extra
    chosen = _chosen(body, count)
    per_scene = budget_words / max(len(chosen) + len(opening) + len(closing), 1)
    scenes = [_grow(beat.sentences, per_scene, shortest) for beat in opening]
    for number, beat in enumerate(chosen, start=1):
        label = frames.get("label", "")
        if frames.get("label_last") and number == len(chosen) >= 3:
            label = frames["label_last"]
        prefix = text.fill(label, {"n_word": num2words(number), "N_word": num2words(number).capitalize()})
        scenes.append(_grow(beat.sentences, per_scene, shortest, prefix, frames.get("min_sentences", 1)))
    scenes += [_grow(beat.sentences, per_scene, shortest) for beat in closing]
    return scenes


def _grow(sentences: list[str], budget: float, shortest: int, prefix: str = "", keep: int = 1) -> str:
    """The first `keep` sentences, then more while they bring the scene closer to its share of words."""
    scene = " ".join([prefix, *sentences[:keep]]).strip()
    for sentence in sentences[keep:]:
        longer = f"{scene} {sentence}"
        size, longer_size = len(scene.split()), len(longer.split())
        closer = abs(longer_size - budget) < abs(size - budget)
        too_short = size < shortest and longer_size <= budget + 4  # short scenes grow, but not far past budget
        if longer_size > MAX_SCENE_WORDS or not (closer or too_short):
            break
        scene = longer
    return scene


def _looks(body: list[_Beat], count: int, extra: tuple) -> list[str]:
    opening, closing = extra
    return [beat.look for beat in (*opening, *_chosen(body, count), *closing)]


def _visuals(scene: str, look: str, topic: str, names: frozenset[str]) -> list[str]:
    """What the scene could show: the topic, the beat's own picture, then YAKE's pick from the words."""
    subject = topic if len(topic.split()) <= 4 else (text.keywords(topic, 1) or [topic])[0]
    # YAKE's single words here are mostly the tip's verb ("write", "start"); its phrases picture better.
    phrases = [
        phrase
        for phrase in text.keywords(scene, 3, exclude=_LABEL_WORDS)
        if " " in phrase and not names & {word.lower() for word in phrase.split()}
    ]
    found = [subject.lower(), look, *phrases]
    unique: list[str] = []
    for phrase in found:
        if phrase and not any(phrase.lower() in kept.lower() or kept.lower() in phrase.lower() for kept in unique):
            unique.append(phrase)
    return unique[:3]


def _hashtags(topic: str, category_tags: list[str]) -> list[str]:
    topic_tags = text.topic_hashtags(topic)
    ordered = [*topic_tags[:3], *(f"#{tag}" for tag in category_tags), *topic_tags[3:]]
    return text.clean_hashtags(ordered)


def _notes(template: dict, frames: dict, frames_name: str, draft: ScriptDraft, target: int, tone: str) -> str:
    name = template.get("name") or frames_name
    if template.get("frames"):
        notes = [f"Written offline from the “{name}” template — no AI model was used."]
    else:
        notes = [
            f"Written offline with the frames of the built-in “{frames_name}” template — no AI model was used "
            f"(the instructions of “{name}” need an AI model)."
        ]
    notes.append("Edit the scenes to make it yours.")
    if frames.get("note"):
        notes.append(frames["note"])
    runs = round(draft.estimated_seconds)
    if draft.estimated_seconds < target * 0.75:
        notes.append(f"It runs about {runs} s of the {target} s asked: add a scene or two.")
    elif draft.estimated_seconds > target * 1.25:
        notes.append(f"It runs about {runs} s, longer than the {target} s asked: cut a scene if it must be shorter.")
    if tone:
        notes.append(f"The tone “{text.shorten(tone, 40)}” guides AI models; the template writer keeps its own.")
    return text.shorten(" ".join(notes), 500)
