"""Reads of the studio, scoped to the requesting user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import User
from production.studio.models import (
    STEP_PERCENT,
    Avatar,
    GenerationJob,
    GenerationStatus,
    GenerationStep,
    PromptTemplate,
    ProviderCall,
    ProviderKey,
    Script,
    Voice,
    VoiceOver,
)
from production.studio.services.usage import month_start, monthly_budget, spent_this_month
from production.studio.services.voices import LOCAL_ENGINES


def provider_key_list(*, user: User) -> QuerySet[ProviderKey]:
    return ProviderKey.objects.filter(owner=user).order_by("provider", "-is_default", "label")


def prompt_template_list(*, user: User) -> QuerySet[PromptTemplate]:
    """The built-in templates and the user's own."""
    return PromptTemplate.objects.filter(Q(owner=None) | Q(owner=user)).order_by("owner_id", "category", "name")


def script_list(*, user: User) -> QuerySet[Script]:
    return Script.objects.filter(owner=user).select_related("template", "key")


def voice_list(*, user: User) -> QuerySet[Voice]:
    """Voices the user may speak with: this machine's, their keys', and the operator's when granted."""
    from production.studio.services.keys import operator_keys_allowed

    visible = Q(owner=None, engine__in=LOCAL_ENGINES) | Q(owner=user)
    if operator_keys_allowed(user):
        visible |= Q(owner=None, key=None)
    return Voice.objects.filter(visible, available=True).select_related("key").order_by("engine", "name")


def voice_over_list(*, user: User) -> QuerySet[VoiceOver]:
    return VoiceOver.objects.filter(owner=user).select_related("voice", "asset", "script")


@dataclass(frozen=True)
class UsageSummary:
    budget_usd: Decimal
    spent_usd: Decimal
    calls: int
    by_provider: list[dict]

    @property
    def remaining_usd(self) -> Decimal:
        return max(Decimal("0"), self.budget_usd - self.spent_usd)


def usage_summary(*, user: User) -> UsageSummary:
    """This month's provider calls and estimated spend against the user's budget."""
    rows = (
        ProviderCall.objects.filter(owner=user, created_at__gte=month_start())
        .values("provider")
        .annotate(
            calls=Count("id"),
            cost=Sum("cost_usd"),
            tokens=Sum("prompt_tokens") + Sum("completion_tokens"),
            characters=Sum("characters"),
        )
        .order_by("provider")
    )
    by_provider = [
        {
            "provider": row["provider"],
            "calls": row["calls"],
            "cost_usd": row["cost"] or Decimal("0"),
            "tokens": row["tokens"] or 0,
            "characters": row["characters"] or 0,
        }
        for row in rows
    ]
    return UsageSummary(
        budget_usd=monthly_budget(user),
        spent_usd=spent_this_month(user=user),
        calls=sum(row["calls"] for row in by_provider),
        by_provider=by_provider,
    )


def avatar_list(*, user: User) -> QuerySet[Avatar]:
    return Avatar.objects.filter(owner=user).select_related("asset")


def generation_job_list(*, user: User) -> QuerySet[GenerationJob]:
    return (
        GenerationJob.objects.filter(owner=user)
        .select_related("queue_item", "queue_item__output_asset", "script", "voice_over")
        .prefetch_related("target_accounts")
    )


def generated_video_list(*, user: User) -> QuerySet[GenerationJob]:
    """Jobs whose video is rendered, newest first."""
    return generation_job_list(user=user).filter(queue_item__output_asset__isnull=False)


def generation_job_percent(job: GenerationJob) -> int:
    """How far the job is, the render's own progress included while it renders."""
    if job.status == GenerationStatus.COMPLETED:
        return 100
    if job.step == GenerationStep.RENDER and job.queue_item is not None:
        start, end = STEP_PERCENT["render"], STEP_PERCENT["publish"]
        return max(job.percent, round(start + (end - start) * (job.queue_item.progress or 0) / 100))
    return job.percent


_TOPIC_SOURCES: list = []


def register_topic_source(source) -> None:
    """Distribution registers the trend keywords of the user's own videos as topic suggestions."""
    _TOPIC_SOURCES.append(source)


def topic_suggestions(*, user: User, limit: int = 8) -> list[dict]:
    """[{"topic", "trend"}]: what the user's published videos that do best are about."""
    found: list[dict] = []
    for source in _TOPIC_SOURCES:
        found += source(user=user, limit=limit)
    return found[:limit]
