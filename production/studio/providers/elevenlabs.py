"""ElevenLabs text to speech, through the common HTTP client.

Speech comes from `POST /v1/text-to-speech/{voice_id}/with-timestamps`, which answers JSON:
the audio as base64 (MP3 at 44.1 kHz / 128 kbps unless asked otherwise) and the time at which
each character of the text starts and ends. Those timings are kept (`char_timings`) so the
captions can follow the voice without aligning it ourselves.

Authentication is the `xi-api-key` header. Errors come as `{"detail": {"status"|"code",
"message"}}` (422 validation errors as a list), e.g. 401 `invalid_api_key`, 401
`quota_exceeded`, 400/404 `voice_not_found`, 429 `rate_limit_exceeded`.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from typing import Any
from urllib.parse import quote

from common.http_client import HttpClient, Response, TransportError
from production.studio.providers.base import (
    ELEVENLABS,
    Credentials,
    ErrorKind,
    ProviderAdapter,
    ProviderError,
    SpeechResult,
    VoiceInfo,
    status_error,
    timed_out,
    timeouts,
    unreachable,
    with_retries,
)

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "eleven_multilingual_v2"
OUTPUT_FORMAT = "mp3_44100_128"
MIN_SPEED, MAX_SPEED = 0.7, 1.2  # voice_settings.speed, from the API reference
_QUOTA_CODES = {"quota_exceeded", "insufficient_quota"}


class ElevenLabsAdapter(ProviderAdapter):
    name = "ElevenLabs"
    providers = (ELEVENLABS,)

    def __init__(self, http: HttpClient | None = None) -> None:
        self._http = http

    # --- what the adapter offers ----------------------------------------------------------
    def test(self, creds: Credentials) -> str:
        """The plan and characters left (GET /v1/user); a key without user access lists voices instead."""
        try:
            user = self._get(creds, "/v1/user", "test the key")
        except ProviderError as error:
            if error.kind != ErrorKind.AUTH or "permission" not in error.message.lower():
                raise
            count = len(self.list_voices(creds))
            return f"{count} voice{'s' if count != 1 else ''} available"
        subscription = user.get("subscription") if isinstance(user.get("subscription"), dict) else {}
        tier = str(subscription.get("tier") or "unknown")
        used, limit = subscription.get("character_count"), subscription.get("character_limit")
        if isinstance(used, int) and isinstance(limit, int):
            return f"{tier} plan: {max(0, limit - used):,} of {limit:,} characters left this month"
        return f"{tier} plan"

    def list_voices(self, creds: Credentials) -> list[VoiceInfo]:
        payload = self._get(creds, "/v1/voices", "list voices")
        voices = payload.get("voices")
        if not isinstance(voices, list):
            raise _invalid(creds, "its voice list has no `voices` array")
        return [_voice(item) for item in voices if isinstance(item, dict) and item.get("voice_id")]

    def list_models(self, creds: Credentials) -> list[str]:
        models = self._request(creds, "GET", "/v1/models", "list models", expect=list)
        return [
            str(model["model_id"])
            for model in models
            if isinstance(model, dict) and model.get("model_id") and model.get("can_do_text_to_speech", True)
        ]

    def speech(
        self,
        creds: Credentials,
        text: str,
        *,
        voice: str,
        speed: float = 1.0,
        model: str = "",
    ) -> SpeechResult:
        """`text` voiced by `voice` (a voice_id) at `speed` (0.7–1.2) as MP3, with character timings.

        `model` "" means the key's chosen model, else eleven_multilingual_v2."""
        voice = voice or creds.voice
        model = model or creds.model or DEFAULT_MODEL
        if not voice:
            raise ProviderError("Choose an ElevenLabs voice first.", permanent=True, kind=ErrorKind.NOT_CONFIGURED)
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise ProviderError(
                f"ElevenLabs speaks at {MIN_SPEED}–{MAX_SPEED}× speed; {speed:g}× is outside that range.",
                permanent=True,
                kind=ErrorKind.REFUSED,
            )
        body: dict[str, Any] = {"text": text, "model_id": model}
        if speed != 1.0:
            body["voice_settings"] = {"speed": speed}
        started = time.monotonic()
        payload = self._request(
            creds,
            "POST",
            f"/v1/text-to-speech/{quote(voice, safe='')}/with-timestamps",
            "speech",
            params={"output_format": OUTPUT_FORMAT},
            json_body=body,
        )
        try:
            audio = base64.b64decode(str(payload.get("audio_base64") or ""), validate=True)
        except (binascii.Error, ValueError):
            audio = b""
        if not audio:
            raise _invalid(creds, "its answer carries no audio")
        timings = _char_timings(payload.get("alignment"))
        if timings is None:
            logger.warning("ElevenLabs answered without usable character timings; captions will be aligned locally")
        return SpeechResult(
            audio=audio,
            extension="mp3",
            characters=len(text),
            seconds=round(time.monotonic() - started, 3),
            model=model,
            char_timings=timings,
            audio_seconds=round(max(timings[2]), 3) if timings and timings[2] else None,
        )

    # --- plumbing -------------------------------------------------------------------------
    def _get(self, creds: Credentials, path: str, what: str) -> dict[str, Any]:
        return self._request(creds, "GET", path, what)

    def _request(
        self,
        creds: Credentials,
        method: str,
        path: str,
        what: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        expect: type = dict,
    ) -> Any:
        """The JSON answer (an object, or with `expect=list` an array), retried; ProviderError otherwise."""
        if not creds.api_key:
            raise ProviderError("Add your ElevenLabs API key first.", permanent=True, kind=ErrorKind.NOT_CONFIGURED)
        url = creds.resolved_base_url() + path
        connect, read = timeouts()
        http = self._http or HttpClient(connect_timeout=connect, read_timeout=read, user_agent="ReelMill studio")

        def once() -> Any:
            try:
                response = http.request(
                    method,
                    url,
                    headers={"xi-api-key": creds.api_key, "Accept": "application/json"},
                    params=params,
                    json_body=json_body,
                    read_timeout=read,
                    secrets=creds.secrets(),
                )
            except TransportError as error:
                if error.unreachable:
                    raise unreachable(url) from None
                if error.timed_out:
                    raise timed_out(creds.host, read) from None
                raise ProviderError(
                    f"the connection to {creds.host} broke before an answer came",
                    permanent=False,
                    kind=ErrorKind.TRANSIENT,
                ) from None
            if not response.ok:
                raise _status_error(response, creds)
            try:
                payload = json.loads(response.text)
            except ValueError:
                payload = None
            if not isinstance(payload, expect):
                raise _invalid(creds, "its answer is not the JSON expected")
            return payload

        try:
            return with_retries(once, what=f"ElevenLabs {what}")
        finally:
            if http is not self._http:
                http.session.close()


