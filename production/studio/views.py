"""Dashboard pages of the studio: scripts (write, edit, voice), the voice-over player, making videos
(the form, a job's live steps, swapping a scene's visual, the gallery), avatars, provider keys."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from common.errors import ApplicationError
from common.views import get_owned_or_404
from production.forms import PRESET_CHOICES
from production.models import QueueStatus
from production.studio import selectors
from production.studio.forms import (
    CAPTION_MODES,
    CORNER_CHOICES,
    AvatarForm,
    OwnWordsForm,
    ProviderKeyForm,
    ScriptForm,
    ScriptTopicForm,
    SwapVisualForm,
    VideoForm,
    VoiceItForm,
    add_scene_error,
    add_service_error,
    scene_formset,
)
from production.studio.models import (
    STEP_ORDER,
    Engine,
    GenerationStatus,
    GenerationStep,
    ScriptStatus,
    TimingSource,
    VoiceOverStatus,
)
from production.studio.services import avatars, generation, keys, scripts, voice_overs, voices
from production.studio.services.voices import LOCAL_ENGINES

SCRIPT_PAGE_SIZE = 30
EARLIER_TAKES = 5
WRITING = (ScriptStatus.QUEUED, ScriptStatus.GENERATING)
VOICING = (VoiceOverStatus.QUEUED, VoiceOverStatus.SYNTHESIZING, VoiceOverStatus.ALIGNING)
VOICE_STEPS = [
    (VoiceOverStatus.QUEUED, "Queued"),
    (VoiceOverStatus.SYNTHESIZING, "Voicing"),
    (VoiceOverStatus.ALIGNING, "Timing words"),
    (VoiceOverStatus.READY, "Ready"),
]
# What the creator reads about how a script came to be.
WRITER_LABELS = {
    Engine.TEMPLATE: "the offline template writer (no AI)",
    Engine.TEXT: "your own words",
}


# Scripts ---------------------------------------------------------------------------------


def _own_script(request, pk: int):
    return get_owned_or_404(selectors.script_list(user=request.user), pk=pk)


def _script_rows_context(request) -> dict:
    page = Paginator(selectors.script_list(user=request.user), SCRIPT_PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "polling": any(script.status in WRITING for script in page.object_list)}


def _scripts_page(request, topic_form=None, words_form=None):
    context = _script_rows_context(request)
    context["topic_form"] = topic_form or ScriptTopicForm(user=request.user)
    context["words_form"] = words_form or OwnWordsForm()
    context["own_words_open"] = words_form is not None
    return render(request, "studio/script_list.html", context)


@require_GET
def script_list(request):
    return _scripts_page(request)


@require_GET
def script_rows(request):
    """htmx: the list of scripts; polls itself while one is being written."""
    return render(request, "studio/_script_rows.html", _script_rows_context(request))


@require_POST
def script_generate(request):
    form = ScriptTopicForm(request.POST, user=request.user)
    if not form.is_valid():
        return _scripts_page(request, topic_form=form)
    try:
        script = scripts.script_generate(owner=request.user, **form.service_kwargs())
    except ApplicationError as exc:
        add_service_error(form, exc, ScriptTopicForm.ALIASES)
        return _scripts_page(request, topic_form=form)
    if script.status == ScriptStatus.READY:
        messages.info(
            request,
            "You asked for this before with the same choices: here is that script. Regenerate it for a new version.",
        )
    else:
        messages.success(request, f"Writing a script about “{script.topic}”.")
    return redirect("studio:script", pk=script.pk)


@require_POST
def script_from_text(request):
    form = OwnWordsForm(request.POST)
    if not form.is_valid():
        return _scripts_page(request, words_form=form)
    try:
        script = scripts.script_create_from_text(
            owner=request.user, text=form.cleaned_data["text"], title=form.cleaned_data["title"]
        )
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _scripts_page(request, words_form=form)
    messages.success(request, f"Made “{script}” from your words, in {len(script.scenes)} scenes.")
    return redirect("studio:script", pk=script.pk)


def _writer_label(script) -> str:
    if script.engine in WRITER_LABELS:
        return WRITER_LABELS[script.engine]
    model = f" ({script.model})" if script.model else ""
    return f"{script.get_engine_display()}{model}"


def _voice_over_for(request, script):
    """The take asked for (?take=), else the script's latest voice-over; and the earlier ones."""
    takes = selectors.voice_over_list(user=request.user).filter(script=script).order_by("-created_at", "-id")
    chosen = None
    if request.GET.get("take", "").isdigit():
        chosen = takes.filter(pk=int(request.GET["take"])).first()
    chosen = chosen or takes.first()
    earlier = [take for take in takes[: EARLIER_TAKES + 1] if chosen is None or take.pk != chosen.pk][:EARLIER_TAKES]
    return chosen, earlier


