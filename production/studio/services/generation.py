"""Generation jobs: a topic (or a script) → script → voice-over with word timings → visuals per scene →
composition spec → queue item → render (the existing queue) → optional publish (distribution).

Each step's result is stored on the job before the next starts, so a worker killed mid-job resumes
at the step it was in; the steps before it are not paid again (and the provider cache of scripts and
voice-overs means even an interrupted step does not call twice for the same input).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import SocialAccount, User
from common.errors import ApplicationError
from production.models import QueueItem, QueueStatus
from production.rendering import PRESETS
from production.studio.models import (
    STEP_ORDER,
    STEP_PERCENT,
    Avatar,
    GenerationJob,
    GenerationStatus,
    GenerationStep,
    PromptTemplate,
    Script,
    ScriptStatus,
    VisualSource,
    Voice,
    VoiceOverStatus,
)

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=20)
ACTIVE = (GenerationStatus.QUEUED, GenerationStatus.RUNNING, GenerationStatus.RENDERING)
MAX_TARGETS = 50
_PUBLISHERS: list[Callable[[GenerationJob], dict]] = []


class StepFailed(ApplicationError):
    pass


def register_publisher(publisher: Callable[[GenerationJob], dict]) -> Callable[[GenerationJob], dict]:
    """Distribution registers how a finished job's video is sent to its target accounts."""
    _PUBLISHERS.append(publisher)
    return publisher


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, fields={field: [message]})


# --- create, cancel, retry, delete ----------------------------------------------------------


@transaction.atomic
def generation_job_create(
    *,
    owner: User,
    topic: str = "",
    script: Script | None = None,
    template: PromptTemplate | None = None,
    provider: str | None = None,
    tone: str = "",
    audience: str = "",
    product: str = "",
    target_seconds: int | None = None,
    seed: int = 0,
    voice: Voice | None = None,
    speed: float = 1.0,
    visual_source: str = VisualSource.LIBRARY,
    avatar: Avatar | None = None,
    music_asset_id: int | None = None,
    platform: str = "tiktok",
    caption_style: dict | None = None,
    targets: Iterable[SocialAccount] = (),
    campaign=None,
) -> GenerationJob:
    """Start a job; it runs in the background (`queued`)."""
    from production.studio.services.scripts import _clean_request
    from production.studio.services.voice_overs import _clean_speed
    from production.studio.services.voices import voice_for_user

    topic = " ".join((topic or "").split())
    if script is None and not topic:
        raise _bad("topic", "Give a topic, e.g. “home coffee brewing”, or a script.")
    if script is not None:
        if script.owner_id != owner.pk:
            raise ApplicationError("No such script.", code="not_found", fields={"script": ["Unknown script."]})
        if script.status != ScriptStatus.READY:
            raise _bad("script", "That script is not ready yet.")
        topic = topic or script.topic
    else:  # the same checks as asking for a script directly, before anything is queued
        _clean_request(
            owner=owner,
            topic=topic,
            template=template,
            provider=provider,
            tone=tone,
            product=product,
            audience=audience,
            target_seconds=target_seconds,
            platform="",
            seed=seed,
            model="",
        )
    if voice is not None:
        voice_for_user(user=owner, voice=voice)
    speed = _clean_speed(speed)
    if visual_source not in VisualSource.values:
        raise _bad("visual_source", f"Choose one of: {', '.join(VisualSource.values)}.")
    if visual_source != VisualSource.LIBRARY:
        raise _bad("visual_source", "AI images need an images provider, which is not available yet: use the library.")
    if avatar is not None and avatar.owner_id != owner.pk:
        raise ApplicationError("No such avatar.", code="not_found", fields={"avatar": ["Unknown avatar."]})
    if avatar is not None:
        raise _bad("avatar", "Placing an avatar in a generated video is not available yet: leave it out for now.")
    if platform not in PRESETS:
        raise _bad("platform", f"Choose one of: {', '.join(sorted(PRESETS))}.")
    targets = list(targets)
    if len(targets) > MAX_TARGETS:
        raise _bad("target_accounts", f"At most {MAX_TARGETS} accounts.")
    if any(account.owner_id != owner.pk for account in targets):
        raise ApplicationError("No such account.", code="not_found", fields={"target_accounts": ["Unknown account."]})
    _check_music(owner, music_asset_id)
    _check_caption_style(caption_style)
    job = GenerationJob.objects.create(
        owner=owner,
        topic=topic[:300],
        template=template,
        script=script,
        voice=voice,
        avatar=avatar,
        visual_source=visual_source,
        platform=platform,
        campaign=campaign,
        inputs={
            "provider": provider,
            "tone": tone,
            "audience": audience,
            "product": product,
            "target_seconds": target_seconds,
            "seed": seed,
            "speed": speed,
            "music_asset_id": music_asset_id,
            "caption_style": caption_style or {},
        },
        step=GenerationStep.VOICE if script is not None else GenerationStep.SCRIPT,
    )
    if targets:
        job.target_accounts.set(targets)
    _enqueue(job)
    return job


