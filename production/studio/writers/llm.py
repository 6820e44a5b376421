"""The LLM writer: any chat model, through an injected `chat` callable, checked and repaired once.

`chat(messages, *, json_schema)` sends OpenAI-style messages and returns a result with `.text` (the
message content) and `.finish_reason` ("stop", "length", …); the caller picks the provider, passes
the schema on as structured output where the provider supports it, and records usage. Provider
errors propagate unchanged.

A reply is checked for: being cut off at the token limit; not being JSON; not having the script's
shape (title, hook, scenes with text, call to action: the parts a video cannot do without); and
being degenerate: empty or placeholder scenes, far too few words, nothing of the topic, a phrase
said over and over, scenes that are copies of each other. A problem earns one repair request that
names it; a second failure raises WriterError in words a creator can act on. Visual keywords,
seconds and captions are forgiving: what is missing or malformed is filled in here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from production.studio.types import WORDS_PER_SECOND, SceneDraft, ScriptDraft
from production.studio.writers import text
from production.studio.writers.errors import WriterError

MIN_WORDS_SHARE = 0.4  # fewer than 40 % of the words the duration needs is not a script
REPEATS = 3  # a 4-word phrase or a sentence said this often is a loop, not emphasis
SAME_SCENES = 0.85  # word-sequence similarity above which two scenes count as copies
MAX_HOOK = 500  # Script.hook
MAX_CALL_TO_ACTION = 300  # Script.call_to_action

_CAPTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["caption", "hashtags"],
    "properties": {"caption": {"type": "string"}, "hashtags": {"type": "array", "items": {"type": "string"}}},
}
SCRIPT_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "hook", "scenes", "call_to_action", "captions"],
    "properties": {
        "title": {"type": "string"},
        "hook": {"type": "string"},
        "scenes": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text", "visual_keywords", "seconds"],
                "properties": {
                    "text": {"type": "string"},
                    "visual_keywords": {"type": "array", "items": {"type": "string"}},
                    "seconds": {"type": "number"},
                },
            },
        },
        "call_to_action": {"type": "string"},
        "captions": {
            "type": "object",
            "additionalProperties": False,
            "required": list(text.PLATFORMS),
            "properties": {platform: _CAPTION for platform in text.PLATFORMS},
        },
    },
}

LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian", "pt": "Portuguese"}
PLATFORM_NAMES = {
    "tiktok": "TikTok",
    "youtube": "YouTube Shorts",
    "instagram": "Instagram Reels",
    "facebook": "Facebook Reels",
}

SYSTEM_PROMPT = """You write scripts for short vertical videos (TikTok, YouTube Shorts, Instagram Reels, \
Facebook Reels).

Reply with one JSON object and nothing else, in exactly this shape:
{shape}

- "hook", every scene's "text" and "call_to_action" are read aloud by a voice, word for word, and shown as \
captions: write natural spoken sentences. No stage directions, scene labels, emojis, hashtags or placeholders.
- Each scene is one idea in 8 to 20 words. "visual_keywords" are 2 to 4 short phrases for finding stock \
footage that shows what the scene says. "seconds" is how long the scene takes to say.
- "title" is at most 100 characters. Each caption suits its platform; give 3 to 5 hashtags of one word \
each, starting with #; YouTube's include #shorts.
- Stay on the topic in every scene. Never invent statistics, quotes, studies or attributions."""

_SHAPE = {
    "title": "…",
    "hook": "…",
    "scenes": [{"text": "…", "visual_keywords": ["…", "…"], "seconds": 5}],
    "call_to_action": "…",
    "captions": {platform: {"caption": "…", "hashtags": ["#…"]} for platform in text.PLATFORMS},
}

_LABEL = re.compile(r"^\s*(?:scene|part|section|step|shot)\s*\d+\s*[:.)\-–—]\s*", re.IGNORECASE)
_LABEL_ONLY = re.compile(r"^\s*(?:scene|part|section|step|shot)\s*\d+\s*[:.)\-–—]?\s*", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"lorem ipsum|\[\s*(?:insert|your|add|placeholder|topic|product|scene|name)\b|<\s*(?:insert|your)\b|\{\{"
    r"|\bTBD\b|\bplaceholder\b|\bx{3,}\b",
    re.IGNORECASE,
)


@dataclass
class LlmOutcome:
    draft: ScriptDraft
    attempts: int  # 1, or 2 when the first reply needed a repair
    results: list  # every result `chat` returned, in order (for usage and cost)


@dataclass(frozen=True)
class Problem:
    """What was wrong with a reply: the repair request for the model, and the same in a creator's words."""

    for_model: str
    for_creator: str