def voice_over_context(voice_over) -> dict:
    words = []
    if voice_over is not None and voice_over.status == VoiceOverStatus.READY:
        try:
            words = [word.as_dict() for word in voice_overs.voice_over_words(voice_over)]
        except ApplicationError:
            words = []
    current = voice_over.status if voice_over is not None else None
    order = [status for status, _label in VOICE_STEPS]
    reached = order.index(current) if current in order else -1
    steps = [
        {"label": label, "done": index < reached, "current": index == reached}
        for index, (_status, label) in enumerate(VOICE_STEPS)
    ]
    return {
        "voice_over": voice_over,
        "words": words,
        "steps": steps,
        "voicing": current in VOICING,
        "timing_label": TimingSource(voice_over.timing_source).label if voice_over and voice_over.timing_source else "",
    }


def _detail_page(request, script, form=None, scenes=None, voice_form=None):
    context = {"script": script, "writer": _writer_label(script), "writing": script.status in WRITING}
    if script.status == ScriptStatus.READY:
        context["form"] = form or ScriptForm(script=script)
        context["scenes"] = scenes or scene_formset(script)
        chosen, earlier = _voice_over_for(request, script)
        context["voice_form"] = voice_form or VoiceItForm(user=request.user, last=chosen)
        context.update(voice_over_context(chosen))
        context["earlier_takes"] = earlier
    return render(request, "studio/script_detail.html", context)


def script_detail(request, pk: int):
    script = _own_script(request, pk)
    if request.method != "POST" or script.status != ScriptStatus.READY:
        return _detail_page(request, script)
    form = ScriptForm(request.POST, script=script)
    scenes = scene_formset(script, request.POST)
    if form.is_valid() and scenes.is_valid():
        scene_list, kept = scenes.scenes()
        try:
            scripts.script_update(
                script=script,
                title=form.cleaned_data["title"],
                hook=form.cleaned_data["hook"],
                scenes=scene_list,
                call_to_action=form.cleaned_data["call_to_action"],
                captions=form.captions() if form.platforms else None,
            )
        except ApplicationError as exc:
            add_scene_error(scenes, kept, exc)
            add_service_error(form, exc, form.aliases())
            script.refresh_from_db()
        else:
            messages.success(request, f"Saved “{script}”: about {script.estimated_seconds:g} seconds spoken.")
            return redirect("studio:script", pk=script.pk)
    return _detail_page(request, script, form=form, scenes=scenes)


@require_GET
def script_live(request, pk: int):
    """htmx: the status of a script being written; once it is ready the page reloads into the editor."""
    script = _own_script(request, pk)
    if script.status == ScriptStatus.READY:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "studio/_script_live.html", {"script": script, "writing": script.status in WRITING})


@require_POST
def script_regenerate(request, pk: int):
    script = _own_script(request, pk)
    try:
        scripts.script_regenerate(script=script)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Writing “{script.topic}” again.")
    return redirect("studio:script", pk=script.pk)


@require_POST
def script_delete(request, pk: int):
    script = _own_script(request, pk)
    name = str(script)
    try:
        scripts.script_delete(script=script)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("studio:script", pk=script.pk)
    messages.success(request, f"Deleted the script “{name}”. Its voice-overs stay in the library.")
    return redirect("studio:scripts")


# Voices and voice-overs --------------------------------------------------------------------


