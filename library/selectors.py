from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet, Sum

from accounts.models import User
from library.models import MediaAsset, MediaStatus


def media_asset_list(*, user: User, filters: dict | None = None) -> QuerySet[MediaAsset]:
    """The user's own assets, filtered (operators see everyone's in the admin)."""
    return media_asset_filter(MediaAsset.objects.filter(owner=user), filters or {})


def _tag_q(tag: str) -> Q:
    return Q(tag_index__contains=f"|{tag}|")


def media_asset_filter(qs: QuerySet[MediaAsset], filters: dict) -> QuerySet[MediaAsset]:
    """One meaning for every filter, whether it comes from the API, the dashboard or a pick."""
    for name in ("kind", "status", "platform", "orientation", "source"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    for name in ("category", "mood"):
        if filters.get(name):
            qs = qs.filter(**{f"{name}__iexact": filters[name].strip()})
    if filters.get("royalty_free") is not None:
        qs = qs.filter(royalty_free=filters["royalty_free"])
    if tags := filters.get("tags"):
        any_tag = Q()
        for tag in tags:
            any_tag |= _tag_q(tag)
        qs = qs.filter(any_tag)
    for tag in filters.get("tags_all") or []:
        qs = qs.filter(_tag_q(tag))
    if filters.get("duration_min") is not None:
        qs = qs.filter(duration_seconds__gte=filters["duration_min"])
    if filters.get("duration_max") is not None:
        qs = qs.filter(duration_seconds__lte=filters["duration_max"])
    if term := (filters.get("search") or "").strip():
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(description__icontains=term)
            | Q(original_filename__icontains=term)
            | Q(tag_index__icontains=term.lower())
        )
    return qs


def _grouped(qs: QuerySet[MediaAsset], field: str) -> dict[str, dict]:
    rows = qs.values(field).annotate(count=Count("id"), size=Sum("size_bytes"), duration=Sum("duration_seconds"))
    return {
        row[field] or "": {
            "count": row["count"],
            "size_bytes": row["size"] or 0,
            "duration_seconds": round(row["duration"] or 0.0, 3),
        }
        for row in rows.order_by(field)
    }


def media_asset_stats(*, user: User, top: int = 5) -> dict:
    """Totals of the user's ready assets, grouped, and the most and least used ones."""
    ready = MediaAsset.objects.filter(owner=user, status=MediaStatus.READY)
    totals = ready.aggregate(count=Count("id"), size=Sum("size_bytes"), duration=Sum("duration_seconds"))
    by_status = dict(
        MediaAsset.objects.filter(owner=user).values_list("status").annotate(n=Count("id")).order_by("status")
    )
    usage = ready.only("id", "title", "kind", "times_used", "last_used_at")
    return {
        "count": totals["count"],
        "size_bytes": totals["size"] or 0,
        "duration_seconds": round(totals["duration"] or 0.0, 3),
        "by_status": {status: by_status.get(status, 0) for status in MediaStatus.values},
        "by_kind": _grouped(ready, "kind"),
        "by_category": _grouped(ready, "category"),
        "by_platform": _grouped(ready, "platform"),
        "most_used": list(usage.filter(times_used__gt=0).order_by("-times_used", "-last_used_at", "id")[:top]),
        "least_used": list(usage.order_by("times_used", F("last_used_at").asc(nulls_first=True), "id")[:top]),
    }
