"""Trend keywords: what the user's own published videos are about, ranked by engagement velocity.

Velocity is engagement (views + likes + shares) per hour since posting. A keyword's trend compares
its videos' velocity over the last day (from the engagement snapshots) with their velocity since
posting: rising, falling, steady, or new when there is no snapshot a day old yet. Outside trend
sources (platform trend APIs) would sit behind the studio's provider interface; none is reachable
here, so none is shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from common.errors import ApplicationError
from distribution.models import Distribution, DistributionStatus, EngagementSnapshot

MAX_WINDOW_DAYS = 90
MAX_VIDEOS = 2000
RECENT = timedelta(hours=24)
RISING, FALLING = 1.15, 0.85


@dataclass
class TrendKeyword:
    keyword: str
    kind: str  # "keyword" | "hashtag"
    velocity: float = 0.0  # engagement per hour, summed over its videos
    recent_velocity: float = 0.0
    lifetime_velocity: float = 0.0
    videos: int = 0
    simulated: bool = False  # some of the numbers come from the sandbox, which invents them
    samples: list[dict] = field(default_factory=list)

    @property
    def trend(self) -> str:
        if not self.recent_velocity and not self.lifetime_velocity:
            return "new"
        ratio = self.recent_velocity / self.lifetime_velocity if self.lifetime_velocity else 2.0
        return "rising" if ratio >= RISING else "falling" if ratio <= FALLING else "steady"


def _engagement(row) -> int:
    return (row.views or 0) + (row.likes or 0) + (row.shares or 0)


def _terms(distribution: Distribution) -> set[tuple[str, str]]:
    from production.studio.engines.keywords import keywords

    item = distribution.queue_item
    provenance = (item.metadata or {}).get("provenance") or {}
    text = " ".join(filter(None, [provenance.get("topic", ""), item.caption]))
    terms = {(phrase, "keyword") for phrase in keywords(text, limit=4)} if text.strip() else set()
    for tag in item.hashtags or []:
        tag = str(tag).strip().lstrip("#").lower()
        if tag:
            terms.add((f"#{tag}", "hashtag"))
    return terms


def trend_keywords(*, user, window_days: int = 7, limit: int = 20, now: datetime | None = None) -> list[TrendKeyword]:
    """Keywords and hashtags of the user's videos published in the window, fastest-growing first."""
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise ApplicationError(
            f"The window goes from 1 to {MAX_WINDOW_DAYS} days.", fields={"window_days": ["Out of range."]}
        )
    now = now or timezone.now()
    published = list(
        Distribution.objects.filter(
            owner=user, status=DistributionStatus.PUBLISHED, published_at__gte=now - timedelta(days=window_days)
        )
        .select_related("queue_item")
        .order_by("-published_at")[:MAX_VIDEOS]
    )
    day_old = _snapshots_before(published, now - RECENT)
    found: dict[tuple[str, str], TrendKeyword] = {}
    for distribution in published:
        hours = max(1.0, (now - distribution.published_at).total_seconds() / 3600)
        engagement = _engagement(distribution)
        lifetime = engagement / hours
        earlier = day_old.get(distribution.pk)
        recent = (engagement - _engagement(earlier)) / (RECENT.total_seconds() / 3600) if earlier else 0.0
        for term, kind in _terms(distribution):
            entry = found.setdefault((term, kind), TrendKeyword(keyword=term, kind=kind))
            entry.velocity += lifetime
            entry.lifetime_velocity += lifetime if earlier else 0.0
            entry.recent_velocity += recent
            entry.videos += 1
            entry.simulated |= distribution.platform == "sandbox"
            entry.samples.append(
                {
                    "distribution": distribution.pk,
                    "url": distribution.url,
                    "platform": distribution.platform,
                    "views": distribution.views,
                    "velocity": round(lifetime, 2),
                }
            )
    ranked = sorted(found.values(), key=lambda entry: (-entry.velocity, -entry.videos, entry.keyword))[:limit]
    for entry in ranked:
        entry.samples = sorted(entry.samples, key=lambda sample: -sample["velocity"])[:3]
        entry.velocity = round(entry.velocity, 2)
    return ranked


def _snapshots_before(distributions: list[Distribution], moment: datetime) -> dict[int, EngagementSnapshot]:
    """Each distribution's newest snapshot taken at or before `moment` (one query)."""
    rows = EngagementSnapshot.objects.filter(
        distribution__in=distributions, fetched_at__lte=moment, fetched_at__gte=moment - timedelta(days=1)
    ).order_by("distribution_id", "-fetched_at")
    newest: defaultdict[int, EngagementSnapshot | None] = defaultdict(lambda: None)
    for row in rows:
        if newest[row.distribution_id] is None:
            newest[row.distribution_id] = row
    return {key: value for key, value in newest.items() if value is not None}


def topic_suggestions(*, user, limit: int) -> list[dict]:
    """The studio's topic suggestions: the keywords (not hashtags) of the user's fastest videos."""
    rows = trend_keywords(user=user, window_days=30, limit=limit * 2)
    return [{"topic": row.keyword, "trend": row.trend} for row in rows if row.kind == "keyword"][:limit]