@require_POST
def script_voice(request, pk: int):
    script = _own_script(request, pk)
    form = VoiceItForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            voice_over = voice_overs.voice_over_create(
                owner=request.user, voice=form.cleaned_data["voice"], script=script, speed=form.cleaned_data["speed"]
            )
        except ApplicationError as exc:
            add_service_error(form, exc, {"script": "voice", "text": "voice"})
        else:
            if voice_over.status == VoiceOverStatus.READY:
                messages.info(request, "This script was voiced before with this voice and speed: here it is.")
            else:
                messages.success(request, f"Voicing “{script}” with {voice_over.voice.name}.")
            return redirect(f"{reverse('studio:script', args=[script.pk])}?take={voice_over.pk}#voice-over")
    if script.status != ScriptStatus.READY:
        messages.error(request, " ".join(form.non_field_errors()) or "The script is not ready yet.")
        return redirect("studio:script", pk=script.pk)
    return _detail_page(request, script, voice_form=form)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("studio:scripts")


def _own_voice(request, pk: int):
    return get_owned_or_404(selectors.voice_list(user=request.user), pk=pk)


@require_POST
def voice_preview(request, pk: int):
    """Make (once) the voice's sample, then send the browser to it; the page's script plays it."""
    voice = _own_voice(request, pk)
    from_script = request.headers.get("X-Studio-Preview") == "1"
    try:
        voice = voices.voice_preview(user=request.user, voice=voice)
    except ApplicationError as exc:
        if from_script:
            return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, f"No sample of {voice.name}: {exc.message}")
        return _back(request)
    return redirect("studio:voice-sample", pk=voice.pk)


@require_GET
def voice_sample(request, pk: int):
    voice = _own_voice(request, pk)
    if not voice.preview:
        raise Http404("No sample of this voice yet.")
    try:
        handle = voice.preview.open("rb")
    except FileNotFoundError:
        raise Http404("The sample is missing from storage.") from None
    content_type, _ = mimetypes.guess_type(PurePath(voice.preview.name).name)
    response = FileResponse(handle, content_type=content_type or "audio/wav")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _own_voice_over(request, pk: int):
    return get_owned_or_404(selectors.voice_over_list(user=request.user), pk=pk)


@require_GET
def voice_over_live(request, pk: int):
    """htmx: a voice-over's progress; once ready, the player with its word timings."""
    voice_over = _own_voice_over(request, pk)
    return render(request, "studio/_voice_over.html", voice_over_context(voice_over))


@require_GET
def voice_over_captions(request, pk: int, fmt: str):
    voice_over = _own_voice_over(request, pk)
    if fmt not in ("srt", "vtt"):
        raise Http404
    try:
        text = voice_overs.voice_over_srt(voice_over) if fmt == "srt" else voice_overs.voice_over_vtt(voice_over)
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    content_type = "application/x-subrip" if fmt == "srt" else "text/vtt"
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="voice-over-{voice_over.pk}.{fmt}"'
    return response


# Settings → Providers ----------------------------------------------------------------------


def _own_key(request, pk: int):
    return get_owned_or_404(selectors.provider_key_list(user=request.user), pk=pk)


def provider_list(request):
    form = ProviderKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key = keys.provider_key_create(owner=request.user, **form.create_kwargs())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Added {key}. Test it to check that it works.")
            return redirect("studio:providers")
    context = {
        "form": form,
        "keys": selectors.provider_key_list(user=request.user),
        "usage": selectors.usage_summary(user=request.user),
    }
    return render(request, "studio/providers.html", context)


def provider_edit(request, pk: int):
    key = _own_key(request, pk)
    form = ProviderKeyForm(request.POST or None, key=key)
    if request.method == "POST" and form.is_valid():
        try:
            keys.provider_key_update(key=key, **form.update_kwargs())
        except ApplicationError as exc:
            add_service_error(form, exc)
            key.refresh_from_db()
        else:
            messages.success(request, f"Saved {key}.")
            return redirect("studio:providers")
    return render(request, "studio/provider_form.html", {"form": form, "key": key})


