"""Dashboard pages of the studio: scripts (write, edit, voice), the voice-over player, provider keys."""

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
from production.studio import selectors
from production.studio.forms import (
    OwnWordsForm,
    ProviderKeyForm,
    ScriptForm,
    ScriptTopicForm,
    VoiceItForm,
    add_scene_error,
    add_service_error,
    scene_formset,
)
from production.studio.models import Engine, ScriptStatus, TimingSource, VoiceOverStatus
from production.studio.services import keys, scripts, voice_overs, voices

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