def _check_music(owner: User, asset_id: int | None) -> None:
    from library.models import MediaAsset, MediaKind, MediaStatus
    from library.services import AssetsNotFound

    if asset_id is None:
        return
    if not MediaAsset.objects.filter(pk=asset_id, owner=owner, kind=MediaKind.AUDIO, status=MediaStatus.READY).exists():
        raise AssetsNotFound(f"No ready audio track {asset_id} in your library.", fields={"music": ["Unknown track."]})


def _check_caption_style(style: dict | None) -> None:
    from production.rendering import CompositionSpec, SpecError

    if style is None:
        return
    if not isinstance(style, dict):
        raise _bad("caption_style", "An object of caption style fields.")
    probe = {
        "inputs": [{"card": {"text": "style check", "duration": 1}}],
        "text": {"captions": {"words": [{"text": "check", "start": 0, "end": 0.5}], "style": style}},
    }
    try:
        CompositionSpec.from_dict(probe)
    except SpecError as exc:
        fields = {
            name.replace("text.captions.style", "caption_style"): messages
            for name, messages in exc.fields.items()
            if name.startswith("text.captions.style")
        }
        if fields:
            raise ApplicationError("The caption style is not valid.", fields=fields) from None


def _enqueue(job: GenerationJob) -> None:
    from production.studio.tasks import generation_job_run_task

    job_id = job.pk
    transaction.on_commit(lambda: generation_job_run_task.delay(job_id))


@transaction.atomic
def generation_job_cancel(*, job: GenerationJob) -> GenerationJob:
    """Stop a job at its next step boundary (at once when it is waiting); a pending render is cancelled."""
    from production.services.queue import queue_item_cancel

    job = GenerationJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in ACTIVE:
        raise ApplicationError(f"This job is {job.get_status_display().lower()} already.", code="not_active")
    if job.queue_item_id and job.queue_item.status in (QueueStatus.PENDING, QueueStatus.PROCESSING):
        queue_item_cancel(item=job.queue_item)
    if job.status == GenerationStatus.RUNNING:
        job.cancel_requested = True
        job.save(update_fields=["cancel_requested", "updated_at"])
    else:
        _finish(job, GenerationStatus.CANCELLED, "Cancelled.")
    return job


@transaction.atomic
def generation_job_retry(*, job: GenerationJob) -> GenerationJob:
    """Run a failed or cancelled job again from the step it stopped at (a failed render renders again)."""
    job = GenerationJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in (GenerationStatus.FAILED, GenerationStatus.CANCELLED):
        raise ApplicationError("Only a failed or cancelled job can be retried.", code="not_retryable")
    if job.step in (GenerationStep.RENDER, GenerationStep.QUEUE) and job.queue_item_id:
        item = job.queue_item
        if item.status in (QueueStatus.FAILED, QueueStatus.CANCELLED):
            job.queue_item = None
            job.step = GenerationStep.QUEUE
    job.status, job.error, job.cancel_requested, job.finished_at = GenerationStatus.QUEUED, "", False, None
    job.save()
    _enqueue(job)
    return job


def generation_job_delete(*, job: GenerationJob) -> None:
    """Delete the job record; the rendered video stays in the library (delete it there)."""
    if job.status in ACTIVE:
        raise ApplicationError("This job is still working: cancel it first.", code="busy")
    job.delete()