def _voice(item: dict[str, Any]) -> VoiceInfo:
    labels = item.get("labels") if isinstance(item.get("labels"), dict) else {}
    languages = item.get("verified_languages") if isinstance(item.get("verified_languages"), list) else []
    language = str(labels.get("language") or "")
    if not language and languages and isinstance(languages[0], dict):
        language = str(languages[0].get("language") or "")
    tags = [
        str(labels[key]).strip()
        for key in ("gender", "accent", "age", "use_case", "descriptive", "description")
        if labels.get(key)
    ]
    return VoiceInfo(
        voice_id=str(item["voice_id"]),
        name=str(item.get("name") or item["voice_id"]),
        language=language,
        gender=str(labels.get("gender") or ""),
        tags=list(dict.fromkeys(tags)),
        description=str(item.get("description") or ""),
        preview_url=str(item.get("preview_url") or ""),
    )


def _char_timings(alignment: Any) -> tuple[list[str], list[float], list[float]] | None:
    if not isinstance(alignment, dict):
        return None
    characters = alignment.get("characters")
    starts = alignment.get("character_start_times_seconds")
    ends = alignment.get("character_end_times_seconds")
    if not (isinstance(characters, list) and isinstance(starts, list) and isinstance(ends, list)):
        return None
    if not characters or not len(characters) == len(starts) == len(ends):
        return None
    try:
        return [str(c) for c in characters], [float(s) for s in starts], [float(e) for e in ends]
    except (TypeError, ValueError):
        return None


def _invalid(creds: Credentials, why: str) -> ProviderError:
    return ProviderError(
        f"{creds.host} gave an answer ReelMill cannot use: {why}",
        permanent=True,
        kind=ErrorKind.INVALID_RESPONSE,
        secrets=creds.secrets(),
    )


def _status_error(response: Response, creds: Credentials) -> ProviderError:
    detail, code = _detail(response)
    kind = permanent = None
    words = ""
    if code in _QUOTA_CODES:
        kind, permanent, words = ErrorKind.QUOTA, True, "the account has no characters left"
    elif code == "voice_not_found":
        words = "voice not found"
    elif response.status == 422:
        words = "the request was refused"
    elif code == "missing_permissions":
        words = "this key is missing a permission"
    return status_error(
        response.status,
        creds.host,
        detail,
        kind=kind,
        permanent=permanent,
        words=words,
        retry_after=response.retry_after(),
        secrets=creds.secrets(),
    )


def _detail(response: Response) -> tuple[str, str]:
    """(message, code) from `{"detail": {...}}`, a 422 list, or a plain body."""
    try:
        body = json.loads(response.text)
    except ValueError:
        return response.text.strip()[:200], ""
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, dict):
        code = str(detail.get("code") or detail.get("status") or "")
        return str(detail.get("message") or code), code
    if isinstance(detail, list):  # FastAPI validation errors
        parts = [
            f"{'.'.join(str(p) for p in item.get('loc', [])[1:])}: {item.get('msg', '')}".strip(": ")
            for item in detail
            if isinstance(item, dict)
        ]
        return "; ".join(parts), "validation_error"
    return (str(detail) if detail else ""), ""


ADAPTER = ElevenLabsAdapter()


def test(creds: Credentials) -> str:
    return ADAPTER.test(creds)


test.__test__ = False  # not a pytest test when imported into a test module


def list_voices(creds: Credentials) -> list[VoiceInfo]:
    return ADAPTER.list_voices(creds)


def speech(creds: Credentials, text: str, *, voice: str, speed: float = 1.0, model: str = "") -> SpeechResult:
    return ADAPTER.speech(creds, text, voice=voice, speed=speed, model=model)