@require_POST
def provider_action(request, pk: int, action: str):
    key = _own_key(request, pk)
    name = str(key)
    try:
        if action == "test":
            key = keys.provider_key_test(key=key)
            if key.status == "success":
                messages.success(request, f"{name} works.")
            else:
                messages.error(request, f"{name} did not work: {key.last_error}")
        elif action == "default":
            keys.provider_key_make_default(key=key)
            messages.success(request, f"{name} is now your default {key.get_provider_display()} key.")
        elif action == "delete":
            keys.provider_key_delete(key=key)
            messages.success(request, f"Deleted {name}.")
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("studio:providers")


# Make a video, its job page, the videos gallery ----------------------------------------------

VIDEO_PAGE_SIZE = 24
RECENT_JOBS = 5
UNFINISHED_SHOWN = 10
SWAP_CHOICES = 12
JOB_STEPS = [step for step in GenerationStep if step != GenerationStep.DONE]
TIMING_WORDS = {
    TimingSource.ALIGNMENT: "captions aligned to the audio",
    TimingSource.PROVIDER: "captions timed by the voice provider",
    TimingSource.MIXED: "captions aligned to the audio (a few words estimated)",
    TimingSource.ESTIMATED: "caption timing estimated from the text",
}
PUBLISH_SKIPPED = {"no target accounts": "Not published: no accounts were chosen."}
# An upload's status when the video was handed to Uploads (distribution.models.UploadStatus).
UPLOAD_WORDS = {
    "pending": "handed to Uploads, waiting for its slot",
    "uploading": "uploading",
    "success": "posted",
    "failed": "failed",
    "retry": "will be tried again",
    "unknown": "being checked with the platform",
    "cancelled": "cancelled",
}
STOPPED_STATES = {GenerationStatus.FAILED: "failed", GenerationStatus.CANCELLED: "stopped"}


def _own_job(request, pk: int):
    return get_owned_or_404(selectors.generation_job_list(user=request.user).select_related("template"), pk=pk)


def _video_page(request, form=None):
    initial = {}
    if form is None and request.GET.get("script", "").isdigit():
        initial["script"] = int(request.GET["script"])
    if form is None and request.GET.get("topic"):
        initial["topic"] = request.GET["topic"][:300]
    form = form or VideoForm(user=request.user, initial=initial)
    recent = list(selectors.generation_job_list(user=request.user)[:RECENT_JOBS])
    for job in recent:
        job.shown_percent = selectors.generation_job_percent(job)
    context = {
        "form": form,
        "recent": recent,
        "active_statuses": generation.ACTIVE,
        "suggestions": selectors.topic_suggestions(user=request.user),
    }
    return render(request, "studio/generate.html", context)


def video_generate(request):
    """Make a video: the form; a valid POST starts a generation job and opens its page."""
    if request.method != "POST":
        return _video_page(request)
    form = VideoForm(request.POST, user=request.user)
    if not form.is_valid():
        return _video_page(request, form)
    try:
        job = generation.generation_job_create(owner=request.user, **form.service_kwargs())
    except ApplicationError as exc:
        add_service_error(form, exc, VideoForm.ALIASES)
        return _video_page(request, form)
    messages.success(request, f"Making a video about “{job.topic}”. This page follows it step by step.")
    return redirect("studio:job", pk=job.pk)


def _writer_words(provenance: dict) -> str:
    template = provenance.get("template")
    from_template = f" from the “{template}” template" if template else ""
    writer = provenance.get("writer") or ""
    if writer == Engine.TEMPLATE:
        return f"Written offline{from_template}"
    if writer == Engine.TEXT:
        return "Your own words"
    label = Engine(writer).label if writer in Engine.values else "an AI"
    model = f" ({provenance['model']})" if provenance.get("model") else ""
    return f"Written by {label}{model}{from_template}"