def write(
    chat,
    *,
    instructions: str,
    topic: str,
    target_seconds: int,
    platform: str,
    tone: str = "",
    audience: str = "",
    product: str = "",
    language: str = "en",
) -> LlmOutcome:
    """A script written by the model behind `chat`, from a template's `instructions`."""
    topic = " ".join(topic.split())
    if not topic:
        raise WriterError("Give the script a topic: a few words about what the video is about.")
    messages = build_messages(
        instructions=instructions,
        topic=topic,
        target_seconds=target_seconds,
        platform=platform,
        tone=tone,
        audience=audience,
        product=product,
        language=language,
    )
    target_words = round(target_seconds * WORDS_PER_SECOND)
    results = [chat(messages, json_schema=SCRIPT_SCHEMA)]
    data, first_problem = check(results[0], topic=topic, target_seconds=target_seconds)
    if first_problem:
        repair = [
            *messages,
            {"role": "assistant", "content": _reply_text(results[0])},
            {"role": "user", "content": first_problem.for_model},
        ]
        results.append(chat(repair, json_schema=SCRIPT_SCHEMA))
        data, problem = check(results[1], topic=topic, target_seconds=target_seconds)
        if problem:
            raise WriterError(f"The model's script was unusable: {problem.for_creator} (after one repair attempt).")
    draft = _draft(data, topic=topic, language=language)
    notes = [
        "Written by an AI model from the template's instructions, then checked by ReelMill: complete, "
        "on topic, no placeholders, no repetition.",
        "Check its facts before you publish.",
    ]
    if first_problem:
        notes.append(f"The first reply was sent back once ({first_problem.for_creator}).")
    if draft.word_count > target_words * 1.5:
        notes.append(f"It runs about {round(draft.estimated_seconds)} s, longer than the {target_seconds} s asked.")
    draft.notes = text.shorten(" ".join(notes), 500)
    return LlmOutcome(draft=draft, attempts=len(results), results=results)


def build_messages(
    *,
    instructions: str,
    topic: str,
    target_seconds: int,
    platform: str,
    tone: str = "",
    audience: str = "",
    product: str = "",
    language: str = "en",
) -> list[dict]:
    """The system and user messages for a script request (also what a cache key should hash)."""
    words = round(target_seconds * WORDS_PER_SECOND)
    language_name = LANGUAGES.get((language or "en").lower()[:2], language)
    values = {
        "topic": topic,
        "product": product.strip() or "the product named in the topic",
        "audience": audience.strip() or "a general audience scrolling short videos",
        "tone": tone.strip() or "friendly, clear and upbeat",
        "platform": PLATFORM_NAMES.get(platform, platform or "short-video platforms"),
        "seconds": str(target_seconds),
        "words": str(words),
        "language": language_name,
    }
    scenes_low, scenes_high = max(1, round(words / 20)), max(2, round(words / 10))
    details = [
        text.fill(instructions.strip(), values),
        "",
        f"Topic: {topic}",
        f"Platform: {values['platform']}",
        f"Length: about {target_seconds} seconds read aloud, so about {words} words in all (hook, scenes and "
        f"call to action together, at {WORDS_PER_SECOND:g} words a second), in {scenes_low} to {scenes_high} scenes.",
        f"Tone: {values['tone']}",
        f"Audience: {values['audience']}",
    ]
    if product.strip():
        details.append(f"Product: {product.strip()}")
    details.append(f"Write everything in {language_name}.")
    system = SYSTEM_PROMPT.format(shape=json.dumps(_SHAPE, ensure_ascii=False))
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(details)}]


