"""Voice-overs: a script or free text spoken by a voice, stored as a library asset with word timings."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.errors import ApplicationError, ConflictError
from library.models import MediaAsset, MediaKind, MediaSource
from production.studio.models import (
    MAX_SPEED,
    MIN_SPEED,
    CallKind,
    Engine,
    Provider,
    Script,
    ScriptStatus,
    TimingSource,
    Voice,
    VoiceOver,
    VoiceOverStatus,
)
from production.studio.services.voices import LOCAL_ENGINES, default_voice, voice_for_user
from production.studio.types import Word

logger = logging.getLogger(__name__)

# Bump when synthesis or alignment change their output, so cached voice-overs are made again.
PIPELINE_VERSION = 1
PROVIDER_CHUNK_CHARACTERS = 3500  # below OpenAI's 4,096-character input limit
STALE_AFTER = timedelta(minutes=15)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”')\]]*\s+")


@dataclass
class Spoken:
    path: Path
    duration: float
    spans: list[tuple[float, float]]  # where each chunk sits in the audio
    chunks: list[str]
    words: list[Word] | None  # the provider's own timings, when it has them
    seconds: float


def chunks_of(text: str) -> list[str]:
    """Paragraphs, then sentences: the pieces voiced (and aligned) one by one."""
    chunks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        paragraph = " ".join(paragraph.split())
        chunks += [sentence.strip() for sentence in _SENTENCE_END.split(paragraph) if sentence.strip()]
    return chunks


def _groups(chunks: list[str], limit: int) -> list[str]:
    """Join sentences into pieces of at most `limit` characters (a provider's input limit)."""
    groups: list[str] = []
    for chunk in chunks:
        if groups and len(groups[-1]) + 1 + len(chunk) <= limit:
            groups[-1] += " " + chunk
        else:
            groups.append(chunk[:limit])
    return groups


def _cache_key(voice: Voice, text: str, speed: float) -> str:
    material = {
        "engine": voice.engine,
        "voice": voice.voice_id,
        "key": voice.key_id,
        "speed": round(speed, 3),
        "text": text,
        "pipeline": PIPELINE_VERSION,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _clean_speed(speed) -> float:
    if isinstance(speed, bool) or not isinstance(speed, int | float) or not MIN_SPEED <= speed <= MAX_SPEED:
        raise ApplicationError(
            f"Speed goes from {MIN_SPEED} to {MAX_SPEED} (1 is normal).",
            fields={"speed": [f"Between {MIN_SPEED} and {MAX_SPEED}."]},
        )
    return float(speed)


def voice_over_create(
    *,
    owner: User,
    voice: Voice | None = None,
    text: str | None = None,
    script: Script | None = None,
    speed: float = 1.0,
    regenerate: bool = False,
    enqueue: bool = True,
) -> VoiceOver:
    """Voice a script or free text; the stored voice-over when the same was voiced before, else a
    new one made in the background (`queued`), or by the caller itself with `enqueue=False`."""
    from production.studio.services.scripts import _check_text

    if (text is None) == (script is None):
        raise ApplicationError("Give either a script or text to voice.", fields={"text": ["Give text or a script."]})
    if script is not None:
        if script.owner_id != owner.pk:
            raise ApplicationError("No such script.", code="not_found", fields={"script": ["Unknown script."]})
        if script.status != ScriptStatus.READY:
            raise ApplicationError("The script is not ready yet.", fields={"script": ["Wait until it is written."]})
        text = script.spoken_text
    text = _check_text(text or "")
    voice = voice_for_user(user=owner, voice=voice) if voice is not None else default_voice(user=owner)
    speed = _clean_speed(speed)
    cache_key = _cache_key(voice, text, speed)
    if not regenerate:
        cached = (
            VoiceOver.objects.filter(
                owner=owner, cache_key=cache_key, status=VoiceOverStatus.READY, asset__isnull=False
            )
            .order_by("-created_at")
            .first()
        )
        if cached is not None and (script is None or cached.script_id in (None, script.pk)):
            return cached
        if cached is not None:  # the same words in another script: share the audio, not the record
            return VoiceOver.objects.create(
                owner=owner,
                script=script,
                voice=voice,
                text=text,
                speed=speed,
                cache_key=cache_key,
                status=VoiceOverStatus.READY,
                progress=100,
                asset=cached.asset,
                timing_source=cached.timing_source,
                aligned_share=cached.aligned_share,
            )
    with transaction.atomic():
        voice_over = VoiceOver.objects.create(
            owner=owner, script=script, voice=voice, text=text, speed=speed, cache_key=cache_key
        )
        if enqueue:
            _enqueue(voice_over)
    return voice_over


def _enqueue(voice_over: VoiceOver) -> None:
    from production.studio.tasks import voice_over_make_task

    voice_over_id = voice_over.pk
    transaction.on_commit(lambda: voice_over_make_task.delay(voice_over_id))


# --- making one (the task body) -------------------------------------------------------------


def _progress(voice_over: VoiceOver, status: str, progress: int) -> None:
    voice_over.status, voice_over.progress = status, progress
    voice_over.save(update_fields=["status", "progress", "updated_at"])


def voice_over_make(*, voice_over_id: int, take_over: bool = False) -> VoiceOver | None:
    """Claim a queued voice-over, voice it, time its words, store the asset; ends ready or failed.

    `take_over`: the caller owns this voice-over and knows no one else is making it (a generation
    job resuming after its worker died), so one left half-made is made again."""
    statuses = [VoiceOverStatus.QUEUED]
    if take_over:
        statuses += [VoiceOverStatus.SYNTHESIZING, VoiceOverStatus.ALIGNING]
    claimed = VoiceOver.objects.filter(pk=voice_over_id, status__in=statuses).update(
        status=VoiceOverStatus.SYNTHESIZING, progress=5, updated_at=timezone.now()
    )
    if not claimed:
        return None
    voice_over = VoiceOver.objects.select_related("voice", "voice__key", "owner", "script").get(pk=voice_over_id)
    try:
        with tempfile.TemporaryDirectory(prefix="reelmill-voice-", dir=_scratch()) as folder:
            _make(voice_over, Path(folder))
    except Exception as exc:  # every failure becomes the voice-over's readable error
        message = _failure_message(exc)
        if message is None:
            logger.exception("Voice-over %s failed", voice_over_id)
            message = "Voicing failed on our side; it has been logged. Try again."
        voice_over.status, voice_over.error = VoiceOverStatus.FAILED, message[:1000]
        voice_over.save(update_fields=["status", "error", "updated_at"])
    return voice_over


def _scratch() -> str:
    folder = Path(settings.RENDER_SCRATCH_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _failure_message(exc: Exception) -> str | None:
    from production.studio.engines.errors import EngineError
    from production.studio.providers import ProviderError

    if isinstance(exc, ApplicationError | ProviderError | EngineError):
        return exc.message
    return None


def _make(voice_over: VoiceOver, workdir: Path) -> None:
    from production.studio.engines import alignment

    spoken = speak(
        user=voice_over.owner,
        voice=voice_over.voice,
        chunks=chunks_of(voice_over.text),
        speed=voice_over.speed,
        workdir=workdir,
    )
    voice_over.synthesis_seconds = round(spoken.seconds, 3)
    _progress(voice_over, VoiceOverStatus.ALIGNING, 60)
    started = time.monotonic()
    if spoken.words is not None:
        words, source, share = spoken.words, TimingSource.PROVIDER, 1.0
    else:
        result = alignment.align(spoken.path, voice_over.text, spans=spoken.spans, chunks=spoken.chunks)
        words, source, share = result.words, result.source, result.aligned_share
    voice_over.alignment_seconds = round(time.monotonic() - started, 3)
    _progress(voice_over, VoiceOverStatus.ALIGNING, 90)
    asset = _store(voice_over, spoken.path, words)
    voice_over.asset = asset
    voice_over.timing_source = source
    voice_over.aligned_share = round(share, 3)
    voice_over.status, voice_over.progress, voice_over.error = VoiceOverStatus.READY, 100, ""
    voice_over.save()


def _store(voice_over: VoiceOver, path: Path, words: list[Word]) -> MediaAsset:
    from library.services import media_asset_ingest, media_asset_set_word_timings

    title = voice_over.script.title if voice_over.script and voice_over.script.title else voice_over.text[:60]
    try:
        asset = media_asset_ingest(
            owner=voice_over.owner,
            kind=MediaKind.VOICE_OVER,
            path=path,
            filename=f"voice-over{path.suffix}",
            title=f"Voice-over: {title}"[:200],
            tags=["voice-over"],
            source=MediaSource.GENERATED,
            license_note=voice_over.voice.licence,
            royalty_free=True,
        )
    except ConflictError as exc:  # the same audio is in the library already: reuse it
        asset = MediaAsset.objects.get(pk=exc.extra["existing_id"])
    return media_asset_set_word_timings(asset=asset, words=[word.as_dict() for word in words])


# --- speaking: one voice, any engine --------------------------------------------------------


def speak(*, user: User, voice: Voice, chunks: list[str], speed: float, workdir: Path) -> Spoken:
    """Audio of `chunks` said one after the other, and where each chunk sits in it."""
    if not chunks:
        raise ApplicationError("There is nothing to say.", fields={"text": ["Give some words."]})
    started = time.monotonic()
    if voice.engine in LOCAL_ENGINES:
        spoken = _speak_locally(voice, chunks, speed, workdir)
    else:
        spoken = _speak_with_provider(user, voice, chunks, speed, workdir)
    spoken.seconds = time.monotonic() - started
    return spoken


def _speak_locally(voice: Voice, chunks: list[str], speed: float, workdir: Path) -> Spoken:
    from production.studio.engines import piper

    # The engines say numbers, money and years the way the aligner expects them (normalize.py).
    if voice.engine == Engine.ESPEAK:
        result = piper.synthesize_espeak(chunks, voice_id=voice.voice_id, speed=speed, workdir=workdir)
    else:
        result = piper.synthesize(chunks, speed=speed, workdir=workdir)
    return Spoken(result.wav_path, result.duration, list(result.spans), chunks, None, 0.0)


def _speak_with_provider(user: User, voice: Voice, chunks: list[str], speed: float, workdir: Path) -> Spoken:
    from production.studio import providers
    from production.studio.engines import alignment, audio
    from production.studio.providers.pricing import estimate_cost
    from production.studio.services.keys import key_for, operator_key
    from production.studio.services.usage import provider_call

    provider = {Engine.OPENAI: Provider.OPENAI, Engine.ELEVENLABS: Provider.ELEVENLABS}.get(
        voice.engine, Provider.OPENAI_COMPATIBLE
    )
    resolved = key_for(user=user, provider=provider, key=voice.key) if voice.key else operator_key(provider)
    if resolved is None:
        raise ApplicationError(f"The voice {voice.name} needs a {Provider(provider).label} key.")
    credentials = replace(resolved.credentials(), voice=voice.voice_id)
    groups = _groups(chunks, PROVIDER_CHUNK_CHARACTERS)
    pieces: list[Path] = []
    timed: list[list[Word] | None] = []
    for index, group in enumerate(groups):
        estimate = estimate_cost(provider, CallKind.SPEECH, resolved.model, characters=len(group))
        result = provider_call(
            user=user,
            resolved=resolved,
            kind=CallKind.SPEECH,
            model=resolved.model,
            estimate=estimate if estimate > 0 else Decimal("0"),
            call=lambda group=group: providers.speech(credentials, group, voice=voice.voice_id, speed=speed),
        )
        source = workdir / f"received-{index}.{result.extension}"
        source.write_bytes(result.audio)
        pieces.append(audio.to_wav(source, workdir / f"piece-{index}.wav"))
        timed.append(alignment.words_from_characters(group, *result.char_timings) if result.char_timings else None)
    joined = audio.join_wavs(pieces, workdir / "voice.wav")
    words = None
    if all(group_words is not None for group_words in timed):
        words = [
            Word(word.text, word.start + span[0], word.end + span[0])
            for group_words, span in zip(timed, joined.spans, strict=True)
            for word in group_words
        ]
    return Spoken(joined.wav_path, joined.duration, list(joined.spans), groups, words, 0.0)


# --- recovery and deletion -------------------------------------------------------------------


def voice_over_delete(*, voice_over: VoiceOver) -> None:
    """Delete the voice-over record; its audio stays in the library until deleted there."""
    voice_over.delete()


def voice_overs_resume_stalled(*, limit: int = 50) -> int:
    """Re-send voice-overs whose message was lost or whose worker died mid-way."""
    from production.studio.tasks import voice_over_make_task

    now = timezone.now()
    busy = [VoiceOverStatus.SYNTHESIZING, VoiceOverStatus.ALIGNING]
    stale = VoiceOver.objects.filter(status__in=busy, updated_at__lt=now - STALE_AFTER).values_list("pk", flat=True)
    VoiceOver.objects.filter(pk__in=list(stale[:limit])).update(status=VoiceOverStatus.QUEUED, updated_at=now)
    waiting = list(
        VoiceOver.objects.filter(status=VoiceOverStatus.QUEUED, updated_at__lt=now - timedelta(minutes=1)).values_list(
            "pk", flat=True
        )[:limit]
    )
    for voice_over_id in waiting:
        voice_over_make_task.delay(voice_over_id)
    return len(waiting)


def voice_over_srt(voice_over: VoiceOver) -> str:
    from production.studio.engines import subtitles

    return subtitles.to_srt(voice_over_words(voice_over))


def voice_over_vtt(voice_over: VoiceOver) -> str:
    from production.studio.engines import subtitles

    return subtitles.to_vtt(voice_over_words(voice_over))


def voice_over_words(voice_over: VoiceOver) -> list[Word]:
    if voice_over.asset is None or not voice_over.asset.word_timings:
        raise ApplicationError("This voice-over has no word timings yet.", code="not_ready")
    return [Word.from_dict(word) for word in voice_over.asset.word_timings]