def provenance_line(job) -> str:
    """How the video was made, in plain words ("Written offline from the “5 quick tips” template ·
    voiced by Joe (offline) · captions aligned to the audio"); empty before it is known."""
    provenance = dict(job.provenance or {})
    script = job.results.get("script") or {}
    voice = job.results.get("voice") or {}
    if not provenance.get("writer") and script.get("engine"):
        provenance["writer"], provenance["model"] = script["engine"], script.get("model", "")
        provenance["template"] = job.template.name if job.template_id and job.template else None
    provenance.setdefault("voice", voice.get("voice"))
    provenance.setdefault("voice_engine", voice.get("engine"))
    parts = []
    if provenance.get("writer"):
        parts.append(_writer_words(provenance))
    if provenance.get("voice"):
        engine = provenance.get("voice_engine") or ""
        where = "offline" if engine in LOCAL_ENGINES else Engine(engine).label if engine in Engine.values else ""
        parts.append(f"voiced by {provenance['voice']}" + (f" ({where})" if where else ""))
    if voice.get("timing_source") in TIMING_WORDS:
        parts.append(TIMING_WORDS[voice["timing_source"]])
    return " · ".join(parts)


def _publish_words(job) -> list[str]:
    """results["publish"] as sentences: skipped, or one line per account it was sent or refused to."""
    result = job.results.get("publish")
    if not result:
        return []
    if not isinstance(result, dict):
        return [str(result)]
    if result.get("skipped"):
        return [PUBLISH_SKIPPED.get(result["skipped"], f"Not published: {result['skipped']}.")]
    lines = []
    for row in result.get("uploads") or []:
        status = str(row.get("status", ""))
        lines.append(f"{row.get('account') or 'An account'}: {UPLOAD_WORDS.get(status, status.replace('_', ' '))}.")
    for row in result.get("refusals") or []:
        reason = str(row.get("reason") or "refused").rstrip(".")
        lines.append(f"{row.get('target') or 'An account'}: not sent, {reason[:1].lower()}{reason[1:]}.")
    return lines


def job_steps(job) -> list[dict]:
    """Each step of the job with its state: done, current (failed, stopped), or waiting."""
    current = STEP_ORDER.index(job.step)
    completed = job.status == GenerationStatus.COMPLETED
    percent = selectors.generation_job_percent(job)
    has_targets = bool(job.target_accounts.all())
    steps = []
    for index, step in enumerate(JOB_STEPS):
        if completed or index < current:
            state = "done"
        elif index == current:
            state = STOPPED_STATES.get(job.status, "current")
        else:
            state = "waiting"
        note = ""
        if state == "current":
            note = f"{percent}%"
            if step == GenerationStep.RENDER and job.queue_item is not None:
                if job.queue_item.status == QueueStatus.PENDING:
                    note = f"{percent}% · waiting for a render worker"
            elif job.status == GenerationStatus.QUEUED:
                note = f"{percent}% · about to start"
        elif state == "failed":
            note = "failed"
        elif state == "stopped":
            note = "cancelled here"
        if step == GenerationStep.SCRIPT and state == "done" and job.results.get("script") is None and job.script_id:
            note = "your script"
        if step == GenerationStep.PUBLISH and not has_targets and state in ("done", "waiting"):
            note = "skipped: no accounts chosen" if state == "done" else "no accounts chosen"
        steps.append({"name": step.value, "label": step.label, "state": state, "note": note})
    return steps


def _phase(job) -> str:
    """What the page shows around the live progress: it reloads when this changes."""
    active = "active" if job.status in generation.ACTIVE else job.status
    visuals = "visuals" if job.results.get("visuals") is not None else ""
    video = str(job.queue_item.output_asset_id or "") if job.queue_item is not None else ""
    return f"{active}-{visuals}-{video}"


def _took(job) -> str:
    if job.status != GenerationStatus.COMPLETED or not job.started_at or not job.finished_at:
        return ""
    seconds = round((job.finished_at - job.started_at).total_seconds())
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _progress_context(job) -> dict:
    return {
        "job": job,
        "steps": job_steps(job),
        "percent": selectors.generation_job_percent(job),
        "active": job.status in generation.ACTIVE,
        "phase": _phase(job),
        "took": _took(job),
    }


def swap_blocked(job) -> str:
    """Why the visuals cannot be swapped now ("" when they can); the service has the last word."""
    if job.results.get("visuals") is None:
        return "The visuals are chosen after the voice-over is made."
    if job.status == GenerationStatus.COMPLETED:
        return "This video is rendered with these visuals. To choose others, make the video again."
    if STEP_ORDER.index(job.step) > STEP_ORDER.index(GenerationStep.QUEUE):
        return "The video is queued for rendering already, so its visuals are fixed."
    if job.status == GenerationStatus.RUNNING:
        return "The job is working on the video right now; swapping opens again if it stops."
    return ""