def check(result, *, topic: str, target_seconds: int) -> tuple[dict | None, Problem | None]:
    """The reply's script as a dict, or the problem that makes it unusable."""
    raw = _reply_text(result)
    finish = getattr(result, "finish_reason", "") or ""
    words = round(target_seconds * WORDS_PER_SECOND)
    if finish == "length":
        return None, _cut_off(words)
    if finish == "content_filter":
        return None, Problem(
            "Your reply was stopped by the content filter. Write the script again so that it suits all audiences, "
            "as one complete JSON object that matches the schema.",
            "the provider's content filter stopped it",
        )
    if not raw.strip():
        return None, Problem(
            "Your reply was empty. Send the script as one complete JSON object that matches the schema.",
            "the reply was empty",
        )
    data, error = _parse(raw)
    if data is None:
        if _truncated(raw):
            return None, _cut_off(words)
        return None, Problem(
            f"Your reply was not valid JSON ({error}). Send only the JSON object that matches the schema: "
            "no explanation before or after it, no Markdown code fences.",
            "it was not valid JSON",
        )
    shape = _shape_problem(data)
    if shape:
        return None, Problem(
            f"Your JSON does not match the schema: {shape}. Send the complete JSON object again with every "
            "required field: title, hook, scenes (each with text, visual_keywords and seconds), call_to_action "
            "and captions.",
            f"its JSON was missing parts ({shape})",
        )
    found = _content_problems(data, topic=topic, target_seconds=target_seconds)
    if found:
        listed = "; ".join(found)
        return None, Problem(
            f"There {'is a problem' if len(found) == 1 else 'are problems'} with your script: {listed}. Write the "
            f"complete script again as one JSON object that matches the schema, with every scene about {topic} "
            f"and about {words} words in all.",
            listed,
        )
    return data, None


def _cut_off(words: int) -> Problem:
    return Problem(
        "Your reply was cut off before the JSON was complete: it hit the output token limit. Send the complete "
        f"JSON object again, shorter: about {words} words of script in all, no scene over 20 words, short captions.",
        "it was cut off before the end",
    )


def _reply_text(result) -> str:
    content = getattr(result, "text", "")
    return content if isinstance(content, str) else ""


def _parse(raw: str) -> tuple[dict | list | None, str]:
    """The JSON in a reply, tolerating Markdown fences or a sentence around it; (None, error) if none."""
    candidates = [raw.strip()]
    fenced = re.search(r"```(?:json)?\s*(.*?)```", raw, re.DOTALL | re.IGNORECASE)
    if fenced:
        candidates.append(fenced.group(1).strip())
    if "{" in raw and "}" in raw:
        candidates.append(raw[raw.index("{") : raw.rindex("}") + 1])
    first_error = ""
    for candidate in candidates:
        try:
            return json.loads(candidate), ""
        except json.JSONDecodeError as error:
            first_error = first_error or f"{error.msg} at line {error.lineno}, column {error.colno}"
    return None, first_error


def _truncated(raw: str) -> bool:
    """A JSON object that was never closed: a string or a bracket still open at the end."""
    body = re.sub(r"^\s*```(?:json)?", "", raw.strip(), flags=re.IGNORECASE)
    if not body.lstrip().startswith(("{", "[")):
        return False
    depth, in_string, escaped = 0, False, False
    for char in body:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return in_string or depth > 0


def _shape_problem(data) -> str:
    """The first way `data` lacks what a script needs, or ""."""
    if not isinstance(data, dict):
        return f"the reply is a JSON {type(data).__name__}, not an object"
    for field in ("title", "hook", "scenes", "call_to_action"):
        if field not in data:
            return f"the “{field}” field is missing"
    for field in ("title", "hook", "call_to_action"):
        if not isinstance(data[field], str):
            return f"“{field}” must be a string"
    if not isinstance(data["scenes"], list):
        return "“scenes” must be a list of objects"
    for number, scene in enumerate(data["scenes"], start=1):
        if not isinstance(scene, dict) or not isinstance(scene.get("text"), str):
            return f"scene {number} has no “text” string"
    return ""


