"""Scripts: written offline from a template, by an LLM with a key, or from the creator's own words."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.platforms import Platform
from common.errors import ApplicationError
from production.studio.models import (
    MAX_SCENES,
    MAX_TOPIC,
    CallKind,
    Engine,
    PromptTemplate,
    Provider,
    ProviderKey,
    Script,
    ScriptStatus,
)
from production.studio.services.keys import LLM_PROVIDERS, ResolvedKey, default_llm_provider, key_for
from production.studio.types import SceneDraft, ScriptDraft

logger = logging.getLogger(__name__)

# Bump when the writers' prompts or output change, so cached scripts are not reused across versions.
PROMPT_VERSION = 1
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
MAX_SHORT_TEXT = 200
MAX_SCENE_TEXT = 1000
MAX_KEYWORDS = 10
MAX_SEED = 2**31 - 1
MAX_COMPLETION_TOKENS = 2000
STALE_AFTER = timedelta(minutes=10)
SCRIPT_ENGINES = (Engine.TEMPLATE, *LLM_PROVIDERS)


@dataclass(frozen=True)
class ScriptRequest:
    topic: str
    template: PromptTemplate | None
    engine: str
    tone: str = ""
    product: str = ""
    audience: str = ""
    target_seconds: int = 30
    platform: str = ""
    seed: int = 0
    model: str = ""

    def inputs(self) -> dict:
        return {
            "tone": self.tone,
            "product": self.product,
            "audience": self.audience,
            "target_seconds": self.target_seconds,
            "platform": self.platform,
            "seed": self.seed,
        }


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, fields={field: [message]})


def _short(value: str, field: str, limit: int = MAX_SHORT_TEXT) -> str:
    value = " ".join(str(value or "").split())
    if len(value) > limit:
        raise _bad(field, f"At most {limit} characters.")
    return value


def _clean_request(
    *,
    owner: User,
    topic: str,
    template: PromptTemplate | None,
    provider: str | None,
    tone: str,
    product: str,
    audience: str,
    target_seconds: int | None,
    platform: str,
    seed: int,
    model: str,
) -> ScriptRequest:
    topic = " ".join((topic or "").split())
    if not topic:
        raise _bad("topic", "Give a topic, e.g. “home coffee brewing”.")
    if len(topic) > MAX_TOPIC:
        raise _bad("topic", f"At most {MAX_TOPIC} characters.")
    if template is not None and template.owner_id not in (None, owner.pk):
        raise ApplicationError("No such template.", code="not_found", fields={"template": ["Unknown template."]})
    engine = provider or default_llm_provider(owner) or Engine.TEMPLATE
    if engine not in SCRIPT_ENGINES:
        raise _bad("provider", f"Unknown writer {engine!r}. Choose one of: {', '.join(SCRIPT_ENGINES)}.")
    seconds = target_seconds if target_seconds is not None else (template.target_seconds if template else 30)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 5 <= seconds <= 600:
        raise _bad("target_seconds", "Between 5 and 600 seconds.")
    if platform and platform not in Platform.values:
        raise _bad("platform", f"Unknown platform {platform!r}.")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise _bad("seed", f"A whole number from 0 to {MAX_SEED}.")
    return ScriptRequest(
        topic=topic,
        template=template,
        engine=engine,
        tone=_short(tone, "tone", 60),
        product=_short(product, "product"),
        audience=_short(audience, "audience"),
        target_seconds=seconds,
        platform=platform,
        seed=seed,
        model=_short(model, "model"),
    )


def _default_template() -> PromptTemplate | None:
    """The first built-in starter (“5 quick tips”): the most useful on day one."""
    from production.studio.writers.starters import STARTER_TEMPLATES

    first = PromptTemplate.objects.filter(owner=None, slug=STARTER_TEMPLATES[0]["slug"]).first()
    return first or PromptTemplate.objects.filter(owner=None).order_by("category", "name").first()


def _cache_key(request: ScriptRequest, resolved: ResolvedKey | None) -> str:
    material = {
        "engine": request.engine,
        "server": resolved.base_url if resolved else "",
        "model": request.model or (resolved.model if resolved else ""),
        "template": request.template.pk if request.template else None,
        "template_version": request.template.version if request.template else None,
        "prompt_version": PROMPT_VERSION,
        "topic": request.topic.lower(),
        **request.inputs(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def script_generate(
    *,
    owner: User,
    topic: str,
    template: PromptTemplate | None = None,
    provider: str | None = None,
    key: ProviderKey | None = None,
    tone: str = "",
    product: str = "",
    audience: str = "",
    target_seconds: int | None = None,
    platform: str = "",
    seed: int = 0,
    model: str = "",
    regenerate: bool = False,
    enqueue: bool = True,
) -> Script:
    """Ask for a script: the stored one when the same request was answered before, else a new one
    written in the background (the returned row is `queued`)."""
    template = template or _default_template()
    request = _clean_request(
        owner=owner,
        topic=topic,
        template=template,
        provider=provider or (key.provider if key else None),
        tone=tone,
        product=product,
        audience=audience,
        target_seconds=target_seconds,
        platform=platform,
        seed=seed,
        model=model,
    )
    resolved = key_for(user=owner, provider=request.engine, key=key) if request.engine in LLM_PROVIDERS else None
    cache_key = _cache_key(request, resolved)
    if not regenerate:
        cached = Script.objects.filter(
            owner=owner, cache_key=cache_key, status=ScriptStatus.READY, edited=False
        ).first()
        if cached is not None:
            return cached
    with transaction.atomic():
        script = Script.objects.create(
            owner=owner,
            topic=request.topic,
            template=request.template,
            template_version=request.template.version if request.template else None,
            inputs=request.inputs(),
            engine=request.engine,
            key=resolved.key if resolved else None,
            model=request.model or (resolved.model if resolved else ""),
            cache_key=cache_key,
        )
        if enqueue:
            _enqueue(script)
    return script


def _enqueue(script: Script) -> None:
    from production.studio.tasks import script_write_task

    script_id = script.pk
    transaction.on_commit(lambda: script_write_task.delay(script_id))


@transaction.atomic
def script_regenerate(*, script: Script) -> Script:
    """Write the script again with the same inputs: a new provider call, never the cache."""
    if script.engine == Engine.TEXT:
        raise ApplicationError("This script is your own text; edit it instead of regenerating.")
    if script.status in (ScriptStatus.QUEUED, ScriptStatus.GENERATING):
        raise ApplicationError("This script is being written already.", code="busy")
    script.status, script.error = ScriptStatus.QUEUED, ""
    script.save(update_fields=["status", "error", "updated_at"])
    _enqueue(script)
    return script


# --- writing (the task body) ----------------------------------------------------------------


def script_write(*, script_id: int, take_over: bool = False) -> Script | None:
    """Claim a queued script and write it; the row ends `ready` or `failed` with a readable error.

    `take_over`: the caller owns it (a resuming generation job), so one left half-written is redone."""
    statuses = [ScriptStatus.QUEUED, ScriptStatus.GENERATING] if take_over else [ScriptStatus.QUEUED]
    claimed = Script.objects.filter(pk=script_id, status__in=statuses).update(
        status=ScriptStatus.GENERATING, updated_at=timezone.now()
    )
    if not claimed:
        return None
    script = Script.objects.select_related("template", "key", "owner").get(pk=script_id)
    try:
        draft, notes = _write(script)
    except Exception as exc:  # every failure becomes the script's readable error
        message = _failure_message(exc)
        if message is None:
            logger.exception("Writing script %s failed", script_id)
            message = "Writing failed on our side; it has been logged. Try again."
        script.status, script.error = ScriptStatus.FAILED, message[:1000]
        script.save(update_fields=["status", "error", "updated_at"])
        return script
    _apply_draft(script, draft)
    script.notes, script.status, script.error = notes[:500], ScriptStatus.READY, ""
    script.save()
    return script


def _failure_message(exc: Exception) -> str | None:
    from production.studio.providers import ProviderError
    from production.studio.writers.errors import WriterError

    if isinstance(exc, ApplicationError):
        return exc.message
    if isinstance(exc, ProviderError | WriterError):
        return exc.message
    return None


def _template_data(template: PromptTemplate | None) -> dict:
    """What the writers need of a template: a built-in's own frames, or a creator's text and category."""
    from production.studio.writers.starters import STARTER_TEMPLATES, starter

    if template is None:
        return STARTER_TEMPLATES[0]
    if template.is_builtin and template.slug:
        try:
            return starter(template.slug)
        except KeyError:
            pass
    return {
        "slug": f"user-{template.pk}",
        "name": template.name,
        "category": template.category,
        "instructions": template.instructions,
        "version": template.version,
    }


def _write(script: Script) -> tuple[ScriptDraft, str]:
    inputs = script.inputs
    if script.engine == Engine.TEMPLATE:
        from production.studio.writers import template as template_writer

        draft = template_writer.write(
            _template_data(script.template),
            topic=script.topic,
            product=inputs.get("product", ""),
            audience=inputs.get("audience", ""),
            tone=inputs.get("tone", ""),
            target_seconds=inputs.get("target_seconds", 30),
            platform=inputs.get("platform", ""),
            seed=inputs.get("seed", 0),
        )
        return draft, draft.notes
    return _write_with_llm(script)


def _write_with_llm(script: Script) -> tuple[ScriptDraft, str]:
    from production.studio import providers
    from production.studio.providers.pricing import estimate_cost
    from production.studio.services.usage import provider_call
    from production.studio.writers import llm

    resolved = key_for(user=script.owner, provider=script.engine, key=script.key)
    model = script.model or resolved.model or (DEFAULT_OPENAI_MODEL if script.engine == Provider.OPENAI else "")
    if not model:
        raise ApplicationError("Set the model name on this key (e.g. llama3.2 for Ollama) in Settings → Providers.")
    credentials = replace(resolved.credentials(), model=model)
    inputs = script.inputs

    def chat(messages: list[dict], *, json_schema: dict | None):
        prompt_tokens = sum(len(message.get("content", "")) for message in messages) // 4
        estimate = estimate_cost(
            resolved.provider,
            CallKind.CHAT,
            model,
            prompt_tokens=prompt_tokens,
            completion_tokens=MAX_COMPLETION_TOKENS,
        )
        return provider_call(
            user=script.owner,
            resolved=resolved,
            kind=CallKind.CHAT,
            model=model,
            estimate=estimate,
            call=lambda: providers.chat(
                credentials,
                messages,
                json_schema=json_schema,
                max_tokens=MAX_COMPLETION_TOKENS,
                seed=inputs.get("seed") or None,
            ),
        )

    outcome = llm.write(
        chat,
        instructions=_template_data(script.template)["instructions"],
        topic=script.topic,
        target_seconds=inputs.get("target_seconds", 30),
        platform=inputs.get("platform", ""),
        tone=inputs.get("tone", ""),
        audience=inputs.get("audience", ""),
        product=inputs.get("product", ""),
        language=script.template.language if script.template else "en",
    )
    script.model = model
    repaired = " after one repair" if outcome.attempts > 1 else ""
    return outcome.draft, f"Written by {model} ({Provider(script.engine).label}){repaired}."


def _apply_draft(script: Script, draft: ScriptDraft) -> None:
    script.title = draft.title[:200]
    script.hook = draft.hook[:500]
    script.scenes = draft.scenes_as_dicts()[:MAX_SCENES]
    script.call_to_action = draft.call_to_action[:300]
    script.captions = draft.captions
    script.word_count = draft.word_count
    script.estimated_seconds = draft.estimated_seconds


# --- the creator's own words ----------------------------------------------------------------


def _check_text(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise _bad(field, "Paste or type the words to use.")
    limit = settings.STUDIO_MAX_TEXT_CHARACTERS
    if len(text) > limit:
        raise _bad(field, f"At most {limit:,} characters (this has {len(text):,}).")
    return text


@transaction.atomic
def script_create_from_text(*, owner: User, text: str, title: str = "", topic: str = "") -> Script:
    """A script from pasted words: split into scenes with keywords, the words kept exactly."""
    from production.studio.writers import pasted

    text = _check_text(text)
    title = _short(title, "title")
    draft = pasted.split(text, title=title)
    script = Script(
        owner=owner,
        topic=_short(topic, "topic", MAX_TOPIC) or draft.title[:MAX_TOPIC] or "My script",
        engine=Engine.TEXT,
        status=ScriptStatus.READY,
        notes=draft.notes[:500] or "Your own words, split into scenes.",
    )
    _apply_draft(script, draft)
    script.save()
    return script


# --- editing ---------------------------------------------------------------------------------


def _clean_scenes(scenes) -> list[SceneDraft]:
    from production.studio.writers.text import keywords as keywords_of
    from production.studio.writers.text import spoken_seconds

    if not isinstance(scenes, list) or not scenes:
        raise _bad("scenes", "A script needs at least one scene.")
    if len(scenes) > MAX_SCENES:
        raise _bad("scenes", f"At most {MAX_SCENES} scenes.")
    cleaned = []
    for index, scene in enumerate(scenes):
        if not isinstance(scene, dict):
            raise _bad(f"scenes.{index}", "Each scene is an object with its text.")
        text = str(scene.get("text") or "").strip()
        if not text:
            raise _bad(f"scenes.{index}.text", "A scene needs its spoken text.")
        if len(text) > MAX_SCENE_TEXT:
            raise _bad(f"scenes.{index}.text", f"At most {MAX_SCENE_TEXT} characters.")
        keywords = scene.get("keywords")
        if keywords is None or keywords == []:
            keywords = keywords_of(text)
        if not isinstance(keywords, list) or not all(isinstance(k, str) and 0 < len(k) <= 60 for k in keywords):
            raise _bad(f"scenes.{index}.keywords", "A list of short words or phrases.")
        seconds = spoken_seconds(text)
        cleaned.append(SceneDraft(text=text, keywords=[k.strip() for k in keywords][:MAX_KEYWORDS], seconds=seconds))
    return cleaned


def _clean_captions(captions) -> dict:
    if not isinstance(captions, dict) or any(name not in Platform.values for name in captions):
        raise _bad("captions", f"An object keyed by platform ({', '.join(Platform.values)}).")
    cleaned = {}
    for name, value in captions.items():
        if not isinstance(value, dict):
            raise _bad(f"captions.{name}", "An object with caption and hashtags.")
        caption = str(value.get("caption") or "")
        hashtags = value.get("hashtags") or []
        if len(caption) > 2200:
            raise _bad(f"captions.{name}.caption", "At most 2,200 characters.")
        if not isinstance(hashtags, list) or not all(isinstance(tag, str) and len(tag) <= 100 for tag in hashtags):
            raise _bad(f"captions.{name}.hashtags", "A list of hashtags.")
        cleaned[name] = {"caption": caption, "hashtags": hashtags[:30]}
    return cleaned


@transaction.atomic
def script_update(
    *,
    script: Script,
    title: str | None = None,
    hook: str | None = None,
    scenes: list | None = None,
    call_to_action: str | None = None,
    captions: dict | None = None,
) -> Script:
    """Edit a ready script by hand before voicing it; the timings follow the new words."""
    if script.status != ScriptStatus.READY:
        raise ApplicationError(
            f"Only a ready script can be edited (this one is {script.get_status_display().lower()})."
        )
    draft = ScriptDraft(
        title=script.title if title is None else _short(title, "title"),
        hook=script.hook if hook is None else _short(hook, "hook", 500),
        scenes=[SceneDraft(**scene) for scene in script.scenes] if scenes is None else _clean_scenes(scenes),
        call_to_action=script.call_to_action
        if call_to_action is None
        else _short(call_to_action, "call_to_action", 300),
        captions=script.captions if captions is None else _clean_captions(captions),
    )
    if len(draft.spoken_parts()) == 0:
        raise _bad("scenes", "A script needs words to speak.")
    _apply_draft(script, draft)
    script.edited = True
    script.save()
    return script


def script_delete(*, script: Script) -> None:
    script.delete()


# --- recovery ---------------------------------------------------------------------------------


def scripts_resume_stalled(*, limit: int = 100) -> int:
    """Re-send scripts whose message was lost or whose worker died while writing."""
    now = timezone.now()
    stale = Script.objects.filter(status=ScriptStatus.GENERATING, updated_at__lt=now - STALE_AFTER)
    Script.objects.filter(pk__in=list(stale.values_list("pk", flat=True)[:limit])).update(
        status=ScriptStatus.QUEUED, updated_at=now
    )
    waiting = list(
        Script.objects.filter(status=ScriptStatus.QUEUED, updated_at__lt=now - timedelta(minutes=1)).values_list(
            "pk", flat=True
        )[:limit]
    )
    from production.studio.tasks import script_write_task

    for script_id in waiting:
        script_write_task.delay(script_id)
    return len(waiting)


def visual_prompt_for(*, topic: str) -> tuple[str, list[str]]:
    """An image prompt for a topic, offline: its key phrases in a short-video still's words."""
    from production.studio.writers.text import keywords

    topic = " ".join((topic or "").split())
    if not topic:
        raise _bad("topic", "Give a topic.")
    found = keywords(topic, limit=4) or [topic.lower()]
    prompt = (
        f"A vertical 9:16 photograph about {topic}: {', '.join(found)}; natural light, shallow depth of field, "
        "clean composition with space at the top and bottom for captions, no text, no logos"
    )
    return prompt, found
