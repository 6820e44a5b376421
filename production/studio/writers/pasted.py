"""The creator's own words, split into scenes. Nothing is rewritten: the voice and captions say them as typed.

How the text is cut:
- paragraphs (blank lines) always end a scene; a single line break ends a sentence unless the next
  line carries on in lower case;
- sentences come from segtok, which knows "Dr.", "e.g.", "3.5", quotes and "U.S."; a piece that
  segtok splits off but that carries on in lower case ("Wait for it... it gets better.") is put back;
- sentences are grouped into scenes of up to three sentences and about 25 words; a sentence of more
  than 40 words is cut at the clause mark (; : — or comma) nearest its middle.

The hook is the first sentence when it is short (15 words or fewer) and more text follows, because
that is how short videos open; a longer opening stays a scene and the hook is left empty. The last
sentence becomes the call to action when it plainly is one ("Follow for more", "link in bio") and
at least one scene remains. Every scene is an exact slice of the pasted text, so hook, scenes and call
to action, joined in order, are the whole text.
"""

from __future__ import annotations

import re

from segtok.segmenter import split_multi

from production.studio.types import SceneDraft, ScriptDraft
from production.studio.writers import text as writing
from production.studio.writers.errors import WriterError

HOOK_WORDS = 15
SCENE_WORDS = 25
SCENE_SENTENCES = 3
LONG_SENTENCE = 40
MAX_SCENES = 40  # Script.scenes holds at most production.studio.models.MAX_SCENES
MAX_TEXT = 20_000

_PARAGRAPH = re.compile(r"(?:[^\n]|\n(?![ \t]*\n))+")
_CALL_TO_ACTION = re.compile(
    r"\b(follow|subscribe|like and|comment|share this|save this|link in (?:my |the )?bio|tap the|hit the|"
    r"turn on notifications|check out|sign up|shop now|order now|let me know)\b",
    re.IGNORECASE,
)

Span = tuple[int, int]


def split(text: str, *, title: str = "", target_seconds: int | None = None) -> ScriptDraft:
    """The pasted `text` as a script: scenes at paragraph and sentence boundaries, words unchanged."""
    if not text.strip():
        raise WriterError("Paste the words you want the video to say.")
    if len(text) > MAX_TEXT:
        raise WriterError(f"That text is too long for one video: keep it under {MAX_TEXT:,} characters.")
    paragraphs = [_sentences(text, start, end) for start, end in _paragraphs(text)]
    sentences = [span for paragraph in paragraphs for span in paragraph]

    hook_span = sentences[0] if len(sentences) > 1 and _count(text, sentences[0]) <= HOOK_WORDS else None
    cta_span = None
    last = sentences[-1]
    rest = len(sentences) - (1 if hook_span else 0)
    if rest >= 2 and _count(text, last) <= SCENE_WORDS and _CALL_TO_ACTION.search(text[last[0] : last[1]]):
        cta_span = last
    paragraphs = [[s for s in paragraph if s not in (hook_span, cta_span)] for paragraph in paragraphs]

    scene_spans = _limit([group for paragraph in paragraphs for group in _group(text, paragraph)], text)
    overall = writing.keywords(text, 30)
    scenes = []
    for start, end in scene_spans:
        piece = text[start:end]
        scenes.append(SceneDraft(text=piece, keywords=_visuals(piece, overall), seconds=writing.spoken_seconds(piece)))
    hook = text[hook_span[0] : hook_span[1]] if hook_span else ""
    call_to_action = text[cta_span[0] : cta_span[1]] if cta_span else ""
    first = hook or text[sentences[0][0] : sentences[0][1]]
    title = writing.shorten(title, writing.TITLE_LIMIT) if title.strip() else _title_from(first)
    body = " ".join(scene.text for scene in scenes)  # the hook is YAKE's favourite, but rarely the subject
    tags = writing.clean_hashtags(writing.frequent_words(text, 3) + writing.keywords(body, 3, longest=1))
    draft = ScriptDraft(
        title=title,
        hook=hook,
        scenes=scenes,
        call_to_action=call_to_action,
        captions=writing.platform_captions(title=title, hook=first, lines=[], call_to_action=call_to_action, tags=tags),
    )
    draft.notes = _notes(draft, target_seconds)
    return draft


def _visuals(piece: str, overall: list[str]) -> list[str]:
    """The whole text's key phrases that this scene says (YAKE ranks better with more text), then its own."""
    lowered = piece.lower()
    found = [phrase for phrase in overall if re.search(rf"\b{re.escape(phrase.lower())}\b", lowered)]
    for phrase in writing.keywords(piece, 3):
        if not any(phrase.lower() in kept.lower() or kept.lower() in phrase.lower() for kept in found):
            found.append(phrase)
    return found[:3]