def _content_problems(data: dict, *, topic: str, target_seconds: int) -> list[str]:
    scenes = [scene["text"] for scene in data["scenes"]]
    problems = []
    if not scenes:
        problems.append("there are no scenes")
    if not data["hook"].strip():
        problems.append("the hook is empty")
    elif _is_placeholder(data["hook"]):
        problems.append(f"the hook is a placeholder (“{text.shorten(data['hook'], 40)}”)")
    for number, scene in enumerate(scenes, start=1):
        if not scene.strip():
            problems.append(f"scene {number} is empty")
        elif _is_placeholder(scene):
            problems.append(f"scene {number} is a placeholder (“{text.shorten(scene, 40)}”)")
    if data["call_to_action"].strip() and _is_placeholder(data["call_to_action"]):
        problems.append("the call to action is a placeholder")
    if len(data["hook"]) > MAX_HOOK:
        problems.append(f"the hook is {len(data['hook'])} characters long; keep it to one or two short sentences")
    if len(data["call_to_action"]) > MAX_CALL_TO_ACTION:
        problems.append("the call to action is too long; keep it to one short sentence")
    spoken = [data["hook"], *scenes, data["call_to_action"]]
    needed = round(target_seconds * WORDS_PER_SECOND)
    count = sum(len(part.split()) for part in spoken)
    if scenes and count < needed * MIN_WORDS_SHARE:
        problems.append(f"it has only {count} words, and a {target_seconds}-second video needs about {needed}")
    if not _mentions(" ".join([data["title"], *spoken]), topic):
        problems.append(f"it never mentions the topic “{topic}”")
    repeated = _repetition(spoken, topic)
    if repeated:
        problems.append(repeated)
    copies = _copied_scenes(scenes)
    if copies:
        problems.append(copies)
    return problems


def _is_placeholder(part: str) -> bool:
    """ "Scene 2", "...", "[insert fact]", "lorem ipsum", "TBD": text that stands in for a script."""
    rest = _LABEL_ONLY.sub("", part.strip(), count=1)
    return not re.search(r"\w", rest) or bool(_PLACEHOLDER.search(part))


def _mentions(script: str, topic: str) -> bool:
    """Whether any content word of the topic (lightly stemmed) is in the script."""
    wanted = {text.stem(word) for word in text.content_words(topic)}
    if not wanted:
        return True  # a topic of only small words ("it") cannot be checked
    said = {text.stem(word) for word in text.content_words(script)}
    return any(text.same_stem(one, other) for one in wanted for other in said)


def _tokens(part: str) -> list[str]:
    return [word.lower().replace("’", "'") for word in text.words(part)]


def _repetition(spoken: list[str], topic: str) -> str:
    """A sentence, or a phrase of four words or more, said REPEATS times or more; "" if none."""
    sentences = Counter(
        " ".join(_tokens(sentence))
        for part in spoken
        for sentence in re.split(r"(?<=[.!?…])\s+", part)
        if len(_tokens(sentence)) >= 3
    )
    if sentences:
        sentence, times = sentences.most_common(1)[0]
        if times >= REPEATS:
            return f"it repeats the sentence “{sentence}” {times} times"
    # The topic itself may be said often: it is masked, so "saving money on groceries" is no loop.
    topic_tokens = _tokens(topic)
    stream: list[str | None] = []
    for part in spoken:
        tokens = _tokens(part)
        position = 0
        while position < len(tokens):
            if topic_tokens and tokens[position : position + len(topic_tokens)] == topic_tokens:
                stream.append(None)
                position += len(topic_tokens)
            else:
                stream.append(tokens[position])
                position += 1
        stream.append(None)  # a phrase does not run from one part into the next
    grams = Counter(
        tuple(stream[i : i + 4])
        for i in range(len(stream) - 3)
        if None not in stream[i : i + 4] and sum(t not in text.STOPWORDS for t in stream[i : i + 4]) >= 2
    )
    if not grams:
        return ""
    gram, times = grams.most_common(1)[0]
    if times < REPEATS:
        return ""
    return f"it repeats “{_longest_repeat(stream, list(gram))}” {times} times"