@transaction.atomic
def generation_job_swap_visual(*, job: GenerationJob, scene_index: int, asset) -> GenerationJob:
    """Choose another library asset for one scene; the spec is composed again from it."""
    job = GenerationJob.objects.select_for_update().get(pk=job.pk)
    visuals = job.results.get("visuals")
    if visuals is None:
        raise ApplicationError("The visuals are not chosen yet.", code="not_ready")
    if not 0 <= scene_index < len(visuals):
        raise _bad("scene", f"Scenes go from 0 to {len(visuals) - 1}.")
    if asset.owner_id != job.owner_id:
        raise ApplicationError("No such asset.", code="not_found", fields={"asset": ["Unknown asset."]})
    stopped_render = job.status in (GenerationStatus.FAILED, GenerationStatus.CANCELLED) and job.step in (
        GenerationStep.QUEUE,
        GenerationStep.RENDER,
    )
    if job.status == GenerationStatus.RUNNING or (
        STEP_ORDER.index(job.step) > STEP_ORDER.index(GenerationStep.QUEUE) and not stopped_render
    ):
        raise ApplicationError("The video is queued for rendering already; swapping is no longer possible.")
    if stopped_render and job.queue_item_id:
        if job.queue_item.status not in (QueueStatus.FAILED, QueueStatus.CANCELLED):
            raise ApplicationError("The render is still under way; cancel the job first.")
        job.queue_item = None  # retry renders the new spec as a new video
    visuals[scene_index] = {
        **visuals[scene_index],
        "asset_id": asset.pk,
        "kind": "asset",
        "score": None,
        "reason": "chosen by you",
    }
    job.results = {**job.results, "visuals": visuals}
    job.results.pop("spec", None)
    if STEP_ORDER.index(job.step) > STEP_ORDER.index(GenerationStep.SPEC):
        job.step = GenerationStep.SPEC
    job.save(update_fields=["results", "step", "queue_item", "updated_at"])
    return job


# --- running (the task body) ----------------------------------------------------------------