def _reason_words(visual: dict, phrase: str) -> str:
    reason = str(visual.get("reason") or "")
    if visual.get("kind") == "card":
        if reason.startswith("no library match"):
            return f"Nothing in your library matches “{phrase.lower()}”, so a title card shows it."
        return reason[:1].upper() + reason[1:] + "." if reason else "A title card."
    if reason == "chosen by you":
        return "Chosen by you."
    return f"Matched on {reason}." if reason else "From your library."


def scene_visuals(request, job) -> list[dict]:
    """One row per scene: its words, the asset (or card) chosen for it and why."""
    from library.selectors import media_asset_list
    from production.studio.composer import CARD_COLOURS
    from production.studio.visuals import key_phrase

    visuals = job.results.get("visuals") or []
    scenes = job.script.scenes if job.script is not None else []
    ids = {visual["asset_id"] for visual in visuals if visual.get("asset_id")}
    assets = media_asset_list(user=request.user).in_bulk(ids) if ids else {}
    rows, cards = [], 0
    for visual in visuals:
        index = visual.get("scene_index", len(rows))
        scene = scenes[index] if index < len(scenes) else {}
        phrase = key_phrase(scene) if scene else ""
        asset = assets.get(visual.get("asset_id"))
        row = {"index": index, "number": index + 1, "text": scene.get("text", ""), "phrase": phrase, "asset": asset}
        row["reason"] = _reason_words(visual, phrase)
        if asset is None:
            row["colours"] = CARD_COLOURS[cards % len(CARD_COLOURS)]
            cards += 1
            if visual.get("asset_id"):
                row["reason"] = "The asset chosen for this scene was deleted from your library."
        rows.append(row)
    return rows


def _job_page(request, job):
    item = job.queue_item
    video = item.output_asset if item is not None and item.output_asset_id else None
    context = _progress_context(job)
    context.update(
        {
            "video": video,
            "scenes": scene_visuals(request, job),
            "swap_blocked": swap_blocked(job),
            "provenance": provenance_line(job),
            "published": _publish_words(job),
            "targets": list(job.target_accounts.all()),
            **_caption_style(job),
            "platform_label": dict(PRESET_CHOICES).get(job.platform, job.platform),
            "music": _music(request, job),
            "active_statuses": generation.ACTIVE,
        }
    )
    return render(request, "studio/job_detail.html", context)


def _caption_style(job) -> dict:
    """The caption style in words, and the karaoke highlight colour (a swatch on the page)."""
    style = job.inputs.get("caption_style") or {}
    mode = style.get("mode", "karaoke")
    highlight = style.get("highlight_color", "") if mode == "karaoke" else ""
    return {"caption_label": dict(CAPTION_MODES).get(mode, mode), "highlight": highlight}


def _music(request, job):
    from library.selectors import media_asset_list

    asset_id = job.inputs.get("music_asset_id")
    return media_asset_list(user=request.user).filter(pk=asset_id).first() if asset_id else None


@require_GET
def job_detail(request, pk: int):
    return _job_page(request, _own_job(request, pk))


@require_GET
def job_live(request, pk: int):
    """htmx: the job's steps; when what surrounds them changes (visuals chosen, finished) the page reloads."""
    job = _own_job(request, pk)
    context = _progress_context(job)
    if request.GET.get("seen") != context["phase"]:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "studio/_job_progress.html", context)


JOB_ACTIONS = {
    "cancel": (generation.generation_job_cancel, "Cancelling: the job stops at its next step."),
    "retry": (generation.generation_job_retry, "Trying again from “{step}”."),
}