def _longest_repeat(stream: list[str | None], phrase: list[str]) -> str:
    """`phrase` grown word by word while every place it is said goes on the same way."""
    size = len(phrase)
    starts = [i for i in range(len(stream) - size + 1) if stream[i : i + size] == phrase]
    while all(start + size < len(stream) for start in starts):
        following = {stream[start + size] for start in starts}
        if len(following) != 1 or None in following:
            break
        size += 1
    return " ".join(str(token) for token in stream[starts[0] : starts[0] + size])


def _copied_scenes(scenes: list[str]) -> str:
    tokens = [_tokens(scene) for scene in scenes]
    for first in range(len(scenes)):
        for second in range(first + 1, len(scenes)):
            a, b = tokens[first], tokens[second]
            if len(a) >= 4 and len(b) >= 4 and SequenceMatcher(None, a, b).ratio() >= SAME_SCENES:
                return f"scenes {first + 1} and {second + 1} are nearly the same"
    return ""


def _draft(data: dict, *, topic: str, language: str) -> ScriptDraft:
    hook = data["hook"].strip()
    call_to_action = data["call_to_action"].strip()
    scenes = []
    for scene in data["scenes"]:
        spoken = _LABEL.sub("", scene["text"].strip(), count=1)  # "Scene 2:" is not for the voice
        scenes.append(
            SceneDraft(
                text=spoken,
                keywords=_visual_keywords(scene.get("visual_keywords")) or text.keywords(spoken, 3, language=language),
                seconds=text.spoken_seconds(spoken),  # the words decide; a model's own guess is often far off
            )
        )
    title = data["title"].strip() or " ".join(hook.split()[:8])
    title = text.shorten(title, text.TITLE_LIMIT)
    draft = ScriptDraft(title=title, hook=hook, scenes=scenes, call_to_action=call_to_action)
    draft.captions = _captions(data.get("captions"), draft, topic)
    return draft


def _visual_keywords(raw) -> list[str]:
    if not isinstance(raw, list):
        return []
    kept: list[str] = []
    for item in raw:
        phrase = " ".join(item.split()) if isinstance(item, str) else ""
        if phrase and len(phrase) <= 60 and phrase.lower() not in (k.lower() for k in kept):
            kept.append(phrase)
    return kept[:5]


def _captions(raw, draft: ScriptDraft, topic: str) -> dict[str, dict]:
    """The model's captions, made valid and within limits; ours for any platform it left out."""
    ours = text.platform_captions(
        title=draft.title,
        hook=draft.hook,
        lines=[],
        call_to_action=draft.call_to_action,
        tags=text.topic_hashtags(topic),
    )
    raw = raw if isinstance(raw, dict) else {}
    captions = {}
    for platform in text.PLATFORMS:
        given = raw.get(platform)
        if not isinstance(given, dict) or not isinstance(given.get("caption"), str) or not given["caption"].strip():
            captions[platform] = ours[platform]
            continue
        hashtags = text.clean_hashtags(given.get("hashtags") if isinstance(given.get("hashtags"), list) else [])
        if platform == "youtube" and "#shorts" not in hashtags:
            hashtags.insert(0, "#shorts")
        hashtags = hashtags[: text.HASHTAG_LIMITS[platform]] or ours[platform]["hashtags"]
        caption = text.fit_caption(given["caption"].strip(), hashtags, text.CAPTION_LIMITS[platform])
        captions[platform] = {"caption": caption, "hashtags": hashtags}
    return captions