def generation_job_run(*, job_id: int) -> GenerationJob | None:
    """Claim a queued job and take it as far as it can go now: to the end, or to the render wait."""
    now = timezone.now()
    claimed = GenerationJob.objects.filter(pk=job_id, status=GenerationStatus.QUEUED).update(
        status=GenerationStatus.RUNNING, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return None
    job = GenerationJob.objects.select_related("owner", "script", "voice", "voice_over", "queue_item").get(pk=job_id)
    if job.started_at is None:
        job.started_at = now
        job.save(update_fields=["started_at"])
    while True:
        job.refresh_from_db(fields=["cancel_requested"])
        if job.cancel_requested:
            return _finish(job, GenerationStatus.CANCELLED, "Cancelled.")
        step = job.step
        _mark(job, step)
        try:
            outcome = _STEPS[step](job)
        except Exception as exc:  # every failure becomes the job's readable error, at the step it hit
            return _fail(job, step, exc)
        if outcome == "wait":
            job.status = GenerationStatus.RENDERING
            job.save(update_fields=["status", "updated_at"])
            return job
        if step == GenerationStep.DONE:
            return job
        job.step = STEP_ORDER[STEP_ORDER.index(step) + 1]
        job.save(update_fields=["step", "results", "updated_at"])


def _mark(job: GenerationJob, step: str) -> None:
    job.percent = max(job.percent, STEP_PERCENT[step])
    job.save(update_fields=["percent", "updated_at"])


def _fail(job: GenerationJob, step: str, exc: Exception) -> GenerationJob:
    from production.studio.services.scripts import _failure_message

    message = _failure_message(exc)
    if message is None:
        logger.exception("Generation job %s failed at %s", job.pk, step)
        message = "Something went wrong on our side; it has been logged. Retry the job."
    label = GenerationStep(step).label
    errors = {**job.results.get("errors", {}), step: message}
    job.results = {**job.results, "errors": errors}
    return _finish(job, GenerationStatus.FAILED, f"{label} failed: {message}")


def _finish(job: GenerationJob, status: str, error: str = "") -> GenerationJob:
    job.status, job.finished_at = status, timezone.now()
    job.error = "" if status == GenerationStatus.COMPLETED else error[:1000]
    if status == GenerationStatus.COMPLETED:
        job.percent = 100
    job.save(update_fields=["status", "finished_at", "error", "percent", "results", "updated_at"])
    return job


def _step_script(job: GenerationJob) -> None:
    """The job's script: given, stored from the same request before, or written here and now.

    The script row is linked to the job before it is written, so a worker that dies while writing
    leaves a row the next run takes over instead of asking the provider again."""
    from production.studio.services.scripts import script_generate, script_write

    script = job.script
    if script is None or script.status == ScriptStatus.FAILED:
        inputs = job.inputs
        script = script_generate(
            owner=job.owner,
            topic=job.topic,
            template=job.template,
            provider=inputs.get("provider"),
            tone=inputs.get("tone", ""),
            audience=inputs.get("audience", ""),
            product=inputs.get("product", ""),
            target_seconds=inputs.get("target_seconds"),
            platform=_platform_of(job.platform),
            seed=inputs.get("seed", 0),
            regenerate=script is not None,
            enqueue=False,
        )
        job.script = script
        job.save(update_fields=["script", "updated_at"])
    if script.status != ScriptStatus.READY:
        script = script_write(script_id=script.pk, take_over=True) or Script.objects.get(pk=script.pk)
    if script.status != ScriptStatus.READY:
        raise StepFailed(script.error or "the script could not be written")
    job.script = script
    job.results["script"] = {"id": script.pk, "title": script.title, "engine": script.engine, "model": script.model}


def _step_voice(job: GenerationJob) -> None:
    """The voice-over of the script, linked to the job before it is made (see _step_script)."""
    from production.studio.services.voice_overs import voice_over_create, voice_over_make

    voice_over = job.voice_over
    if voice_over is None or voice_over.status == VoiceOverStatus.FAILED or voice_over.script_id != job.script_id:
        voice_over = voice_over_create(
            owner=job.owner,
            voice=job.voice,
            script=job.script,
            speed=job.inputs.get("speed", 1.0),
            regenerate=voice_over is not None and voice_over.status == VoiceOverStatus.FAILED,
            enqueue=False,
        )
        job.voice_over = voice_over
        job.save(update_fields=["voice_over", "updated_at"])
    if voice_over.status != VoiceOverStatus.READY:
        voice_over_make(voice_over_id=voice_over.pk, take_over=True)
        voice_over.refresh_from_db()
    if voice_over.status != VoiceOverStatus.READY:
        raise StepFailed(voice_over.error or "the voice-over could not be made")
    job.results["voice"] = {
        "id": voice_over.pk,
        "asset_id": voice_over.asset_id,
        "duration": voice_over.asset.duration_seconds,
        "voice": voice_over.voice.name,
        "engine": voice_over.voice.engine,
        "timing_source": voice_over.timing_source,
    }


def _step_visuals(job: GenerationJob) -> None:
    from production.studio.visuals import match_scene_visuals

    if job.results.get("visuals") is not None:
        return
    exclude = {job.avatar.asset_id} if job.avatar_id else set()
    matched = match_scene_visuals(owner=job.owner, scenes=job.script.scenes, exclude_ids=exclude)
    job.results["visuals"] = [
        {
            "scene_index": visual.scene_index,
            "asset_id": visual.asset_id,
            "score": visual.score,
            "reason": visual.reason,
            "kind": visual.kind,
        }
        for visual in matched
    ]


def _step_spec(job: GenerationJob) -> None:
    from production.services.specs import check_spec
    from production.studio.composer import compose_spec
    from production.studio.visuals import SceneVisual

    script, voice_over = job.script, job.voice_over
    avatar = job.avatar
    spec = compose_spec(
        script_scenes=script.scenes,
        hook=script.hook,
        call_to_action=script.call_to_action,
        words=voice_over.asset.word_timings,
        voice_over_asset_id=voice_over.asset_id,
        voice_over_duration=voice_over.asset.duration_seconds,
        visuals=[SceneVisual(**visual) for visual in job.results["visuals"]],
        platform=job.platform,
        caption_style=job.inputs.get("caption_style") or None,
        music_asset_id=job.inputs.get("music_asset_id"),
        avatar=None
        if avatar is None
        else {"asset": avatar.asset_id, "placement": avatar.placement, "corner": avatar.corner, "size": avatar.size},
    )
    check_spec(owner_id=job.owner_id, data=spec)
    job.results["spec"] = spec


def _provenance(job: GenerationJob) -> dict:
    script, voice_over = job.script, job.voice_over
    return {
        "generator": "reelmill-studio",
        "generation_job": job.pk,
        "topic": job.topic,
        "template": script.template.name if script.template else None,
        "template_version": script.template_version,
        "writer": script.engine,
        "model": script.model,
        "voice": voice_over.voice.name,
        "voice_engine": voice_over.voice.engine,
        "seed": script.inputs.get("seed", 0),
        "image_prompts": [],
        "synthetic_voice": True,
        "ai_images": False,
    }


def _step_queue(job: GenerationJob) -> None:
    from production.services.queue import NewItem, queue_items_add

    if job.queue_item_id:
        return
    script = job.script
    texts = script.captions.get(_platform_of(job.platform)) or next(iter(script.captions.values()), {})
    job.provenance = _provenance(job)
    (item,) = queue_items_add(
        owner=job.owner,
        items=[
            NewItem(
                spec=job.results["spec"],
                caption=texts.get("caption", "") or script.title,
                hashtags=tuple(texts.get("hashtags", [])),
                metadata={"generation_job": job.pk, "provenance": job.provenance, "synthetic": True},
            )
        ],
        campaign=job.campaign,
    )
    job.queue_item = item
    job.results["queue"] = {"queue_id": str(item.queue_id)}
    job.save(update_fields=["queue_item", "provenance", "updated_at"])


def _step_render(job: GenerationJob) -> str | None:
    item = QueueItem.objects.get(pk=job.queue_item_id)
    if item.status in (QueueStatus.READY, QueueStatus.UPLOADED):
        job.results["render"] = {"asset_id": item.output_asset_id, "seconds": item.render_seconds}
        return None
    if item.status == QueueStatus.FAILED:
        raise StepFailed(item.last_error.splitlines()[-1] if item.last_error else "the render failed")
    if item.status == QueueStatus.CANCELLED:
        raise StepFailed("the render was cancelled")
    return "wait"


def _step_publish(job: GenerationJob) -> None:
    if not job.target_accounts.exists():
        job.results["publish"] = {"skipped": "no target accounts"}
        return
    if not _PUBLISHERS:
        raise StepFailed("publishing is not available on this installation")
    job.results["publish"] = _PUBLISHERS[0](job)


def _step_done(job: GenerationJob) -> None:
    _finish(job, GenerationStatus.COMPLETED)


_STEPS: dict[str, Callable[[GenerationJob], str | None]] = {
    GenerationStep.SCRIPT: _step_script,
    GenerationStep.VOICE: _step_voice,
    GenerationStep.VISUALS: _step_visuals,
    GenerationStep.SPEC: _step_spec,
    GenerationStep.QUEUE: _step_queue,
    GenerationStep.RENDER: _step_render,
    GenerationStep.PUBLISH: _step_publish,
    GenerationStep.DONE: _step_done,
}


def _platform_of(preset: str) -> str:
    """The social platform a preset posts to ("youtube_shorts" → "youtube")."""
    return {"youtube_shorts": "youtube", "instagram_reels": "instagram", "facebook_reels": "facebook"}.get(
        preset, preset
    )


# --- following renders, recovery ------------------------------------------------------------


def generation_job_render_settled(item_id: int) -> None:
    """A render finished, failed or was cancelled: let its waiting job go on."""
    jobs = GenerationJob.objects.filter(queue_item_id=item_id, status=GenerationStatus.RENDERING)
    for job_id in jobs.values_list("pk", flat=True):
        if GenerationJob.objects.filter(pk=job_id, status=GenerationStatus.RENDERING).update(
            status=GenerationStatus.QUEUED, updated_at=timezone.now()
        ):
            from production.studio.tasks import generation_job_run_task

            generation_job_run_task.delay(job_id)


def generation_jobs_resume_stalled(*, limit: int = 50) -> int:
    """Re-send jobs whose message was lost, whose worker died mid-step, or whose render settled unseen."""
    from production.studio.tasks import generation_job_run_task

    now = timezone.now()
    stale = GenerationJob.objects.filter(status=GenerationStatus.RUNNING, updated_at__lt=now - STALE_AFTER)
    settled = GenerationJob.objects.filter(
        status=GenerationStatus.RENDERING,
        queue_item__status__in=[QueueStatus.READY, QueueStatus.UPLOADED, QueueStatus.FAILED, QueueStatus.CANCELLED],
    )
    waiting = GenerationJob.objects.filter(status=GenerationStatus.QUEUED, updated_at__lt=now - timedelta(seconds=30))
    ids = [
        *stale.values_list("pk", flat=True)[:limit],
        *settled.values_list("pk", flat=True)[:limit],
        *waiting.values_list("pk", flat=True)[:limit],
    ]
    GenerationJob.objects.filter(pk__in=ids).update(status=GenerationStatus.QUEUED, updated_at=now)
    for job_id in ids:
        generation_job_run_task.delay(job_id)
    return len(ids)
