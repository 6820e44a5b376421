"""Scene visuals: for each scene of a script, the library asset that fits its words, or a card.

How a scene is matched (the same on SQLite and PostgreSQL):

1. Its query terms are the words of its keywords (weight 1) and the other content words of its
   text (weight 0.5), lower-cased, without stopwords, reduced to a light root so that "beans",
   "grinding" and "roasted" meet "bean", "grind" and "roast".
2. Candidates are the owner's ready assets of the wanted kinds whose tags, title, description,
   category or mood contain one of those roots (one query for the whole script, at most
   MAX_CANDIDATES, the least used first).
3. Each term scores the best place it is found, times its weight: a tag 3, the title 2, the
   category or mood 1.5, the description 1; a keyword that is a whole tag earns 1 more.
   Reused material (hot videos) scores REUSED_FACTOR of that, so the creator's own templates,
   product clips and images win close calls and the original-material share stays high.
4. Scenes are filled best score first across the whole script, each asset once per video; among
   equal scores the creator's own material, then the portrait picture, then the least used and
   longest-rested asset wins. A scene whose best score is below MIN_SCORE (1.5: a keyword in a
   tag or the title, a word of the text in a tag, or two keywords in a description) gets a
   generated card with its key phrase instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import F, Q

from accounts.models import User
from common.errors import ApplicationError
from library.models import MediaAsset, MediaKind, MediaStatus, Orientation
from production.studio.writers.text import STOPWORDS, WEAK_WORDS, content_words, stem

DEFAULT_KINDS = (MediaKind.TEMPLATE, MediaKind.PRODUCT, MediaKind.IMAGE, MediaKind.HOT_VIDEO)
VISUAL_KINDS = frozenset(DEFAULT_KINDS)
OWN_KINDS = frozenset({MediaKind.TEMPLATE, MediaKind.PRODUCT, MediaKind.IMAGE})
KEYWORD_WEIGHT, TEXT_WEIGHT = 1.0, 0.5
FIELD_WEIGHTS = {"tags": 3.0, "title": 2.0, "category": 1.5, "mood": 1.5, "description": 1.0}
WHOLE_TAG_BONUS = 1.0
REUSED_FACTOR = 0.8
MIN_SCORE = 1.5
MAX_CANDIDATES = 400
MAX_TERMS = 60  # query roots per script: keeps the candidate query small
KEY_PHRASE_WORDS = 5
_NEVER = datetime.min.replace(tzinfo=UTC)
_LETTERS = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_NO_MATCH = "no tag, title or description match"
# What scoring and ranking read; the picker gets the rest of an asset on access.
_SCORED_FIELDS = ("id", "owner_id", "kind", "status", "title", "description", "tags", "category", "mood")
_SCORED_FIELDS += ("orientation", "times_used", "last_used_at")


@dataclass(frozen=True)
class SceneVisual:
    scene_index: int
    asset_id: int | None
    score: float
    reason: str  # for the creator: "tags: coffee, beans" or "no library match for 'grind fresh'"
    kind: str  # "asset" | "card"


@dataclass
class _Query:
    terms: dict[str, float]  # root -> weight
    phrases: set[str]  # keywords as roots joined by spaces, to spot a whole-tag match
    spelled: dict[str, str] = field(default_factory=dict)  # root -> the word as the script says it


@dataclass(frozen=True)
class _Match:
    asset: MediaAsset
    score: float
    reason: str


# --- public ----------------------------------------------------------------------------------


def match_scene_visuals(
    *,
    owner: User,
    scenes: list[dict],
    exclude_ids: Iterable[int] = frozenset(),
    kinds: Iterable[str] = DEFAULT_KINDS,
) -> list[SceneVisual]:
    """One visual per scene, in order: a library asset (each at most once) or a card."""
    kinds = _checked_kinds(kinds)
    queries = [scene_query(scene) for scene in scenes]
    candidates = _candidates(owner, queries, kinds, set(exclude_ids))
    ranked: list[tuple[tuple, int, _Match]] = []
    for index, query in enumerate(queries):
        for asset in candidates:
            match = _score(asset, query)
            if match is not None and match.score >= MIN_SCORE:
                ranked.append((_rank(match), index, match))
    ranked.sort(key=lambda row: (row[0], row[1]))
    chosen: dict[int, _Match] = {}
    used: set[int] = set()
    for _key, index, match in ranked:
        if index not in chosen and match.asset.pk not in used:
            chosen[index] = match
            used.add(match.asset.pk)
    visuals = []
    for index, scene in enumerate(scenes):
        match = chosen.get(index)
        if match is None:
            phrase = key_phrase(scene).lower()
            visuals.append(SceneVisual(index, None, 0.0, f"no library match for '{phrase}'", "card"))
        else:
            visuals.append(SceneVisual(index, match.asset.pk, round(match.score, 2), match.reason, "asset"))
    return visuals


def swap_candidates(
    *,
    owner: User,
    scene: dict,
    limit: int = 12,
    exclude_ids: Iterable[int] = frozenset(),
    kinds: Iterable[str] = DEFAULT_KINDS,
) -> list[tuple[MediaAsset, float, str]]:
    """Assets a creator could put on this scene instead, best first: the matches, then (to fill
    the picker) the least used of the rest, with score 0."""
    kinds = _checked_kinds(kinds)
    excluded = set(exclude_ids)
    query = scene_query(scene)
    matches = [match for asset in _candidates(owner, [query], kinds, excluded) if (match := _score(asset, query))]
    matches.sort(key=_rank)
    picked = [(match.asset, round(match.score, 2), match.reason) for match in matches[:limit]]
    if len(picked) < limit:
        taken = excluded | {asset.pk for asset, _score, _reason in picked}
        rest = _ready(owner, kinds).exclude(pk__in=taken)[: limit - len(picked)]
        picked += [(asset, 0.0, _NO_MATCH) for asset in rest]
    return picked


def key_phrase(scene: dict) -> str:
    """The words a card shows for a scene: its first keyword as the text spells it, else its
    first few content words; capitalised like a title card ("Grind fresh")."""
    text = " ".join(str(scene.get("text") or "").split())
    for keyword in scene.get("keywords") or []:
        found = _LETTERS.findall(str(keyword))
        if not found:
            continue
        pattern = r"\b" + r"\W+".join(re.escape(word) for word in found) + r"\b"
        spelled = re.search(pattern, text, re.IGNORECASE)
        return _capitalised(spelled.group() if spelled else " ".join(found))
    words = [word for word in _LETTERS.findall(text) if word.lower() not in STOPWORDS]
    return _capitalised(" ".join(words[:KEY_PHRASE_WORDS]) or text[:40] or "…")


def scene_query(scene: dict) -> _Query:
    terms: dict[str, float] = {}
    spelled: dict[str, str] = {}
    phrases: set[str] = set()
    for keyword in scene.get("keywords") or []:
        roots = []
        for word in content_words(str(keyword)):
            root = _root(word)
            roots.append(root)
            terms[root] = KEYWORD_WEIGHT
            spelled.setdefault(root, word)
        if roots:
            phrases.add(" ".join(roots))
    for word in content_words(str(scene.get("text") or "")):
        if word in WEAK_WORDS or len(word) < 3:
            continue
        root = _root(word)
        terms.setdefault(root, TEXT_WEIGHT)
        spelled.setdefault(root, word)
    return _Query(terms, phrases, spelled)


# --- scoring ---------------------------------------------------------------------------------


def _root(word: str) -> str:
    """`stem`, then the same root for "run"/"running", "bake"/"baked": doubled final consonants
    and a final e go."""
    root = stem(word)
    if len(root) > 3 and root[-1] == root[-2] and root[-1] not in "aeiouls":
        root = root[:-1]
    if len(root) > 3 and root.endswith("e"):
        root = root[:-1]
    return root


def _roots(text: str) -> set[str]:
    return {_root(word) for word in content_words(text)}


def _score(asset: MediaAsset, query: _Query) -> _Match | None:
    tags = [str(tag) for tag in asset.tags or []]
    tag_roots = {tag: _roots(tag) for tag in tags}
    places = {
        "tags": set().union(*tag_roots.values()) if tag_roots else set(),
        "title": _roots(asset.title),
        "category": _roots(asset.category),
        "mood": _roots(asset.mood),
        "description": _roots(asset.description),
    }
    score = 0.0
    found: dict[str, list[str]] = {}
    for root, weight in query.terms.items():
        place = next((name for name in FIELD_WEIGHTS if root in places[name]), None)
        if place is None:
            continue
        score += weight * FIELD_WEIGHTS[place]
        shown = found.setdefault(place, [])
        if place == "tags":  # the tags themselves, as the creator wrote them
            shown += [tag for tag in tags if root in tag_roots[tag] and tag not in shown]
        else:
            shown.append(query.spelled.get(root, root))
    whole_tags = [tag for tag in tags if " ".join(_root(w) for w in content_words(tag)) in query.phrases]
    score += WHOLE_TAG_BONUS * len(whole_tags)
    if not found:
        return None
    if asset.kind not in OWN_KINDS:
        score *= REUSED_FACTOR
    reason = "; ".join(f"{place}: {', '.join(found[place])}" for place in FIELD_WEIGHTS if place in found)
    return _Match(asset, score, reason)


def _rank(match: _Match) -> tuple:
    """Sort key: best score, own material, portrait, least used, longest rested, oldest."""
    asset = match.asset
    return (
        -round(match.score, 6),
        asset.kind not in OWN_KINDS,
        asset.orientation not in (Orientation.PORTRAIT, Orientation.SQUARE),
        asset.times_used,
        asset.last_used_at or _NEVER,
        asset.pk,
    )


# --- queries ---------------------------------------------------------------------------------


def _checked_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    kinds = tuple(kinds)
    unknown = [kind for kind in kinds if kind not in VISUAL_KINDS]
    if unknown or not kinds:
        allowed = ", ".join(DEFAULT_KINDS)
        raise ApplicationError(f"Scene visuals come from: {allowed}.", fields={"kinds": [f"Choose from {allowed}."]})
    return kinds


def _ready(owner: User, kinds: tuple[str, ...]):
    return (
        MediaAsset.objects.filter(owner=owner, status=MediaStatus.READY, kind__in=kinds)
        .only(*_SCORED_FIELDS)
        .order_by("times_used", F("last_used_at").asc(nulls_first=True), "pk")
    )


def _candidates(owner: User, queries: list[_Query], kinds: tuple[str, ...], excluded: set[int]) -> list[MediaAsset]:
    """Assets that mention any query root anywhere; the roots are prefixes of the words they
    come from ("bean" in "beans"), so a plain substring test finds them on every database."""
    roots: list[str] = []
    for query in queries:
        for root, _weight in sorted(query.terms.items(), key=lambda item: -item[1]):
            if root not in roots and len(roots) < MAX_TERMS:
                roots.append(root)
    if not roots:
        return []
    mentions = Q()
    for root in roots:
        # "berry" (from "berries") is no substring of it; "berr" is.
        needle = root[:-1] if root.endswith("y") and len(root) > 3 else root
        mentions |= (
            Q(tag_index__icontains=needle)
            | Q(title__icontains=needle)
            | Q(description__icontains=needle)
            | Q(category__icontains=needle)
            | Q(mood__icontains=needle)
        )
    return list(_ready(owner, kinds).filter(mentions).exclude(pk__in=excluded)[:MAX_CANDIDATES])


def _capitalised(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]