@require_POST
def job_action(request, pk: int, action: str):
    job = _own_job(request, pk)
    if action == "delete":
        name = job.topic or "this video"
        try:
            generation.generation_job_delete(job=job)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("studio:job", pk=pk)
        messages.success(request, f"Deleted the job for “{name}”. Its video, if any, stays in the library.")
        return redirect("studio:videos")
    if action not in JOB_ACTIONS:
        raise Http404
    service, done = JOB_ACTIONS[action]
    try:
        job = service(job=job)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if job.status == GenerationStatus.CANCELLED:
            done = "Cancelled."
        messages.success(request, done.format(step=job.get_step_display()))
    return redirect("studio:job", pk=pk)


def _swap_page(request, job, index: int, form=None):
    from production.studio.visuals import swap_candidates

    scenes = scene_visuals(request, job)
    if not 0 <= index < len(scenes):
        raise Http404
    row = scenes[index]
    others = {scene["asset"].pk: scene["number"] for scene in scenes if scene["asset"] and scene["index"] != index}
    exclude = {row["asset"].pk} if row["asset"] else set()
    scene = job.script.scenes[index] if job.script is not None and index < len(job.script.scenes) else {}
    candidates = [
        {"asset": asset, "score": score, "reason": reason, "in_scene": others.get(asset.pk)}
        for asset, score, reason in swap_candidates(
            owner=request.user, scene=scene, limit=SWAP_CHOICES, exclude_ids=exclude
        )
    ]
    context = {
        "job": job,
        "row": row,
        "candidates": candidates,
        "form": form or SwapVisualForm(user=request.user),
        "blocked": swap_blocked(job),
    }
    template = "studio/_swap_picker.html" if request.htmx and request.method == "GET" else "studio/swap.html"
    return render(request, template, context)


def job_swap(request, pk: int, index: int):
    """GET: the assets that could show instead on scene `index`; POST: swap to one of them."""
    job = _own_job(request, pk)
    if request.method != "POST":
        return _swap_page(request, job, index)
    form = SwapVisualForm(request.POST, user=request.user)
    if not form.is_valid():
        return _swap_page(request, job, index, form)
    asset = form.cleaned_data["asset"]
    try:
        job = generation.generation_job_swap_visual(job=job, scene_index=index, asset=asset)
    except ApplicationError as exc:
        add_service_error(form, exc, {"scene": "asset"})
        return _swap_page(request, job, index, form)
    then = "Retry the job to compose and render the video with it." if job.status in STOPPED_STATES else ""
    messages.success(request, f"Scene {index + 1} now shows “{asset.title}”. {then}".strip())
    return redirect(f"{reverse('studio:job', args=[job.pk])}#scene-{index + 1}")


@require_GET
def video_list(request):
    """The gallery of rendered videos, and the jobs still on their way (or stopped)."""
    videos = selectors.generated_video_list(user=request.user).select_related("template")
    page = Paginator(videos, VIDEO_PAGE_SIZE).get_page(request.GET.get("page"))
    for job in page.object_list:
        job.provenance_text = provenance_line(job)
    unfinished = list(
        selectors.generation_job_list(user=request.user).filter(queue_item__output_asset__isnull=True)[
            :UNFINISHED_SHOWN
        ]
    )
    for job in unfinished:
        job.shown_percent = selectors.generation_job_percent(job)
    context = {"page": page, "unfinished": unfinished, "active_statuses": generation.ACTIVE}
    return render(request, "studio/videos.html", context)


# Avatars ------------------------------------------------------------------------------------


def avatar_list(request):
    form = AvatarForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            avatar = avatars.avatar_create(owner=request.user, **form.create_kwargs())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Added the avatar “{avatar}”.")
            return redirect("studio:avatars")
    corners = dict(CORNER_CHOICES)
    shown = list(selectors.avatar_list(user=request.user))
    for avatar in shown:
        avatar.corner_label = corners.get(avatar.corner, avatar.corner)
        avatar.size_percent = round(avatar.size * 100)
    context = {"form": form, "avatars": shown}
    return render(request, "studio/avatars.html", context)


@require_POST
def avatar_delete(request, pk: int):
    avatar = get_owned_or_404(selectors.avatar_list(user=request.user), pk=pk)
    name = str(avatar)
    try:
        avatars.avatar_delete(avatar=avatar)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Deleted the avatar “{name}”. Its video or image stays in the library.")
    return redirect("studio:avatars")