def _paragraphs(text: str) -> list[Span]:
    spans = []
    for match in _PARAGRAPH.finditer(text):
        span = _strip(text, match.start(), match.end())
        if span:
            spans.append(span)
    return spans


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside one paragraph."""
    spans: list[Span] = []
    for line_start, line_end in _lines(text, start, end):
        chunk = text[line_start:line_end]
        cursor = 0
        for sentence in (piece.strip() for piece in split_multi(chunk)):
            if not sentence:
                continue
            found = chunk.find(sentence, cursor)
            if found < 0:  # segtok reshaped something: keep the rest of the line whole
                spans.append((line_start + cursor, line_end))
                break
            cursor = found + len(sentence)
            piece = (line_start + found, line_start + cursor)
            if spans and _carries_on(text[piece[0] : piece[1]]) and spans[-1][0] >= line_start:
                spans[-1] = (spans[-1][0], piece[1])
            else:
                spans.append(piece)
        else:
            if cursor < len(chunk.rstrip()):
                tail = _strip(text, line_start + cursor, line_end)
                if tail:
                    spans.append(tail)
    return [piece for span in spans for piece in _split_long(text, span)]


def _lines(text: str, start: int, end: int) -> list[Span]:
    """A paragraph's lines, a line that carries on in lower case joined to the one before."""
    lines: list[Span] = []
    position = start
    for line in text[start:end].split("\n"):
        span = _strip(text, position, position + len(line))
        position += len(line) + 1
        if not span:
            continue
        if lines and _carries_on(text[span[0] : span[1]]):
            lines[-1] = (lines[-1][0], span[1])
        else:
            lines.append(span)
    return lines


def _carries_on(piece: str) -> bool:
    """True for text that continues a sentence: it starts in lower case ("...and then")."""
    first = next((char for char in piece if char.isalnum()), "")
    return first.islower()


def _split_long(text: str, span: Span) -> list[Span]:
    """A sentence of more than LONG_SENTENCE words, cut at the clause mark nearest its middle."""
    if _count(text, span) <= LONG_SENTENCE:
        return [span]
    start, end = span
    piece = text[start:end]
    middle = len(piece) / 2
    marks = [match.end() for match in re.finditer(r"[;:—–,]\s", piece)]
    if not marks:
        return [span]
    cut = start + min(marks, key=lambda mark: abs(mark - middle))
    head, tail = _strip(text, start, cut), _strip(text, cut, end)
    if not head or not tail:
        return [span]
    return _split_long(text, head) + _split_long(text, tail)


def _count(text: str, span: Span) -> int:
    return len(text[span[0] : span[1]].split())


def _group(text: str, sentences: list[Span]) -> list[Span]:
    """Up to three sentences and about 25 words a scene, within one paragraph."""
    groups: list[list[Span]] = []
    for span in sentences:
        if groups:
            current = groups[-1]
            size = sum(_count(text, s) for s in current) + _count(text, span)
            if len(current) < SCENE_SENTENCES and size <= SCENE_WORDS:
                current.append(span)
                continue
        groups.append([span])
    return [(group[0][0], group[-1][1]) for group in groups]


def _limit(scenes: list[Span], text: str) -> list[Span]:
    """At most MAX_SCENES: the two neighbours with the fewest words together are merged first."""
    while len(scenes) > MAX_SCENES:
        sizes = [_count(text, a) + _count(text, b) for a, b in zip(scenes, scenes[1:], strict=False)]
        at = sizes.index(min(sizes))
        scenes[at : at + 2] = [(scenes[at][0], scenes[at + 1][1])]
    return scenes


def _title_from(sentence: str) -> str:
    """The first words of the script, eight at most, without the closing punctuation."""
    first_words = sentence.split()
    title = " ".join(first_words[:8])
    title = writing.shorten(title, 60, ellipsis="") if len(title) > 60 else title
    title = title.strip(" \"'“”‘’()[]").rstrip(".,;:!?…—–-")
    if len(first_words) > 8 or len(sentence) > 60:
        title += "…"
    return title


def _notes(draft: ScriptDraft, target_seconds: int | None) -> str:
    count = len(draft.scenes)
    notes = [f"Your own words, split into {count} scene{'s' if count != 1 else ''}; nothing was rewritten."]
    if draft.hook:
        notes.append("The first sentence is the hook.")
    if draft.call_to_action:
        notes.append("The last sentence is the call to action.")
    runs = round(
        sum(scene.seconds for scene in draft.scenes) + writing.spoken_seconds(draft.hook + " " + draft.call_to_action)
    )
    if target_seconds and runs > target_seconds * 1.25:
        notes.append(f"It runs about {runs} s, longer than the {target_seconds} s asked: trim the text to fit.")
    elif target_seconds and runs < target_seconds * 0.75:
        notes.append(f"It runs about {runs} s of the {target_seconds} s asked.")
    return " ".join(notes)
