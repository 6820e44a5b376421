"""OpenAI, and every server that speaks its API: Ollama, vLLM, LM Studio, llama.cpp, OpenRouter.

Calls go through the official `openai` package with its own retries off (`max_retries=0`):
`with_retries` decides, so every provider retries the same way. Its transport honours our
connect and read timeouts (`openai.Timeout`). Bodies are read raw (`with_raw_response`) and
parsed here, so a server that answers HTML or a wrong shape gives a readable
INVALID_RESPONSE instead of a half-built object. Every `openai` exception becomes a
`ProviderError` raised `from None`: the library's messages quote the response body, which
can echo the key.

Local servers take any key; a blank one is sent as "not-needed".
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx2
import openai

from production.studio.providers.base import (
    OPENAI,
    OPENAI_COMPATIBLE,
    ChatResult,
    Credentials,
    ErrorKind,
    ProviderAdapter,
    ProviderError,
    SpeechResult,
    VoiceInfo,
    parse_retry_after,
    status_error,
    timed_out,
    timeouts,
    unreachable,
    wav_seconds,
    with_retries,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_CHAT_MODEL = "gpt-4o-mini"
DEFAULT_SPEECH_MODEL = "gpt-4o-mini-tts"
SPEECH_FORMATS = {"wav": "wav", "mp3": "mp3"}  # response_format -> file extension we store

# The built-in voices of POST /audio/speech (API reference); all are multilingual, English-first.
_VOICES = (
    ("alloy", "Alloy", "neutral", ["balanced"]),
    ("ash", "Ash", "male", ["clear"]),
    ("ballad", "Ballad", "male", ["expressive"]),
    ("coral", "Coral", "female", ["warm"]),
    ("echo", "Echo", "male", ["smooth"]),
    ("fable", "Fable", "male", ["storyteller", "british"]),
    ("nova", "Nova", "female", ["bright"]),
    ("onyx", "Onyx", "male", ["deep"]),
    ("sage", "Sage", "female", ["calm"]),
    ("shimmer", "Shimmer", "female", ["soft"]),
    ("verse", "Verse", "male", ["expressive"]),
    ("marin", "Marin", "female", ["natural"]),
    ("cedar", "Cedar", "male", ["natural"]),
)

# Phrases with which servers refuse a response_format they do not implement.
_FORMAT_REFUSAL = re.compile(r"response_format|json_schema|json_object|structured output|grammar", re.IGNORECASE)
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
_SCHEMA_NAME = re.compile(r"[^a-zA-Z0-9_-]")


def voices() -> list[VoiceInfo]:
    return [
        VoiceInfo(voice_id=voice_id, name=name, language="en", gender=gender, tags=[gender, *tags])
        for voice_id, name, gender, tags in _VOICES
    ]


class OpenAIAdapter(ProviderAdapter):
    name = "OpenAI"
    providers = (OPENAI, OPENAI_COMPATIBLE)

    # --- what the adapter offers ----------------------------------------------------------
    def test(self, creds: Credentials) -> str:
        models = self.list_models(creds)
        if not models:
            return f"{creds.host} answers, but serves no models yet."
        shown = ", ".join(models[:5]) + (", …" if len(models) > 5 else "")
        summary = f"{len(models)} model{'s' if len(models) != 1 else ''}: {shown}"
        if creds.model and creds.model not in models:
            summary += f" (the chosen model {creds.model} is not among them)"
        return summary

    def list_models(self, creds: Credentials) -> list[str]:
        payload = self._call(creds, "list models", lambda client: _json(client.models.with_raw_response.list(), creds))
        data = payload.get("data")
        if not isinstance(data, list):
            raise _invalid(creds, "its model list has no `data` array")
        return sorted(str(item["id"]) for item in data if isinstance(item, dict) and item.get("id"))

    def list_voices(self, creds: Credentials) -> list[VoiceInfo]:
        return voices()

    def chat(
        self,
        creds: Credentials,
        messages: list[dict[str, str]],
        *,
        json_schema: dict | None = None,
        max_tokens: int = 1200,
        temperature: float = 0.7,
        seed: int | None = None,
    ) -> ChatResult:
        """One chat completion; with `json_schema`, an answer parsed and checked to be a JSON object.

        The schema goes as `response_format: json_schema` (strict). A server that refuses
        that with a 400 about the format is asked again with `json_object`, then with no
        format at all, the schema spelled out in a system message each time.
        """
        model = creds.model or (DEFAULT_CHAT_MODEL if creds.provider == OPENAI else "")
        if not model:
            raise ProviderError(
                f"Choose a model for {creds.host}: testing the key lists the ones it serves.",
                permanent=True,
                kind=ErrorKind.NOT_CONFIGURED,
            )
        started = time.monotonic()
        modes = ["json_schema", "json_object", "none"] if json_schema is not None else ["text"]
        for index, mode in enumerate(modes):
            params = self._chat_params(creds, model, messages, mode, json_schema, max_tokens, temperature, seed)
            try:
                payload = self._complete(creds, params)
            except ProviderError as error:
                last = index == len(modes) - 1
                if error.status == 400 and not last and _refuses_format(error.message):
                    logger.info("%s refuses response_format %s; asking with %s", creds.host, mode, modes[index + 1])
                    continue
                raise
            return self._chat_result(creds, payload, json_schema, max_tokens, time.monotonic() - started)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def speech(
        self,
        creds: Credentials,
        text: str,
        *,
        voice: str,
        speed: float = 1.0,
        model: str = DEFAULT_SPEECH_MODEL,
        response_format: str = "wav",
        instructions: str = "",
    ) -> SpeechResult:
        """POST /audio/speech: `text` voiced by `voice` at `speed` (0.25–4.0), as WAV or MP3."""
        if response_format not in SPEECH_FORMATS:
            raise ValueError(f"response_format must be one of {sorted(SPEECH_FORMATS)}")
        voice = voice or creds.voice
        if not voice:
            raise ProviderError("Choose a voice first.", permanent=True, kind=ErrorKind.NOT_CONFIGURED)
        params: dict[str, Any] = {
            "model": model,
            "input": text,
            "voice": voice,
            "speed": speed,
            "response_format": response_format,
        }
        if instructions:
            params["instructions"] = instructions
        started = time.monotonic()
        raw = self._call(creds, "speech", lambda client: client.audio.speech.with_raw_response.create(**params))
        audio = raw.content
        content_type = raw.headers.get("content-type", "")
        if not audio or "json" in content_type or "html" in content_type:
            raise _invalid(creds, f"it answered {content_type or 'nothing'} instead of audio")
        if response_format == "wav" and audio[:4] != b"RIFF":
            raise _invalid(creds, "its answer is not a WAV file")
        return SpeechResult(
            audio=audio,
            extension=SPEECH_FORMATS[response_format],
            characters=len(text),
            seconds=round(time.monotonic() - started, 3),
            model=model,
            char_timings=None,
            audio_seconds=wav_seconds(audio) if response_format == "wav" else None,
        )

    # --- plumbing -------------------------------------------------------------------------
    def _client(self, creds: Credentials) -> openai.OpenAI:
        if creds.provider == OPENAI and not creds.api_key:
            raise ProviderError("Add your OpenAI API key first.", permanent=True, kind=ErrorKind.NOT_CONFIGURED)
        connect, read = timeouts()
        return openai.OpenAI(
            api_key=creds.api_key or "not-needed",
            base_url=creds.resolved_base_url(),
            timeout=openai.Timeout(read, connect=connect),
            max_retries=0,
        )

    def _call(self, creds: Credentials, what: str, request: Callable[[openai.OpenAI], T]) -> T:
        """`request(client)` with retries, every `openai` failure turned into a ProviderError."""

        def once() -> T:
            client = self._client(creds)
            try:
                return request(client)
            except openai.APIStatusError as error:
                raise _status_error(error, creds) from None
            except openai.APITimeoutError as error:
                if isinstance(error.__cause__, httpx2.ConnectTimeout):
                    raise unreachable(creds.resolved_base_url()) from None
                raise timed_out(creds.host, timeouts()[1]) from None
            except openai.APIConnectionError as error:
                if isinstance(error.__cause__, httpx2.ConnectError):
                    raise unreachable(creds.resolved_base_url()) from None
                raise ProviderError(
                    f"the connection to {creds.host} broke before an answer came",
                    permanent=False,
                    kind=ErrorKind.TRANSIENT,
                ) from None
            except openai.OpenAIError as error:
                raise ProviderError(
                    f"{creds.host}: the request could not be made ({type(error).__name__})",
                    permanent=True,
                    kind=ErrorKind.INVALID_RESPONSE,
                    secrets=creds.secrets(),
                ) from None
            finally:
                client.close()

        return with_retries(once, what=f"{creds.provider} {what} at {creds.host}")

    def _complete(self, creds: Credentials, params: dict[str, Any]) -> dict[str, Any]:
        def request(client: openai.OpenAI) -> dict[str, Any]:
            return _json(client.chat.completions.with_raw_response.create(**params), creds)

        return self._call(creds, "chat", request)

    @staticmethod
    def _chat_params(
        creds: Credentials,
        model: str,
        messages: list[dict[str, str]],
        mode: str,
        json_schema: dict | None,
        max_tokens: int,
        temperature: float,
        seed: int | None,
    ) -> dict[str, Any]:
        messages = [dict(message) for message in messages]
        if mode in ("json_object", "none") and json_schema is not None:
            messages.insert(
                0,
                {
                    "role": "system",
                    "content": "Answer with one JSON object and nothing else (no prose, no code fences), "
                    "following this JSON Schema:\n" + json.dumps(json_schema, separators=(",", ":")),
                },
            )
        params: dict[str, Any] = {"model": model, "messages": messages, "temperature": temperature}
        # OpenAI's newer models take only max_completion_tokens; local servers know max_tokens.
        params["max_completion_tokens" if creds.provider == OPENAI else "max_tokens"] = max_tokens
        if seed is not None:
            params["seed"] = seed
        if mode == "json_schema" and json_schema is not None:
            name = _SCHEMA_NAME.sub("_", str(json_schema.get("title") or "answer"))[:64]
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": json_schema, "strict": True},
            }
        elif mode == "json_object":
            params["response_format"] = {"type": "json_object"}
        return params

    @staticmethod
    def _chat_result(
        creds: Credentials, payload: dict[str, Any], json_schema: dict | None, max_tokens: int, seconds: float
    ) -> ChatResult:
        choices = payload.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise _invalid(creds, "its answer has no choices")
        choice = choices[0]
        message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
        if message.get("refusal"):
            raise ProviderError(
                f"the model at {creds.host} declined: {message['refusal']}",
                permanent=True,
                kind=ErrorKind.REFUSED,
                secrets=creds.secrets(),
            )
        text = message.get("content")
        if not isinstance(text, str):
            raise _invalid(creds, "its answer has no text")
        finish_reason = str(choice.get("finish_reason") or "")
        usage = payload.get("usage") if isinstance(payload.get("usage"), dict) else {}
        data = None
        if json_schema is not None:
            data = _parse_object(text)
            if data is None and finish_reason == "length":
                raise ProviderError(
                    f"the model at {creds.host} was cut off at {max_tokens} tokens before finishing its JSON; "
                    "allow more tokens or ask for a shorter script",
                    permanent=True,
                    kind=ErrorKind.INVALID_RESPONSE,
                )
            if data is None:
                raise ProviderError(
                    f"the model at {creds.host} did not answer with a JSON object",
                    permanent=False,  # a second try often succeeds
                    kind=ErrorKind.INVALID_RESPONSE,
                )
        return ChatResult(
            text=text,
            finish_reason=finish_reason,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            model=str(payload.get("model") or creds.model),
            seconds=round(seconds, 3),
            data=data,
        )


def _refuses_format(message: str) -> bool:
    """A 400 about the response_format itself; not one about our schema, which is our bug to see."""
    return bool(_FORMAT_REFUSAL.search(message)) and "invalid schema" not in message.lower()


def _json(raw: Any, creds: Credentials) -> dict[str, Any]:
    """The body of a raw `openai` response as a JSON object, or INVALID_RESPONSE."""
    try:
        payload = json.loads(raw.text)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise _invalid(creds, "its answer is not JSON (is the address the API's, ending in /v1?)")
    return payload


def _invalid(creds: Credentials, why: str) -> ProviderError:
    return ProviderError(
        f"{creds.host} gave an answer ReelMill cannot use: {why}",
        permanent=True,
        kind=ErrorKind.INVALID_RESPONSE,
        secrets=creds.secrets(),
    )


def _parse_object(text: str) -> dict[str, Any] | None:
    fenced = _FENCE.match(text)
    try:
        data = json.loads(fenced.group(1) if fenced else text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _status_error(error: openai.APIStatusError, creds: Credentials) -> ProviderError:
    body = error.body
    if isinstance(body, dict):
        detail = str(body.get("message") or body.get("detail") or body.get("error") or "")
        code = str(body.get("code") or body.get("type") or "")
    else:
        detail, code = (str(body) if body else ""), ""
    status = error.status_code
    headers = error.response.headers
    retry_after = parse_retry_after(headers.get("retry-after"))
    if retry_after is None and headers.get("retry-after-ms"):
        retry_after = (parse_retry_after(headers.get("retry-after-ms")) or 0.0) / 1000
    kind = permanent = None
    words = ""
    if status == 429 and "insufficient_quota" in (code, str(body.get("type") if isinstance(body, dict) else "")):
        kind, permanent, words = ErrorKind.QUOTA, True, "the account has no credit left"
        retry_after = None
    elif status == 404 and not detail:
        detail = "check the model name, and that the address ends in /v1"
    return status_error(
        status,
        creds.host,
        detail,
        kind=kind,
        permanent=permanent,
        words=words,
        retry_after=retry_after,
        secrets=creds.secrets(),
    )


ADAPTER = OpenAIAdapter()


def test(creds: Credentials) -> str:
    return ADAPTER.test(creds)


test.__test__ = False  # not a pytest test when imported into a test module


def list_models(creds: Credentials) -> list[str]:
    return ADAPTER.list_models(creds)


def chat(creds: Credentials, messages: list[dict[str, str]], **options: Any) -> ChatResult:
    return ADAPTER.chat(creds, messages, **options)


def speech(creds: Credentials, text: str, *, voice: str, speed: float = 1.0, **options: Any) -> SpeechResult:
    return ADAPTER.speech(creds, text, voice=voice, speed=speed, **options)
